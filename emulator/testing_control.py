"""What the plugin's `aip_faults` and `aip_clock` fixtures hand a test: the fault rules and the clock of the test's
namespace, over the control routes (docs/api.md §7), in process or on the server `AIP_EMULATOR_URL` names.

A control route that refuses (a rule that could never apply, a time outside 1970 to 9999) raises `ControlError`
with the route's own message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

Client = httpx.Client | TestClient


class ControlError(Exception):
    """A control route answered an error: its status and the message of its `{"error", "message"}` body."""

    def __init__(self, method: str, path: str, status: int, message: str) -> None:
        super().__init__(f"{method} {path} answered {status}: {message}")
        self.status = status


def _call(client: Client, method: str, path: str, body: Any = None) -> Any:
    answer = client.request(method, path, json=body)
    if answer.status_code >= 400:
        try:
            message = str(answer.json()["message"])
        except (ValueError, KeyError, TypeError):
            message = answer.text
        raise ControlError(method, path, answer.status_code, message)
    return answer.json() if answer.content else None


class AipFaults:
    """Fault rules in the test's namespace (`/_emulator/faults`); every rule is gone after the test. Example:

    def test_the_sync_retries_a_503(aip_faults, aip_live_url):
        rule = aip_faults.add("/rest/jip-api/1.0/index/query.json", method="POST", status=503, times=1)

        run_my_sync_job(jira_url=aip_live_url, user="admin", password="admin")

        assert aip_faults.hits(rule["id"]) == 1
    """

    def __init__(self, client: Client) -> None:
        self._client = client

    def add(
        self,
        path: str,
        *,
        method: str | None = None,
        status: int | None = None,
        body: Any = None,
        delay_ms: int | None = None,
        times: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        retry_after: int | None = None,
    ) -> dict[str, Any]:
        """Add a rule (`path` exact or a glob, with or without `.json`); return it with its `id`."""
        wire = {
            "path": path,
            "method": method,
            "status": status,
            "body": body,
            "delayMs": delay_ms,
            "times": times,
            "probability": probability,
            "seed": seed,
            "retryAfter": retry_after,
        }
        added: dict[str, Any] = _call(self._client, "POST", "/_emulator/faults", wire)
        return added

    def rules(self) -> list[dict[str, Any]]:
        """Every rule, oldest first, with its `hits`."""
        found: list[dict[str, Any]] = _call(self._client, "GET", "/_emulator/faults")
        return found

    def hits(self, rule_id: int) -> int:
        """How often the rule has applied so far."""
        hits: int = _call(self._client, "GET", f"/_emulator/faults/{rule_id}")["hits"]
        return hits

    def remove(self, rule_id: int) -> None:
        _call(self._client, "DELETE", f"/_emulator/faults/{rule_id}")

    def clear(self) -> None:
        _call(self._client, "DELETE", "/_emulator/faults")


class AipClock:
    """The emulator's clock in the test's namespace (`/_emulator/clock`): created timestamps, relative dates, token
    expiry. Times are epoch milliseconds or aware datetimes; every method returns the clock's time afterwards (epoch
    ms). Real time again after the test. Example:

        def test_a_token_expires(aip_clock, aip_client):
            aip_clock.freeze(datetime(2026, 1, 1, tzinfo=timezone.utc))
            token = aip_client.post("/_emulator/tokens", json={"name": "t", "access": "READ",
                                                               "expiresAt": aip_clock.now() + 60_000}).json()
            aip_clock.advance(timedelta(minutes=2))
            assert aip_client.get("/api/v1/collections", headers={"Authorization": f"Bearer {token['token']}"}
                                  ).status_code == 401
    """

    def __init__(self, client: Client) -> None:
        self._client = client

    def now(self) -> int:
        """The emulator's time, epoch ms."""
        now: int = self._state()["now"]
        return now

    @property
    def frozen(self) -> bool:
        frozen: bool = _call(self._client, "GET", "/_emulator/clock")["frozen"]
        return frozen

    def freeze(self, at: int | datetime | None = None) -> int:
        """Stop the clock: at `at`, or where it stands."""
        return self._post({"freeze": True} if at is None else {"freeze": True, "set": _ms(at)})

    def set(self, at: int | datetime) -> int:
        """Jump to `at`; frozen stays frozen, running runs on from there."""
        return self._post({"set": _ms(at)})

    def advance(self, by: int | timedelta) -> int:
        """Move the clock on by `by` (ms or a timedelta; negative moves it back)."""
        step = by if isinstance(by, int) else round(by.total_seconds() * 1000)
        return self._post({"advanceMs": step})

    def release(self) -> int:
        """Back to real time: running, no shift."""
        return self._post_to("DELETE", None)

    def _post(self, body: dict[str, Any]) -> int:
        return self._post_to("POST", body)

    def _post_to(self, method: str, body: dict[str, Any] | None) -> int:
        now: int = _call(self._client, method, "/_emulator/clock", body)["now"]
        return now

    def _state(self) -> dict[str, Any]:
        found: dict[str, Any] = _call(self._client, "GET", "/_emulator/clock")
        return found


def _ms(at: int | datetime) -> int:
    if isinstance(at, int):
        return at
    if at.tzinfo is None:
        raise ValueError(f"{at!r} has no time zone; give an aware datetime (tzinfo=timezone.utc) or epoch ms")
    return round(at.timestamp() * 1000)
