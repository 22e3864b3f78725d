"""Basic auth and the Browse Asset permission (dc-api.md §1)."""

from __future__ import annotations

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, JDOE, SEARCH, ids

UNAUTHENTICATED = {"message": "Client must be authenticated to access this resource.", "status-code": 401}
HR_EMPLOYEES = [101, 102, 103, 104, 105, 106]  # form 7 "Employee" in scheme 3 "HR Assets": administrators only


def test_search_without_credentials_is_401_in_jiras_shape(shared_client: Client) -> None:
    response = shared_client.post(SEARCH, json={})

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert "X-Seraph-LoginReason" not in response.headers


@pytest.mark.parametrize(
    "auth", [("admin", "wrong"), ("nobody", "admin"), ("bsmith", "bsmith")], ids=["password", "user", "inactive"]
)
def test_wrong_credentials_are_401_with_the_seraph_login_reason(shared_client: Client, auth: tuple[str, str]) -> None:
    response = shared_client.post(SEARCH, json={}, auth=auth)

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"


def test_garbage_authorization_header_is_401(shared_client: Client) -> None:
    response = shared_client.post(SEARCH, json={}, headers={"Authorization": "Basic !!!not-base64"})

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_authentication_is_checked_before_the_body_is_read(shared_client: Client) -> None:
    response = shared_client.post(SEARCH, content=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    "path", ["/attribute/list.json", "/form/list.json", "/schema/objectSchemas.json", "/location.json"]
)
def test_metadata_endpoints_need_credentials(shared_client: Client, path: str) -> None:
    response = shared_client.get(f"/rest/jip-api/1.0{path}")

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED


def test_admin_finds_assets_of_every_scheme(shared_client: Client) -> None:
    found = ids(shared_client, {"queryIndexSearchParams": [{"field": "form.name", "keywords": ["Employee"]}]})

    assert found == HR_EMPLOYEES


def test_search_silently_leaves_out_schemes_the_caller_may_not_browse(shared_client: Client) -> None:
    body = {"queryIndexSearchParams": [{"field": "form.name", "keywords": ["Employee"], "fieldType": "LIST"}]}

    answer = shared_client.post(SEARCH, json=body, auth=JDOE).json()

    assert answer["assets"] == []
    assert answer["queryPagingInfo"]["totalRecords"] == 0


def test_a_restricted_user_sees_everything_else(shared_client: Client) -> None:
    everything = set(ids(shared_client, {}, ADMIN))
    visible = set(ids(shared_client, {}, JDOE))

    assert everything - visible == set(HR_EMPLOYEES)


def test_generic_keyword_cannot_reach_hidden_schemes_either(shared_client: Client) -> None:
    assert ids(shared_client, {"genericKeyword": 'form.name:"Employee"'}, JDOE) == []
    assert ids(shared_client, {"genericKeyword": 'form.name:"Employee"'}, ADMIN) == HR_EMPLOYEES


def test_form_and_scheme_lists_show_only_browsable_schemes(shared_client: Client) -> None:
    forms = shared_client.get("/rest/jip-api/1.0/form/list.json", auth=JDOE).json()
    schemes = shared_client.get("/rest/jip-api/1.0/schema/objectSchemas.json", auth=JDOE).json()["data"]

    assert [f["id"] for f in forms] == [2, 6, 8, 9, 10, 11]
    assert [s["id"] for s in schemes] == [1, 2]


def test_a_form_of_a_hidden_scheme_is_not_found(shared_client: Client) -> None:
    response = shared_client.get("/rest/jip-api/1.0/form/7.json", auth=JDOE)

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "errorCode": "EntityNotFoundException",
        "errorMessage": "Form 7 does not exist",
    }


def test_the_attribute_list_shows_all_attributes_whatever_the_caller_may_browse(shared_client: Client) -> None:
    as_admin = shared_client.get("/rest/jip-api/1.0/attribute/list.json", auth=ADMIN).json()
    as_jdoe = shared_client.get("/rest/jip-api/1.0/attribute/list.json", auth=JDOE).json()

    assert as_admin == as_jdoe
    assert "Email Address" in [a["attributeName"] for a in as_jdoe]  # only on the HR-only Employee form
