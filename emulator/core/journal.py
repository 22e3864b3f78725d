"""The request journal: a bounded ring of the vendor calls the emulator answered (control-api.md). No FastAPI here.

Recording is the hot path, so it only keeps raw bytes (capped) and the caller's name; parsing, masking and
truncation notes happen when somebody reads the journal.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from emulator.search import regex
from emulator.util import surrogates

MASK = "***"
# Field names whose values never leave the emulator (compared lower-case, without `_` and `-`).
SECRET_KEYS = frozenset({"password", "passwd", "token", "accesstoken", "apitoken", "authorization", "secret"})
SECRET_PARTS = ("password", "passwd", "secret", "token", "apikey", "credential", "cookie", "session")
_SECRET_TEXT = re.compile(
    r'(?P<key>"(?:password|passwd|token|accessToken|apiToken|authorization|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"?',
    re.IGNORECASE,
)
# Not vendor traffic: the control routes, the API documentation and `GET /` (the redirect to the web page) are never
# journaled nor faulted, and no fault rule may name them.
NOT_VENDOR = ("/_emulator", "/docs", "/openapi.json")


def not_vendor(path: str) -> bool:
    """True for the emulator's own paths: the root (it redirects to the web page) and those under NOT_VENDOR."""
    return path == "/" or path.startswith(NOT_VENDOR)


@dataclass(frozen=True, slots=True)
class Entry:
    """One answered request as recorded: bodies are raw, at most `body_limit` bytes of `*_size`."""

    id: int
    time: int
    method: str
    path: str
    query: bytes
    status: int
    latency_ms: float
    principal: str | None
    request_body: bytes
    request_size: int
    response_body: bytes
    response_size: int
    client: str | None = None  # the X-AIP-Emulator-Client header: "ui" for the emulator's own web page
    warnings: tuple[str, ...] = ()  # the X-AIP-Emulator-Warning headers of the answer (near-miss hints)
    auth_failure: str | None = None  # why a 401 was answered (the client's body does not say)


@dataclass(frozen=True, slots=True)
class Filter:
    """What a journal query asks for; `None` matches anything."""

    method: str | None = None
    path: str | None = None  # exact, or a glob (`*`, `?`, `[...]`)
    status: str | None = None  # `404`, or a class such as `5xx`
    since: int | None = None  # epoch ms, inclusive
    client: str | None = None  # exact X-AIP-Emulator-Client value

    def matches(self, entry: Entry) -> bool:
        if self.method is not None and entry.method != self.method.upper():
            return False
        if self.client is not None and entry.client != self.client:
            return False
        if self.path is not None and entry.path != self.path and not regex.glob(self.path)(entry.path):
            return False
        if self.since is not None and entry.time < self.since:
            return False
        return self.status is None or _status_matches(self.status, entry.status)


class Journal:
    """The last `size` requests, oldest first; `size` 0 turns recording off."""

    def __init__(self, size: int, body_limit: int, now_ms: Callable[[], int]) -> None:
        self.size, self.body_limit, self.now_ms = size, body_limit, now_ms
        self._entries: deque[Entry] = deque(maxlen=max(size, 1))
        self._lock = threading.Lock()
        self._next_id = 1

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def next_id(self) -> int:
        with self._lock:
            entry_id, self._next_id = self._next_id, self._next_id + 1
            return entry_id

    def record(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)

    def find(self, where: Filter) -> list[Entry]:
        """The recorded requests that match, oldest first."""
        with self._lock:
            entries = list(self._entries)
        return [e for e in entries if where.matches(e)]

    def count(self, where: Filter) -> int:
        with self._lock:
            return sum(1 for e in self._entries if where.matches(e))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def describe(entry: Entry, body_limit: int) -> dict[str, Any]:
    """The wire form of an entry, secrets masked (control-api.md)."""
    return {
        "id": entry.id,
        "time": entry.time,
        "method": entry.method,
        "path": entry.path,
        "query": masked_query(entry.query),
        "status": entry.status,
        "latencyMs": round(entry.latency_ms, 3),
        "principal": entry.principal,
        "client": entry.client,
        "warnings": list(entry.warnings),
        "authFailure": entry.auth_failure,
        **body_fields("request", entry.request_body, entry.request_size, body_limit),
        **body_fields("response", entry.response_body, entry.response_size, body_limit),
    }


def body_fields(prefix: str, raw: bytes, size: int, limit: int) -> dict[str, Any]:
    """One body in four fields of fixed types: `<prefix>Body` the JSON value (masked; null when empty, not JSON
    or cut), `<prefix>Text` the text (masked, at most `limit` bytes; null when empty), `<prefix>Truncated` whether
    it was cut, `<prefix>Size` its whole size in bytes."""
    truncated = size > limit
    parsed = None if truncated or size == 0 else _json(raw)
    text = None if size == 0 else _SECRET_TEXT.sub(lambda m: m["key"] + f'"{MASK}"', raw.decode("utf-8", "replace"))
    return {f"{prefix}Body": parsed, f"{prefix}Text": text, f"{prefix}Truncated": truncated, f"{prefix}Size": size}


def _json(raw: bytes) -> Any:
    """The body's JSON value, masked; None for a body that is not JSON, nests deeper than the parser goes, or holds
    a lone surrogate (no JSON answer can carry one; `requestText` shows it)."""
    try:
        value = json.loads(raw)
        return None if surrogates.in_value(value) else mask(value)
    except (ValueError, RecursionError):  # `mask` recurses too
        return None


def principal(authorization: str | None) -> str | None:
    """Who a request says it is, read without checking: the Basic user name, or a Bearer token's `owner/jti`."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.partition(" ")
    try:
        if scheme.lower() == "basic":
            return base64.b64decode(credentials.strip(), validate=True).decode("utf-8").partition(":")[0]
        if scheme.lower() == "bearer":
            payload = credentials.strip().split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            return surrogates.printable(f"{claims.get('sub')}/{claims.get('jti')}")  # unchecked: any escapes
    except (ValueError, IndexError, AttributeError, binascii.Error, RecursionError):
        pass
    return None


def mask(value: Any) -> Any:
    """`value` with the values of secret-named fields replaced, however deep."""
    if isinstance(value, dict):
        return {k: MASK if _is_secret(k) else mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value


def masked_query(raw: bytes) -> str:
    if not raw:
        return ""
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    return urlencode([(k, MASK if _is_secret(k) else v) for k, v in pairs], safe="*?[]:/,")


def _is_secret(key: str) -> bool:
    """A name that holds a credential: one of `SECRET_KEYS`, or a name containing one of `SECRET_PARTS`
    (`os_password`, `refresh_token`, `client_secret`, `api_key`, a `session` with its cookie)."""
    name = key.lower().replace("_", "").replace("-", "")
    return name in SECRET_KEYS or any(part in name for part in SECRET_PARTS)


def _status_matches(wanted: str, status: int) -> bool:
    wanted = wanted.strip().lower()
    if len(wanted) == 3 and wanted.endswith("xx"):
        return str(status)[0] == wanted[0]
    return wanted == str(status)
