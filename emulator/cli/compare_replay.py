"""`compare --replay DIR`: the requests `serve --proxy-to --record` wrote, sent again to an emulator on a capture
(never to the source), each answer compared with the one the source gave."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from emulator.cli.compare_diff import Side, differences
from emulator.cli.compare_report import Outcome
from emulator.core.journal import mask
from emulator.dialects.proxy.records import read_all
from emulator.seeding.source import Source

DURING = "(made during the session)"
REFUSED = "replayed-refused-login"


def replay(directory: Path, emulator: Source) -> tuple[Outcome, int]:
    """The differences, and how many exchanges were skipped (Cloud ones: their tokens were never recorded)."""
    recorded = read_all(directory)
    if not recorded:
        raise ValueError(f"{directory}: no recorded exchanges; record some with serve --proxy-to URL --record DIR")
    since = min(r["time"] for r in recorded)
    outcome, skipped = Outcome(str(directory), emulator.base_url), 0
    for r in recorded:
        if (r.get("auth") or "").startswith("Bearer"):
            skipped += 1
            continue
        name = f"#{r['number']} {r['method']} {r['path']}"
        outcome.queries.append(name)
        answer = emulator.call(r["method"], r["path"], **_request(r))
        mine = Side(r["status"], _settled(r["responseBody"], since))
        theirs = Side(answer.status, _settled(mask(answer.body), since))
        outcome.differences += differences(name, mine, theirs)
    outcome.retries = {"emulator": emulator.stats.retries}
    return outcome, skipped


def _request(recorded: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"params": parse_qsl(recorded["query"], keep_blank_values=True) or None}
    if recorded.get("auth") is None:
        kwargs["auth"] = None  # sent without credentials
    elif recorded["status"] == 401:
        kwargs["auth"] = (REFUSED, REFUSED)  # refused credentials, masked in the recording: refused ones again
    if recorded["requestBody"] is not None:
        kwargs["json"] = recorded["requestBody"]
    elif recorded.get("requestText") is not None:
        kwargs["content"] = recorded["requestText"].encode("utf-8")
        kwargs["headers"] = recorded["requestHeaders"]
    return kwargs


def _settled(body: Any, since: int) -> Any:
    """The body with the moments of things made during the session (an asset's `created`) taken out: a replay
    makes them again, later."""
    if isinstance(body, list):
        return [_settled(x, since) for x in body]
    if not isinstance(body, dict):
        return body
    out = {k: _settled(v, since) for k, v in body.items()}
    if isinstance(out.get("created"), int) and out["created"] >= since:
        out["created"] = DURING
        if "createdFormatted" in out:
            out["createdFormatted"] = DURING
    return out
