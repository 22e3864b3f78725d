"""Lucene's regular expression syntax (`RegExp`, as `/.../` in a query string) turned into RE2 syntax.

Lucene's grammar is not Perl's: `^`, `$` and `?` after `(` are ordinary characters, `.` is any character, `@` any
string, `#` the empty language, `"..."` a literal string, `<1-20>` a decimal interval, `\\d`/`\\w`/`\\s` classes
(Lucene 9). The classic query parser enables every operator (`RegExp.ALL`); the emulator refuses two of them,
complement `~x` and intersection `a&b`, which RE2 cannot express, with a 400 that says so (docs/fidelity.md).

The translation runs twice: once with any-character classes that match every character (tested against one term)
and once with classes that never match NUL (scanned over NUL-joined terms, `emulator.search.regex`). Repetition
counts above 1,000, nesting deeper than 50 groups and expressions longer than 10,000 characters are refused before
RE2 sees them; RE2 refuses what would compile to too large a program.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.search.regex import escape

MAX_REPEAT = 1000  # RE2's own limit on `{n,m}`
MAX_DEPTH = 50  # nested groups (each costs a few frames of the parser's recursion)
MAX_LENGTH = 10_000  # characters of one expression
MAX_INTERVAL_DIGITS = 18
_CLASSES = {"d": "0-9", "w": "0-9A-Z_a-z", "s": "\\t\\n\\f\\r "}


class RegExpError(ValueError):
    """The expression is not valid Lucene syntax (or uses what the emulator does not support)."""


@dataclass(frozen=True)
class Translated:
    """One Lucene expression in RE2 syntax, in both forms."""

    regex: str  # against one whole term
    scan: str  # the same language without NUL, for NUL-joined terms


def translate(expression: str) -> Translated:
    """Both RE2 forms of a Lucene regular expression, or `RegExpError` naming the position."""
    if len(expression) > MAX_LENGTH:
        raise RegExpError(f"expressions longer than {MAX_LENGTH} characters are not supported")
    return Translated(_Parser(expression, scan=False).parse(), _Parser(expression, scan=True).parse())


class _Parser:
    """A recursive descent over Lucene's grammar (`RegExp.parseUnionExp` and below), emitting RE2 text."""

    def __init__(self, text: str, *, scan: bool) -> None:
        self.s = text
        self.i = 0
        self.depth = 0
        self.any = "[^\\x00]" if scan else "."
        self.nul = "\\x00" if scan else ""

    def parse(self) -> str:
        out = self._union()
        if self.i < len(self.s):
            raise RegExpError(f"end of expression expected at position {self.i}")
        return out

    def _peek(self, chars: str) -> bool:
        return self.i < len(self.s) and self.s[self.i] in chars

    def _take(self, char: str) -> bool:
        if self._peek(char):
            self.i += 1
            return True
        return False

    def _next(self, what: str) -> str:
        if self.i >= len(self.s):
            raise RegExpError(f"{what} expected at position {self.i}")
        char = self.s[self.i]
        self.i += 1
        return char

    def _union(self) -> str:
        branches = [self._inter()]
        while self._take("|"):
            branches.append(self._inter())
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    def _inter(self) -> str:
        out = self._concat()
        if self._peek("&"):
            raise RegExpError(f"intersection (&) at position {self.i} is not supported by the emulator")
        return out

    def _concat(self) -> str:
        parts = []
        while self.i < len(self.s) and not self._peek(")|&"):
            parts.append(self._repeat())
        return "".join(parts)

    def _repeat(self) -> str:
        out = self._complement()
        while self._peek("?*+{"):
            char = self._next("repetition")
            out = f"(?:{out}){char}" if char != "{" else f"(?:{out}){self._counts()}"
        return out

    def _counts(self) -> str:
        low = self._number("repetition count")
        high: int | None = low
        if self._take(","):
            high = self._number("repetition count") if not self._peek("}") else None
        if not self._take("}"):
            raise RegExpError(f"expected '}}' at position {self.i}")
        if max(low, high or 0) > MAX_REPEAT:
            raise RegExpError(f"repetition counts above {MAX_REPEAT} are not supported")
        if high is not None and high < low:
            raise RegExpError(f"repetition {{{low},{high}}}: the maximum is below the minimum")
        return f"{{{low}}}" if high == low else f"{{{low},{'' if high is None else high}}}"

    def _number(self, what: str) -> int:
        start = self.i
        while self._peek("0123456789"):
            self.i += 1
        if start == self.i:
            raise RegExpError(f"{what} expected at position {start}")
        return int(self.s[start : self.i][:12])

    def _complement(self) -> str:
        if self._peek("~"):
            raise RegExpError(f"complement (~) at position {self.i} is not supported by the emulator")
        return self._class() if self._peek("[") else self._simple()

    def _class(self) -> str:
        self.i += 1  # `[`
        negated = self._take("^")
        items = []
        while not self._peek("]"):
            items.append(self._class_item())
        self.i += 1  # `]`
        if not items:
            raise RegExpError(f"empty character class at position {self.i - 1}")
        body = "".join(items)
        return f"[^{body}{self.nul}]" if negated else f"[{body}]"

    def _class_item(self) -> str:
        if self.i >= len(self.s):
            raise RegExpError(f"unclosed character class at position {self.i}")
        low = self._class_char()
        if self._peek("-") and self.i + 1 < len(self.s) and self.s[self.i + 1] != "]":
            self.i += 1
            high = self._class_char()
            if high < low:
                raise RegExpError(f"invalid range {low}-{high} at position {self.i}")
            return f"{escape(low)}-{escape(high)}"
        return escape(low)

    def _class_char(self) -> str:
        if self._take("\\"):
            return self._next("escaped character")
        return self._next("character")

    def _simple(self) -> str:
        char = self._next("expression")
        if char == ".":
            return self.any
        if char == "#":
            return "[^\\x00-\\x{10FFFF}]"  # the empty language: no string at all
        if char == "@":
            return f"{self.any}*"
        if char == '"':
            return self._quoted()
        if char == "(":
            return self._group()
        if char == "<":
            return self._interval()
        if char == "\\":
            return self._escaped()
        return escape(char)

    def _quoted(self) -> str:
        end = self.s.find('"', self.i)
        if end < 0:
            raise RegExpError(f"unclosed string at position {self.i - 1}")
        literal = self.s[self.i : end]
        self.i = end + 1
        return "".join(escape(char) for char in literal)

    def _group(self) -> str:
        if self._take(")"):
            return "(?:)"
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RegExpError(f"groups nested deeper than {MAX_DEPTH}")
        inner = self._union()
        self.depth -= 1
        if not self._take(")"):
            raise RegExpError(f"expected ')' at position {self.i}")
        return f"(?:{inner})"

    def _escaped(self) -> str:
        char = self._next("escaped character")
        if char in _CLASSES:
            return f"[{_CLASSES[char]}]"
        return escape(char)

    def _interval(self) -> str:
        end = self.s.find(">", self.i)
        body = self.s[self.i : end] if end >= 0 else ""
        low, dash, high = body.partition("-")
        if not (dash and low.isdigit() and high.isdigit()):
            raise RegExpError(f"only numeric intervals <n-m> are supported (position {self.i - 1})")
        if max(len(low), len(high)) > MAX_INTERVAL_DIGITS:
            raise RegExpError(f"interval bounds of more than {MAX_INTERVAL_DIGITS} digits are not supported")
        self.i = end + 1
        return interval(int(low), int(high), len(low) if len(low) == len(high) else 0)


def interval(low: int, high: int, digits: int) -> str:
    """Decimal numbers from `low` to `high` (Lucene's `makeDecimalInterval`): exactly `digits` digits, zero-padded,
    or when `digits` is 0 any number of leading zeros."""
    low, high = min(low, high), max(low, high)
    if digits:
        return _fixed(str(low).zfill(digits), str(high).zfill(digits))
    branches = []
    for width in range(len(str(low)), len(str(high)) + 1):
        first = max(low, 10 ** (width - 1) if width > 1 else 0)
        last = min(high, 10**width - 1)
        branches.append(_fixed(str(first), str(last)))
    return "0*(?:" + "|".join(branches) + ")"


def _fixed(low: str, high: str) -> str:
    """Digit strings of one length from `low` to `high`, as a regular expression."""
    if not low:
        return ""
    if low[0] == high[0]:
        return low[0] + _fixed(low[1:], high[1:])
    rest = len(low) - 1
    if low[1:] == "0" * rest and high[1:] == "9" * rest:
        return f"[{low[0]}-{high[0]}]" + (f"[0-9]{{{rest}}}" if rest else "")
    branches = [low[0] + _fixed(low[1:], "9" * rest)]
    if int(high[0]) - int(low[0]) > 1:
        branches.append(f"[{int(low[0]) + 1}-{int(high[0]) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    branches.append(high[0] + _fixed("0" * rest, high[1:]))
    return "(?:" + "|".join(branches) + ")"
