"""Lone UTF-16 surrogates in JSON: text no database, index or JSON answer can hold.

JSON may escape a surrogate alone (`"\\ud800"`), and Python's `json.loads` reads the UTF-8 bytes of one (ED A0 80,
which are not valid UTF-8), or a UTF-16 or UTF-32 body's, with `surrogatepass`: such a string reaches the handlers
as it is, and storing it, looking it up in the index or answering it fails in the UTF-8 encoder (a 500).
`BodySizeLimit`, which holds every body whole, asks `holds_lone_surrogate` and answers 400 instead. A body is parsed
again only when it may hold one (an escape `\\ud...`, a byte ED, which starts the UTF-8 of a surrogate or of a
Hangul syllable, or any body in UTF-16 or UTF-32): rarely, and then at most the size limit's bytes. The request
journal asks `in_value` of the bodies it parses, and `printable` of what it reads from a token.
"""

from __future__ import annotations

import json
import re
from typing import Any

LONE = "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff unpaired)"  # what is wrong, for any message
MESSAGE = f"Malformed JSON in the request body: {LONE}"
_MAYBE = (b"\\ud", b"\\uD", b"\xed")  # how an escaped surrogate, or one's UTF-8 bytes, start (and a few others)
_SURROGATE = re.compile("[\ud800-\udfff]")


def holds_lone_surrogate(body: bytes) -> bool:
    """Whether the JSON `body` has a string (a value or a key) with a lone surrogate; False for a body that is not
    JSON (FastAPI answers that itself)."""
    if json.detect_encoding(body).startswith("utf-8") and not any(start in body for start in _MAYBE):
        return False
    try:
        value = json.loads(body)  # as FastAPI reads it: pairs joined, lone halves kept
    except (ValueError, RecursionError):
        return False
    return in_value(value)


def in_value(value: Any) -> bool:
    """Whether a JSON value (as `json.loads` gives it) has a string, a value or a key, with a lone surrogate."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def printable(text: str) -> str:
    """`text` with each lone surrogate written as its escape (`\\ud800`): text a JSON answer can carry."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if _SURROGATE.search(text) else text
