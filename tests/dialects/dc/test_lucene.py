"""`genericKeyword`: Lucene query strings translated into the engine-neutral tree (dc-api.md §2.2).

The translator is exercised against a small hand-made field table, one field of each kind, and a fixed clock.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from emulator.core.errors import ValidationError
from emulator.core.leaves import Context
from emulator.dialects.dc import lucene
from emulator.search.tree import (
    All,
    And,
    Exists,
    FieldSpec,
    Fuzzy,
    Kind,
    Match,
    Node,
    Not,
    Nothing,
    Or,
    Pattern,
    Phrase,
    Range,
    Scope,
    TextRange,
)

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
DAY = 86_400_000
MINUTE = 60_000

CONTENT = FieldSpec("asset.content", "content", Kind.TEXT)
FIELDS = {
    spec.name: spec
    for spec in (
        CONTENT,
        FieldSpec("asset.name", "name", Kind.TEXT),
        FieldSpec("Serial Number", "a7", Kind.TEXT),
        FieldSpec("Vendor", "a61", Kind.LIST),
        FieldSpec("form.name", "form_name", Kind.LIST),
        FieldSpec("Installed On", "a95", Kind.REF),
        FieldSpec("Seats", "a99", Kind.NUMBER),
        FieldSpec("RAM (GB)", "a98", Kind.NUMBER),
        FieldSpec("Renewal Date", "a91", Kind.DATE),
        FieldSpec("Last Audit", "a92", Kind.DATE_TIME),
    )
}


def _ms(text: str, zone: ZoneInfo = UTC) -> int:
    """Epoch milliseconds of a local date or date-time."""
    return int(datetime.fromisoformat(text).replace(tzinfo=zone).timestamp() * 1000)


NOW = _ms("2025-06-15T12:00")


def parse(text: str, zone: ZoneInfo = UTC) -> Node:
    return lucene.parse(text, FIELDS.get, Context(zone=zone, now_ms=NOW), CONTENT).node


def word(slug: str, raw: str) -> Match:
    """A term matched against the words or the whole value of a text field."""
    return Match(slug, Pattern.parse(raw), Scope.WORD_OR_VALUE)


def whole(slug: str, text: str) -> Match:
    """Exactly this whole value (lower-cased), wildcard characters included."""
    return Match(slug, Pattern.exact(text), Scope.VALUE)


def _error(text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(text)
    return caught.value.message


# -- fields --------------------------------------------------------------------------------------


def test_bare_term_searches_asset_content() -> None:
    assert parse("laptop") == Match("content", Pattern(literal="laptop", regex="laptop", prefix="laptop"))


def test_field_term_searches_that_field() -> None:
    assert parse("asset.name:laptop") == word("name", "laptop")


def test_terms_are_lower_cased() -> None:
    assert parse("asset.name:LapTop") == word("name", "laptop")


def test_dotted_system_field_name_needs_no_quoting() -> None:
    assert parse("asset.name:tom*") == Match("name", Pattern(literal=None, regex="tom.*", prefix="tom"))


def test_quoted_field_name_with_a_space() -> None:
    assert parse('"Serial Number":1254*') == Match("a7", Pattern(literal=None, regex="1254.*", prefix="1254"))


def test_quoted_field_name_may_be_followed_by_spaces_before_the_colon() -> None:
    assert parse('"Serial Number" : 1254*') == word("a7", "1254*")


def test_field_name_with_a_backslash_escaped_space() -> None:
    assert parse("Serial\\ Number:x") == word("a7", "x")


def test_quoted_field_name_with_parentheses() -> None:
    assert parse('"RAM (GB)":16') == Range("a98", 16.0, 16.0)


def test_field_name_with_escaped_space_and_parentheses() -> None:
    assert parse("RAM\\ \\(GB\\):[8 TO 16]") == Range("a98", 8.0, 16.0)


def test_field_names_are_case_sensitive() -> None:
    assert parse("asset.Name:x") == Nothing()
    assert parse("vendor:HP") == Nothing()


def test_quoted_phrase_before_a_quoted_field_name_stays_a_phrase() -> None:
    assert parse('"new york" AND "Serial Number":1*') == And((Phrase("content", ("new", "york")), word("a7", "1*")))


def test_quoted_field_name_and_a_quoted_value() -> None:
    assert parse('"Serial Number":"1254-4432"') == Phrase("a7", ("1254", "4432"))


# -- phrases -------------------------------------------------------------------------------------


def test_bare_phrase_matches_words_in_order_in_asset_content() -> None:
    assert parse('"New York"') == Phrase("content", ("new", "york"))


def test_field_phrase_is_split_into_words_like_the_index() -> None:
    assert parse('asset.name:"AB-X1 Docking"') == Phrase("name", ("ab", "x1", "docking"))


def test_phrase_of_one_word_is_a_one_word_phrase() -> None:
    assert parse('asset.name:"alpha"') == Phrase("name", ("alpha",))


def test_empty_phrase_matches_nothing() -> None:
    assert parse('""') == Nothing()


def test_wildcards_inside_a_text_phrase_are_not_wildcards() -> None:
    assert parse('asset.name:"te* alpha"') == Phrase("name", ("te", "alpha"))


def test_phrase_on_a_list_field_is_the_whole_value_with_wildcard_characters_literal() -> None:
    assert parse('form.name:"Lap*"') == whole("form_name", "lap*")
    assert parse('Vendor:"HP"') == whole("a61", "hp")


def test_phrase_on_a_list_field_resolves_escaped_quotes_and_backslashes() -> None:
    assert parse('form.name:"Lap\\"top"') == whole("form_name", 'lap"top')
    assert parse('form.name:"a\\\\b"') == whole("form_name", "a\\b")


def test_phrase_on_a_reference_field_is_the_whole_reference_string() -> None:
    assert parse('"Installed On":"Laptop 1 #167"') == whole("a95", "laptop 1 #167")
    assert parse('"Installed On":"Laptop 1"') == whole("a95", "laptop 1")


def test_phrase_on_a_number_field_is_that_number() -> None:
    assert parse('Seats:"5"') == Range("a99", 5.0, 5.0)


def test_phrase_on_a_date_time_field_covers_its_minute() -> None:
    start = _ms("2025-01-20T14:30")
    assert parse('"Last Audit":"2025-01-20T14:30"') == Range("a92", start, start + MINUTE, True, False)


def test_phrase_with_an_escaped_quote_drops_the_quote_from_the_words() -> None:
    assert parse('"say \\"hi\\""') == Phrase("content", ("say", "hi"))


# -- wildcards and escapes -----------------------------------------------------------------------


def test_star_wildcard_matches_words_or_the_whole_value() -> None:
    assert parse("te*") == Match("content", Pattern(literal=None, regex="te.*", prefix="te"), Scope.WORD_OR_VALUE)


def test_question_mark_wildcard() -> None:
    assert parse("asset.name:tes?") == Match("name", Pattern(literal=None, regex="tes.", prefix="tes"))


def test_leading_wildcard_is_allowed() -> None:
    assert parse("*est") == Match("content", Pattern(literal=None, regex=".*est", prefix=""))


def test_field_star_means_the_field_has_a_value() -> None:
    assert parse("asset.name:*") == Exists("name")
    assert parse("Seats:*") == Exists("a99")
    assert parse("Renewal\\ Date:*") == Exists("a91")


def test_star_colon_star_matches_every_asset() -> None:
    assert parse("*:*") == All()
    assert parse("*:* -Vendor:HP") == Not(Match("a61", Pattern.parse("hp"), Scope.VALUE))


def test_a_lone_star_means_any_asset_with_content() -> None:
    # Every asset has a name, so every asset has content.
    assert parse("*") == Exists("content")


def test_escaped_star_is_a_literal_star_matched_like_the_index_analyses_it() -> None:
    # "te*" is not a word the index can hold: the whole value "te*", or the word "te" as Lucene's analyser reads it.
    assert parse("te\\*") == Or((whole("content", "te*"), Phrase("content", ("te",))))


def test_escaped_colon_keeps_the_term_in_one_piece() -> None:
    assert parse("foo\\:bar") == Or((whole("content", "foo:bar"), Phrase("content", ("foo", "bar"))))


def test_hyphenated_term_matches_the_whole_value_or_its_words_as_a_phrase() -> None:
    assert parse("AB-X1") == Or((whole("content", "ab-x1"), Phrase("content", ("ab", "x1"))))


def test_hyphenated_prefix_wildcard_matches_whole_values_and_words() -> None:
    assert parse("Serial\\ Number:12685-*") == word("a7", "12685-*")


def test_ip_address_is_a_single_word_term() -> None:
    assert parse("10.10.13.22") == word("content", "10.10.13.22")


def test_wildcard_on_a_list_field_matches_whole_values() -> None:
    assert parse("Vendor:Len*") == Match("a61", Pattern(literal=None, regex="len.*", prefix="len"), Scope.VALUE)


def test_term_on_a_list_field_is_the_whole_value() -> None:
    assert parse("Vendor:HP") == Match("a61", Pattern.parse("hp"), Scope.VALUE)


def test_the_word_to_outside_a_range_is_an_ordinary_term() -> None:
    assert parse("a TO b") == Or((word("content", "a"), word("content", "to"), word("content", "b")))


# -- references ----------------------------------------------------------------------------------


def test_number_on_a_reference_field_is_the_referenced_asset_id() -> None:
    assert parse('"Installed On":167') == whole("a95", "#167")


def test_wildcard_on_a_reference_field_matches_whole_reference_strings() -> None:
    assert parse('"Installed On":laptop*') == Match("a95", Pattern.parse("laptop*"), Scope.VALUE)


# -- numbers and dates as terms ------------------------------------------------------------------


def test_number_term_is_an_exact_number() -> None:
    assert parse("Seats:5") == Range("a99", 5.0, 5.0)
    assert parse("Seats:5.5") == Range("a99", 5.5, 5.5)


def test_several_numbers_in_a_field_group() -> None:
    assert parse("Seats:(5 OR 10)") == Or((Range("a99", 5.0, 5.0), Range("a99", 10.0, 10.0)))


@pytest.mark.parametrize("text", ["Seats:abc", "Seats:5*"])
def test_number_field_with_a_non_number_is_an_error_naming_the_field(text: str) -> None:
    message = _error(text)

    assert message.startswith("genericKeyword Seats: ")
    assert "is not a number" in message


def test_date_term_covers_its_whole_day() -> None:
    assert parse("Renewal\\ Date:2025-12-31") == Range("a91", _ms("2025-12-31"), _ms("2026-01-01"), True, False)


def test_date_on_a_date_time_field_covers_the_whole_day() -> None:
    assert parse("Last\\ Audit:2025-01-20") == Range("a92", _ms("2025-01-20"), _ms("2025-01-21"), True, False)


def test_dates_are_read_in_the_configured_time_zone() -> None:
    expected = Range("a91", _ms("2025-12-31", BERLIN), _ms("2026-01-01", BERLIN), True, False)

    assert parse("Renewal\\ Date:2025-12-31", zone=BERLIN) == expected
    assert _ms("2025-12-31", BERLIN) == _ms("2025-12-30T23:00")


def test_date_time_term_with_an_escaped_colon() -> None:
    start = _ms("2025-01-20T14:30")

    assert parse("Last\\ Audit:2025-01-20T14\\:30") == Range("a92", start, start + MINUTE, True, False)
    assert parse('Last\\ Audit:"2025-01-20T14:30"') == Range("a92", start, start + MINUTE, True, False)


def test_date_time_term_with_an_unescaped_colon_is_a_syntax_error_as_in_lucene() -> None:
    # The classic grammar reads `2025-01-20T14` as the term, then finds a second `:` it has no rule for.
    assert "unexpected ':' at position 25" in _error("Last\\ Audit:2025-01-20T14:30")


def test_number_term_with_an_escaped_minus() -> None:
    assert parse("Seats:\\-5") == Range("a99", -5.0, -5.0)


def test_malformed_date_is_an_error_naming_the_field() -> None:
    message = _error("Renewal\\ Date:2025-13-45")

    assert message.startswith("genericKeyword Renewal Date: '2025-13-45' is not a valid date")


# -- boolean logic -------------------------------------------------------------------------------

A, B, C = word("content", "a"), word("content", "b"), word("content", "c")


def test_and_requires_both() -> None:
    assert parse("a AND b") == And((A, B))


def test_or_allows_either() -> None:
    assert parse("a OR b") == Or((A, B))


def test_terms_without_an_operator_are_or_ed() -> None:
    assert parse("a b c") == Or((A, B, C))


def test_lower_case_operators_are_ordinary_terms() -> None:
    assert parse("a and b") == Or((A, word("content", "and"), B))


def test_not_alone_matches_nothing_as_in_lucene() -> None:
    assert parse("NOT a") == Nothing()
    assert parse("!a") == Nothing()


def test_minus_alone_matches_nothing_as_in_lucene() -> None:
    assert parse("-a") == Nothing()


def test_several_exclusions_alone_match_nothing() -> None:
    assert parse("-a -b") == Nothing()
    assert parse("NOT a NOT b") == Nothing()
    assert parse("c OR (-a -b)") == C


def test_everything_but_is_star_colon_star_not() -> None:
    assert parse("*:* NOT a") == Not(A)
    assert parse("*:* -a -b") == Not(Or((A, B)))


def test_minus_excludes_from_the_other_clauses() -> None:
    assert parse("a -b") == And((A, Not(B)))


def test_and_not_excludes() -> None:
    assert parse("a AND NOT b") == And((A, Not(B)))


def test_or_not_behaves_like_lucene_as_an_exclusion() -> None:
    assert parse("a OR NOT b") == And((A, Not(B)))


def test_plus_makes_a_clause_required_and_the_optional_ones_do_not_narrow() -> None:
    assert parse("+a b") == A


def test_plus_and_minus_together() -> None:
    assert parse("+a +b -c") == And((And((A, B)), Not(C)))


def test_and_makes_both_its_neighbours_required_and_the_optional_clauses_do_not_narrow() -> None:
    # Lucene's classic parser, not boolean precedence: `a OR b AND c` is `a +b +c`, which finds `b AND c`.
    assert parse("a OR b AND c") == And((B, C))
    assert parse("a b AND c") == And((B, C))
    assert parse("a AND b OR c") == And((A, B))


def test_and_keeps_an_exclusion_before_it_excluded() -> None:
    assert parse("-a AND b") == And((B, Not(A)))


def test_double_ampersand_bars_and_bang_are_operators() -> None:
    assert parse("a && b") == And((A, B))
    assert parse("a || b") == Or((A, B))
    assert parse("a !b") == And((A, Not(B)))
    assert parse("a && !b") == And((A, Not(B)))


def test_operators_touching_a_term_are_part_of_the_term() -> None:
    assert parse("a||b") == Or((whole("content", "a||b"), Phrase("content", ("a", "b"))))


def test_a_sign_followed_by_whitespace_is_a_term_the_analyzer_drops() -> None:
    assert parse("a - b") == Or((A, B))
    assert parse("a + b") == Or((A, B))
    assert parse("a ! b") == Or((A, B))
    assert parse("- ") == Nothing()


def test_and_before_a_dropped_term_still_makes_the_clause_before_it_required() -> None:
    assert parse("a AND - b") == A  # `+a b`


def test_parentheses_group_clauses() -> None:
    assert parse("(a OR b) AND c") == And((Or((A, B)), C))


def test_nested_groups() -> None:
    assert parse("((a AND b) OR (c AND NOT a))") == Or((And((A, B)), And((C, Not(A)))))


def test_a_group_may_mix_fields() -> None:
    assert parse("(asset.name:a OR Vendor:HP)") == Or(
        (word("name", "a"), Match("a61", Pattern.parse("hp"), Scope.VALUE))
    )


def test_field_group_applies_the_field_to_every_term() -> None:
    assert parse("asset.name:(alpha beta)") == Or((word("name", "alpha"), word("name", "beta")))


def test_field_group_with_required_and_excluded_terms() -> None:
    assert parse("asset.name:(+alpha -beta)") == And((word("name", "alpha"), Not(word("name", "beta"))))


def test_field_group_with_a_phrase() -> None:
    assert parse('asset.name:(alpha OR "beta gamma")') == Or((word("name", "alpha"), Phrase("name", ("beta", "gamma"))))


def test_fields_combine_with_and() -> None:
    expected = And((word("a7", "1254*"), Match("a61", Pattern.parse("hp"), Scope.VALUE)))

    assert parse('"Serial Number":1254* AND Vendor:HP') == expected


# -- ranges --------------------------------------------------------------------------------------


def test_inclusive_number_range() -> None:
    assert parse("Seats:[1 TO 10]") == Range("a99", 1.0, 10.0, True, True)


def test_exclusive_number_range() -> None:
    assert parse("Seats:{1 TO 10}") == Range("a99", 1.0, 10.0, False, False)


def test_mixed_number_range() -> None:
    assert parse("Seats:[1 TO 10}") == Range("a99", 1.0, 10.0, True, False)


def test_number_range_open_below() -> None:
    assert parse("Seats:[* TO 10]") == Range("a99", None, 10.0, True, True)


def test_number_range_open_above() -> None:
    assert parse("Seats:[5 TO *]") == Range("a99", 5.0, None, True, True)


def test_number_range_open_on_both_sides_is_any_number() -> None:
    assert parse("Seats:[* TO *]") == Range("a99", None, None)


def test_number_range_with_a_non_number_bound_is_an_error() -> None:
    assert _error("Seats:[a TO b]") == "genericKeyword Seats: 'a' is not a number"


def test_inclusive_date_range_runs_to_the_end_of_its_last_day() -> None:
    expected = Range("a91", _ms("2025-01-01"), _ms("2026-01-01"), True, False)

    assert parse("Renewal\\ Date:[2025-01-01 TO 2025-12-31]") == expected


def test_exclusive_date_range_leaves_out_both_days() -> None:
    expected = Range("a91", _ms("2025-01-02"), _ms("2025-12-31"), True, False)

    assert parse("Renewal\\ Date:{2025-01-01 TO 2025-12-31}") == expected


def test_date_range_open_below() -> None:
    assert parse("Renewal\\ Date:[* TO 2025-12-31]") == Range("a91", None, _ms("2026-01-01"), True, False)


def test_date_range_open_above() -> None:
    assert parse("Renewal\\ Date:[2025-12-31 TO *]") == Range("a91", _ms("2025-12-31"), None, True, False)


def test_date_range_bounds_may_be_quoted() -> None:
    expected = Range("a91", _ms("2025-01-01"), _ms("2026-01-01"), True, False)

    assert parse('"Renewal Date":["2025-01-01" TO "2025-12-31"]') == expected


def test_date_time_range_runs_to_the_end_of_its_last_minute() -> None:
    expected = Range("a92", _ms("2025-01-20T14:30"), _ms("2025-01-20T15:11"), True, False)

    assert parse("Last\\ Audit:[2025-01-20T14:30 TO 2025-01-20T15:10]") == expected


def test_date_range_with_a_malformed_bound_is_an_error() -> None:
    assert _error("Renewal\\ Date:[2025-01-01 TO soon]").startswith("genericKeyword Renewal Date: 'soon'")


def test_range_bounds_may_be_escaped_or_quoted() -> None:
    assert parse('asset.name:["alpha server" TO beta]') == TextRange("name", "alpha server", "beta", True, True)
    assert parse("asset.name:[alpha\\:x TO beta]") == TextRange("name", "alpha:x", "beta", True, True)
    expected = Range("a92", None, _ms("2025-01-20T14:31"), True, False)
    assert parse("Last\\ Audit:[* TO 2025-01-20T14\\:30]") == expected


def test_text_range_compares_lower_cased_whole_values() -> None:
    assert parse("asset.name:[Alpha TO Beta]") == TextRange("name", "alpha", "beta", True, True)


def test_exclusive_text_range_open_above() -> None:
    assert parse("asset.name:{m TO *}") == TextRange("name", "m", None, False, False)


def test_text_range_on_a_list_field() -> None:
    assert parse("Vendor:[a TO m]") == TextRange("a61", "a", "m", True, True)


def test_boosted_range_is_the_range() -> None:
    assert parse("Seats:[1 TO 5]^2") == Range("a99", 1.0, 5.0)


# -- unknown fields ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Nope:x", "Nope:*", "Nope:[1 TO 2]", 'Nope:"a b"', "Nope:(a OR b)"])
def test_unknown_field_matches_nothing(text: str) -> None:
    assert parse(text) == Nothing()


def test_unknown_field_or_a_known_one_is_the_known_one() -> None:
    assert parse("Nope:x OR asset.name:y") == word("name", "y")


def test_unknown_field_and_a_known_one_is_nothing() -> None:
    assert parse("Nope:x AND asset.name:y") == Nothing()


def test_excluding_an_unknown_field_excludes_nothing() -> None:
    assert parse("a NOT Nope:x") == A
    assert parse("NOT Nope:x") == Nothing()  # exclusions alone


# -- fuzzy, proximity, boost and regular expressions ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "edits"),
    [("laptop~", 2), ("laptop~2", 2), ("laptop~1", 1), ("laptop~3", 2), ("laptop~1^3", 1), ("laptop^3~1", 1),
     ("laptop~0", 0), ("laptop~0.5", 2), ("LapTop~1", 1)],
)  # fmt: skip
def test_fuzzy_term_has_an_edit_distance_of_at_most_two(text: str, edits: int) -> None:
    assert parse(text) == Fuzzy("content", "laptop", edits)


def test_fuzzy_on_a_list_field_compares_whole_values() -> None:
    assert parse("Vendor:Lenvo~1") == Fuzzy("a61", "lenvo", 1, Scope.VALUE)


def test_fuzzy_on_a_number_field_is_the_exact_number() -> None:
    assert parse("Seats:5~1") == Range("a99", 5.0, 5.0)


def test_fractional_edit_distance_is_an_error() -> None:
    assert "fractional edit distances are not allowed" in _error("laptop~1.5")


def test_boost_is_ignored() -> None:
    assert parse("laptop^2") == word("content", "laptop")
    assert parse("laptop^2.5 OR (a)^3") == Or((word("content", "laptop"), A))


@pytest.mark.parametrize(("text", "slop"), [('"new york"~3', 3), ('"new york"~3^2', 3), ('"new york"^2', 0)])
def test_proximity_phrase_keeps_its_slop(text: str, slop: int) -> None:
    assert parse(text) == Phrase("content", ("new", "york"), slop)


def test_boosted_group_is_the_group() -> None:
    assert parse("(a OR b)^2") == Or((A, B))


def test_regular_expression_matches_words_or_whole_values() -> None:
    expected = Match("content", Pattern(literal=None, regex="lap(?:.)*", prefix=""), Scope.WORD_OR_VALUE)

    assert parse("/lap.*/") == expected


def test_regular_expression_is_lower_cased_as_the_classic_parser_does() -> None:
    # Lucene's `getRegexpQuery` normalizes the whole expression, escapes included (`\D` becomes `\d`).
    assert parse("asset.name:/Lap\\D+/") == Match("name", Pattern(literal=None, regex="lap(?:[0-9])+", prefix=""))


def test_regular_expression_on_a_list_field_matches_whole_values() -> None:
    assert parse("Vendor:/d.*/") == Match("a61", Pattern(literal=None, regex="d(?:.)*", prefix=""), Scope.VALUE)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("/[/", "unclosed character class at position 1"),
        ("/a)|(b/", "end of expression expected at position 1"),
        ("/a{2,1}/", "repetition {2,1}: the maximum is below the minimum"),
        ("/a{1001}/", "repetition counts above 1000 are not supported"),
        ("/~a/", "complement (~) at position 0 is not supported by the emulator"),
        ("/a&b/", "intersection (&) at position 1 is not supported by the emulator"),
        ("/<ab>/", "only numeric intervals <n-m> are supported (position 0)"),
        ("/" + "(" * 51 + "a" + ")" * 51 + "/", "groups nested deeper than 50"),
    ],
)
def test_invalid_regular_expression_is_an_error(text: str, reason: str) -> None:
    assert _error(text) == f"genericKeyword: invalid regular expression {text}: {reason}"


def test_a_regular_expression_too_large_for_re2_is_an_error() -> None:
    message = _error("/(((a{100}){100}){100})/")

    assert message.startswith("genericKeyword: invalid regular expression /(((a{100}){100}){100})/: ")


# -- syntax errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a)", "at position 1"),
        (":a", "at position 0"),
        ('"abc', "at position 0"),
        ("a OR OR b", "at position 5"),
        ("AND", "at position 0"),
        ("a AND", "at the end"),
        ("asset.name:(", "at the end"),
        ("Seats:[1 TO", "at the end"),
        ("a:", "at the end"),
    ],
)
def test_syntax_error_is_a_validation_error_that_says_where(text: str, where: str) -> None:
    message = _error(text)

    assert message.startswith(f"genericKeyword: cannot parse '{text}': ")
    assert where in message
