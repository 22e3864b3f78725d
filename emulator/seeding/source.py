"""A polite, read-only HTTP client for a real AIP (or anything that answers as one): a request-rate limit, retries
with backoff on 429 and 5xx that honour `Retry-After`, and every failure as one `SourceError` line that says what to
do next. Capture and compare read through it; it has no method that writes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

RETRIED = frozenset({429, 500, 502, 503, 504})
MAX_WAIT_S = 60.0  # a Retry-After longer than this is cut to it: a capture should not hang for an hour


class SourceError(Exception):
    """The source cannot be read: one line naming the URL, the cause and what to try."""


@dataclass
class Polite:
    """How hard to press the source: requests per second, tries per request, first backoff, time limit."""

    rps: float = 5.0
    tries: int = 5
    backoff_s: float = 0.5
    timeout_s: float = 30.0


@dataclass
class Stats:
    """What the client did: requests sent, retries, seconds waited by the rate limit and by backoff."""

    requests: int = 0
    retries: int = 0
    statuses: list[int] = field(default_factory=list)  # the statuses that were retried, in order
    waits: list[float] = field(default_factory=list)  # the backoff before each retry
    sent: list[float] = field(default_factory=list)  # when each request went out (monotonic seconds)

    def busiest_second(self) -> int:
        """The most requests sent within any one second: the rate the limit held to."""
        most, first = 0, 0
        for last, at in enumerate(self.sent):
            while at - self.sent[first] >= 1.0:
                first += 1
            most = max(most, last - first + 1)
        return most


@dataclass
class Answer:
    """One answer: status and decoded JSON body (None when the body was empty)."""

    status: int
    body: Any


class Source:
    """GET and POST (searches only) against `base_url` with Basic auth, at most `polite.rps` requests a second."""

    def __init__(
        self,
        base_url: str,
        auth: tuple[str, str] | None,
        polite: Polite | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.polite = polite or Polite()
        self.stats = Stats()
        self._sleep = sleep
        self._next_at = 0.0
        self._client = httpx.Client(auth=auth, timeout=self.polite.timeout_s, headers={"Accept": "application/json"})

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """The JSON body of a 200 answer to GET `path`, or `SourceError`."""
        return self.expect_ok(path, self.call("GET", path, params=params))

    def search(self, path: str, body: dict[str, Any]) -> Any:
        """The JSON body of a 200 answer to a read-only search POST, or `SourceError`."""
        return self.expect_ok(path, self.call("POST", path, json=body))

    def call(self, method: str, path: str, **kwargs: Any) -> Answer:
        """Any answer (errors included) after retries; `SourceError` only when nothing usable came back."""
        for attempt in range(self.polite.tries):
            response = self._send(method, path, **kwargs)
            if response.status_code not in RETRIED or attempt == self.polite.tries - 1:
                return Answer(response.status_code, self._decode(path, response))
            self._back_off(response, attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def expect_ok(self, path: str, answer: Answer) -> Any:
        if answer.status == 200:
            return answer.body
        raise SourceError(self._refusal(path, answer.status))

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self._wait_turn()
        self.stats.requests += 1
        self.stats.sent.append(time.monotonic())
        url = self.base_url + path
        try:
            return self._client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise SourceError(
                f"{url} did not answer within {self.polite.timeout_s:g} s; try later or pass a longer --timeout"
            ) from None
        except httpx.ConnectError as exc:
            raise SourceError(f"cannot reach {self.base_url}: {exc}; check the URL and that the server is up") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise SourceError(
                f"{url} closed the connection mid-answer ({exc}); the source stopped: try again later"
            ) from None
        except httpx.UnsupportedProtocol:
            raise SourceError(
                f"{url}: not an http:// or https:// URL; pass the Jira base URL with its scheme (https://jira.example.com)"
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # the rest: a proxy refusing, a write cut, a malformed URL
            raise SourceError(
                f"{url}: the request failed ({type(exc).__name__}: {exc}); check the URL and try again"
            ) from None

    def _wait_turn(self) -> None:
        """Space requests by 1/rps from when the last one really went out: never more than `rps` in any second."""
        now = time.monotonic()
        if now < self._next_at:
            self._sleep(self._next_at - now)
            now = time.monotonic()
        self._next_at = now + 1.0 / self.polite.rps

    def _back_off(self, response: httpx.Response, attempt: int) -> None:
        wait = retry_after(response.headers.get("Retry-After"))
        if wait is None:
            wait = self.polite.backoff_s * 2**attempt
        wait = min(wait, MAX_WAIT_S)
        self.stats.retries += 1
        self.stats.statuses.append(response.status_code)
        self.stats.waits.append(wait)
        self._sleep(wait)

    def _decode(self, path: str, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            if response.status_code != 200:
                return None  # an error page: the status says enough
            kind = response.headers.get("content-type", "no content type").split(";")[0]
            raise SourceError(
                f"{self.base_url}{path} answered {response.status_code} with {kind}, not JSON (a login page, a proxy "
                "or not a Jira with AIP?); pass the Jira base URL and check the credentials"
            ) from None

    def _refusal(self, path: str, status: int) -> str:
        url = self.base_url + path
        if status == 401:
            return f"{self.base_url} refused the credentials (401); check --user and --password"
        if status == 403:
            return f"{url}: the user may not read this (403); capture as a user who may browse the schemes"
        if status == 404:
            return f"{url} not found (404); is the AIP plugin installed and the URL Jira's base URL?"
        if status in RETRIED:
            return f"{url} still answered {status} after {self.polite.tries} tries; try later or lower --rps"
        return f"{url} answered {status}; expected 200"


def retry_after(header: str | None) -> float | None:
    """Seconds from a `Retry-After` header given in seconds (the HTTP-date form is read as no hint)."""
    if header is None:
        return None
    try:
        return max(0.0, float(header.strip()))
    except ValueError:
        return None
