"""One recorded exchange as a JSON file: request and answer, with credentials, cookies and tokens masked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from emulator.core.journal import MASK, mask, masked_query

FORM = "application/x-www-form-urlencoded"
TEXT_LIMIT = 65536  # characters of a body that is not JSON (an HTML error page)
KEPT_REQUEST = frozenset({"content-type", "accept", "x-atlassian-token", "user-agent"})
KEPT_RESPONSE = frozenset({"content-type", "retry-after", "x-seraph-loginreason", "www-authenticate"})


def auth_scheme(value: str | None) -> str | None:
    """`Basic ***` or `Bearer ***`: which kind of credentials were sent, never the credentials."""
    if value is None:
        return None
    return f"{value.split(' ', 1)[0]} {MASK}"


def body_of(raw: bytes, content_type: str | None = None) -> tuple[Any, str | None]:
    """(the body as JSON with secret-named fields masked, None) or (None, its text) when it is not JSON; a form's
    fields are masked by name too (`os_password=...` of a Jira login form)."""
    if not raw:
        return None, None
    if (content_type or "").lower().startswith(FORM):
        return None, masked_query(raw)[:TEXT_LIMIT]
    try:
        return mask(json.loads(raw)), None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, raw.decode("utf-8", "replace")[:TEXT_LIMIT]


def exchange(number: int, request: dict[str, Any], status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The file's content: what was asked (masked) and what the source answered (masked)."""
    request_body, request_text = body_of(request["body"], request["headers"].get("content-type"))
    response_body, response_text = body_of(body, headers.get("content-type"))
    return {
        "number": number,
        "time": request["time"],
        "method": request["method"],
        "path": request["path"],
        "query": masked_query(request["query"]),
        "auth": auth_scheme(request["headers"].get("authorization")),
        "requestHeaders": {k: v for k, v in request["headers"].items() if k in KEPT_REQUEST},
        "requestBody": request_body,
        "requestText": request_text,
        "status": status,
        "responseHeaders": {k: v for k, v in headers.items() if k in KEPT_RESPONSE},
        "responseBody": response_body,
        "responseText": response_text,
    }


def write(directory: Path, record: dict[str, Any]) -> Path:
    """`0001-POST.json`, ... in the order the requests came."""
    path = directory / f"{record['number']:05d}-{record['method']}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_all(directory: Path) -> list[dict[str, Any]]:
    """Every recorded exchange of a directory, in order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("[0-9]*-*.json"))]
