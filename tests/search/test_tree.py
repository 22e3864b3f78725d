"""The engine-neutral query tree: term patterns, the index's word splitting, and AND/OR simplification."""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.search import regex
from emulator.search.tree import (
    All,
    And,
    Exists,
    Match,
    Not,
    Nothing,
    Or,
    Pattern,
    Phrase,
    Range,
    Scope,
    and_,
    or_,
    tokenize,
)


def _matches(pattern: Pattern, term: str) -> bool:
    """Whether `pattern` matches a whole index term, as the executor applies it, term by term and by scan."""
    whole = regex.fullmatcher(pattern.regex)(term)
    joined = regex.joined(["before", term, "after"])
    assert joined is not None
    assert (term in regex.scan(pattern.scan, joined)) is whole
    return whole


# -- Pattern.parse -------------------------------------------------------------------------------


def test_plain_term_is_a_lower_cased_literal() -> None:
    assert Pattern.parse("Server") == Pattern(literal="server", regex="server", prefix="server")


def test_star_wildcard_leaves_no_literal_and_keeps_the_text_before_it_as_prefix() -> None:
    assert Pattern.parse("te*") == Pattern(literal=None, regex="te.*", prefix="te")


def test_question_mark_wildcard_stands_for_exactly_one_character() -> None:
    pattern = Pattern.parse("tes?")

    assert pattern == Pattern(literal=None, regex="tes.", prefix="tes")
    assert _matches(pattern, "test")
    assert not _matches(pattern, "tes")
    assert not _matches(pattern, "tester")


def test_star_wildcard_matches_any_run_including_an_empty_one() -> None:
    pattern = Pattern.parse("teste*")

    assert _matches(pattern, "tester")
    assert _matches(pattern, "teste")
    assert not _matches(pattern, "test")


def test_leading_wildcard_has_an_empty_prefix() -> None:
    pattern = Pattern.parse("*est")

    assert pattern == Pattern(literal=None, regex=".*est", prefix="")
    assert _matches(pattern, "test")
    assert not _matches(pattern, "tester")


def test_prefix_stops_at_the_first_wildcard() -> None:
    pattern = Pattern.parse("a*b?c")

    assert pattern == Pattern(literal=None, regex="a.*b.c", prefix="a")
    assert _matches(pattern, "axxbyc")
    assert not _matches(pattern, "abc")


def test_pattern_is_anchored_at_both_ends() -> None:
    pattern = Pattern.parse("te*")

    assert not _matches(pattern, "ate")
    assert _matches(pattern, "te")


def test_escaped_star_is_a_literal_star() -> None:
    pattern = Pattern.parse("te\\*")

    assert pattern == Pattern(literal="te*", regex="te\\*", prefix="te*")
    assert _matches(pattern, "te*")
    assert not _matches(pattern, "test")


def test_escaped_question_mark_is_a_literal_question_mark() -> None:
    pattern = Pattern.parse("why\\?")

    assert pattern.literal == "why?"
    assert not _matches(pattern, "whyx")


def test_escaped_backslash_is_one_literal_backslash() -> None:
    assert Pattern.parse("a\\\\b") == Pattern(literal="a\\b", regex="a\\\\b", prefix="a\\b")


def test_trailing_backslash_stands_for_itself() -> None:
    assert Pattern.parse("a\\") == Pattern(literal="a\\", regex="a\\\\", prefix="a\\")


def test_escaped_wildcard_after_a_real_one_is_not_part_of_the_prefix() -> None:
    pattern = Pattern.parse("a*\\?")

    assert pattern == Pattern(literal=None, regex="a.*\\?", prefix="a")
    assert _matches(pattern, "abc?")
    assert not _matches(pattern, "abcd")


def test_regex_metacharacters_in_a_term_are_matched_literally() -> None:
    pattern = Pattern.parse("10.10.13.22")

    assert pattern.literal == "10.10.13.22"
    assert _matches(pattern, "10.10.13.22")
    assert not _matches(pattern, "10x10x13x22")


def test_hyphenated_term_keeps_its_hyphen_in_prefix_and_literal() -> None:
    assert Pattern.parse("AB-*") == Pattern(literal=None, regex="ab\\-.*", prefix="ab-")


def test_exact_pattern_treats_wildcard_characters_as_text() -> None:
    pattern = Pattern.exact("Lap*top?")

    assert pattern == Pattern(literal="lap*top?", regex="lap\\*top\\?", prefix="lap*top?")
    assert not _matches(pattern, "laptops")


def test_a_lone_star_matches_all_and_nothing_else_does() -> None:
    assert Pattern.parse("*").is_match_all
    assert not Pattern.parse("a*").is_match_all
    assert not Pattern.parse("\\*").is_match_all
    assert not Pattern.exact("*").is_match_all


# -- tokenize ------------------------------------------------------------------------------------


def test_tokenize_splits_on_spaces_and_lower_cases() -> None:
    assert tokenize("Server alpha TEST") == ["server", "alpha", "test"]


def test_tokenize_keeps_an_ip_address_as_one_word() -> None:
    assert tokenize("10.10.13.22") == ["10.10.13.22"]


def test_tokenize_splits_on_hyphens() -> None:
    assert tokenize("AB-X1 Docking Station") == ["ab", "x1", "docking", "station"]
    assert tokenize("12685-3434-4522-1335") == ["12685", "3434", "4522", "1335"]


def test_tokenize_drops_punctuation_and_a_trailing_dot() -> None:
    assert tokenize("Part-time, works Monday to Wednesday.") == ["part", "time", "works", "monday", "to", "wednesday"]


def test_tokenize_keeps_dotted_names_together_and_splits_at_the_at_sign() -> None:
    assert tokenize("alice.johnson@example.com") == ["alice.johnson", "example.com"]


def test_tokenize_keeps_stop_words() -> None:
    assert tokenize("the New York office") == ["the", "new", "york", "office"]


def test_tokenize_splits_ipv6_addresses_at_colons() -> None:
    assert tokenize("2001:db8:10::11") == ["2001", "db8", "10", "11"]


def test_tokenize_handles_unicode_letters_and_underscores() -> None:
    assert tokenize("Grüße aus_Köln") == ["grüße", "aus_köln"]


def test_tokenize_of_no_words_is_empty() -> None:
    assert tokenize("") == []
    assert tokenize(" -- * ") == []


# -- and_ / or_ ----------------------------------------------------------------------------------

A = Match("name", Pattern.parse("a"))
B = Match("name", Pattern.parse("b"))


def test_and_of_nothing_given_is_all() -> None:
    assert and_() == All()


def test_or_of_nothing_given_is_nothing() -> None:
    assert or_() == Nothing()


def test_and_of_one_item_is_that_item() -> None:
    assert and_(A) == A


def test_or_of_one_item_is_that_item() -> None:
    assert or_(A) == A


def test_and_drops_all() -> None:
    assert and_(All(), A, All()) == A
    assert and_(All(), All()) == All()


def test_and_with_nothing_is_nothing() -> None:
    assert and_(A, Nothing(), B) == Nothing()


def test_or_drops_nothing() -> None:
    assert or_(Nothing(), A, Nothing()) == A
    assert or_(Nothing(), Nothing()) == Nothing()


def test_or_with_all_is_all() -> None:
    assert or_(A, All(), B) == All()


def test_and_of_several_items_keeps_their_order() -> None:
    assert and_(A, B) == And((A, B))
    assert and_(B, All(), A) == And((B, A))


def test_or_of_several_items_keeps_their_order() -> None:
    assert or_(A, B) == Or((A, B))
    assert or_(B, Nothing(), A) == Or((B, A))


def test_nodes_compare_by_value_and_can_be_hashed() -> None:
    nodes = {
        Match("name", Pattern.parse("a")),
        Match("name", Pattern.parse("a")),
        Match("name", Pattern.parse("a"), Scope.VALUE),
        Not(Phrase("name", ("a", "b"))),
        Not(Phrase("name", ("a", "b"))),
        Range("n", 1.0, None),
        Exists("n"),
    }

    assert len(nodes) == 5


@pytest.mark.parametrize("node", [All(), Nothing(), A, Exists("name")])
def test_nodes_are_frozen(node: object) -> None:
    with pytest.raises(AttributeError):
        node.field = "other"  # type: ignore[attr-defined]


@given(st.text(alphabet="ab*?", max_size=8), st.text(alphabet="ab\n", max_size=10))
def test_a_wildcard_matches_what_fnmatch_does(wildcard: str, term: str) -> None:
    # fnmatch (Python's own glob matcher) as an independent oracle, on terms short enough for it.
    assert _matches(Pattern.parse(wildcard), term) is fnmatch.fnmatchcase(term, wildcard)


@given(st.text(alphabet="ab*?[]!-\\^", max_size=8), st.text(alphabet="ab-]![\\^", max_size=8))
def test_a_glob_matches_what_fnmatch_does(pattern: str, text: str) -> None:
    # The fault rules' and the journal's path globs, on RE2 instead of fnmatch's regular expressions.
    assert regex.glob(pattern)(text) is fnmatch.fnmatchcase(text, pattern)
