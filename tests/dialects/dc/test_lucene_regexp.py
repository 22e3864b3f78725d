"""Lucene's `RegExp` syntax in RE2: each construct matched against whole terms, term by term and by scan."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.dialects.dc.lucene_regexp import RegExpError, interval, translate
from emulator.search import regex


def matches(expression: str, term: str) -> bool:
    """Whether `expression` matches the whole `term`; the scan form must agree with the term form."""
    translated = translate(expression)
    whole = regex.fullmatcher(translated.regex)(term)
    joined = regex.joined(["x.", term, ".y"])
    assert joined is not None
    assert (term in regex.scan(translated.scan, joined)) is whole
    return whole


@pytest.mark.parametrize(
    ("expression", "term", "expected"),
    [
        ("lap.*", "laptop", True),
        ("lap.*", "xlaptop", False),  # anchored at both ends, as Lucene matches whole terms
        ("lap", "laptop", False),
        ("a.c", "abc", True),
        ("a.c", "ac", False),
        ("a@", "anything at all", True),  # `@`: any string
        ("#|abc", "abc", True),  # `#`: the empty language
        ("#", "", False),
        ('"a.b"', "a.b", True),  # a quoted string is literal
        ('"a.b"', "axb", False),
        ("^ab$", "^ab$", True),  # `^` and `$` are ordinary characters in Lucene
        ("^ab$", "ab", False),
        ("(?s)a", "?sa", True),  # so is `?` at the start of a group
        ("*a", "*a", True),  # a leading operator is a literal character
        ("a()b", "ab", True),
        ("[a-c]+", "abcab", True),
        ("[a-c]+", "abd", False),
        ("[^a-c]x", "dx", True),
        ("[^a-c]x", "ax", False),
        ("[a\\-]+", "a-a", True),
        ("\\d{3}", "123", True),
        ("\\d{3}", "12a", False),
        ("\\w+\\s\\w+", "hello world", True),
        ("a{2,}", "aaaa", True),
        ("a{2,}", "a", False),
        ("a{1,2}", "aaa", False),
        ("colou?r", "color", True),
        ("(ab|cd)+", "abcdab", True),
        ("\\.", ".", True),
        ("ré.", "résumé", False),
        ("r.sum.", "résumé", True),  # one character each, not one byte
        ("<1-20>", "7", True),
        ("<1-20>", "007", True),  # bounds of different lengths: any leading zeros
        ("<1-20>", "21", False),
        ("<01-20>", "07", True),  # bounds of one length: exactly that many digits
        ("<01-20>", "7", False),
        ("<20-1>", "15", True),  # reversed bounds are swapped
        ("host<1-3>", "host2", True),
    ],
)
def test_lucene_construct_matches_as_lucene_does(expression: str, term: str, expected: bool) -> None:
    assert matches(expression, term) is expected


def test_a_backtracking_shape_over_a_long_run_is_answered_in_linear_time() -> None:
    # Python's `re` needs exponential time for these over a long run of `a`; RE2 answers at once.
    assert not matches("(a|aa)*c", "a" * 5_000)
    assert not matches("(a*)*b", "a" * 5_000)
    assert matches("(a|aa)*", "a" * 5_000)


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("[", "unclosed character class at position 1"),
        ("[]", "empty character class at position 1"),
        ("[z-a]", "invalid range z-a at position 4"),
        ("a{x}", "repetition count expected at position 2"),
        ("a{2", "expected '}' at position 3"),
        ("(ab", "expected ')' at position 3"),
        ('"ab', "unclosed string at position 0"),
        ("ab\\", "escaped character expected at position 3"),
        ("<1-9999999999999999999>", "interval bounds of more than 18 digits are not supported"),
        ("a" * 10_001, "expressions longer than 10000 characters are not supported"),
    ],
)
def test_invalid_expression_names_what_is_wrong(expression: str, reason: str) -> None:
    with pytest.raises(RegExpError) as caught:
        translate(expression)
    assert str(caught.value) == reason


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 12_000), st.booleans())
def test_a_decimal_interval_holds_exactly_its_numbers(low: int, high: int, number: int, fixed: bool) -> None:
    low, high = min(low, high), max(low, high)
    digits = len(str(high)) if fixed else 0
    compiled = regex.fullmatcher(interval(low, high, digits))
    text = str(number).zfill(digits)

    assert compiled(text) is (low <= number <= high)
    if not fixed:
        assert compiled("00" + text) is (low <= number <= high)
