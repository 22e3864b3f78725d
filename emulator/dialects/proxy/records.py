"""One recorded exchange as a JSON file: request and answer, with credentials, cookies and tokens masked.

Files are numbered in the order the requests came (`00001-POST.json`); a session recorded into a directory that
already holds some continues their numbering. Each file is written under a hidden temporary name and renamed, so a
server killed mid-write leaves whole files only.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from emulator.core.journal import MASK, mask, masked_query

FORM = "application/x-www-form-urlencoded"
TEXT_LIMIT = 65536  # characters of a body that is not JSON (an HTML error page)
KEPT_REQUEST = frozenset({"content-type", "accept", "x-atlassian-token", "user-agent"})
KEPT_RESPONSE = frozenset({"content-type", "retry-after", "x-seraph-loginreason", "www-authenticate"})
_FILE = re.compile(r"^([0-9]+)-[^.].*\.json$")  # `00001-POST.json`: the number, then the method
READ = ("number", "time", "method", "path", "query", "status", "requestBody", "responseBody")  # what a replay reads


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
    except (ValueError, RecursionError):  # not UTF-8 or not JSON; nested deeper than the parser (or `mask`) goes
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
    """`00001-POST.json`, ... in the order the requests came; written whole or not at all."""
    path = directory / f"{record['number']:05d}-{record['method']}.json"
    partial = directory / f".{path.name}.tmp"
    partial.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def numbered(directory: Path) -> list[tuple[int, Path]]:
    """The record files of a directory with their numbers, in number order (not name order: `100000-` follows
    `99999-`)."""
    found = [(int(m[1]), p) for p in directory.iterdir() if (m := _FILE.match(p.name))]
    return sorted(found)


def last_number(directory: Path) -> int:
    """The highest number recorded in `directory` (0: none): a new session's records continue after it."""
    found = numbered(directory)
    return found[-1][0] if found else 0


def read_all(directory: Path) -> list[dict[str, Any]]:
    """Every recorded exchange of a directory, in order; `ValueError` naming a file that is not one."""
    return [_read(path) for _number, path in numbered(directory)]


def _read(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a recorded exchange ({exc}); remove it or record the session again") from None
    if not isinstance(record, dict):
        raise ValueError(f"{path}: not a recorded exchange (not a JSON object); remove it or record the session again")
    missing = [key for key in READ if key not in record]
    if missing:
        raise ValueError(f"{path}: not a recorded exchange (no {missing[0]!r}); remove it or record the session again")
    return record
