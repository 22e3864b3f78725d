"""Sorting and paging of the DC search (dc-api.md §2) over the default fixtures.

Documented choices pinned here: text sorts ignore case; ties keep asset id order (ascending, in both directions);
assets without a value sort first ascending and last descending.
"""

from __future__ import annotations

from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, JDOE, SEARCH, ids, search

# All 39 assets by name, case-insensitively ("Alpha server test" 132 before "Alpha Tomcat Server" 1).
BY_NAME = [172, 136, 101, 132, 1, 133, 114, 155, 2, 105, 153, 106, 152, 111, 104, 113, 512, 134, 102]
BY_NAME += [167, 168, 169, 170, 171, 200, 201, 156, 112, 154, 103, 135, 115, 20, 21, 22, 3, 131, 305, 151]
BY_ID = sorted(BY_NAME)
LAPTOPS = {"field": "form.name", "keywords": ["Laptop"], "fieldType": "LIST"}
SERVERS = {"field": "form.name", "keywords": ["Server"], "fieldType": "LIST"}


def _sorted(client: Client, field: str, sort_type: str | None, direction: str, *params: dict[str, Any]) -> list[int]:
    body: dict[str, Any] = {"queryIndexSearchParams": list(params), "sortField": field, "sortDirection": direction}
    if sort_type is not None:
        body["sortType"] = sort_type
    return ids(client, body)


def _paging(*, on_page: int, total: int, pages: int, page: int, size: int, has_next: bool) -> dict[str, Any]:
    return {
        "pageRecordSize": on_page,
        "totalRecords": total,
        "totalPages": pages,
        "pageNumber": page,
        "pageSize": size,
        "hasNext": has_next,
    }


def _page(client: Client, number: int, size: int, **extra: Any) -> dict[str, Any]:
    return search(client, {"pageNumber": number, "pageSize": size, "sortField": "asset.name", **extra})


def _error(client: Client, body: dict[str, Any]) -> str:
    response = client.post(SEARCH, json=body, auth=ADMIN)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert (answer["success"], answer["errorCode"]) == (False, "ValidationException")
    message: str = answer["errorMessage"]
    return message


# -- sorting by name and id ----------------------------------------------------------------------


def test_sort_by_name_ascending_ignores_case(shared_client: Client) -> None:
    assert _sorted(shared_client, "asset.name", "STRING", "asc") == BY_NAME


def test_sort_by_name_descending(shared_client: Client) -> None:
    assert _sorted(shared_client, "asset.name", "STRING", "desc") == BY_NAME[::-1]


def test_sort_direction_is_case_insensitive(shared_client: Client) -> None:
    assert _sorted(shared_client, "asset.name", "STRING", "DESC", LAPTOPS) == [201, 200, 171, 170, 169, 168, 167, 172]


def test_sort_direction_defaults_to_ascending(shared_client: Client) -> None:
    assert ids(shared_client, {"queryIndexSearchParams": [LAPTOPS], "sortField": "asset.name"}) == [
        172,
        167,
        168,
        169,
        170,
        171,
        200,
        201,
    ]


def test_sort_by_id_as_long(shared_client: Client) -> None:
    assert _sorted(shared_client, "asset.id", "LONG", "asc") == BY_ID
    assert _sorted(shared_client, "asset.id", "LONG", "desc") == BY_ID[::-1]


def test_sort_type_string_compares_ids_as_text(shared_client: Client) -> None:
    assert _sorted(shared_client, "asset.id", "STRING", "asc") == sorted(BY_ID, key=str)


def test_without_a_sort_field_assets_come_in_id_order(shared_client: Client) -> None:
    assert ids(shared_client, {}) == BY_ID


def test_unknown_sort_field_keeps_id_order(shared_client: Client) -> None:
    assert _sorted(shared_client, "No Such Attribute", "STRING", "desc") == BY_ID


# -- sorting by attributes -----------------------------------------------------------------------
# Laptops: RAM (GB) 167 16, 168 32, 169 18, 170 16, 171 8, 200 32, 201 16; 172 has none.


def test_sort_by_number_attribute_as_long_ascending_missing_first_ties_by_id(shared_client: Client) -> None:
    assert _sorted(shared_client, "RAM (GB)", "LONG", "asc", LAPTOPS) == [172, 171, 167, 170, 201, 169, 168, 200]


def test_sort_by_number_attribute_as_long_descending_missing_last_ties_by_id(shared_client: Client) -> None:
    assert _sorted(shared_client, "RAM (GB)", "LONG", "desc", LAPTOPS) == [168, 200, 169, 167, 170, 201, 171, 172]


def test_sort_by_number_attribute_as_string_compares_text(shared_client: Client) -> None:
    # "" < "16" < "18" < "32" < "8"
    assert _sorted(shared_client, "RAM (GB)", "STRING", "asc", LAPTOPS) == [172, 167, 170, 201, 169, 168, 200, 171]


def test_sort_without_sort_type_uses_the_attributes_own_type(shared_client: Client) -> None:
    assert _sorted(shared_client, "RAM (GB)", None, "asc", LAPTOPS) == [172, 171, 167, 170, 201, 169, 168, 200]


def test_sort_by_decimal_attribute_as_double(shared_client: Client) -> None:
    # 172 189.9, 171 999.0, 170 1149.5, 201 1249.0, 167 1299.99, 200 1599.0, 168 1849.0, 169 2399.0
    assert _sorted(shared_client, "Purchase Price", "DOUBLE", "asc", LAPTOPS) == [
        172,
        171,
        170,
        201,
        167,
        200,
        168,
        169,
    ]


def test_sort_by_date_attribute(shared_client: Client) -> None:
    # Warranty Expiry: 171 2024-06-30, 172 2026-04-30, 169 2026-10-01, 168 2026-11-30,
    #                  167 2027-03-14, 170 2027-05-31, 200 2028-01-31, 201 2028-02-29
    assert _sorted(shared_client, "Warranty Expiry", "DATE", "asc", LAPTOPS) == [171, 172, 169, 168, 167, 170, 200, 201]
    assert _sorted(shared_client, "Warranty Expiry", "DATE", "desc", LAPTOPS) == [
        201,
        200,
        170,
        167,
        168,
        169,
        172,
        171,
    ]


def test_sort_by_date_time_attribute_missing_first_ascending(shared_client: Client) -> None:
    # Last Audit: 156 2022-08-30T08:00, 153 2024-11-05T09:00, 154 2024-12-02T11:45, 151 2025-01-20T14:30,
    #             152 2025-01-20T15:10, 305 2025-02-10T17:25; 155 has none
    assert _sorted(shared_client, "Last Audit", "DATE_TIME", "asc", SERVERS) == [155, 156, 153, 154, 151, 152, 305]


def test_sort_by_date_time_attribute_missing_last_descending(shared_client: Client) -> None:
    assert _sorted(shared_client, "Last Audit", "DATE_TIME", "desc", SERVERS) == [305, 152, 151, 154, 153, 156, 155]


def test_sort_by_text_attribute_ignores_case(shared_client: Client) -> None:
    # AB-X1, EliteBook 840 G10, Latitude 7440, MacBook Pro 14, ThinkPad T14 Gen 2, ThinkPad X1 Carbon Gen 11,
    # ThinkPad X13 Gen 4, XPS 13 9340
    assert _sorted(shared_client, "Model", "STRING", "asc", LAPTOPS) == [172, 170, 167, 169, 171, 168, 201, 200]


def test_sort_by_option_attribute_ties_by_id_in_both_directions(shared_client: Client) -> None:
    # Apple 169; Dell 167, 200; HP 170; Lenovo 168, 171, 172, 201
    assert _sorted(shared_client, "Vendor", "STRING", "asc", LAPTOPS) == [169, 167, 200, 170, 168, 171, 172, 201]
    assert _sorted(shared_client, "Vendor", "LIST", "desc", LAPTOPS) == [168, 171, 172, 201, 170, 167, 200, 169]


def test_sort_by_user_picker_uses_the_display_name(shared_client: Client) -> None:
    # Administrator 200, Bob Smith 171, Helen Park 169, John Doe 167, Maria Miller 168; 170, 172, 201 have none
    assert _sorted(shared_client, "Used By", "STRING", "asc", LAPTOPS) == [170, 172, 201, 200, 171, 169, 167, 168]
    assert _sorted(shared_client, "Used By", "STRING", "desc", LAPTOPS) == [168, 167, 169, 171, 200, 170, 172, 201]


def test_sort_by_created_puts_assets_without_a_date_first(shared_client: Client) -> None:
    body = {"sortField": "asset.created", "sortType": "DATE_TIME", "pageSize": 9}

    # No date: 1, 2, 3, 21, 156, 171; then 20 2022-11-03, 151 2023-02-01T10:00, 152 2023-02-01T10:20
    assert ids(shared_client, body) == [1, 2, 3, 21, 156, 171, 20, 151, 152]


def test_sort_by_system_number_field(shared_client: Client) -> None:
    body = {"sortField": "asset.cost", "sortType": "DOUBLE", "sortDirection": "desc", "pageSize": 5}

    # 134 42000.0, 152 15250.0, 135 11820.0, 151 8400.0, 512 4792.0
    assert ids(shared_client, body) == [134, 152, 135, 151, 512]


# RAM (GB) over all assets, descending: 152 128, 151 64, 32: 153 168 200 305, 169 18, 16: 154 156 167 170 201,
# 8: 155 171, then the 25 assets without RAM in id order.
@pytest.mark.parametrize(
    ("page", "expected"),
    [(1, [152, 151, 153, 168]), (2, [200, 305, 169, 154]), (3, [156, 167, 170, 201]), (4, [155, 171, 1, 2])],
)
def test_sorted_pages_follow_each_other_with_ties_in_id_order(
    shared_client: Client, page: int, expected: list[int]
) -> None:
    body = {"sortField": "RAM (GB)", "sortType": "LONG", "sortDirection": "desc", "pageNumber": page, "pageSize": 4}

    assert ids(shared_client, body) == expected


def test_sorted_first_page_ascending_starts_with_assets_without_a_value(shared_client: Client) -> None:
    body = {"sortField": "RAM (GB)", "sortType": "LONG", "pageSize": 5}

    assert ids(shared_client, body) == [1, 2, 3, 20, 21]


def test_invalid_sort_direction_is_a_400(shared_client: Client) -> None:
    message = _error(shared_client, {"sortField": "asset.name", "sortDirection": "up"})

    assert message == "sortDirection: 'up' is not asc or desc"


def test_unknown_sort_type_is_a_400(shared_client: Client) -> None:
    message = _error(shared_client, {"sortField": "asset.name", "sortType": "TEXT"})

    assert message.startswith("sortType: unknown field type 'TEXT'")


# -- paging --------------------------------------------------------------------------------------


def test_first_page_with_the_default_size(shared_client: Client) -> None:
    answer = search(shared_client, {"sortField": "asset.name"})

    assert [a["id"] for a in answer["assets"]] == BY_NAME[:15]
    assert answer["queryPagingInfo"] == _paging(on_page=15, total=39, pages=3, page=1, size=15, has_next=True)
    assert (answer["queryIndexParam"]["pageNumber"], answer["queryIndexParam"]["pageSize"]) == (1, 15)


def test_second_page(shared_client: Client) -> None:
    answer = _page(shared_client, 2, 10)

    assert [a["id"] for a in answer["assets"]] == BY_NAME[10:20]
    assert answer["queryPagingInfo"] == _paging(on_page=10, total=39, pages=4, page=2, size=10, has_next=True)


def test_last_page_holds_the_rest(shared_client: Client) -> None:
    answer = _page(shared_client, 4, 10)

    assert [a["id"] for a in answer["assets"]] == BY_NAME[30:]
    assert answer["queryPagingInfo"] == _paging(on_page=9, total=39, pages=4, page=4, size=10, has_next=False)
    assert answer["recordIds"] == [None] * 9


def test_pages_that_divide_evenly_end_without_a_next_page(shared_client: Client) -> None:
    answer = _page(shared_client, 2, 4, queryIndexSearchParams=[LAPTOPS])

    assert [a["id"] for a in answer["assets"]] == [170, 171, 200, 201]
    assert answer["queryPagingInfo"] == _paging(on_page=4, total=8, pages=2, page=2, size=4, has_next=False)


def test_beyond_the_last_page_is_an_empty_page(shared_client: Client) -> None:
    answer = _page(shared_client, 5, 10)

    assert answer["assets"] == []
    assert answer["recordIds"] == []
    assert answer["queryPagingInfo"] == _paging(on_page=0, total=39, pages=4, page=5, size=10, has_next=False)


def test_empty_result_has_no_pages(shared_client: Client) -> None:
    params = [{"field": "asset.name", "keyword": "nothing-is-called-this", "fieldType": "STRING"}]

    answer = search(shared_client, {"queryIndexSearchParams": params})

    assert answer["assets"] == []
    assert answer["recordIds"] == []
    assert answer["queryPagingInfo"] == _paging(on_page=0, total=0, pages=0, page=1, size=15, has_next=False)


def test_empty_result_past_the_first_page(shared_client: Client) -> None:
    params = [{"field": "asset.name", "keyword": "nothing-is-called-this", "fieldType": "STRING"}]

    answer = search(shared_client, {"queryIndexSearchParams": params, "pageNumber": 3})

    assert answer["queryPagingInfo"] == _paging(on_page=0, total=0, pages=0, page=3, size=15, has_next=False)


def test_record_ids_hold_one_null_per_asset_on_the_page(shared_client: Client) -> None:
    answer = _page(shared_client, 1, 7)

    assert answer["recordIds"] == [None] * 7
    assert len(answer["assets"]) == 7


def test_largest_page_size_holds_everything(shared_client: Client) -> None:
    answer = _page(shared_client, 1, 1000)

    assert [a["id"] for a in answer["assets"]] == BY_NAME
    assert answer["queryPagingInfo"] == _paging(on_page=39, total=39, pages=1, page=1, size=1000, has_next=False)


def test_page_of_one(shared_client: Client) -> None:
    answer = _page(shared_client, 39, 1)

    assert [a["id"] for a in answer["assets"]] == [151]
    assert answer["queryPagingInfo"] == _paging(on_page=1, total=39, pages=39, page=39, size=1, has_next=False)


def test_totals_count_only_the_assets_the_caller_may_browse(shared_client: Client) -> None:
    # jdoe may not browse "HR Assets", which holds the six employees.
    answer = search(shared_client, {"sortField": "asset.name"}, auth=JDOE)

    employees = {101, 102, 103, 104, 105, 106}
    assert [a["id"] for a in answer["assets"]] == [a for a in BY_NAME if a not in employees][:15]
    assert answer["queryPagingInfo"] == _paging(on_page=15, total=33, pages=3, page=1, size=15, has_next=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"pageSize": 1001}, "pageSize: 1001 is not allowed; use 1 to 1000"),
        ({"pageSize": 0}, "pageSize: 0 is not allowed; use 1 to 1000"),
        ({"pageNumber": 0}, "pageNumber: 0 is not allowed; pages count from 1"),
        ({"pageNumber": -1}, "pageNumber: -1 is not allowed; pages count from 1"),
    ],
    ids=["page-size-above-max", "page-size-zero", "page-number-zero", "page-number-negative"],
)
def test_paging_out_of_bounds_is_a_400(shared_client: Client, body: dict[str, Any], message: str) -> None:
    assert _error(shared_client, body) == message
