"""The plugin's `aip_faults`, `aip_clock` and `aip_journal` fixtures, used as a tester would (issue 21)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from emulator.testing import AipClock, AipFaults, AipJournal, ControlError
from emulator.testing_journal import body_differences
from tests.helpers import ADMIN, SEARCH

FORMS = "/rest/jip-api/1.0/form/list.json"
INVENTORY = "/rest/jip-api/1.0/inventory.json"
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
NEW_YEAR_MS = 1_767_225_600_000


def _numbered(message: str) -> str:
    """A failure message with the journal's ids (which count on through the session) as `#N`."""
    return re.sub(r"#\d+ ", "#N ", message)


def test_a_fault_rule_answers_as_often_as_asked_and_counts_its_hits(
    aip_faults: AipFaults, aip_client: httpx.Client
) -> None:
    rule = aip_faults.add(FORMS, method="get", status=503, times=1, retry_after=5)

    first, second = aip_client.get(FORMS, auth=ADMIN), aip_client.get(FORMS, auth=ADMIN)

    assert rule == {
        "id": rule["id"],
        "method": "GET",
        "path": FORMS,
        "status": 503,
        "body": None,
        "delayMs": None,
        "times": 1,
        "probability": None,
        "seed": None,
        "retryAfter": 5,
    }
    assert (first.status_code, first.headers["Retry-After"], second.status_code) == (503, "5", 200)
    assert first.json() == {
        "success": False,
        "errorCode": "ServiceUnavailableException",
        "errorMessage": "Service Unavailable (a fault injected by the emulator)",
    }
    assert aip_faults.hits(rule["id"]) == 1
    assert aip_faults.rules() == [{**rule, "hits": 1}]


def test_fault_rules_are_removed_one_by_one_or_all_at_once(aip_faults: AipFaults, aip_client: httpx.Client) -> None:
    kept = aip_faults.add(FORMS, status=500)
    gone = aip_faults.add(SEARCH, status=500)

    aip_faults.remove(gone["id"])
    assert [r["id"] for r in aip_faults.rules()] == [kept["id"]]
    aip_faults.clear()

    assert aip_faults.rules() == []
    assert aip_client.get(FORMS, auth=ADMIN).status_code == 200


def test_a_rule_the_emulator_refuses_raises_its_message(aip_faults: AipFaults) -> None:
    with pytest.raises(ControlError) as refused:
        aip_faults.add(FORMS)

    assert str(refused.value) == "POST /_emulator/faults answered 400: a fault needs a status, a delayMs or both"
    assert refused.value.status == 400
    with pytest.raises(ControlError, match=r"^DELETE /_emulator/faults/999999 answered 404: No fault rule with id"):
        aip_faults.remove(999_999)


def test_the_clock_freezes_sets_and_advances_by_datetimes_and_milliseconds(aip_clock: AipClock) -> None:
    assert aip_clock.freeze(NEW_YEAR) == NEW_YEAR_MS
    assert aip_clock.frozen is True
    assert aip_clock.advance(timedelta(hours=1)) == NEW_YEAR_MS + 3_600_000
    assert aip_clock.advance(-1_000) == NEW_YEAR_MS + 3_599_000
    assert aip_clock.set(NEW_YEAR_MS) == NEW_YEAR_MS
    assert aip_clock.now() == NEW_YEAR_MS
    aip_clock.release()
    assert aip_clock.frozen is False


def test_a_time_without_a_zone_or_outside_the_clocks_range_is_refused(aip_clock: AipClock) -> None:
    with pytest.raises(ValueError, match="has no time zone; give an aware datetime"):
        aip_clock.set(datetime(2026, 1, 1))
    with pytest.raises(ControlError, match=r"advanceMs: .* moves the clock outside 1970 to 9999"):
        aip_clock.advance(timedelta(days=-365 * 100))


def test_the_frozen_clock_dates_what_the_api_creates(aip_clock: AipClock, aip_client: httpx.Client) -> None:
    aip_clock.freeze(NEW_YEAR)

    created = aip_client.post(INVENTORY, json={"formId": 9, "name": "Dated"}, auth=ADMIN).json()["data"]

    assert created["created"] == NEW_YEAR_MS


def _make_requests(client: httpx.Client | httpx.Client) -> None:
    client.get(FORMS, auth=ADMIN)
    client.post(INVENTORY, json={"formId": 9, "name": "Laptop 41", "attributes": {"Vendor": "HP"}}, auth=ADMIN)
    client.post(SEARCH, json={"queryIndexSearchParams": []}, auth=ADMIN)


def test_the_journal_holds_only_this_tests_requests(aip_journal: AipJournal, aip_client: httpx.Client) -> None:
    _make_requests(aip_client)

    assert [(e["method"], e["path"], e["status"]) for e in aip_journal.requests()] == [
        ("GET", FORMS, 200),
        ("POST", INVENTORY, 200),
        ("POST", SEARCH, 200),
    ]
    assert [e["path"] for e in aip_journal.requests("post")] == [INVENTORY, SEARCH]


def test_assert_requested_matches_globs_optional_json_and_part_of_the_body(
    aip_journal: AipJournal, aip_live_url: str
) -> None:
    with httpx.Client(base_url=aip_live_url) as client:
        _make_requests(client)

    [entry] = aip_journal.assert_requested("POST", INVENTORY, times=1, body={"name": "Laptop 41"})
    aip_journal.assert_requested("POST", "/rest/jip-api/1.0/inventory", body={"attributes": {"Vendor": "HP"}})
    aip_journal.assert_requested(None, "/rest/jip-api/1.0/*", times=3)
    aip_journal.assert_not_requested("DELETE", "/rest/jip-api/1.0/inventory/*")
    assert entry["requestBody"] == {"formId": 9, "name": "Laptop 41", "attributes": {"Vendor": "HP"}}
    assert aip_journal.count("GET", "/rest/jip-api/1.0/form/*") == 1


def test_assert_requested_fails_naming_the_near_misses_closest_first(
    aip_journal: AipJournal, aip_client: httpx.Client
) -> None:
    _make_requests(aip_client)

    with pytest.raises(AssertionError) as failed:
        aip_journal.assert_requested("POST", INVENTORY, times=1, body={"name": "Laptop 42"})

    assert _numbered(str(failed.value)) == (
        'expected POST /rest/jip-api/1.0/inventory.json with a body holding {"name": "Laptop 42"} 1 time, '
        "but it was requested 0 times\n"
        "Near misses, closest first (3 requests in the journal):\n"
        "  #N POST /rest/jip-api/1.0/inventory.json -> 200: body.name is 'Laptop 41', expected 'Laptop 42'\n"
        "  #N POST /rest/jip-api/1.0/index/query.json -> 200: another path; body.name is missing\n"
        "  #N GET /rest/jip-api/1.0/form/list.json -> 200: GET, not POST; another path; body is empty"
    )


def test_assert_requested_fails_on_a_wrong_count_listing_the_matches(
    aip_journal: AipJournal, aip_client: httpx.Client
) -> None:
    aip_client.get(FORMS, auth=ADMIN)
    aip_client.get(FORMS, auth=ADMIN)

    with pytest.raises(AssertionError) as failed:
        aip_journal.assert_requested("GET", FORMS, times=1)

    assert _numbered(str(failed.value)) == (
        "expected GET /rest/jip-api/1.0/form/list.json 1 time, but it was requested 2 times\n"
        "Matching requests:\n"
        "  #N GET /rest/jip-api/1.0/form/list.json -> 200\n"
        "  #N GET /rest/jip-api/1.0/form/list.json -> 200"
    )


def test_assert_not_requested_fails_listing_when_it_was(aip_journal: AipJournal, aip_client: httpx.Client) -> None:
    aip_client.get(FORMS, params={"expand": "all"}, auth=ADMIN)

    with pytest.raises(AssertionError, match=r"(?s)0 times, but it was requested 1 time\nMatching requests:\n"):
        aip_journal.assert_not_requested("GET", FORMS)


def test_an_empty_journal_says_so(aip_journal: AipJournal) -> None:
    with pytest.raises(AssertionError) as failed:
        aip_journal.assert_requested("GET", FORMS)

    assert str(failed.value) == (
        "expected GET /rest/jip-api/1.0/form/list.json at least once, but it was requested 0 times\n"
        "The journal holds no request of this test (was the code under test pointed at aip_live_url?)"
    )


def test_clearing_the_journal_forgets_the_requests_so_far(aip_journal: AipJournal, aip_client: httpx.Client) -> None:
    aip_client.get(FORMS, auth=ADMIN)
    aip_journal.clear()

    aip_client.post(SEARCH, json={}, auth=ADMIN)

    assert [e["path"] for e in aip_journal.requests()] == [SEARCH]


@pytest.mark.parametrize(
    ("expected", "body", "found"),
    [
        ({"a": 1}, {"a": 1, "b": 2}, []),
        ({"a": 1.0}, {"a": 1}, []),
        ({"a": True}, {"a": 1}, ["body.a is 1, expected true"]),
        ({"a": {"b": [1, {"c": "x"}]}}, {"a": {"b": [1, {"c": "y", "d": 0}]}}, ["body.a.b[1].c is 'y', expected 'x'"]),
        ({"a": [1]}, {"a": [1, 2]}, ["body.a is [1, 2], expected [1]"]),
        ({"a": 1, "z": None}, {}, ["body.a is missing", "body.z is missing"]),
    ],
)
def test_a_body_is_held_when_every_expected_key_matches(expected: Any, body: Any, found: list[str]) -> None:
    assert list(body_differences(expected, body)) == found
