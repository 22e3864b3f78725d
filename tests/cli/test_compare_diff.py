"""The difference engine: what counts as a difference, where it is named, and what is volatile."""

from __future__ import annotations

from typing import Any

from emulator.cli.compare_diff import Difference, Side, differences


def page(*ids: int, total: int = 3, resp_time: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "queryIndexParam": {"pageSize": 15, "respTime": resp_time}, "recordIds": [None] * len(ids),
        "queryPagingInfo": {"totalRecords": total, "pageRecordSize": len(ids)},
        "assets": [{"id": i, "name": f"A{i}", **extra} for i in ids],
    }  # fmt: skip


def test_a_different_status_is_the_only_difference_named() -> None:
    found = differences("q", Side(200, page(1, 2)), Side(400, {"errorCode": "ValidationException"}))
    assert found == [Difference("q", "status", "status", 200, 400)]


def test_the_answer_time_and_the_hosts_in_links_are_volatile() -> None:
    mine = {"self": "http://127.0.0.1:1/rest/api/2/user?key=A", "n": 1, **page(1, resp_time=5)}
    theirs = {"self": "https://jira.internal:8443/rest/api/2/user?key=A", "n": 1, **page(1, resp_time=9)}
    assert differences("q", Side(200, mine), Side(200, theirs)) == []


def test_totals_missing_ids_order_and_fields_are_each_named() -> None:
    assert differences("q", Side(200, page(1, 2, total=4)), Side(200, page(1, 2))) == [
        Difference("q", "queryPagingInfo.totalRecords", "totals", 4, 3)
    ]
    assert differences("q", Side(200, page(1, 2)), Side(200, page(1, 3))) == [
        Difference("q", "assets ids", "ids", [2], [3])
    ]
    assert differences("q", Side(200, page(2, 1)), Side(200, page(1, 2))) == [
        Difference("q", "assets order", "order", [2, 1], [1, 2])
    ]
    assert differences("q", Side(200, page(1, x=[1, 2])), Side(200, page(1, x=[1, 3]))) == [
        Difference("q", "assets[id=1].x[1]", "field", 2, 3)
    ]


def test_a_key_on_one_side_only_is_a_difference() -> None:
    assert differences("q", Side(200, {"a": 1}), Side(200, {"a": 1, "b": None})) == [
        Difference("q", "b", "field", "(absent)", None)
    ]
