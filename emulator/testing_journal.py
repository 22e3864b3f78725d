"""What the plugin's `aip_journal` fixture hands a test: the requests it made, and WireMock's `verify` as
`assert_requested`, which names the near misses when the expected request is not there.

A request matches when its method is the one asked for (any, when None), its path is the one asked for (exact or a
glob, with or without `.json`, as fault rules match) and, when a `body` is asked for, its JSON body holds it: every
key of an expected object is there with a matching value (others may be there too), lists match element by element,
anything else is equal. A `str` body is compared with the body's text.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from emulator.search import regex

MAX_NEAR_MISSES = 5
_MISSING = object()


@dataclass(frozen=True)
class Expected:
    """The request a test asks about."""

    method: str | None
    path: str
    body: Any = None

    def describe(self) -> str:
        said = f"{self.method or 'any method'} {self.path}"
        return said if self.body is None else f"{said} with a body holding {_short(self.body)}"


def path_matches(wanted: str, path: str) -> bool:
    """`path` is `wanted`, or matches it as a glob; `.json` at the end of either is optional."""
    wanted, path = wanted.removesuffix(".json"), path.removesuffix(".json")
    return wanted == path or regex.glob(wanted)(path)


def body_differences(expected: Any, actual: Any, where: str = "body") -> Iterator[str]:
    """Where `actual` does not hold `expected`, each as one short phrase (none: it holds it)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            found = actual.get(key, _MISSING)
            if found is _MISSING:
                yield f"{where}.{key} is missing"
            else:
                yield from body_differences(value, found, f"{where}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (value, found) in enumerate(zip(expected, actual, strict=True)):
            yield from body_differences(value, found, f"{where}[{index}]")
    elif expected != actual or (type(expected) is not type(actual) and not _both_numbers(expected, actual)):
        yield f"{where} is {_short(actual)}, expected {_short(expected)}"


def differences(expected: Expected, entry: dict[str, Any]) -> list[str]:
    """Why a journal entry is not the expected request (empty: it is)."""
    found = []
    if expected.method is not None and entry["method"] != expected.method.upper():
        found.append(f"{entry['method']}, not {expected.method.upper()}")
    if not path_matches(expected.path, entry["path"]):
        found.append("another path")
    if expected.body is not None:
        found.extend(_body_differences(expected.body, entry))
    return found


def _body_differences(expected: Any, entry: dict[str, Any]) -> list[str]:
    if isinstance(expected, str):
        text = entry["requestText"]
        return [] if text == expected else [f"body is {_short(text)}, expected {_short(expected)}"]
    if entry["requestTruncated"]:
        return [f"body was cut at the journal's limit ({entry['requestSize']} bytes; AIP_EMULATOR_JOURNAL_BODY_LIMIT)"]
    if entry["requestBody"] is None:
        return ["body is not JSON" if entry["requestText"] else "body is empty"]
    return list(body_differences(expected, entry["requestBody"]))


def closeness(expected: Expected, entry: dict[str, Any]) -> float:
    """How near an entry comes to the expected request: the path counts most, then the method, then the body."""
    path = difflib.SequenceMatcher(None, expected.path.removesuffix(".json"), entry["path"].removesuffix(".json"))
    score = 2 * (1.0 if path_matches(expected.path, entry["path"]) else path.ratio())
    if expected.method is None or entry["method"] == expected.method.upper():
        score += 1
    if expected.body is not None:
        score += 1 / (1 + len(_body_differences(expected.body, entry)))
    return score


def failure_message(expected: Expected, times: int | None, entries: list[dict[str, Any]]) -> str:
    """What `assert_requested` says when the count is wrong: the count, the matches, the near misses."""
    matching = [e for e in entries if not differences(expected, e)]
    wanted = "at least once" if times is None else _times(times)
    lines = [f"expected {expected.describe()} {wanted}, but it was requested {_times(len(matching))}"]
    if matching:
        lines.append("Matching requests:")
        lines.extend(f"  {_line(e)}" for e in matching)
    misses = sorted((e for e in entries if differences(expected, e)), key=lambda e: -closeness(expected, e))
    if misses:
        lines.append(f"Near misses, closest first ({len(entries)} requests in the journal):")
        lines.extend(f"  {_line(e)}: {'; '.join(differences(expected, e))}" for e in misses[:MAX_NEAR_MISSES])
    elif not entries:
        lines.append("The journal holds no request of this test (was the code under test pointed at aip_live_url?)")
    return "\n".join(lines)


def _times(count: int) -> str:
    return f"{count} time" if count == 1 else f"{count} times"


def _line(entry: dict[str, Any]) -> str:
    query = f"?{entry['query']}" if entry["query"] else ""
    return f"#{entry['id']} {entry['method']} {entry['path']}{query} -> {entry['status']}"


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = repr(text) if isinstance(value, str) else text
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _both_numbers(a: Any, b: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))


class AipJournal:
    """The requests this test made to the emulator (control routes aside), oldest first: the journal is emptied by
    the reset after every test. Example:

        def test_the_sync_creates_one_laptop(aip_journal, aip_live_url):
            run_my_sync_job(jira_url=aip_live_url, user="admin", password="admin")

            aip_journal.assert_requested("POST", "/rest/jip-api/1.0/inventory.json", times=1,
                                         body={"formId": 9, "name": "Laptop 42"})
            aip_journal.assert_not_requested("DELETE", "/rest/jip-api/1.0/inventory/*")
    """

    def __init__(self, client: httpx.Client | TestClient) -> None:
        self._client = client

    def requests(self, method: str | None = None, path: str | None = None, body: Any = None) -> list[dict[str, Any]]:
        """The journal entries (`GET /_emulator/requests`) that match, oldest first; all of them without arguments."""
        entries = self._entries()
        if path is None:
            return [e for e in entries if method is None or e["method"] == method.upper()]
        expected = Expected(method, path, body)
        return [e for e in entries if not differences(expected, e)]

    def count(self, method: str | None, path: str, body: Any = None) -> int:
        """How many of the test's requests match."""
        return len(self.requests(method, path, body))

    def assert_requested(
        self, method: str | None, path: str, *, times: int | None = None, body: Any = None
    ) -> list[dict[str, Any]]:
        """Fail unless the request was made `times` times (None: at least once); return the matching entries. The
        failure lists the matching requests and the near misses, closest first."""
        __tracebackhide__ = True
        entries, expected = self._entries(), Expected(method, path, body)
        matching = [e for e in entries if not differences(expected, e)]
        if (len(matching) == 0) if times is None else (len(matching) != times):
            raise AssertionError(failure_message(expected, times, entries))
        return matching

    def assert_not_requested(self, method: str | None, path: str, *, body: Any = None) -> None:
        """Fail if the request was made at all (listing when)."""
        __tracebackhide__ = True
        self.assert_requested(method, path, times=0, body=body)

    def clear(self) -> None:
        """Forget the requests made so far (`DELETE /_emulator/requests`)."""
        self._client.delete("/_emulator/requests").raise_for_status()

    def _entries(self) -> list[dict[str, Any]]:
        answer = self._client.get("/_emulator/requests")
        answer.raise_for_status()
        entries: list[dict[str, Any]] = answer.json()["requests"]
        return entries
