"""The classic grammar's tokens, syntax errors and the emulator's two lenient extensions (dc-api.md §2.2)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from emulator.core.errors import ValidationError
from emulator.core.leaves import Context
from emulator.dialects.dc import lucene
from emulator.dialects.dc.lucene import LEADING_WILDCARD_WARNING, QUOTED_FIELD_WARNING
from emulator.dialects.dc.lucene_lexer import RangeBounds, Tok, tokenize
from emulator.dialects.dc.lucene_parser import Conj, Mod, Occur, add_clauses
from emulator.search.tree import FieldSpec, Kind

CONTENT = FieldSpec("asset.content", "content", Kind.TEXT)
FIELDS = {"asset.content": CONTENT, "Serial Number": FieldSpec("Serial Number", "a7", Kind.TEXT)}


def _parse(text: str) -> lucene.Parsed:
    return lucene.parse(text, FIELDS.get, Context(zone=ZoneInfo("UTC"), now_ms=0), CONTENT)


def _kinds(text: str) -> list[Tok]:
    return [token.kind for token in tokenize(text)][:-1]


# -- tokens --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("a AND b", [Tok.TERM, Tok.AND, Tok.TERM]),
        ("a && b || c", [Tok.TERM, Tok.AND, Tok.TERM, Tok.OR, Tok.TERM]),
        ("a&&b", [Tok.TERM]),  # `&` and `|` are term characters: only a lone `&&` is an operator
        ("ANDY or", [Tok.TERM, Tok.TERM]),
        ("!a", [Tok.NOT, Tok.TERM]),
        ("a!b", [Tok.TERM, Tok.NOT, Tok.TERM]),  # `!` cannot continue a term
        ("a-b+c", [Tok.TERM]),  # `-` and `+` can
        ("- a", [Tok.BARE, Tok.TERM]),
        ("+a -b", [Tok.PLUS, Tok.TERM, Tok.MINUS, Tok.TERM]),
        ("te*t ?x *", [Tok.WILD, Tok.WILD, Tok.WILD]),
        ("te\\*", [Tok.TERM]),
        ('"a b"~2^3', [Tok.QUOTED, Tok.FUZZY, Tok.BOOST]),
        ("a~", [Tok.TERM, Tok.FUZZY]),
        ("/a.b/", [Tok.REGEX]),
        ("f:(a)", [Tok.TERM, Tok.COLON, Tok.LPAREN, Tok.TERM, Tok.RPAREN]),
        ("a\u3000b", [Tok.TERM, Tok.TERM]),  # the ideographic space separates too
    ],
)
def test_tokens(text: str, kinds: list[Tok]) -> None:
    assert _kinds(text) == kinds


def test_term_keeps_its_escapes_for_the_pattern_reader() -> None:
    assert tokenize("Serial\\ Number")[0].text == "Serial\\ Number"


def test_range_is_one_token_with_its_bounds() -> None:
    (token, _end) = tokenize('[1 TO "x y"}')
    assert token.bounds == RangeBounds("1", "x y", include_low=True, include_high=False)
    assert tokenize("{* TO TO]")[0].bounds == RangeBounds(None, "TO", include_low=False, include_high=True)
    assert tokenize('["*" TO *]')[0].bounds == RangeBounds("*", None, include_low=True, include_high=True)


# -- clause rules (QueryParserBase.addClause) ------------------------------------------------------


def test_add_clauses_follows_addclause() -> None:
    items = [(Conj.NONE, Mod.NONE, "a"), (Conj.OR, Mod.NONE, "b"), (Conj.AND, Mod.NONE, "c")]
    assert add_clauses(items) == [(Occur.SHOULD, "a"), (Occur.MUST, "b"), (Occur.MUST, "c")]
    items = [(Conj.NONE, Mod.NOT, "a"), (Conj.AND, Mod.NOT, "b"), (Conj.OR, Mod.REQ, "c")]
    assert add_clauses(items) == [(Occur.MUST_NOT, "a"), (Occur.MUST_NOT, "b"), (Occur.MUST, "c")]


def test_add_clauses_lets_and_act_through_a_dropped_clause() -> None:
    items: list[tuple[Conj, Mod, str | None]] = [(Conj.NONE, Mod.NONE, "a"), (Conj.AND, Mod.NONE, None)]
    assert add_clauses(items) == [(Occur.MUST, "a")]


# -- syntax errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a]", "unexpected ']' at position 1"),
        ("NOT NOT a", "unexpected 'NOT' at position 4"),  # one modifier per clause
        ("+-a", "unexpected '-' at position 1"),
        ("a^", "a boost '^' needs a number right after it at position 1"),
        ("a^ 2", "a boost '^' needs a number right after it at position 1"),
        ("a\\", "a backslash must escape a character at position 0"),
        ("/ab", "unclosed regular expression at position 0"),
        ("tom*:x", "unexpected ':' at position 4"),  # a field name has no wildcard
        ("a:b:c", "unexpected ':' at position 3"),
        ("~a", "unexpected '~a' at position 0"),
        ("f:-a", "unexpected '-' at position 2"),
        ("[1 2]", "a range needs 'TO' between its bounds at position 3"),
        ("[1 TO 2", "a range needs a closing ']' or '}' at the end"),
        ("a -", "unexpected end of query at the end"),
        ("()", "unexpected ')' at position 1"),
        ("(" * 101 + "a" + ")" * 101, "groups nested more than 100 deep at position 100"),
    ],
)
def test_syntax_error_names_the_position(text: str, where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _parse(text)

    assert caught.value.message == f"genericKeyword: cannot parse '{text}': {where}"


def test_groups_may_nest_a_hundred_deep() -> None:
    assert _parse("(" * 100 + "a" + ")" * 100).node == _parse("a").node


@pytest.mark.parametrize("text", ["a~2.5", "a~1.5"])
def test_fractional_edit_distance_is_a_400(text: str) -> None:
    with pytest.raises(ValidationError, match="fractional edit distances are not allowed"):
        _parse(text)


def test_huge_fuzzy_and_slop_numbers_are_capped() -> None:
    assert _parse("a~" + "9" * 400).node == _parse("a~2").node
    assert _parse('"a b"~' + "9" * 400).node == _parse('"a b"~2147483647').node


def test_regular_expression_with_a_huge_repetition_is_a_400() -> None:
    with pytest.raises(ValidationError, match="invalid regular expression"):
        _parse("/a{99999999999}/")


# -- warnings for the two lenient extensions -------------------------------------------------------


def test_classic_queries_have_no_warnings() -> None:
    assert _parse("Serial\\ Number:1254* AND te*t AND /x.*/").warnings == ()


@pytest.mark.parametrize("text", ['"Serial Number":1254*', '"Serial Number" : 1254*', 'a OR "Nope":x'])
def test_a_quoted_field_name_is_reported(text: str) -> None:
    assert _parse(text).warnings == (QUOTED_FIELD_WARNING,)


@pytest.mark.parametrize("text", ["*est", "?est", "Serial\\ Number:*", "*", "a OR (b OR *c)"])
def test_a_leading_wildcard_is_reported(text: str) -> None:
    assert _parse(text).warnings == (LEADING_WILDCARD_WARNING,)


def test_star_colon_star_and_escaped_stars_are_not_leading_wildcards() -> None:
    assert _parse("*:* OR \\*a").warnings == ()


def test_each_warning_is_reported_once_in_the_order_met() -> None:
    warnings = _parse('*a OR "Serial Number":x OR *b OR "Serial Number":y').warnings

    assert warnings == (LEADING_WILDCARD_WARNING, QUOTED_FIELD_WARNING)


def test_the_warnings_are_latin_1_so_they_fit_an_http_header() -> None:
    for warning in (QUOTED_FIELD_WARNING, LEADING_WILDCARD_WARNING):
        assert warning.isascii()
        assert warning.startswith("genericKeyword: ")
