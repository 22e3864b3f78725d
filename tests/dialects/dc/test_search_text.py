"""STRING matching over the default fixtures (dc-api.md §2.1), the vendor's wildcard table row by row.

The vendor's names "Server alpha test" (131), "Alpha server test" (132) and "App tester beta" (133) are licenses;
the table's rows are searched on `asset.name` among licenses only, so nothing else in the fixtures can count.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH, ids, string_param

SERVER_ALPHA_TEST, ALPHA_SERVER_TEST, APP_TESTER_BETA = 131, 132, 133
LICENSES = {"field": "form.name", "keywords": ["License"], "fieldType": "LIST"}


def _licenses_named(client: Client, keyword: str) -> list[int]:
    """The ids of the licenses whose name matches `keyword`, in id order."""
    return ids(client, {"queryIndexSearchParams": [string_param("asset.name", keyword), LICENSES]})


def _found(client: Client, field: str, keyword: str) -> list[int]:
    """The ids of all assets whose `field` matches `keyword`, in id order."""
    return ids(client, {"queryIndexSearchParams": [string_param(field, keyword)]})


# -- the vendor's table (dc-api.md §2.1) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        ("te", []),
        ("te*", [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST, APP_TESTER_BETA]),
        ("test", [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]),
        ("tester", [APP_TESTER_BETA]),
        ("tes?", [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]),
        ("teste*", [APP_TESTER_BETA]),
        ("server test", [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]),
        ('"server test"', [ALPHA_SERVER_TEST]),
        ("*est", [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]),
    ],
    ids=["te", "te-star", "test", "tester", "tes-question", "teste-star", "server-test", "phrase", "leading-star"],
)
def test_vendor_wildcard_table_row(shared_client: Client, keyword: str, expected: list[int]) -> None:
    assert _licenses_named(shared_client, keyword) == expected


def test_a_term_never_matches_part_of_a_word(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "serv") == []
    assert _licenses_named(shared_client, "est") == []


def test_wildcard_question_mark_matches_one_character_only(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "test?") == []
    assert _licenses_named(shared_client, "te??er") == [APP_TESTER_BETA]


def test_wildcards_may_stand_inside_a_word(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "t*r") == [APP_TESTER_BETA]
    assert _licenses_named(shared_client, "al?ha") == [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]


def test_words_of_a_keyword_may_come_in_any_order(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "test server") == [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]


def test_every_word_of_a_keyword_must_match(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "server beta") == []


def test_phrase_needs_the_words_next_to_each_other_in_order(shared_client: Client) -> None:
    assert _licenses_named(shared_client, '"test server"') == []
    assert _licenses_named(shared_client, '"alpha test"') == [SERVER_ALPHA_TEST]


def test_phrase_and_word_combine(shared_client: Client) -> None:
    assert _licenses_named(shared_client, '"alpha test" server') == [SERVER_ALPHA_TEST]


def test_unclosed_quote_makes_a_phrase_of_the_rest(shared_client: Client) -> None:
    assert _licenses_named(shared_client, '"server test') == [ALPHA_SERVER_TEST]


def test_upper_case_or_between_words_finds_either(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "tester OR alpha") == [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST, APP_TESTER_BETA]


def test_upper_case_and_between_words_changes_nothing(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "server AND test") == [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]


def test_blank_keyword_restricts_nothing(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "   ") == [131, 132, 133, 134, 135, 136, 512]


# -- case ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["SERVER TEST", "Server Test", "sErVeR tEsT"])
def test_matching_ignores_case(shared_client: Client, keyword: str) -> None:
    assert _licenses_named(shared_client, keyword) == [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]


def test_wildcards_and_phrases_ignore_case(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "TESTE*") == [APP_TESTER_BETA]
    assert _licenses_named(shared_client, '"SERVER TEST"') == [ALPHA_SERVER_TEST]


# -- NOT -----------------------------------------------------------------------------------------
# Notes of 153: "New disks ordered; the old ones go back to the York depot."  (the words, not the phrase)
# Notes of 154: "Shipped from New York office two weeks ago."
# Notes of 155: "Local backup target for the New York office."


def test_new_york_words_anywhere_find_all_three_notes(shared_client: Client) -> None:
    assert _found(shared_client, "Notes", "new york") == [153, 154, 155]


def test_new_york_phrase_finds_only_the_notes_with_the_phrase(shared_client: Client) -> None:
    assert _found(shared_client, "Notes", '"new york"') == [154, 155]


def test_upper_case_not_excludes_the_next_term(shared_client: Client) -> None:
    assert _found(shared_client, "Notes", '"new york" NOT two') == [155]


def test_lower_case_not_is_an_ordinary_word_that_must_match(shared_client: Client) -> None:
    # No note holds the word "not", so requiring it finds nothing.
    assert _found(shared_client, "Notes", '"new york" not two') == []
    assert _found(shared_client, "Notes", '"new york" two') == [154]


def test_not_can_exclude_a_phrase(shared_client: Client) -> None:
    assert _found(shared_client, "Notes", 'york NOT "new york"') == [153]


def test_keyword_of_a_negated_term_alone_finds_every_asset_without_it(shared_client: Client) -> None:
    found = ids(shared_client, {"queryIndexSearchParams": [string_param("Notes", "NOT office"), LICENSES]})

    assert found == [131, 132, 133, 134, 135, 136, 512]


def test_not_works_on_asset_content_too(shared_client: Client) -> None:
    assert _found(shared_client, "asset.content", '"new york" NOT two') == [155]


# -- escapes -------------------------------------------------------------------------------------


def test_escaped_star_is_not_a_wildcard(shared_client: Client) -> None:
    # A literal star is no word character: `alpha\*` is read as Lucene's analyser reads it, the word "alpha".
    assert _licenses_named(shared_client, "te\\*") == []
    assert _licenses_named(shared_client, "alpha\\*") == [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]


def test_escaped_question_mark_is_not_a_wildcard(shared_client: Client) -> None:
    assert _licenses_named(shared_client, "tes\\?") == []


def test_escaped_quote_does_not_open_a_phrase(shared_client: Client) -> None:
    # `\"server` is the word "server" (the quote is no word character), and "test" is a second word.
    assert _licenses_named(shared_client, '\\"server test\\"') == [SERVER_ALPHA_TEST, ALPHA_SERVER_TEST]


# -- whole values and words ----------------------------------------------------------------------
# Asset 172 "AB-X1 Docking Station" has Model "AB-X1": words "ab" and "x1", whole value "ab-x1".


def test_whole_value_wildcard_matches_across_the_hyphen(shared_client: Client) -> None:
    assert _found(shared_client, "Model", "ab-*") == [172]
    assert _found(shared_client, "asset.name", "ab-*") == [172]


def test_whole_value_matches_exactly(shared_client: Client) -> None:
    assert _found(shared_client, "Model", "AB-X1") == [172]


def test_each_word_of_a_hyphenated_value_matches(shared_client: Client) -> None:
    assert _found(shared_client, "Model", "ab") == [172]
    assert _found(shared_client, "Model", "x1") == [168, 172]  # 168 is "ThinkPad X1 Carbon Gen 11"


def test_hyphenated_keyword_finds_the_words_next_to_each_other(shared_client: Client) -> None:
    # "ab-x1" is also the start of the name "AB-X1 Docking Station", as a phrase of its two words.
    assert _found(shared_client, "asset.name", "ab-x1") == [172]
    assert _found(shared_client, "asset.name", "x1-ab") == []


def test_whole_value_wildcard_is_anchored_at_the_start_of_the_value(shared_client: Client) -> None:
    assert _found(shared_client, "Model", "b-x*") == []
    assert _found(shared_client, "Model", "*-x1") == [172]


def test_word_wildcard_matches_words_anywhere_in_the_value(shared_client: Client) -> None:
    # 168 "ThinkPad X1 Carbon Gen 11", 172 "AB-X1", 201 "ThinkPad X13 Gen 4"
    assert _found(shared_client, "Model", "x1*") == [168, 172, 201]


def test_escaped_space_lets_a_wildcard_span_the_words_of_the_whole_value(shared_client: Client) -> None:
    assert _found(shared_client, "Model", "thinkpad\\ x1*") == [168, 201]
    assert _found(shared_client, "Model", "thinkpad\\ x1\\ *") == [168]


# -- IP addresses and serial numbers -------------------------------------------------------------


def test_ip_address_is_one_word(shared_client: Client) -> None:
    assert _found(shared_client, "IP", "10.10.13.22") == [2]


def test_part_of_an_ip_address_is_no_word(shared_client: Client) -> None:
    assert _found(shared_client, "IP", "10") == []
    assert _found(shared_client, "IP", "13.22") == []


def test_ip_address_prefix_wildcard(shared_client: Client) -> None:
    assert _found(shared_client, "IP", "10.10.13.*") == [1, 2, 3]
    assert _found(shared_client, "IP Address", "192.168.10.*") == [151, 152, 154, 156]


def test_hyphenated_serial_matches_by_its_parts(shared_client: Client) -> None:
    # 3: 9989-2838-3434-8787, 20: 12685-3434-4522-0871, 21: 12685-3434-4522-1335
    assert _found(shared_client, "Serial Number", "3434") == [3, 20, 21]


def test_hyphenated_serial_matches_whole(shared_client: Client) -> None:
    assert _found(shared_client, "Serial Number", "12685-3434-4522-1335") == [21]


def test_hyphenated_serial_prefix_matches_the_parts_in_order(shared_client: Client) -> None:
    assert _found(shared_client, "Serial Number", "12685-3434") == [20, 21]
    assert _found(shared_client, "Serial Number", "3434-12685") == []


def test_serial_prefix_wildcard(shared_client: Client) -> None:
    assert _found(shared_client, "Serial Number", "1254*") == [1]
    assert _found(shared_client, "Serial Number", "12685-3434-4522-*") == [20, 21]


def test_system_serial_number_field(shared_client: Client) -> None:
    assert _found(shared_client, "asset.serialNumber", "czj3150a*") == [151, 152]


# -- asset.content -------------------------------------------------------------------------------


def test_asset_content_searches_every_field(shared_client: Client) -> None:
    assert _found(shared_client, "asset.content", "cyrus") == [1]  # Server Name
    assert _found(shared_client, "asset.content", "canon") == [20]  # Vendor and Model
    assert _found(shared_client, "asset.content", "zeus") == [2]


def test_asset_content_searches_names_and_the_system_fields(shared_client: Client) -> None:
    assert _found(shared_client, "asset.content", "tomcat") == [1, 2, 3]
    assert _found(shared_client, "asset.content", "BER-PRN-001") == [20]  # assetTag


def test_asset_content_matches_words_across_fields(shared_client: Client) -> None:
    # 167 "Laptop 1": Vendor Dell, Model "Latitude 7440"
    assert _found(shared_client, "asset.content", "dell latitude") == [167]


def test_asset_content_finds_reference_strings(shared_client: Client) -> None:
    # 153 is named "Build Agent 01"; license 131 is installed on it ("Build Agent 01 #153").
    assert _found(shared_client, "asset.content", '"build agent 01"') == [131, 153]


# -- the answer ----------------------------------------------------------------------------------


def test_string_search_answers_with_the_matching_assets_and_their_total(shared_client: Client) -> None:
    body: dict[str, Any] = {"queryIndexSearchParams": [string_param("asset.name", "test"), LICENSES]}

    response = shared_client.post(SEARCH, json=body, auth=ADMIN)

    assert response.status_code == 200
    answer = response.json()
    assert [(a["id"], a["name"]) for a in answer["assets"]] == [
        (SERVER_ALPHA_TEST, "Server alpha test"),
        (ALPHA_SERVER_TEST, "Alpha server test"),
    ]
    assert answer["queryPagingInfo"] == {
        "pageRecordSize": 2,
        "totalRecords": 2,
        "totalPages": 1,
        "pageNumber": 1,
        "pageSize": 15,
        "hasNext": False,
    }
