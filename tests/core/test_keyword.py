"""The `keyword` of a STRING search param (dc-api.md §2.1): cutting it into terms and combining them."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.keyword import keyword_query, split
from emulator.search.tree import (
    All,
    And,
    Node,
    Not,
    Or,
)


@dataclass(frozen=True)
class Term(Node):
    """What the fake builder makes of one term: the raw text it was handed and whether it was quoted."""

    text: str
    quoted: bool = False


def _build(text: str, quoted: bool) -> Node:
    return Term(text, quoted)


def _query(keyword: str) -> Node:
    return keyword_query(keyword, _build)


# -- split ---------------------------------------------------------------------------------------


def test_split_cuts_words_at_whitespace() -> None:
    assert split("server  test\tbeta") == [("server", False), ("test", False), ("beta", False)]


def test_split_ignores_leading_and_trailing_whitespace() -> None:
    assert split("  te*  ") == [("te*", False)]


def test_split_of_blank_keyword_is_empty() -> None:
    assert split("") == []
    assert split("   ") == []


def test_split_reads_a_quoted_phrase_as_one_token() -> None:
    assert split('"new york" NOT two') == [("new york", True), ("NOT", False), ("two", False)]


def test_split_keeps_escapes_inside_terms_for_the_pattern_reader() -> None:
    assert split("te\\* tes\\?") == [("te\\*", False), ("tes\\?", False)]


def test_split_does_not_cut_at_an_escaped_space() -> None:
    assert split("serial\\ number x") == [("serial\\ number", False), ("x", False)]


def test_split_does_not_open_a_phrase_at_an_escaped_quote() -> None:
    assert split('a\\"b c') == [('a\\"b', False), ("c", False)]


def test_split_resolves_escapes_inside_a_phrase() -> None:
    assert split('"say \\"hi\\" now"') == [('say "hi" now', True)]
    assert split('"a\\\\b"') == [("a\\b", True)]


def test_split_runs_an_unclosed_phrase_to_the_end() -> None:
    assert split('server "alpha test') == [("server", False), ("alpha test", True)]


def test_split_keeps_a_trailing_backslash_of_an_unclosed_phrase() -> None:
    assert split('"alpha\\') == [("alpha\\", True)]


def test_split_keeps_a_trailing_backslash_of_a_term() -> None:
    assert split("alpha\\") == [("alpha\\", False)]


def test_split_ends_a_term_where_a_quote_starts() -> None:
    assert split('ab"cd"ef') == [("ab", False), ("cd", True), ("ef", False)]


def test_split_reads_empty_quotes_as_an_empty_phrase() -> None:
    assert split('a "" b') == [("a", False), ("", True), ("b", False)]


# -- keyword_query -------------------------------------------------------------------------------


def test_a_blank_keyword_matches_everything() -> None:
    assert _query("") == All()
    assert _query("   ") == All()


def test_one_word_is_that_term_alone() -> None:
    assert _query("tester") == Term("tester")


def test_words_are_and_ed() -> None:
    assert _query("server test") == And((Term("server"), Term("test")))


def test_a_quoted_phrase_reaches_the_builder_as_a_phrase() -> None:
    assert _query('"server test"') == Term("server test", quoted=True)


def test_upper_case_not_excludes_the_next_term() -> None:
    assert _query('"new york" NOT two') == And((Term("new york", quoted=True), Not(Term("two"))))


def test_lower_case_not_is_an_ordinary_word() -> None:
    assert _query('"new york" not two') == And((Term("new york", quoted=True), Term("not"), Term("two")))


def test_mixed_case_not_is_an_ordinary_word() -> None:
    assert _query("Not two") == And((Term("Not"), Term("two")))


def test_not_excludes_only_the_term_right_after_it() -> None:
    assert _query("NOT two three") == And((Not(Term("two")), Term("three")))


def test_not_can_exclude_a_phrase() -> None:
    assert _query('york NOT "new york"') == And((Term("york"), Not(Term("new york", quoted=True))))


def test_a_keyword_of_one_negated_term_is_that_negation() -> None:
    assert _query("NOT two") == Not(Term("two"))


def test_a_trailing_not_is_ignored() -> None:
    assert _query("two NOT") == Term("two")


def test_a_quoted_not_is_a_phrase_not_an_operator() -> None:
    assert _query('"NOT" two') == And((Term("NOT", quoted=True), Term("two")))


def test_upper_case_and_is_a_no_op() -> None:
    assert _query("server AND test") == And((Term("server"), Term("test")))
    assert _query("server && test") == And((Term("server"), Term("test")))


def test_lower_case_and_is_an_ordinary_word() -> None:
    assert _query("server and test") == And((Term("server"), Term("and"), Term("test")))


def test_upper_case_or_joins_its_two_neighbours() -> None:
    assert _query("alpha OR beta") == Or((Term("alpha"), Term("beta")))
    assert _query("alpha || beta") == Or((Term("alpha"), Term("beta")))


def test_or_binds_tighter_than_the_implicit_and() -> None:
    assert _query("alpha OR beta test") == And((Or((Term("alpha"), Term("beta"))), Term("test")))
    assert _query("test alpha OR beta") == And((Term("test"), Or((Term("alpha"), Term("beta")))))


def test_or_chains_keep_every_alternative() -> None:
    assert _query("a OR b OR c") == Or((Or((Term("a"), Term("b"))), Term("c")))


def test_lower_case_or_is_an_ordinary_word() -> None:
    assert _query("alpha or beta") == And((Term("alpha"), Term("or"), Term("beta")))


def test_or_can_join_a_negated_term() -> None:
    assert _query("alpha OR NOT beta") == Or((Term("alpha"), Not(Term("beta"))))


def test_a_leading_or_is_ignored() -> None:
    assert _query("OR alpha") == Term("alpha")


def test_a_trailing_or_is_ignored() -> None:
    assert _query("alpha OR") == Term("alpha")


def test_escapes_reach_the_builder_untouched() -> None:
    assert _query("te\\* ab\\?") == And((Term("te\\*"), Term("ab\\?")))


def test_an_escaped_operator_word_is_passed_on_as_a_term() -> None:
    assert _query("\\NOT two") == And((Term("\\NOT"), Term("two")))


def test_an_unclosed_quote_makes_a_phrase_of_the_rest() -> None:
    assert _query('alpha "server test') == And((Term("alpha"), Term("server test", quoted=True)))
