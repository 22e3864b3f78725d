"""The tokens of Lucene's classic query syntax (`QueryParser.jj`), cut from a `genericKeyword` string.

Token rules follow the JavaCC grammar: whitespace separates tokens; `AND`/`&&`, `OR`/`||`, `NOT`/`!`, `+` and `-`
are operators when they stand alone (`&&` inside `a&&b` is part of the term); `+`, `-` or `!` followed by
whitespace is a bare term (`BAREOPER`); a term runs until whitespace or one of `+-!():^[]"{}~/` (`-` and `+` may
continue a term), `\\` escapes the next character; `^` must touch its number; ranges are read whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from emulator.core import query_limits
from emulator.core.errors import ValidationError

WHAT = "genericKeyword"
WHITESPACE = " \t\n\r\u3000"
_NOT_TERM_CHAR = WHITESPACE + '!():^[]"{}~\\/'  # what ends a term (`\\` starts an escape, handled apart)
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# Runs the lexer takes in one C call (each a single character class: linear, whatever the input).
SPACES_PATTERN = "[" + re.escape(WHITESPACE) + "]*"
TERM_RUN_PATTERN = "[^" + re.escape(_NOT_TERM_CHAR) + "]+"
_SPACES = re.compile(SPACES_PATTERN)
_TERM_RUN = re.compile(TERM_RUN_PATTERN)
_SIMPLE = {"(": "LPAREN", ")": "RPAREN", ":": "COLON"}


class Tok(Enum):
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    PLUS = "+"
    MINUS = "-"
    LPAREN = "("
    RPAREN = ")"
    COLON = ":"
    BOOST = "^"
    FUZZY = "~"
    TERM = "term"
    WILD = "wildcard"  # has an unescaped `*` or `?` (`*` alone included)
    BARE = "bare operator"  # `+`, `-` or `!` followed by whitespace: a term the analyzer drops
    REGEX = "regex"
    QUOTED = "quoted"
    RANGE = "range"
    END = "end"


@dataclass(frozen=True)
class RangeBounds:
    """The inside of `[a TO b]` / `{a TO b}`: raw bounds (escapes kept), None for an open `*` end."""

    low: str | None
    high: str | None
    include_low: bool
    include_high: bool


@dataclass(frozen=True)
class Token:
    kind: Tok
    text: str  # terms: the raw image (escapes kept); quoted and regex: the inside; fuzzy and boost: the number
    position: int
    bounds: RangeBounds | None = None


def syntax_error(source: str, position: int, detail: str) -> ValidationError:
    """A 400 that says where: `at position N` (0-based) or `at the end`."""
    where = "at the end" if position >= len(source) else f"at position {position}"
    return ValidationError(f"{WHAT}: cannot parse '{source}': {detail} {where}")


def tokenize(source: str, max_leaves: int | None = None) -> list[Token]:
    """Every token of `source`, ending with one `END` token; a 400 TooManyClauses as soon as it holds more than
    `max_leaves` terms, phrases, expressions and ranges (each one clause), so that a huge query costs no more."""
    return _Lexer(source, max_leaves).run()


_CLAUSES = frozenset({"term", "wildcard", "regex", "quoted", "range"})


class _Lexer:
    def __init__(self, source: str, max_leaves: int | None = None) -> None:
        self.s = source
        self.i = 0
        self.out: list[Token] = []
        self._last = 0  # where the last word inside a range began
        self.max_leaves = max_leaves
        self.leaves = 0

    def run(self) -> list[Token]:
        while True:
            self._skip_space()
            if self.i >= len(self.s):
                self.out.append(Token(Tok.END, "", self.i))
                return self.out
            self._one()

    def _skip_space(self) -> None:
        self.i = _SPACES.match(self.s, self.i).end()  # type: ignore[union-attr]  # `*` always matches

    def _emit(self, kind: Tok, text: str, start: int, bounds: RangeBounds | None = None) -> None:
        self.out.append(Token(kind, text, start, bounds))
        if kind.value in _CLAUSES and self.max_leaves is not None:
            self.leaves += 1
            if self.leaves > self.max_leaves:
                raise query_limits.too_many_clauses(self.max_leaves)

    def _one(self) -> None:
        start, char = self.i, self.s[self.i]
        if char in _SIMPLE:
            self.i += 1
            self._emit(Tok[_SIMPLE[char]], char, start)
        elif char in "+-!":
            self._operator(start, char)
        elif char == '"':
            self._emit(Tok.QUOTED, self._quoted(start), start)
        elif char == "/":
            self._emit(Tok.REGEX, self._regex(start), start)
        elif char in "[{":
            self._emit(Tok.RANGE, char, start, self._range(start))
        elif char in "^~":
            self._number_suffix(start, char)
        elif char in "]}":
            raise syntax_error(self.s, start, f"unexpected '{char}'")
        else:
            self._term(start)

    def _operator(self, start: int, char: str) -> None:
        self.i += 1
        if self.i < len(self.s) and self.s[self.i] in WHITESPACE:
            self.i += 1
            self._emit(Tok.BARE, char, start)
        else:
            self._emit({"+": Tok.PLUS, "-": Tok.MINUS, "!": Tok.NOT}[char], char, start)

    def _number_suffix(self, start: int, char: str) -> None:
        self.i += 1
        found = _NUMBER.match(self.s, self.i)
        if char == "^" and found is None:
            raise syntax_error(self.s, start, "a boost '^' needs a number right after it")
        text = found.group(0) if found else ""
        self.i += len(text)
        self._emit(Tok.BOOST if char == "^" else Tok.FUZZY, text, start)

    def _escape(self, start: int) -> str:
        """The two characters of an escape at `self.i` (a backslash and the next one)."""
        if self.i + 1 >= len(self.s):
            raise syntax_error(self.s, start, "a backslash must escape a character")
        self.i += 2
        return self.s[self.i - 2 : self.i]

    def _quoted(self, start: int) -> str:
        self.i += 1
        chunks: list[str] = []
        while self.i < len(self.s) and self.s[self.i] != '"':
            if self.s[self.i] == "\\":
                chunks.append(self._escape(start))
            else:
                chunks.append(self.s[self.i])
                self.i += 1
        if self.i >= len(self.s):
            raise syntax_error(self.s, start, "unclosed quote")
        self.i += 1
        return "".join(chunks)

    def _regex(self, start: int) -> str:
        self.i += 1
        chunks: list[str] = []
        while self.i < len(self.s) and self.s[self.i] != "/":
            if self.s[self.i] == "\\" and self.i + 1 < len(self.s):
                chunks.append(self._escape(start))
            else:
                chunks.append(self.s[self.i])
                self.i += 1
        if self.i >= len(self.s):
            raise syntax_error(self.s, start, "unclosed regular expression")
        self.i += 1
        return "".join(chunks)

    def _term(self, start: int) -> None:
        chunks: list[str] = []
        wild = False
        while self.i < len(self.s):
            if self.s[self.i] == "\\":
                chunks.append(self._escape(start))
                continue
            run = _TERM_RUN.match(self.s, self.i)
            if run is None:  # a character that ends a term
                break
            chunks.append(run.group())
            wild = wild or "*" in chunks[-1] or "?" in chunks[-1]
            self.i = run.end()
        text = "".join(chunks)
        if text in _OPERATORS:
            self._emit(Tok[_OPERATORS[text]], text, start)
        else:
            self._emit(Tok.WILD if wild else Tok.TERM, text, start)

    # -- ranges: `[` or `{`, a bound, `TO`, a bound, `]` or `}` (either bracket on either side) --------------
    def _range(self, start: int) -> RangeBounds:
        include_low = self.s[self.i] == "["
        self.i += 1
        low = self._bound(start)
        if self._range_word(start) != ("TO", False):
            raise syntax_error(self.s, self._last, "a range needs 'TO' between its bounds")
        high = self._bound(start)
        self._skip_space()
        if self.i >= len(self.s) or self.s[self.i] not in "]}":
            raise syntax_error(self.s, self.i, "a range needs a closing ']' or '}'")
        include_high = self.s[self.i] == "]"
        self.i += 1
        return RangeBounds(low, high, include_low, include_high)

    def _bound(self, start: int) -> str | None:
        text, quoted = self._range_word(start)
        return None if text == "*" and not quoted else text

    def _range_word(self, start: int) -> tuple[str, bool]:
        """One word inside a range: a quoted string or a run up to whitespace, `]` or `}`."""
        self._skip_space()
        self._last = self.i
        if self.i >= len(self.s):
            raise syntax_error(self.s, self.i, "unfinished range")
        if self.s[self.i] in "]}":
            raise syntax_error(self.s, self.i, f"unexpected '{self.s[self.i]}' in a range")
        if self.s[self.i] == '"':
            return self._quoted(self.i), True
        begin = self.i
        while self.i < len(self.s) and self.s[self.i] not in WHITESPACE + "]}":
            self.i += 1
        return self.s[begin : self.i], False
