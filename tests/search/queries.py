"""Hypothesis strategies of query trees, sort keys and pages over the default fixtures' fields (shared by the
reference evaluator's agreement test and the write-consistency property test)."""

from __future__ import annotations

from hypothesis import strategies as st

from emulator.dialects.dc.lucene_regexp import translate
from emulator.search.tree import (
    All,
    And,
    Exists,
    Match,
    Node,
    Not,
    Or,
    Pattern,
    Phrase,
    Range,
    Scope,
    SortKey,
    SortKind,
    TextRange,
)

VENDOR, RAM, INSTALLED_ON = "a61", "a98", "a95"
TEXT_FIELDS = ["name", "content", "form_name", "status", "creator", VENDOR]
WORDS = ["alpha", "alpine", "beta", "gamma", "al", "pha", "delta", "laptop", "hp", "dell", "lenovo", "in", "use"]
ABSENT = ["nosuchword", "zzz", "qq", "alphax"]  # words no fixture holds: every query kind must answer them
TERMS = [*WORDS, *ABSENT, "al*", "*pha", "?eta", "a*a", "*", "l?ptop*", "laptop 1", "alpha beta", "hp", "al\\*"]
# Wildcards and regular expressions with nested repetition: linear in RE2, exponential in a backtracking matcher.
WILD = ["*a*a*a*a*b", "*l*l*", "a*a*a*a*a*", "?*?*?*", "zz*", "*qq*", "*"]
REGEXES = [
    "(a|aa)*c",
    "(a*)*l.*",
    "(al|pha)+",
    "[a-e]+",
    "l?ptop.*",
    ".*(e|a)+",
    "((a+)+)+",
    "<1-9>",
    "#",
    "@",
    "de.{2}",
]


def regex_pattern(expression: str) -> Pattern:
    """A Lucene regular expression as the DC dialect turns it into a pattern."""
    translated = translate(expression)
    return Pattern.regular(translated.regex, translated.scan, source=f"/{expression}/")


# Random wildcards and regular expressions over the letters the fixtures' words are made of, repetitions nested.
_atoms = st.sampled_from(["a", "l", "p", "h", "e", ".", "[a-l]", "[^p]"])
_regexes = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from("*+?")).map("".join),
        st.lists(inner, min_size=2, max_size=3).map("".join),
        st.lists(inner, min_size=2, max_size=3).map(lambda items: "(" + "|".join(items) + ")"),
    ),
    max_leaves=6,
)
terms = st.one_of(
    st.sampled_from(TERMS + WILD).map(Pattern.parse),
    st.text(alphabet="alphe*?", min_size=1, max_size=8).map(Pattern.parse),
    st.sampled_from(REGEXES).map(regex_pattern),
    _regexes.map(regex_pattern),
)
matches = st.builds(Match, st.sampled_from(TEXT_FIELDS), terms, st.sampled_from(list(Scope)))
references = st.builds(lambda n: Match(INSTALLED_ON, Pattern.exact(f"#{n}"), Scope.VALUE), st.integers(150, 175))
forms = st.builds(lambda n: Match("form_id", Pattern.exact(str(n)), Scope.VALUE), st.sampled_from([2, 9, 10]))
phrases = st.builds(
    Phrase,
    st.sampled_from(["name", "content"]),
    st.lists(st.sampled_from(WORDS + ABSENT), max_size=3).map(tuple),
    st.integers(0, 3),
)
bounds = st.one_of(st.none(), st.integers(0, 70).map(float))
ranges = st.builds(Range, st.sampled_from([RAM, "id", "created"]), bounds, bounds, st.booleans(), st.booleans())
text_bounds = st.one_of(st.none(), st.sampled_from(["a", "alpha", "dell", "hp", "m", "z"]))
text_ranges = st.builds(TextRange, st.sampled_from(["name", VENDOR]), text_bounds, text_bounds)
exists = st.builds(Exists, st.sampled_from([RAM, VENDOR, INSTALLED_ON, "location"]))
leaves = st.one_of(matches, references, forms, phrases, ranges, text_ranges, exists, st.just(All()))


def _combine(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    items = st.lists(children, min_size=1, max_size=3).map(tuple)
    return st.one_of(st.builds(And, items), st.builds(Or, items), st.builds(Not, children))


queries: st.SearchStrategy[Node] = st.recursive(leaves, _combine, max_leaves=5)
sort_keys = st.lists(
    st.builds(
        SortKey,
        st.sampled_from(["name", RAM, "created", VENDOR, "status"]),
        st.sampled_from(list(SortKind)),
        st.booleans(),
    ),
    max_size=2,
)
pages = st.tuples(st.integers(0, 30), st.integers(1, 25))
