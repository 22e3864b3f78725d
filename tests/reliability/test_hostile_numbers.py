"""Hostile numbers get a 400 in the dialect's shape, never a 500 and never a half-applied write: whole numbers past
SQLite's 64 bits, NaN and the infinities (`json.loads` reads `NaN`, `Infinity` and `1e400`), 4,300-digit ints
(the most Python's int parser takes), numbers as text; and a control call's expiry past the year 9999 or a fixture
path the system refuses."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, CLOUD_ADMIN_TOKEN, SEARCH

NOW = 1_735_689_600_000  # 2025-01-01T00:00Z, frozen so that Cloud error timestamps are known
JSON = {"Content-Type": "application/json"}
CLOUD = {**JSON, "Authorization": f"Bearer {CLOUD_ADMIN_TOKEN}"}
DC_CREATE, DC_ASSET = "/rest/jip-api/1.0/inventory.json", "/rest/jip-api/1.0/inventory/167.json"  # a Laptop
CLOUD_ASSETS, CLOUD_ASSET = "/api/v1/assets", "/api/v1/assets/LAP-1"
RANGE = "use a whole number from -9223372036854775808 to 9223372036854775807"
HUGE = "9" * 4300  # a JSON int of the most digits Python's int parser takes
HUGE_SHOWN = "9" * 40 + "... (4300 characters)"


@pytest.fixture
def client(emulator_client: Client) -> Client:
    response = emulator_client.post("/_emulator/clock", json={"set": NOW, "freeze": True})
    assert response.status_code == 200, response.text
    return emulator_client


def dc_error(message: str) -> dict[str, Any]:
    return {"success": False, "errorCode": "ValidationException", "errorMessage": message}


def cloud_error(path: str, field: str, message: str, status: int = 400) -> dict[str, Any]:
    body = {"timestamp": NOW, "status": status, "error": HTTPStatus(status).phrase, "message": message, "path": path}
    return body | {"errors": [{"field": field, "message": message}]}


def total(client: Client) -> int:
    answer = client.post(SEARCH, json={}, auth=ADMIN).json()
    return int(answer["queryPagingInfo"]["totalRecords"])


def send(client: Client, method: str, path: str, raw: str) -> tuple[int, Any]:
    if path.startswith("/api/"):
        response = client.request(method, path, content=raw.encode(), headers=CLOUD)
    else:
        response = client.request(method, path, content=raw.encode(), headers=JSON, auth=ADMIN)
    return response.status_code, response.json()


# (the JSON value written, how a message repeats it, whether it is a number out of range)
WHOLE = [
    ("9223372036854775808", "9223372036854775808", True),  # 2**63: was a 500 from SQLite's INTEGER
    ("-9223372036854775809", "-9223372036854775809", True),
    ("1e30", "1e+30", True),  # was a 500: 10**30 past SQLite's INTEGER
    (HUGE, HUGE_SHOWN, True),  # was a 500: float infinity to integer
    ("1e400", "inf", True),  # json.loads reads it as float infinity: was a 500 for a NUMBER attribute
    ('"1e400"', "1e400", True),  # the same as text: was a 500
    ('"9999999999999999999999"', "9999999999999999999999", True),  # text past 64 bits: was a 500
    ("NaN", "nan", False),
    ("2.5", "2.5", False),
]


@pytest.mark.parametrize(("raw", "shown", "out_of_range"), WHOLE, ids=[w[1][:12] for w in WHOLE])
def test_whole_numbers_out_of_range_are_400_and_nothing_is_written(
    client: Client, raw: str, shown: str, out_of_range: bool
) -> None:
    def says(what: str) -> str:
        return (
            f"{what}: '{shown}' is out of range; {RANGE}"
            if out_of_range
            else f"{what}: '{shown}' is not a whole number"
        )

    before, asset = total(client), client.get(DC_ASSET, auth=ADMIN).json()["data"]
    for attributes, what in (("asset.quantity", "field 'asset.quantity'"), ("RAM (GB)", "attribute 'RAM (GB)'")):
        create = f'{{"formId": 9, "name": "n", "attributes": {{"{attributes}": {raw}}}}}'
        assert send(client, "POST", DC_CREATE, create) == (400, dc_error(says(what)))
        update = f'{{"name": "renamed", "attributes": {{"{attributes}": {raw}}}}}'
        assert send(client, "PUT", DC_ASSET, update) == (400, dc_error(says(what)))
    cloud = [("globalAttributes", "Quantity", "globalAttributes.Quantity"), ("attributes", "RAM (GB)", None)]
    for group, name, prefix in cloud:
        what, field = prefix or f"attribute '{name}'", f"{group}.{name}"
        create = f'{{"collectionId": 9, "name": "n", "{group}": {{"{name}": {raw}}}}}'
        assert send(client, "POST", CLOUD_ASSETS, create) == (400, cloud_error(CLOUD_ASSETS, field, says(what)))
        update = f'{{"name": "renamed", "{group}": {{"{name}": {raw}}}}}'
        assert send(client, "PUT", CLOUD_ASSET, update) == (400, cloud_error(CLOUD_ASSET, field, says(what)))
    assert total(client) == before
    assert client.get(DC_ASSET, auth=ADMIN).json()["data"] == asset


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 9_007_199_254_740_993])  # the last is 2**53 + 1
def test_whole_numbers_within_64_bits_are_kept_exactly(client: Client, value: int) -> None:
    """They went through a float: 9007199254740993 was stored as ...992."""
    create = f'{{"collectionId": 9, "name": "n", "globalAttributes": {{"Quantity": {value}}}, '
    create += f'"attributes": {{"RAM (GB)": "{value}"}}}}'
    status, asset = send(client, "POST", CLOUD_ASSETS, create)
    assert status == 201, asset
    assert {a["name"]: a["value"] for a in asset["globalAttributes"]}["Quantity"] == value
    assert {a["name"]: a["value"] for a in asset["attributes"]}["RAM (GB)"] == value


@pytest.mark.parametrize(
    ("raw", "shown"), [("NaN", "nan"), ("Infinity", "inf"), ("-1e400", "-inf"), ('"1e400"', "1e400")]
)
def test_decimals_that_are_not_finite_are_400(client: Client, raw: str, shown: str) -> None:
    """They were stored: an infinite cost was shown as null and sorted before every other, NaN cleared the cost."""
    before = total(client)
    for attributes, what in (("asset.cost", "field 'asset.cost'"), ("Purchase Price", "attribute 'Purchase Price'")):
        create = f'{{"formId": 9, "name": "n", "attributes": {{"{attributes}": {raw}}}}}'
        message = f"{what}: '{shown}' is not a finite number"
        assert send(client, "POST", DC_CREATE, create) == (400, dc_error(message))
    create = f'{{"collectionId": 9, "name": "n", "globalAttributes": {{"Cost": {raw}}}}}'
    message = f"globalAttributes.Cost: '{shown}' is not a finite number"
    assert send(client, "POST", CLOUD_ASSETS, create) == (
        400,
        cloud_error(CLOUD_ASSETS, "globalAttributes.Cost", message),
    )
    assert total(client) == before


@pytest.mark.parametrize("field", ["Quantity", "Cost", "Install Date"])
def test_cloud_filter_values_past_a_float_are_bounds_past_every_value(client: Client, field: str) -> None:
    """A 4,300-digit int was a 500 (int too large to convert to float): it is a bound no value reaches."""
    filled = {"filters": [{"field": field, "operator": "IS_NOT_EMPTY"}]}
    with_value = client.post(f"{CLOUD_ASSETS}/search", json=filled, headers=CLOUD).json()["total"]
    for operator, expected in (("GT", 0), ("EQUALS", 0), ("LT", with_value), ("GT", with_value)):
        value = f"-{HUGE}" if expected and operator == "GT" else HUGE
        raw = f'{{"filters": [{{"field": "{field}", "operator": "{operator}", "value": {value}}}]}}'
        status, answer = send(client, "POST", f"{CLOUD_ASSETS}/search", raw)
        assert (status, answer.get("total")) == (200, expected), answer


def test_a_token_expiring_after_the_year_9999_is_400(client: Client) -> None:
    """2**63 was a 500 (SQLite's INTEGER); the clock stops at 9999 too."""
    for expires in (2**63, 253_402_300_800_000):
        response = client.post("/_emulator/tokens", json={"name": "t", "access": "READ", "expiresAt": expires})
        message = (
            f"expiresAt: {expires} is after 9999-12-31 (at most 253402300799999); "
            "give neverExpire: true for a token that does not expire"
        )
        assert (response.status_code, response.json()) == (400, {"error": "ValidationException", "message": message})
    last = client.post("/_emulator/tokens", json={"name": "t", "access": "READ", "expiresAt": 253_402_300_799_999})
    assert last.status_code == 201, last.text
    # minted without expiresAt near the end of 9999: not 30 days later (an export of it did not seed again)
    assert client.post("/_emulator/clock", json={"set": 253_402_300_799_999 - 1000}).status_code == 200
    default = client.post("/_emulator/tokens", json={"name": "t", "access": "READ"})
    assert (default.status_code, default.json()["expiresAt"]) == (201, 253_402_300_799_999)


def test_seeding_from_a_path_the_system_refuses_is_400(client: Client) -> None:
    """A name longer than the file system takes was a 500 (OSError: File name too long)."""
    name = "x" * 5000
    response = client.post("/_emulator/seed", json={"fixtures": name})
    message = f"{name}: fixture directory not found; name a fixture directory on the server's machine"
    assert (response.status_code, response.json()) == (400, {"error": "ValidationException", "message": message})
