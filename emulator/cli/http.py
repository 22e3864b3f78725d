"""A small JSON client over the standard library (the runtime does not depend on an HTTP client package)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8080"  # where `aip-emulator serve` listens by default


class Unreachable(Exception):
    """Nothing answers at the URL."""


class Refused(Exception):
    """The server answered with an error status; `message` is its own words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def call(method: str, url: str, body: Any = None, auth: str | None = None, timeout: float = 10) -> Any:
    """Send one request and return the decoded JSON answer (None for an empty one)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            raw = answer.read()
    except urllib.error.HTTPError as exc:
        message = _message(exc.read(), exc.reason)
        if exc.code in (401, 403) and "/_emulator/" in url:  # a guarded control plane (AIP_EMULATOR_CONTROL_AUTH)
            message += "; pass --auth USER:PASSWORD of an administrator"
        raise Refused(exc.code, message) from None
    except (urllib.error.URLError, OSError) as exc:
        raise Unreachable(f"no aip-emulator answers at {url}: {getattr(exc, 'reason', exc)}") from None
    return json.loads(raw) if raw else None


def _message(raw: bytes, reason: str) -> str:
    try:
        body = json.loads(raw)
    except ValueError:
        return reason
    return str(body.get("message") or body.get("errorMessage") or reason) if isinstance(body, dict) else reason
