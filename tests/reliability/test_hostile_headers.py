"""What a client sent comes back in a header only as printable ASCII: a warning that repeats an unknown name with a
line break or a NUL in it made h11 refuse the whole answer ('Illegal header value'), and a client of a real server
saw the connection close with no answer at all (a Cloud filter on the user "\\u0000", found against a live server)."""

from __future__ import annotations

from emulator.testing import Client
from tests.helpers import ADMIN, CLOUD_ADMIN_TOKEN, SEARCH

WARNING = "x-aip-emulator-warning"
ODD = "a\nb\r\x00\t\x7f\u00e9"  # a line break, a carriage return, NUL, a tab, DEL, and one character past ASCII
SHOWN = "a\\x0ab\\x0d\\x00\\x09\\x7f\\xe9"


def test_a_dc_warning_escapes_control_characters(emulator_client: Client) -> None:
    response = emulator_client.post(SEARCH, json={"sortField": ODD, "pageSize": 1}, auth=ADMIN)

    assert response.status_code == 200, response.text
    assert response.headers.get_list(WARNING) == [f"unknown sort field '{SHOWN}'"]


def test_a_cloud_warning_escapes_control_characters(emulator_client: Client) -> None:
    search = {"filters": [{"field": "Used By", "operator": "EQUALS", "value": ODD}], "maxResult": 1}
    headers = {"Authorization": f"Bearer {CLOUD_ADMIN_TOKEN}"}
    response = emulator_client.post("/api/v1/assets/search", json=search, headers=headers)

    assert response.status_code == 200, response.text
    assert response.headers.get_list(WARNING) == [f"unknown user '{SHOWN}'"]
