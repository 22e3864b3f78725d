"""Every search `fieldType` over the default fixtures (dc-api.md §2), the system fields, the param lists'
AND/OR flags, `genericKeyword`, and whole assets as the search renders them (dc-api.md §2.3)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH, ids, search, string_param

ALL_ASSETS = [1, 2, 3, 20, 21, 22, 101, 102, 103, 104, 105, 106, 111, 112, 113, 114, 115]
ALL_ASSETS += [131, 132, 133, 134, 135, 136, 151, 152, 153, 154, 155, 156]
ALL_ASSETS += [167, 168, 169, 170, 171, 172, 200, 201, 305, 512]
DAY_MS = 86_400_000
NO_CREATED_DATE = [1, 2, 3, 21, 156, 171]  # imported fixtures without `created`
LAPTOPS = [167, 168, 169, 170, 171, 172, 200, 201]
SERVERS = [151, 152, 153, 154, 155, 156, 305]  # form "Server" (11)
EMPLOYEES = [101, 102, 103, 104, 105, 106]
LICENSES = [131, 132, 133, 134, 135, 136, 512]


def _list(field: str, *keywords: str | int, field_type: str = "LIST") -> dict[str, Any]:
    return {"field": field, "keywords": list(keywords), "fieldType": field_type}


def _number(
    field: str, field_type: str, low: float | None, high: float | None = None, *, range_: bool
) -> dict[str, Any]:
    return {"field": field, "fieldType": field_type, "minNum": low, "maxNum": high, "range": range_}


def _date(field: str, field_type: str, low: str | None, high: str | None = None, *, range_: bool) -> dict[str, Any]:
    return {"field": field, "fieldType": field_type, "minDate": low, "maxDate": high, "range": range_}


def _relative(field: str, field_type: str, low: str | None, high: str | None) -> dict[str, Any]:
    return {
        "field": field,
        "fieldType": field_type,
        "relativeDate": True,
        "minRelativeDate": low,
        "maxRelativeDate": high,
        "range": True,
    }


def _found(client: Client, *params: dict[str, Any]) -> list[int]:
    return ids(client, {"queryIndexSearchParams": list(params)})


def _error(client: Client, body: dict[str, Any]) -> str:
    response = client.post(SEARCH, json=body, auth=ADMIN)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["success"] is False
    assert answer["errorCode"] == "ValidationException"
    message: str = answer["errorMessage"]
    return message


def _epoch_ms(iso_date: str) -> int:
    return int(datetime.fromisoformat(iso_date).replace(tzinfo=UTC).timestamp() * 1000)


# -- LIST ----------------------------------------------------------------------------------------


def test_list_on_a_dropdown_matches_the_option(shared_client: Client) -> None:
    assert _found(shared_client, _list("Vendor", "Dell")) == [167, 200]


def test_list_keywords_are_or_ed_and_case_insensitive(shared_client: Client) -> None:
    # HP: 21, 170; Lenovo: 168, 171, 172, 201
    assert _found(shared_client, _list("Vendor", "lenovo", "HP")) == [21, 168, 170, 171, 172, 201]


def test_list_matches_the_whole_option_not_a_word_of_it(shared_client: Client) -> None:
    assert _found(shared_client, _list("Operating Systems", "macOS")) == []
    assert _found(shared_client, _list("Operating Systems", "macOS 14")) == [133, 135, 136, 169, 512]


def test_list_on_a_multi_select_matches_any_chosen_option(shared_client: Client) -> None:
    assert _found(shared_client, _list("Features", "4G Modem")) == [168, 201]


def test_list_on_radio_buttons_and_list_boxes(shared_client: Client) -> None:
    assert _found(shared_client, _list("Environment", "Staging")) == [155, 305]
    assert _found(shared_client, _list("Department", "Sales")) == [105, 106]


def test_list_on_form_name(shared_client: Client) -> None:
    assert _found(shared_client, _list("form.name", "Servers", "Printers")) == [1, 2, 3, 20, 21, 22]


def test_form_name_is_matched_whole(shared_client: Client) -> None:
    assert _found(shared_client, _list("form.name", "Server")) == SERVERS


def test_list_on_scheme_name_ignores_case(shared_client: Client) -> None:
    assert _found(shared_client, _list("scheme.name", "hr assets")) == EMPLOYEES


def test_form_id_as_list_with_numeric_keywords(shared_client: Client) -> None:
    assert _found(shared_client, _list("form.id", 2)) == [1, 2, 3]
    assert _found(shared_client, _list("form.id", 2, 6)) == [1, 2, 3, 20, 21, 22]


def test_form_id_as_list_with_text_keywords(shared_client: Client) -> None:
    assert _found(shared_client, _list("form.id", "6")) == [20, 21, 22]


def test_form_id_as_long(shared_client: Client) -> None:
    assert _found(shared_client, _number("form.id", "LONG", 2, range_=False)) == [1, 2, 3]
    assert _found(shared_client, _number("form.id", "LONG", 6, 7, range_=True)) == [20, 21, 22, *EMPLOYEES]


def test_scheme_id_as_long(shared_client: Client) -> None:
    assert _found(shared_client, _number("scheme.id", "LONG", 3, range_=False)) == EMPLOYEES


# -- STRING --------------------------------------------------------------------------------------


def test_string_on_a_text_attribute(shared_client: Client) -> None:
    assert _found(shared_client, string_param("Server Name", "web01")) == [151]


def test_string_on_a_url_matches_the_host_as_a_word(shared_client: Client) -> None:
    # 114 "https://www.atlassian.com", 134 "https://www.atlassian.com/software/jira"
    assert _found(shared_client, string_param("Vendor URL", "www.atlassian.com")) == [114, 134]
    assert _found(shared_client, string_param("Vendor URL", "https://www.dell.com")) == [111]


def test_string_on_an_ipv6_address_matches_the_whole_value(shared_client: Client) -> None:
    assert _found(shared_client, string_param("IPv6 Address", "2001:db8:10::11")) == [151]


def test_string_on_an_email_keeps_the_dotted_domain_as_one_word(shared_client: Client) -> None:
    # "orders@dell.example.com" has the word "dell.example.com", not "example.com".
    assert _found(shared_client, string_param("Email Address", "example.com")) == EMPLOYEES


def test_string_on_a_user_picker_matches_the_username(shared_client: Client) -> None:
    assert _found(shared_client, string_param("Used By", "jdoe")) == [167]
    assert _found(shared_client, string_param("Jira User", "mmiller")) == [103]


def test_string_on_a_user_picker_matches_the_user_key_and_display_name(shared_client: Client) -> None:
    assert _found(shared_client, string_param("Used By", "JIRAUSER10100")) == [167]
    assert _found(shared_client, string_param("Used By", "john doe")) == [167]


def test_string_on_an_option_attribute_matches_its_words(shared_client: Client) -> None:
    assert _found(shared_client, string_param("Operating Systems", "macos")) == [133, 135, 136, 169, 512]


# -- LONG and DOUBLE -----------------------------------------------------------------------------
# Seats: 131 5, 132 10, 133 25, 134 500, 135 50, 136 3, 512 8


def test_long_exact(shared_client: Client) -> None:
    assert _found(shared_client, _number("Seats", "LONG", 10, range_=False)) == [132]


def test_long_exact_ignores_max_num(shared_client: Client) -> None:
    assert _found(shared_client, _number("Seats", "LONG", 10, 50, range_=False)) == [132]


def test_long_range_is_inclusive(shared_client: Client) -> None:
    assert _found(shared_client, _number("Seats", "LONG", 8, 50, range_=True)) == [132, 133, 135, 512]


def test_long_range_open_below(shared_client: Client) -> None:
    assert _found(shared_client, _number("Seats", "LONG", None, 5, range_=True)) == [131, 136]


def test_long_range_open_above(shared_client: Client) -> None:
    assert _found(shared_client, _number("Seats", "LONG", 50, None, range_=True)) == [134, 135]


def test_long_on_asset_id(shared_client: Client) -> None:
    assert _found(shared_client, _number("asset.id", "LONG", 172, range_=False)) == [172]
    assert _found(shared_client, _number("asset.id", "LONG", 300, None, range_=True)) == [305, 512]


def test_double_exact_on_a_decimal_attribute(shared_client: Client) -> None:
    assert _found(shared_client, _number("Purchase Price", "DOUBLE", 1299.99, range_=False)) == [167]
    assert _found(shared_client, _number("Purchase Price", "DOUBLE", 189.9, range_=False)) == [172]


def test_double_range_is_inclusive(shared_client: Client) -> None:
    # 167 1299.99, 168 1849.0, 170 1149.5, 200 1599.0, 201 1249.0; 171 999.0 and 169 2399.0 fall outside
    found = _found(shared_client, _number("Purchase Price", "DOUBLE", 1000, 1849.0, range_=True))

    assert found == [167, 168, 170, 200, 201]


def test_double_exact_on_a_whole_number_attribute(shared_client: Client) -> None:
    assert _found(shared_client, _number("RAM (GB)", "DOUBLE", 16.0, range_=False)) == [154, 156, 167, 170, 201]


def test_long_with_a_fraction_matches_no_whole_number(shared_client: Client) -> None:
    assert _found(shared_client, _number("RAM (GB)", "LONG", 16.5, range_=False)) == []


def test_non_numeric_bound_is_a_400_naming_the_key_and_value(shared_client: Client) -> None:
    message = _error(
        shared_client, {"queryIndexSearchParams": [{"field": "Seats", "minNum": "abc", "fieldType": "LONG"}]}
    )

    assert "queryIndexSearchParams[0].minNum" in message
    assert "'abc'" in message


# -- DATE and DATE_TIME --------------------------------------------------------------------------
# Warranty Expiry: 167 2027-03-14, 168 2026-11-30, 169 2026-10-01, 170 2027-05-31,
#                  171 2024-06-30, 172 2026-04-30, 200 2028-01-31, 201 2028-02-29
WARRANTY = {
    167: "2027-03-14",
    168: "2026-11-30",
    169: "2026-10-01",
    170: "2027-05-31",
    171: "2024-06-30",
    172: "2026-04-30",
    200: "2028-01-31",
    201: "2028-02-29",
}


def test_date_exact(shared_client: Client) -> None:
    assert _found(shared_client, _date("Warranty Expiry", "DATE", "2026-11-30", range_=False)) == [168]


def test_date_exact_ignores_max_date(shared_client: Client) -> None:
    assert _found(shared_client, _date("Warranty Expiry", "DATE", "2026-11-30", "2028-12-31", range_=False)) == [168]


def test_date_range_is_inclusive_of_both_days(shared_client: Client) -> None:
    found = _found(shared_client, _date("Warranty Expiry", "DATE", "2026-10-01", "2026-11-30", range_=True))

    assert found == [168, 169]


def test_date_range_open_below(shared_client: Client) -> None:
    assert _found(shared_client, _date("Warranty Expiry", "DATE", None, "2026-04-30", range_=True)) == [171, 172]


def test_date_range_open_above(shared_client: Client) -> None:
    assert _found(shared_client, _date("Warranty Expiry", "DATE", "2028-01-01", None, range_=True)) == [200, 201]


def test_date_range_on_another_date_attribute(shared_client: Client) -> None:
    # Start Date: 101 2018-09-03, 105 2016-04-01; the others later
    assert _found(shared_client, _date("Start Date", "DATE", None, "2018-12-31", range_=True)) == [101, 105]


def test_malformed_date_is_a_400_naming_the_value(shared_client: Client) -> None:
    param = _date("Warranty Expiry", "DATE", "2026-13-01", range_=False)

    message = _error(shared_client, {"queryIndexSearchParams": [param]})

    assert message.startswith("queryIndexSearchParams[0].minDate")
    assert "'2026-13-01'" in message


# Last Audit: 151 2025-01-20T14:30, 152 2025-01-20T15:10, 153 2024-11-05T09:00, 154 2024-12-02T11:45,
#             156 2022-08-30T08:00, 305 2025-02-10T17:25; 155 has none


def test_date_time_exact_to_the_minute(shared_client: Client) -> None:
    assert _found(shared_client, _date("Last Audit", "DATE_TIME", "2025-01-20T14:30", range_=False)) == [151]


def test_date_time_exact_on_a_day_covers_the_whole_day(shared_client: Client) -> None:
    assert _found(shared_client, _date("Last Audit", "DATE_TIME", "2025-01-20", range_=False)) == [151, 152]


def test_date_time_range_is_inclusive_of_both_minutes(shared_client: Client) -> None:
    param = _date("Last Audit", "DATE_TIME", "2024-12-02T11:45", "2025-01-20T14:30", range_=True)

    assert _found(shared_client, param) == [151, 154]


def test_date_time_range_open_below(shared_client: Client) -> None:
    assert _found(shared_client, _date("Last Audit", "DATE_TIME", None, "2024-11-05T09:00", range_=True)) == [153, 156]


# -- relative dates ------------------------------------------------------------------------------


def _relative_search(client: Client, param: dict[str, Any]) -> tuple[list[int], int]:
    """The ids found and the server's clock when it answered (relative bounds count from that clock)."""
    answer = search(client, {"queryIndexSearchParams": [param], "pageSize": 1000})
    return [asset["id"] for asset in answer["assets"]], answer["queryIndexParam"]["respTime"]


def _warranties(low_ms: float, high_ms: float) -> list[int]:
    return sorted(asset for asset, day in WARRANTY.items() if low_ms <= _epoch_ms(day) <= high_ms)


def test_relative_range_into_the_past(shared_client: Client) -> None:
    found, now = _relative_search(shared_client, _relative("Warranty Expiry", "DATE", "-100y", "0d"))

    assert found == _warranties(-math.inf, now)


def test_relative_range_into_the_future(shared_client: Client) -> None:
    found, now = _relative_search(shared_client, _relative("Warranty Expiry", "DATE", "0d", "100y"))

    assert found == _warranties(now, math.inf)


def test_relative_range_with_one_open_bound(shared_client: Client) -> None:
    found, now = _relative_search(shared_client, _relative("Warranty Expiry", "DATE", "1d", None))

    assert found == _warranties(now + DAY_MS, math.inf)


def test_relative_range_past_and_future_split_the_fixtures(shared_client: Client) -> None:
    past, _now = _relative_search(shared_client, _relative("Warranty Expiry", "DATE", "-100y", "0d"))
    future, _now = _relative_search(shared_client, _relative("Warranty Expiry", "DATE", "0d", "100y"))

    assert sorted(past + future) == sorted(WARRANTY)


def test_relative_range_ignores_min_and_max_date(shared_client: Client) -> None:
    param = {**_relative("Warranty Expiry", "DATE", "-100y", "100y"), "minDate": "2026-11-30", "maxDate": "2026-11-30"}

    assert _found(shared_client, param) == LAPTOPS


def test_relative_range_on_created_leaves_out_assets_without_a_date(shared_client: Client) -> None:
    found = _found(shared_client, _relative("asset.created", "DATE_TIME", "-100y", "0d"))

    assert found == [asset for asset in ALL_ASSETS if asset not in NO_CREATED_DATE]


def test_relative_weeks_count_back_from_now(shared_client: Client) -> None:
    # The newest fixture asset was created on 2025-02-10.
    assert _found(shared_client, _relative("asset.created", "DATE_TIME", "-2w", "0d")) == []


def test_relative_months_and_years_reach_across_the_calendar(shared_client: Client) -> None:
    # Whatever today is, every asset was created between 100 years ago and 12 months from now.
    everything = _found(shared_client, _relative("asset.created", "DATE_TIME", "-1200m", "12m"))

    assert everything == [asset for asset in ALL_ASSETS if asset not in NO_CREATED_DATE]


def test_malformed_relative_date_is_a_400(shared_client: Client) -> None:
    message = _error(shared_client, {"queryIndexSearchParams": [_relative("asset.created", "DATE_TIME", "2x", None)]})

    assert "minRelativeDate" in message
    assert "'2x'" in message


# -- asset references ----------------------------------------------------------------------------
# Installed On: 131 [153], 132 [151], 133 [168, 169], 134 [151, 152], 135 [167, 168, 200], 136 [169], 512 [167, 201]


def test_all_assets_ref_by_name_and_id_string(shared_client: Client) -> None:
    assert _found(shared_client, _list("Installed On", "Laptop 1 #167", field_type="ALL_ASSETS_REF")) == [135, 512]


def test_all_assets_ref_by_name(shared_client: Client) -> None:
    assert _found(shared_client, _list("Installed On", "Laptop 1", field_type="ALL_ASSETS_REF")) == [135, 512]


def test_all_assets_ref_by_numeric_id_keyword(shared_client: Client) -> None:
    assert _found(shared_client, _list("Installed On", 167, field_type="ALL_ASSETS_REF")) == [135, 512]
    assert _found(shared_client, _list("Installed On", "167", field_type="ALL_ASSETS_REF")) == [135, 512]


def test_reference_keywords_are_or_ed_and_case_insensitive(shared_client: Client) -> None:
    found = _found(shared_client, _list("Installed On", "laptop 2 #168", 153, field_type="ALL_ASSETS_REF"))

    assert found == [131, 133, 135]


def test_reference_string_must_match_whole(shared_client: Client) -> None:
    assert _found(shared_client, _list("Installed On", "Laptop", field_type="ALL_ASSETS_REF")) == []
    assert _found(shared_client, _list("Installed On", "Laptop 1 #168", field_type="ALL_ASSETS_REF")) == []


def test_assets_ref_by_form_by_name_and_id_string(shared_client: Client) -> None:
    assert _found(shared_client, _list("Assigned Laptop", "Laptop 2 #168", field_type="ASSETS_REF_BY_FORM")) == [103]


def test_assets_ref_by_form_by_name(shared_client: Client) -> None:
    assert _found(shared_client, _list("Supplier", "Atlassian", field_type="ASSETS_REF_BY_FORM")) == [134]
    assert _found(shared_client, _list("Assigned Laptop", "Laptop 5", field_type="ASSETS_REF_BY_FORM")) == [105]


def test_assets_ref_by_form_by_numeric_id_keyword(shared_client: Client) -> None:
    assert _found(shared_client, _list("Assigned Laptop", 201, field_type="ASSETS_REF_BY_FORM")) == [106]
    found = _found(shared_client, _list("Supplier", 115, field_type="ASSETS_REF_BY_FORM"))
    assert found == [131, 132, 133, 135, 136, 512]


def test_reference_attribute_searched_as_list(shared_client: Client) -> None:
    assert _found(shared_client, _list("Installed On", "Laptop 1 #167")) == [135, 512]


# -- system fields -------------------------------------------------------------------------------


def test_status_by_name_and_by_key(shared_client: Client) -> None:
    assert _found(shared_client, _list("asset.status", "In repair")) == [22, 153]
    assert _found(shared_client, _list("asset.status", "4")) == [156, 171]  # "Retired"


def test_substatus(shared_client: Client) -> None:
    assert _found(shared_client, _list("asset.substatus", "Available")) == [170, 172, 305]


def test_owner_by_username(shared_client: Client) -> None:
    assert _found(shared_client, string_param("asset.owner", "admin")) == [134, 167, 168, 171]
    assert _found(shared_client, string_param("asset.owner", "agent")) == [155]


def test_cost_exact_and_range(shared_client: Client) -> None:
    assert _found(shared_client, _number("asset.cost", "DOUBLE", 42000, range_=False)) == [134]
    found = _found(shared_client, _number("asset.cost", "DOUBLE", 1000, 3000, range_=True))
    assert found == [155, 167, 168, 169, 170, 200]


def test_quantity(shared_client: Client) -> None:
    assert _found(shared_client, _number("asset.quantity", "LONG", 3, 50, range_=True)) == [135, 136, 172]


def test_install_date_exact_and_range(shared_client: Client) -> None:
    assert _found(shared_client, _date("asset.installDate", "DATE", "2023-02-01", range_=False)) == [151, 152]
    assert _found(shared_client, _date("asset.installDate", "DATE", None, "2021-12-31", range_=True)) == [156, 171]


def test_creator_by_username(shared_client: Client) -> None:
    assert _found(shared_client, string_param("asset.creator", "jdoe")) == [133, 135, 170]


def test_created_exact_day_and_minute(shared_client: Client) -> None:
    assert _found(shared_client, _date("asset.created", "DATE_TIME", "2023-06-01", range_=False)) == [
        101,
        102,
        103,
        104,
        105,
    ]
    assert _found(shared_client, _date("asset.created", "DATE_TIME", "2023-06-01T11:35", range_=False)) == [103]


def test_created_range(shared_client: Client) -> None:
    found = _found(shared_client, _date("asset.created", "DATE_TIME", "2025-01-01", None, range_=True))

    assert found == [106, 200, 201, 305, 512]


def test_assets_without_a_created_date_match_no_date_range(shared_client: Client) -> None:
    assert _found(shared_client, _date("asset.created", "DATE_TIME", None, "2022-12-31", range_=True)) == [20]


def test_attachment_by_file_name(shared_client: Client) -> None:
    assert _found(shared_client, string_param("asset.attachment", "*.pdf")) == [167]
    assert _found(shared_client, string_param("asset.attachment", "jira-dc-license.txt")) == [134]
    assert _found(shared_client, string_param("asset.attachment", "*.jpg")) == [1]


def test_asset_key(shared_client: Client) -> None:
    assert _found(shared_client, string_param("asset.key", "LAP-3")) == [169]
    assert _found(shared_client, string_param("asset.key", "SRVS-2")) == [2]


def test_location_by_name(shared_client: Client) -> None:
    assert _found(shared_client, _list("asset.location", "NYC Office")) == [22, 155, 169]


def test_asset_tag_prefix(shared_client: Client) -> None:
    assert _found(shared_client, string_param("asset.assetTag", "AT-10*")) == [167, 168, 169, 170, 201]


# -- combining params ----------------------------------------------------------------------------


def test_params_are_and_ed_by_default(shared_client: Client) -> None:
    assert _found(shared_client, _list("Vendor", "Lenovo"), _list("Features", "4G Modem")) == [168, 201]


def test_params_or_ed_when_asked(shared_client: Client) -> None:
    body = {"queryIndexSearchParams": [_list("Vendor", "Apple"), _list("Features", "4G Modem")]}

    assert ids(shared_client, {**body, "orForQueryIndexSearchParams": True}) == [168, 169, 201]


def test_mandatory_params_are_and_ed_with_or_ed_params(shared_client: Client) -> None:
    body = {
        "queryIndexSearchParams": [_list("Vendor", "Dell"), _list("Vendor", "HP")],
        "orForQueryIndexSearchParams": True,
        "mandatoryQueryIndexSearchParams": [_list("form.name", "Laptop")],
    }

    assert ids(shared_client, body) == [167, 170, 200]  # not the HP printer 21


def test_mandatory_params_are_and_ed_among_themselves_by_default(shared_client: Client) -> None:
    body = {"mandatoryQueryIndexSearchParams": [_list("asset.status", "In repair"), _list("asset.status", "Retired")]}

    assert ids(shared_client, body) == []


def test_mandatory_params_or_ed_when_asked(shared_client: Client) -> None:
    body = {
        "mandatoryQueryIndexSearchParams": [_list("asset.status", "In repair"), _list("asset.status", "Retired")],
        "orForMandatoryQueryIndexSearchParams": True,
    }

    assert ids(shared_client, body) == [22, 153, 156, 171]


def test_and_ed_params_with_or_ed_mandatory_params(shared_client: Client) -> None:
    body = {
        "queryIndexSearchParams": [_list("form.name", "Laptop")],
        "mandatoryQueryIndexSearchParams": [_list("asset.status", "Retired"), _list("asset.status", "In stock")],
        "orForMandatoryQueryIndexSearchParams": True,
    }

    assert ids(shared_client, body) == [170, 171, 172, 201]


def test_no_criteria_find_every_asset(shared_client: Client) -> None:
    assert ids(shared_client, {}) == ALL_ASSETS


# -- genericKeyword ------------------------------------------------------------------------------


def test_generic_keyword_alone(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": "asset.name:laptop*"}) == [167, 168, 169, 170, 171, 200, 201]


def test_generic_keyword_bare_term_searches_asset_content(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": "tomcat"}) == [1, 2, 3]


def test_generic_keyword_with_quoted_and_escaped_field_names(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": '"Serial Number":1254*'}) == [1]
    assert ids(shared_client, {"genericKeyword": "Serial\\ Number:12685*"}) == [20, 21]


def test_generic_keyword_is_and_ed_with_params(shared_client: Client) -> None:
    body = {"genericKeyword": "form.name:Laptop", "queryIndexSearchParams": [_list("Vendor", "Dell")]}

    assert ids(shared_client, body) == [167, 200]


def test_generic_keyword_is_and_ed_with_or_ed_params(shared_client: Client) -> None:
    body = {
        "genericKeyword": "form.name:Laptop",
        "queryIndexSearchParams": [_list("Vendor", "Dell"), _list("Vendor", "HP")],
        "orForQueryIndexSearchParams": True,
    }

    assert ids(shared_client, body) == [167, 170, 200]


def test_generic_keyword_boolean_operators(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": "form.name:Laptop AND Vendor:Lenovo"}) == [168, 171, 172, 201]
    assert ids(shared_client, {"genericKeyword": 'Vendor:Apple OR Features:"4G Modem"'}) == [168, 169, 201]
    assert ids(shared_client, {"genericKeyword": "form.name:Laptop -Vendor:Lenovo"}) == [167, 169, 170, 200]


def test_generic_keyword_pure_negative_finds_nothing_as_in_lucene(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": '-scheme.name:"IT Hardware"'}) == []


def test_generic_keyword_everything_but_starts_from_star_colon_star(shared_client: Client) -> None:
    found = ids(shared_client, {"genericKeyword": '*:* -scheme.name:"IT Hardware"'})

    assert found == [asset for asset in ALL_ASSETS if asset not in LAPTOPS + SERVERS]


def test_generic_keyword_ranges(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": "Seats:[10 TO 50]"}) == [132, 133, 135]
    assert ids(shared_client, {"genericKeyword": "Seats:{10 TO 50}"}) == [133]
    assert ids(shared_client, {"genericKeyword": '"Warranty Expiry":[2026-10-01 TO 2026-11-30]'}) == [168, 169]


def test_generic_keyword_field_exists(shared_client: Client) -> None:
    found = ids(shared_client, {"genericKeyword": "asset.cost:*"})

    assert found == [134, 135, 151, 152, 155, 167, 168, 169, 170, 171, 172, 200, 512]


def test_generic_keyword_star_colon_star_finds_every_asset(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": "*:*"}) == ALL_ASSETS
    assert ids(shared_client, {"genericKeyword": "*:* -form.name:Server"}) == [
        a for a in ALL_ASSETS if a not in SERVERS
    ]


def test_generic_keyword_date_time_with_an_escaped_colon(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": "Last\\ Audit:2025-01-20T14\\:30"}) == [151]


def test_generic_keyword_unknown_field_matches_nothing(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": "Nope:x"}) == []


def test_blank_generic_keyword_uses_the_params(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": "  ", "queryIndexSearchParams": [_list("Vendor", "Dell")]}) == [
        167,
        200,
    ]


def test_generic_keyword_syntax_error_is_a_400_envelope(shared_client: Client) -> None:
    message = _error(shared_client, {"genericKeyword": "asset.name:("})

    assert message.startswith("genericKeyword: cannot parse 'asset.name:(': ")


# -- what matches nothing ------------------------------------------------------------------------


def test_unknown_attribute_matches_nothing(shared_client: Client) -> None:
    answer = search(shared_client, {"queryIndexSearchParams": [string_param("No Such Attribute", "x")]})

    assert answer["assets"] == []
    assert answer["recordIds"] == []
    assert answer["queryPagingInfo"] == {
        "pageRecordSize": 0,
        "totalRecords": 0,
        "totalPages": 0,
        "pageNumber": 1,
        "pageSize": 15,
        "hasNext": False,
    }


def test_attribute_names_are_case_sensitive(shared_client: Client) -> None:
    assert _found(shared_client, _list("vendor", "Dell")) == []


def test_numeric_range_on_a_text_attribute_matches_nothing(shared_client: Client) -> None:
    assert _found(shared_client, _number("Model", "LONG", 1, 100000, range_=True)) == []
    assert _found(shared_client, _number("External System Id", "LONG", 1012, range_=False)) == []


def test_date_range_on_a_text_attribute_matches_nothing(shared_client: Client) -> None:
    assert _found(shared_client, _date("Model", "DATE", "2000-01-01", "2100-01-01", range_=True)) == []


def test_unknown_field_type_is_a_400_naming_it(shared_client: Client) -> None:
    message = _error(shared_client, {"queryIndexSearchParams": [{"field": "Seats", "minNum": 1, "fieldType": "INT"}]})

    assert message.startswith("queryIndexSearchParams[0].fieldType: unknown field type 'INT'")


# -- whole assets (dc-api.md §2.3) ---------------------------------------------------------------


def _item(
    value: str,
    name: str,
    kind: str,
    ids: tuple[int, int, int],
    *,
    display: str | None = None,
    iso: str | None = None,
    refs: list[dict[str, Any]] | None = None,
    options: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    attribute_id, value_id, form_attribute_id = ids
    return {
        "value": value,
        "attributeName": name,
        "attributeType": kind,
        "inventoryRefs": refs or [],
        "multiListValues": options or [],
        "attributeId": attribute_id,
        "id": value_id,
        "formAttributeId": form_attribute_id,
        "displayValue": value if display is None else display,
        "textValues": value,
        "isoDateValue": iso,
    }


def _option(option_id: int, sort_order: int, text: str) -> dict[str, Any]:
    return {"id": option_id, "sortOrder": sort_order, "attributeValue": text}


def _ref(asset_id: int, name: str, form_id: int, form_name: str) -> dict[str, Any]:
    return {"id": asset_id, "name": name, "formId": form_id, "formName": form_name}


def _asset(
    asset_id: int,
    name: str,
    *,
    scheme: tuple[int, str],
    form: tuple[int, str],
    created: tuple[int, str],
    creator: str,
    attachments: str | None,
    items: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "id": asset_id,
        "name": name,
        "sortOrder": 0,
        "objectSchemaId": scheme[0],
        "objectSchemaName": scheme[1],
        "formId": form[0],
        "formName": form[1],
        "created": created[0],
        "createdFormatted": created[1],
        "creator": creator,
        "attachments": attachments,
        "inventoryItems": items,
        "customfieldId": "customfield_10100",
        "optionId": 20000 + asset_id,
        "inventoryItemListSize": len(items),
    }


# Value ids left out of the fixtures are allocated from 1210 (one past the highest written id, 1209) in file order.
LAPTOP_1 = _asset(
    167,
    "Laptop 1",
    scheme=(2, "IT Hardware"),
    form=(9, "Laptop"),
    created=(1710495000000, "15/Mar/24 9:30 AM"),  # 2024-03-15T09:30 UTC
    creator="admin",
    attachments=(
        '[ {\n "originalFileName" : "invoice-laptop-1.pdf",\n "serverFileName" : "20167_60211_1710495300000.pdf",\n'
        ' "fileSize" : "182 KB",\n "created" : "15/Mar/24 9:35 AM",\n "creator" : "admin"\n} ]'
    ),
    items=[
        _item("Latitude 7440", "Model", "Text", (18, 1353, 421)),
        _item("Dell", "Vendor", "DropdownList", (61, 1354, 422)),
        _item(
            "Windows 11",
            "Operating Systems",
            "ListBoxMultiple",
            (62, 1355, 423),
            options=[_option(121, 1, "Windows 11")],
        ),
        _item(
            "Backlit Keyboard, Fingerprint Reader",
            "Features",
            "CheckboxList",
            (63, 1356, 424),
            options=[_option(131, 1, "Backlit Keyboard"), _option(132, 2, "Fingerprint Reader")],
        ),
        _item("16", "RAM (GB)", "Number", (98, 1357, 425)),
        _item("1299.99", "Purchase Price", "Decimal", (100, 1358, 426)),
        _item("2027-03-14", "Warranty Expiry", "DatePicker", (90, 1359, 427), display="14/Mar/27", iso="2027-03-14"),
        _item("JIRAUSER10100", "Used By", "UserPicker", (93, 1360, 428), display="John Doe"),
    ],
)

JIRA_LICENSE = _asset(
    134,
    "Jira Software Data Center",
    scheme=(1, "Default Asset Scheme"),
    form=(10, "License"),
    created=(1676370600000, "14/Feb/23 10:30 AM"),  # 2023-02-14T10:30 UTC
    creator="admin",
    attachments=(
        '[ {\n "originalFileName" : "jira-dc-license.txt",\n "serverFileName" : "20134_51207_1676370600000.txt",\n'
        ' "fileSize" : "2 KB",\n "created" : "14/Feb/23 10:32 AM",\n "creator" : "admin"\n} ]'
    ),
    items=[
        _item("AAB-JSW-DC-7788", "License Key", "Text", (102, 1289, 431)),
        _item("500", "Seats", "Number", (99, 1290, 432)),
        _item("2026-02-28", "Renewal Date", "DatePicker", (91, 1291, 433), display="28/Feb/26", iso="2026-02-28"),
        _item("42000.0", "Purchase Price", "Decimal", (100, 1292, 434)),
        _item(
            "Web Server 01, DB Server 01",
            "Installed On",
            "InventoryList",
            (95, 1293, 435),
            refs=[_ref(151, "Web Server 01", 11, "Server"), _ref(152, "DB Server 01", 11, "Server")],
        ),
        _item(
            "Atlassian",
            "Supplier",
            "InventoryListByForm",
            (97, 1294, 436),
            refs=[_ref(114, "Atlassian", 8, "Supplier")],
        ),
        _item(
            "Red Hat Enterprise Linux 9",
            "Operating Systems",
            "ListBoxMultiple",
            (62, 1295, 437),
            options=[_option(124, 4, "Red Hat Enterprise Linux 9")],
        ),
        _item("https://www.atlassian.com/software/jira", "Vendor URL", "URL", (88, 1296, 438)),
    ],
)

WEB_SERVER = _asset(
    151,
    "Web Server 01",
    scheme=(2, "IT Hardware"),
    form=(11, "Server"),
    created=(1675245600000, "01/Feb/23 10:00 AM"),  # 2023-02-01T10:00 UTC
    creator="agent",
    attachments=None,
    items=[
        _item("web01", "Server Name", "Text", (5, 1312, 441)),
        _item("192.168.10.11", "IP Address", "IP", (86, 1313, 442)),
        _item("2001:db8:10::11", "IPv6 Address", "IPv6", (87, 1314, 443)),
        _item("Production", "Environment", "RadioButtonList", (64, 1315, 444)),
        _item(
            "Ubuntu 22.04",
            "Operating Systems",
            "ListBoxMultiple",
            (62, 1316, 445),
            options=[_option(123, 3, "Ubuntu 22.04")],
        ),
        _item("64", "RAM (GB)", "Number", (98, 1317, 446)),
        _item(
            "2025-01-20T14:30",
            "Last Audit",
            "DatetimePicker",
            (92, 1318, 447),
            display="20/Jan/25 2:30 PM",
            iso="2025-01-20T14:30",
        ),
    ],
)

BOB_SMITH = _asset(
    105,
    "Bob Smith",
    scheme=(3, "HR Assets"),
    form=(7, "Employee"),
    created=(1685619660000, "01/Jun/23 11:41 AM"),  # 2023-06-01T11:41 UTC
    creator="admin",
    attachments=None,
    items=[
        _item("bob.smith@example.com", "Email Address", "Text", (101, 1237, 401)),
        _item("Sales", "Department", "ListBox", (65, 1238, 402)),
        _item("2016-04-01", "Start Date", "DatePicker", (104, 1239, 403), display="01/Apr/16", iso="2016-04-01"),
        _item("JIRAUSER10103", "Jira User", "UserPicker", (94, 1240, 404), display="Bob Smith"),
        _item(
            "Laptop 5",
            "Assigned Laptop",
            "InventoryListByForm",
            (96, 1241, 405),
            refs=[_ref(171, "Laptop 5", 9, "Laptop")],
        ),
        _item("Left the company in 2024; his laptop was sold.", "Notes", "TextArea", (89, 1242, 406)),
    ],
)


@pytest.mark.parametrize(
    "expected",
    [LAPTOP_1, JIRA_LICENSE, WEB_SERVER, BOB_SMITH],
    ids=["laptop", "license", "server", "employee"],
)
def test_found_asset_is_rendered_whole_with_each_attribute_type(
    shared_client: Client, expected: dict[str, Any]
) -> None:
    body = {"queryIndexSearchParams": [_number("asset.id", "LONG", expected["id"], range_=False)]}

    assert search(shared_client, body)["assets"] == [expected]


def test_whole_answer_of_a_search_for_one_laptop(shared_client: Client) -> None:
    request = {
        "searchType": "basic",
        "listType": "detail",
        "genericKeyword": None,
        "queryIndexSearchParams": [{"field": "Used By", "keyword": "jdoe", "fieldType": "STRING"}],
        "pageNumber": 1,
        "pageSize": 100,
        "sortDirection": "asc",
        "sortField": "asset.name",
        "sortType": "STRING",
        "respTime": 1700000000000,
    }

    answer = search(shared_client, request)

    assert isinstance(answer["queryIndexParam"].pop("respTime"), int)
    assert answer == {
        "queryIndexParam": {
            "searchType": "basic",
            "listType": "detail",
            "genericKeyword": None,
            "queryIndexSearchParams": [
                {
                    "field": "Used By",
                    "fieldLabel": None,
                    "keyword": "jdoe",
                    "keywords": None,
                    "fieldType": "STRING",
                    "minNum": None,
                    "maxNum": None,
                    "minDate": None,
                    "maxDate": None,
                    "range": False,
                }
            ],
            "pageNumber": 1,
            "pageSize": 100,
            "sortDirection": "asc",
            "sortField": "asset.name",
            "sortType": "STRING",
        },
        "recordIds": [None],
        "queryPagingInfo": {
            "pageRecordSize": 1,
            "totalRecords": 1,
            "totalPages": 1,
            "pageNumber": 1,
            "pageSize": 100,
            "hasNext": False,
        },
        "assets": [LAPTOP_1],
    }
