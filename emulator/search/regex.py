"""Linear-time matching of a user's patterns (wildcards, regular expressions) against terms, with RE2.

Python's `re` backtracks: `(a|aa)*c` or `*a*a*a*a*b` over a long run of `a` takes exponential time, and one such
search held a core for 44 minutes. RE2 runs in time linear in the text, whatever the pattern, and refuses patterns
whose program would be too large, as Lucene's automata (`RegexpQuery`, `WildcardQuery`) do. No user input reaches
`re` anywhere in the emulator (`tests/test_architecture.py` holds every `re` call to a constant pattern).

Patterns come in two forms, both RE2 syntax, both over one whole term (`tree.Pattern`):
- `regex`, matched against one term at a time, its any-character matching every character;
- `scan`, the same language with no character class matching NUL, found in the terms of a field joined into one
  text (`joined`) with one C-level pass over them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import re2

MAX_PROGRAM_BYTES = 8 << 20  # RE2's memory for one compiled pattern; past it the pattern is "too complex"
SEPARATOR = "\x00"  # after each term; no scan form matches it
START = "\x01"  # before each term
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_ ")


class PatternError(ValueError):
    """RE2 refused a pattern: invalid, or too large for its memory budget."""


def escape(char: str) -> str:
    """`char` as a literal in RE2 syntax (letters, digits, spaces and non-ASCII stay as they are)."""
    if char.lower() in _PLAIN or ord(char) > 0x7F:
        return char
    if char.isprintable():
        return "\\" + char  # RE2 takes any escaped ASCII punctuation as itself
    return f"\\x{{{ord(char):x}}}"


_ESCAPES = {code: escape(chr(code)) for code in range(0x80) if escape(chr(code)) != chr(code)}


def literal(text: str) -> str:
    """`text` as a literal in RE2 syntax (one pass in C)."""
    return text.translate(_ESCAPES)


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would write every refused pattern to stderr
    options.max_mem = MAX_PROGRAM_BYTES
    options.dot_nl = True  # a whole value may hold a line break; a wildcard matches it
    return options


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(reason) from None


def check(regex: str) -> None:
    """Raise `PatternError` if RE2 cannot run `regex` (or its scan form, which is never larger)."""
    compiled(regex)


def fullmatcher(regex: str) -> Callable[[str], bool]:
    """A test of one whole term against `regex`."""
    found = compiled(regex)
    return lambda term: found.fullmatch(term) is not None


def joined(terms: Iterable[str]) -> str | None:
    """Terms as one text for `scan`: each between a START before it and a NUL after it, so that a match (which
    cannot cross a NUL) is one whole term, and consuming the NUL after a term leaves the next one's START in place;
    None if a term holds either character itself."""
    listed = list(terms)
    text = START + (SEPARATOR + START).join(listed) + SEPARATOR if listed else ""
    if text.count(SEPARATOR) != len(listed) or text.count(START) != len(listed):
        return None
    return text


def scan(pattern: str, text: str) -> list[str]:
    """Every term of `joined(...)` text that `pattern` (a scan form) matches whole, in order."""
    found: list[str] = compiled(f"\\x01({pattern})\\x00").findall(text)
    return found


@lru_cache(maxsize=256)  # fault rules test every request, a journal filter every entry: translate a glob once
def glob(pattern: str) -> Callable[[str], bool]:
    """A test of a whole text against a shell-style glob, read as `fnmatch.fnmatchcase` reads it (`*`, `?`,
    `[seq]`, `[!seq]`, a reversed range dropped; case-sensitive), run by RE2."""
    parts, i = [], 0
    while i < len(pattern):
        char, i = pattern[i], i + 1
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        elif char == "[" and (end := _class_end(pattern, i)) >= 0:
            parts.append(_glob_class(pattern[i:end]))
            i = end + 1
        else:
            parts.append(literal(char))
    return fullmatcher("".join(parts))


def _class_end(pattern: str, start: int) -> int:
    """Where the class opened before `start` closes (a `]` right after `[` or `[!` is a member), or -1."""
    j = start + (start < len(pattern) and pattern[start] == "!")
    j += j < len(pattern) and pattern[j] == "]"
    return pattern.find("]", j)


def _glob_class(body: str) -> str:
    negated = body.startswith("!")
    members, k = [], int(negated)
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            if body[k] <= body[k + 2]:  # fnmatch drops a reversed range, both ends
                members.append(f"{literal(body[k])}-{literal(body[k + 2])}")
            k += 3
        else:
            members.append(literal(body[k]))
            k += 1
    if not members:
        return "." if negated else "[^\\x00-\\x{10FFFF}]"  # `[!]`-like: any character; else nothing
    return f"[{'^' if negated else ''}{''.join(members)}]"
