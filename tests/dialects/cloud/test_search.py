"""Cloud listing and search (cloud-api.md §2): 1-based paging, filters with every operator, free text, sort echo."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from emulator.testing import Client
from tests.dialects.cloud.helpers import BASE, FROZEN, bearer, call, keys

JDOE_ACCOUNT = "557058:00000000-0000-4000-8000-000000010100"


@pytest.fixture
def read(emulator_app: FastAPI) -> dict[str, str]:
    emulator_app.state.emulator.clock.freeze(FROZEN)
    return bearer(emulator_app, "READ")


def _search(client: Client, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    result: dict[str, Any] = call(client, "POST", "/assets/search", headers, json=body)
    return result


def _found(client: Client, headers: dict[str, str], *filters: dict[str, Any], **body: Any) -> list[str]:
    return keys(_search(client, headers, filters=list(filters), **body))


def _head(page: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in page.items() if k != "assets"}


def test_a_listing_starts_at_1_with_50_assets_and_shows_the_values_used(
    emulator_client: Client, read: dict[str, str]
) -> None:
    page = call(emulator_client, "GET", "/assets", read)

    assert _head(page) == {"startAt": 1, "maxResult": 50, "total": 39, "sortParams": []}
    assert keys(page)[:4] == ["SRVS-1", "SRVS-2", "SRVS-3", "PRN-1"]  # id order
    assert len(page["assets"]) == 39


def test_start_at_51_style_paging_counts_positions_from_1(emulator_client: Client, read: dict[str, str]) -> None:
    first = call(emulator_client, "GET", "/assets?maxResult=10", read)
    second = call(emulator_client, "GET", "/assets?startAt=11&maxResult=10", read)
    everything = keys(call(emulator_client, "GET", "/assets", read))

    assert keys(first) == everything[:10]
    assert keys(second) == everything[10:20]
    assert _head(second) == {"startAt": 11, "maxResult": 10, "total": 39, "sortParams": []}


def test_start_at_0_is_read_as_1(emulator_client: Client, read: dict[str, str]) -> None:
    page = call(emulator_client, "GET", "/assets?startAt=0&maxResult=2", read)

    assert _head(page) == {"startAt": 1, "maxResult": 2, "total": 39, "sortParams": []}
    assert keys(page) == ["SRVS-1", "SRVS-2"]


def test_max_result_above_100_is_capped_at_100(emulator_client: Client, read: dict[str, str]) -> None:
    page = _search(emulator_client, read, maxResult=500)

    assert _head(page)["maxResult"] == 100


def test_max_results_and_start_are_accepted_as_aliases(emulator_client: Client, read: dict[str, str]) -> None:
    listed = call(emulator_client, "GET", "/assets?start=3&maxResults=2", read)
    searched = _search(emulator_client, read, start=3, maxResults=2)

    assert _head(listed) == _head(searched) == {"startAt": 3, "maxResult": 2, "total": 39, "sortParams": []}
    assert keys(listed) == keys(searched) == ["SRVS-3", "PRN-1"]


def test_max_result_0_answers_only_the_total(emulator_client: Client, read: dict[str, str]) -> None:
    page = _search(emulator_client, read, maxResult=0, collectionIds=[9])

    assert page == {"startAt": 1, "maxResult": 0, "total": 8, "sortParams": [], "assets": []}


def test_a_negative_start_at_is_a_400_naming_it(emulator_client: Client, read: dict[str, str]) -> None:
    body = call(emulator_client, "GET", "/assets?startAt=-1", read, expect=400)

    assert body == {
        "timestamp": FROZEN, "status": 400, "error": "Bad Request",
        "message": "startAt: -1 is not allowed; positions count from 1", "path": f"{BASE}/assets",
        "errors": [{"field": "startAt", "message": "startAt: -1 is not allowed; positions count from 1"}],
    }  # fmt: skip


def test_a_negative_max_result_in_a_search_is_a_400_naming_it(emulator_client: Client, read: dict[str, str]) -> None:
    body = call(emulator_client, "POST", "/assets/search", read, json={"maxResult": -5}, expect=400)

    assert body["errors"] == [{"field": "maxResult", "message": "maxResult: -5 is not allowed; use 0 to 100"}]


def test_a_non_numeric_start_at_is_a_400_naming_it(emulator_client: Client, read: dict[str, str]) -> None:
    listed = call(emulator_client, "GET", "/assets?startAt=abc", read, expect=400)
    searched = call(emulator_client, "POST", "/assets/search", read, json={"maxResult": "ten"}, expect=400)

    assert [e["field"] for e in listed["errors"]] == ["startAt"]
    assert [e["field"] for e in searched["errors"]] == ["maxResult"]


def test_listing_filters_by_collection_and_sorts_by_the_sort_parameter(
    emulator_client: Client, read: dict[str, str]
) -> None:
    page = call(emulator_client, "GET", "/assets?collectionId=9&sort=name:DESC&maxResult=3", read)

    assert _head(page) == {"startAt": 1, "maxResult": 3, "total": 8, "sortParams": [{"field": "name", "order": "DESC"}]}
    assert [a["asset"]["name"] for a in page["assets"]] == ["Laptop 7", "Laptop 6", "Laptop 5"]


def test_an_unknown_sort_field_in_a_listing_is_a_400(emulator_client: Client, read: dict[str, str]) -> None:
    body = call(emulator_client, "GET", "/assets?sort=colour:ASC", read, expect=400)

    assert body["errors"] == [{"field": "sort", "message": "sort[0].field: unknown field 'colour'"}]


def test_search_sorts_by_several_fields_and_echoes_them(emulator_client: Client, read: dict[str, str]) -> None:
    sort = [{"field": "Status", "order": "asc"}, {"field": "createdAt", "order": "DESC"}]
    page = _search(emulator_client, read, collectionIds=[9], sortParams=sort)

    assert page["sortParams"] == [{"field": "Status", "order": "ASC"}, {"field": "createdAt", "order": "DESC"}]
    assert keys(page) == ["LAP-8", "LAP-4", "LAP-6", "LAP-7", "LAP-1", "LAP-2", "LAP-3", "LAP-5"]


def test_a_bad_sort_order_is_a_400_naming_it(emulator_client: Client, read: dict[str, str]) -> None:
    sort = {"sortParams": [{"field": "name", "order": "UP"}]}
    body = call(emulator_client, "POST", "/assets/search", read, json=sort, expect=400)

    assert body["errors"] == [
        {"field": "sortParams[0].order", "message": "sortParams[0].order: 'UP' is not ASC or DESC"}
    ]


def test_collection_ids_restrict_the_search(emulator_client: Client, read: dict[str, str]) -> None:
    assert keys(_search(emulator_client, read, collectionIds=[2, 6])) == [
        "SRVS-1", "SRVS-2", "SRVS-3", "PRN-1", "PRN-2", "PRN-3",
    ]  # fmt: skip


def test_free_text_searches_key_name_and_text_attributes_with_wildcards(
    emulator_client: Client, read: dict[str, str]
) -> None:
    assert keys(_search(emulator_client, read, query="tomcat")) == ["SRVS-1", "SRVS-2", "SRVS-3"]
    assert keys(_search(emulator_client, read, query="cyrus")) == ["SRVS-1"]  # the Server Name attribute
    assert keys(_search(emulator_client, read, query="lic-?")) == [f"LIC-{n}" for n in range(1, 8)]
    assert keys(_search(emulator_client, read, query="te?t")) == ["LIC-1", "LIC-2"]
    assert keys(_search(emulator_client, read, query="thinkpad x1*")) == ["LAP-2", "LAP-8"]


def test_equals_matches_the_whole_value_ignoring_case(emulator_client: Client, read: dict[str, str]) -> None:
    assert _found(emulator_client, read, {"field": "Vendor", "operator": "EQUALS", "value": "dell"}) == [
        "LAP-1",
        "LAP-7",
    ]
    assert _found(emulator_client, read, {"field": "key", "operator": "EQUALS", "value": "lap-3"}) == ["LAP-3"]


def test_not_equals_includes_assets_without_a_value(emulator_client: Client, read: dict[str, str]) -> None:
    found = _found(
        emulator_client, read, {"field": "Vendor", "operator": "NOT_EQUALS", "value": "Lenovo"}, collectionIds=[9]
    )

    assert found == ["LAP-1", "LAP-3", "LAP-4", "LAP-7"]


def test_contains_finds_a_substring_of_text_and_options(emulator_client: Client, read: dict[str, str]) -> None:
    model = {"field": "Model", "operator": "CONTAINS", "value": "PAD"}
    systems = {"field": "Operating Systems", "operator": "CONTAINS", "value": "hat"}

    assert _found(emulator_client, read, model, collectionIds=[9]) == ["LAP-2", "LAP-5", "LAP-8"]
    assert _found(emulator_client, read, systems) == ["LIC-2", "LIC-4", "SRV-2"]  # "Red Hat Enterprise Linux 9"


def test_in_matches_any_of_the_values_of_a_global_attribute(emulator_client: Client, read: dict[str, str]) -> None:
    found = _found(emulator_client, read, {"field": "Status", "operator": "IN", "value": ["In repair", "retired"]})

    assert found == ["PRN-3", "SRV-3", "SRV-6", "LAP-5"]


def test_number_comparisons_on_attributes_and_globals(emulator_client: Client, read: dict[str, str]) -> None:
    def cost(operator: str, value: float) -> list[str]:
        return _found(emulator_client, read, {"field": "Cost", "operator": operator, "value": value})

    assert cost("GT", 11820) == ["LIC-4", "SRV-2"]
    assert cost("GTE", 11820) == ["LIC-4", "LIC-5", "SRV-2"]
    assert _found(emulator_client, read, {"field": "Seats", "operator": "LT", "value": 5}) == ["LIC-6"]
    assert _found(emulator_client, read, {"field": "Seats", "operator": "LTE", "value": 5}) == ["LIC-1", "LIC-6"]


def test_date_comparisons_cover_whole_days(emulator_client: Client, read: dict[str, str]) -> None:
    def created(operator: str, value: str) -> list[str]:
        return _found(emulator_client, read, {"field": "createdAt", "operator": operator, "value": value})

    assert created("LT", "2023-02-01") == ["PRN-1"]
    assert created("LTE", "2023-02-01") == ["PRN-1", "SRV-1", "SRV-2"]
    assert created("GT", "2025-02-03") == ["SRV-7"]
    assert created("GTE", "2025-02-03") == ["EMP-6", "LAP-8", "SRV-7"]
    assert created("EQUALS", "2025-02-03T08:50:00Z") == ["EMP-6"]


def test_is_empty_and_is_not_empty(emulator_client: Client, read: dict[str, str]) -> None:
    empty = _found(emulator_client, read, {"field": "createdAt", "operator": "IS_EMPTY"})
    filled = _found(emulator_client, read, {"field": "Assigned Laptop", "operator": "IS_NOT_EMPTY"})

    assert empty == ["SRVS-1", "SRVS-2", "SRVS-3", "PRN-2", "SRV-6", "LAP-5"]
    assert filled == ["EMP-2", "EMP-3", "EMP-4", "EMP-5", "EMP-6"]


def test_references_match_by_asset_key_and_users_by_account_id(emulator_client: Client, read: dict[str, str]) -> None:
    laptop = {"field": "Assigned Laptop", "operator": "EQUALS", "value": "LAP-1"}
    assignee = {"field": "globalAttributes.Assignee", "operator": "EQUALS", "value": JDOE_ACCOUNT}

    assert _found(emulator_client, read, laptop) == ["EMP-2"]
    assert _found(emulator_client, read, assignee) == ["LAP-1"]


def test_a_bare_shared_name_means_the_attribute_and_a_qualified_one_the_global(
    emulator_client: Client, read: dict[str, str]
) -> None:
    attribute = {"field": "Serial Number", "operator": "IS_NOT_EMPTY"}
    global_ = {"field": "globalAttributes.Serial Number", "operator": "IS_NOT_EMPTY"}

    assert _found(emulator_client, read, attribute, collectionIds=[2]) == ["SRVS-1", "SRVS-2", "SRVS-3"]
    assert _found(emulator_client, read, global_, collectionIds=[2]) == []


def test_filters_are_and_ed_unless_match_all_is_false(emulator_client: Client, read: dict[str, str]) -> None:
    apple = {"field": "Vendor", "operator": "EQUALS", "value": "Apple"}
    retired = {"field": "9000001", "operator": "EQUALS", "value": "Retired"}  # Status by its global id

    assert _found(emulator_client, read, apple, retired) == []
    assert _found(emulator_client, read, apple, retired, matchAll=False) == ["SRV-6", "LAP-3", "LAP-5"]


def test_an_unknown_filter_field_is_a_400_naming_it(emulator_client: Client, read: dict[str, str]) -> None:
    body = call(emulator_client, "POST", "/assets/search", read,
                json={"filters": [{"field": "Colour", "operator": "EQUALS", "value": "red"}]}, expect=400)  # fmt: skip

    assert body["errors"] == [{"field": "filters[0].field", "message": "filters[0].field: unknown field 'Colour'"}]


def test_an_unknown_operator_and_a_missing_value_are_400s_naming_them(
    emulator_client: Client, read: dict[str, str]
) -> None:
    like = call(emulator_client, "POST", "/assets/search", read,
                json={"filters": [{"field": "name", "operator": "LIKE", "value": "x"}]}, expect=400)  # fmt: skip
    bare = call(emulator_client, "POST", "/assets/search", read,
                json={"filters": [{"field": "name", "operator": "IN"}]}, expect=400)  # fmt: skip

    assert [e["field"] for e in like["errors"]] == ["filters[0].operator"]
    assert bare["errors"] == [{"field": "filters[0].value", "message": "filters[0].value: IN needs a value"}]


def test_contains_on_a_number_is_a_400(emulator_client: Client, read: dict[str, str]) -> None:
    body = call(emulator_client, "POST", "/assets/search", read,
                json={"filters": [{"field": "Seats", "operator": "CONTAINS", "value": 5}]}, expect=400)  # fmt: skip

    assert [e["field"] for e in body["errors"]] == ["filters[0].operator"]


def test_a_search_answers_only_assets_the_token_owner_may_browse(
    emulator_app: FastAPI, emulator_client: Client
) -> None:
    jdoe = bearer(emulator_app, "READ", owner="jdoe")

    page = _search(emulator_client, jdoe, collectionIds=[7, 9], maxResult=1)

    assert _head(page) == {"startAt": 1, "maxResult": 1, "total": 8, "sortParams": []}  # HR Assets (EMP) hidden


def test_updated_at_can_be_filtered_and_sorted_on(emulator_app: FastAPI, emulator_client: Client) -> None:
    emulator_app.state.emulator.clock.freeze(FROZEN)
    write = bearer(emulator_app, "WRITE")
    call(emulator_client, "PUT", "/assets/LAP-3", write, json={"name": "Laptop 3 renamed"})
    since = {"field": "updatedAt", "operator": "GTE", "value": "2026-01-01"}

    changed = _found(emulator_client, write, since)
    newest = _search(emulator_client, write, sortParams=[{"field": "updatedAt", "order": "DESC"}], maxResult=1)

    assert changed == ["LAP-3"]
    assert keys(newest) == ["LAP-3"]
    assert newest["sortParams"] == [{"field": "updatedAt", "order": "DESC"}]
    assert newest["assets"][0]["asset"]["updatedAt"] == FROZEN


def test_a_bad_filter_value_is_a_400_naming_the_filter_in_cloud_words(
    emulator_client: Client, read: dict[str, str]
) -> None:
    bad = {"field": "RAM (GB)", "operator": "GT", "value": "lots"}

    body = call(emulator_client, "POST", "/assets/search", read, json={"filters": [bad]}, expect=400)

    message = "filters[0].value: 'lots' is not a number"
    errors = [{"field": "filters[0].value", "message": message}]
    assert body == {"timestamp": FROZEN, "status": 400, "error": "Bad Request", "message": message,
                    "path": f"{BASE}/assets/search", "errors": errors}  # fmt: skip
