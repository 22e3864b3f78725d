"""`genericKeyword` read as Lucene's classic QueryParser reads it (dc-api.md §2.2), through the DC search API on
the default fixtures: each row is a query, the exact asset ids it finds, and the Lucene rule behind it (its id).

Names used below (fixtures/default/assets.json): "Alpha Tomcat Server" (1), "Beta Tomcat Server" (2),
"Prod Tomcat Server" (3), "Server alpha test" (131), "Alpha server test" (132), "App tester beta" (133),
"Web Server 01" (151), "DB Server 01" (152), "Legacy File Server" (156), "Staging Server 02" (305).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.dialects.dc.lucene import LEADING_WILDCARD_WARNING, QUOTED_FIELD_WARNING
from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH, ids

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "default" / "assets.json"
ALL = sorted(asset["id"] for asset in json.loads(FIXTURES.read_text()))
SERVER = [1, 2, 3, 131, 132, 151, 152, 156, 305]  # asset.name has the word "server"
TOMCAT = [1, 2, 3]
ALPHA_OR_BETA = [1, 2, 131, 132, 133]
SERVER_NOT_TOMCAT = [131, 132, 151, 152, 156, 305]
LAPTOPS = [167, 168, 169, 170, 171, 172, 200, 201]  # form "Laptop"
SERVERS = [151, 152, 153, 154, 155, 156, 305]  # form "Server"
LENOVO = [168, 171, 172, 201]
N = "asset.name:"

ROWS = [
    # -- SHOULD by default: the default operator is OR --------------------------------------------------
    (f"{N}alpha {N}beta", ALPHA_OR_BETA, "implicit-or"),
    (f"{N}alpha OR {N}beta", ALPHA_OR_BETA, "or"),
    (f"{N}alpha || {N}beta", ALPHA_OR_BETA, "double-bar-is-or"),
    (f"{N}(alpha beta)", ALPHA_OR_BETA, "field-group-implicit-or"),
    # -- MUST: AND makes both of its neighbours required ----------------------------------------------------
    (f"{N}alpha AND {N}server", [1, 131, 132], "and"),
    (f"{N}alpha && {N}tomcat", [1], "double-ampersand-is-and"),
    (f"{N}(alpha AND tomcat)", [1], "field-group-and"),
    (f"+{N}server +{N}test", [131, 132], "plus-plus"),
    (f"+{N}tomcat {N}alpha", TOMCAT, "should-beside-a-must-does-not-narrow"),
    (f"{N}tomcat AND {N}alpha {N}test", [1], "and-then-a-should-that-does-not-narrow"),
    # -- AND/OR without parentheses: addClause, not boolean precedence ----------------------------------------
    (f"{N}alpha OR {N}beta AND {N}tomcat", [2], "a-or-b-and-c-is-b-and-c"),
    (f"{N}alpha AND {N}server OR {N}beta", [1, 131, 132], "a-and-b-or-c-is-a-and-b"),
    (f"{N}tomcat AND {N}alpha OR {N}beta AND {N}prod", [], "or-between-two-ands-requires-all-four"),
    ("form.name:Laptop AND Vendor:Lenovo OR Vendor:Dell", LENOVO, "and-then-or-leaves-the-or-optional"),
    # -- parentheses group as expected ----------------------------------------------------------------------
    (f"({N}alpha OR {N}beta) AND {N}tomcat", [1, 2], "group-and"),
    (f"{N}tomcat AND ({N}alpha OR {N}beta)", [1, 2], "and-group"),
    ("form.name:Laptop AND (Vendor:Dell OR Vendor:HP)", [167, 170, 200], "and-group-of-list-values"),
    ("form.name:(Printers OR Laptop) AND Vendor:HP", [21, 170], "field-group-and-a-field"),
    (f"(({N}alpha AND {N}tomcat) OR ({N}beta AND {N}tester))", [1, 133], "nested-groups"),
    (f"({N}alpha OR {N}beta)^3 AND {N}tomcat", [1, 2], "boosted-group"),
    # -- MUST_NOT: -x, NOT x, !x; MUST_NOT wins over AND ------------------------------------------------------
    (f"{N}server -{N}tomcat", SERVER_NOT_TOMCAT, "minus"),
    (f"{N}server NOT {N}tomcat", SERVER_NOT_TOMCAT, "not"),
    (f"{N}server !{N}tomcat", SERVER_NOT_TOMCAT, "bang"),
    (f"{N}server AND NOT {N}tomcat", SERVER_NOT_TOMCAT, "and-not-is-must-not"),
    (f"{N}server OR NOT {N}tomcat", SERVER_NOT_TOMCAT, "or-not-is-must-not"),
    (f"{N}server && !{N}tomcat", SERVER_NOT_TOMCAT, "ampersands-bang"),
    (f"-{N}tomcat AND {N}server", SERVER_NOT_TOMCAT, "and-leaves-a-must-not-before-it-excluded"),
    (f"{N}(+server -tomcat)", SERVER_NOT_TOMCAT, "field-group-plus-minus"),
    # -- a level of MUST_NOT clauses alone matches nothing ------------------------------------------------------
    (f"NOT {N}tomcat", [], "not-alone-matches-nothing"),
    (f"-{N}tomcat", [], "minus-alone-matches-nothing"),
    (f"!{N}tomcat", [], "bang-alone-matches-nothing"),
    (f"(-{N}tomcat -{N}test)", [], "negative-group-matches-nothing"),
    (f"{N}server AND (-{N}tomcat)", [], "and-a-negative-group-matches-nothing"),
    (f"{N}tomcat OR (-{N}alpha)", TOMCAT, "or-a-negative-group-adds-nothing"),
    # -- *:* is every asset: "everything but" -----------------------------------------------------------------
    ("*:*", ALL, "star-colon-star"),
    (f"*:* NOT {N}server", [a for a in ALL if a not in SERVER], "everything-but"),
    ("*:* -form.name:Laptop -form.name:Server", [a for a in ALL if a not in LAPTOPS + SERVERS], "everything-but-two"),
    # -- +, - and ! before whitespace are terms the analyzer drops -----------------------------------------------
    (f"{N}tomcat - {N}beta", [1, 2, 3, 133], "bare-minus-is-dropped"),
    (f"{N}tomcat ! {N}beta", [1, 2, 3, 133], "bare-bang-is-dropped"),
    (f"{N}tomcat + {N}beta", [1, 2, 3, 133], "bare-plus-is-dropped"),
    (f"{N}tomcat AND - {N}alpha", TOMCAT, "and-before-a-dropped-term-still-requires-the-one-before"),
    # -- fuzzy: edit distance up to 2 (default 2), transpositions count one --------------------------------------
    (f"{N}tomcot~1", TOMCAT, "fuzzy-substitution"),
    (f"{N}tmocat~1", TOMCAT, "fuzzy-transposition"),
    (f"{N}tomkt~", TOMCAT, "fuzzy-default-two-edits"),
    (f"{N}tomkt~1", [], "fuzzy-one-edit-is-not-enough"),
    (f"{N}tomkt~5", TOMCAT, "fuzzy-at-most-two-edits"),
    (f"{N}LPTOP~1", [167, 168, 169, 170, 171, 200, 201], "fuzzy-lower-cased"),
    ("Vendor:Lenvo~1", LENOVO, "fuzzy-on-a-list-value"),
    # -- proximity: "a b"~N, Lucene's sloppy phrase (the reversed order needs a slop of 2) --------------------------
    (f'{N}"server test"', [132], "exact-phrase"),
    (f'{N}"server test"~1', [131, 132], "proximity-one-word-between"),
    (f'{N}"test server"~1', [], "proximity-reversed-needs-two"),
    (f'{N}"test server"~2', [132], "proximity-reversed"),
    (f'{N}"tomcat alpha"~2^4', [1], "boosted-proximity"),
    # -- boosts accepted and ignored ------------------------------------------------------------------------------
    (f"{N}alpha^2 OR {N}beta^0.5", ALPHA_OR_BETA, "boosts-ignored"),
    # -- prefix, wildcard, regex and range terms are lower-cased ---------------------------------------------------
    (f"{N}TOM*", TOMCAT, "prefix-lower-cased"),
    (f"{N}Te?T", [131, 132], "wildcard-lower-cased"),
    (f"{N}/TOM.*T/", TOMCAT, "regex-lower-cased"),
    (f"{N}/te.?t/", [131, 132], "regex-matches-whole-words"),
    (f"{N}[A TO B}}", [1, 101, 114, 132, 133, 136, 172], "text-range-lower-cased"),
    ("Seats:[10 TO 50]", [132, 133, 135], "inclusive-range"),
    ("Seats:{10 TO 50]", [133, 135], "mixed-range"),
    ("Seats:[* TO 5]", [131, 136], "open-range"),
    # -- field names with spaces or dots -------------------------------------------------------------------------
    ("Serial\\ Number:1254*", [1], "escaped-field-name"),
    ("asset.name:tom*", TOMCAT, "dotted-field-name"),
    ('"Serial Number":1254*', [1], "quoted-field-name-extension"),
    (f"{N}*cat", TOMCAT, "leading-wildcard-extension"),
]


@pytest.mark.parametrize(("query", "expected"), [row[:2] for row in ROWS], ids=[row[2] for row in ROWS])
def test_generic_keyword_finds_what_the_classic_parser_finds(
    shared_client: Client, query: str, expected: list[int]
) -> None:
    assert ids(shared_client, {"genericKeyword": query}) == expected


def test_the_table_is_large_and_its_rules_are_named_once() -> None:
    assert len(ROWS) >= 40
    assert len({row[2] for row in ROWS}) == len(ROWS)


def _warnings(client: Client, query: str) -> list[str]:
    response = client.post(SEARCH, json={"genericKeyword": query}, auth=ADMIN)
    assert response.status_code == 200, response.text
    return response.headers.get_list("X-AIP-Emulator-Warning")


def test_a_classic_query_has_no_warning(shared_client: Client) -> None:
    assert _warnings(shared_client, "Serial\\ Number:1254* AND asset.name:tom*") == []


def test_a_quoted_field_name_is_answered_with_a_warning(shared_client: Client) -> None:
    assert _warnings(shared_client, '"Serial Number":1254*') == [QUOTED_FIELD_WARNING]


def test_a_leading_wildcard_is_answered_with_a_warning(shared_client: Client) -> None:
    assert _warnings(shared_client, "asset.name:*cat OR ?lpha") == [LEADING_WILDCARD_WARNING]


def test_both_extensions_give_one_warning_each(shared_client: Client) -> None:
    expected = [QUOTED_FIELD_WARNING, LEADING_WILDCARD_WARNING]

    assert _warnings(shared_client, '"Serial Number":1254* OR "Serial Number":*42 OR *cat') == expected


def test_a_hundred_nested_groups_are_answered(shared_client: Client) -> None:
    query = f"{N}tomcat"
    for _ in range(100):
        query = f"({N}tomcat AND -{N}beta AND {query})"

    assert ids(shared_client, {"genericKeyword": query}) == [1, 3]
