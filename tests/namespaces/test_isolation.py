"""Two namespaces never see each other's writes, resets, snapshots, tokens, faults, journal entries or clock, and
the default namespace is unchanged by any of it (control-api.md, "Namespaces")."""

from __future__ import annotations

from typing import Any

from emulator.testing import Client
from tests.helpers import ADMIN, CLOUD_ADMIN_TOKEN, SEARCH

INVENTORY = "/rest/jip-api/1.0/inventory.json"
NEW = {"formId": 9, "name": "Namespace Laptop", "attributes": {"Vendor": "HP"}}
MINE = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "namespace", "fieldType": "STRING"}]}
EVERYTHING: dict[str, Any] = {"queryIndexSearchParams": [], "pageSize": 1000}
FROZEN = 1_767_225_600_000  # 2026-01-01T00:00 UTC


def at(namespace: str, path: str) -> str:
    return path if namespace == "default" else f"/_ns/{namespace}{path}"


def found(client: Client, namespace: str, body: dict[str, Any] = MINE) -> list[int]:
    answer = client.post(at(namespace, SEARCH), json=body, auth=ADMIN)
    assert answer.status_code == 200, answer.text
    return [asset["id"] for asset in answer.json()["assets"]]


def create(client: Client, namespace: str) -> int:
    answer = client.post(at(namespace, INVENTORY), json=NEW, auth=ADMIN)
    assert answer.status_code in (200, 201), answer.text
    asset_id: int = answer.json()["data"]["id"]
    return asset_id


def test_a_write_is_seen_only_in_its_own_namespace(client: Client) -> None:
    everything = found(client, "default", EVERYTHING)

    created = create(client, "a")

    assert found(client, "a") == [created]
    assert found(client, "b") == []
    assert found(client, "default") == []
    assert found(client, "default", EVERYTHING) == everything


def test_a_reset_returns_only_its_own_namespace_to_the_baseline(client: Client) -> None:
    create(client, "a")
    kept = create(client, "b")
    default_kept = create(client, "default")

    assert client.post(at("a", "/_emulator/reset")).status_code == 200

    assert found(client, "a") == []
    assert found(client, "b") == [kept]
    assert found(client, "default") == [default_kept]


def test_snapshots_belong_to_their_namespace(client: Client) -> None:
    created = create(client, "a")
    assert client.post(at("a", "/_emulator/snapshots"), json={"name": "mine"}).status_code == 201
    client.delete(at("a", f"/rest/jip-api/1.0/inventory/{created}.json"), auth=ADMIN)

    assert [s["name"] for s in client.get(at("a", "/_emulator/snapshots")).json()] == ["mine"]
    assert client.get(at("b", "/_emulator/snapshots")).json() == []
    assert client.get("/_emulator/snapshots").json() == []
    assert client.post(at("b", "/_emulator/snapshots/mine/restore")).status_code == 404
    assert client.post("/_emulator/snapshots/mine/restore").status_code == 404
    assert client.post(at("a", "/_emulator/snapshots/mine/restore")).status_code == 200
    assert found(client, "a") == [created]


def _mint(client: Client, namespace: str, token_id: str | None = None) -> str:
    body: dict[str, Any] = {"name": "ci", "access": "READ", "neverExpire": True}
    if token_id is not None:
        body["id"] = token_id
    answer = client.post(at(namespace, "/_emulator/tokens"), json=body)
    assert answer.status_code == 201, answer.text
    token: str = answer.json()["token"]
    return token


def _cloud_status(client: Client, namespace: str, token: str) -> int:
    return client.get(at(namespace, "/api/v1/collections"), headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_token_minted_in_one_namespace_is_refused_in_every_other(client: Client) -> None:
    in_a, in_default = _mint(client, "a"), _mint(client, "default")
    same_id_a, same_id_b = _mint(client, "a", "shared-id"), _mint(client, "b", "shared-id")

    assert [_cloud_status(client, ns, in_a) for ns in ("a", "b", "default")] == [200, 401, 401]
    assert [_cloud_status(client, ns, in_default) for ns in ("a", "b", "default")] == [401, 401, 200]
    assert [_cloud_status(client, ns, same_id_a) for ns in ("a", "b")] == [200, 401]
    assert [_cloud_status(client, ns, same_id_b) for ns in ("a", "b")] == [401, 200]
    listed = {t["id"] for t in client.get(at("b", "/_emulator/tokens")).json()}
    assert listed == {"default-read", "default-write", "default-admin", "shared-id"}


def test_the_baseline_tokens_work_in_every_namespace(client: Client) -> None:
    assert [_cloud_status(client, ns, CLOUD_ADMIN_TOKEN) for ns in ("a", "b", "default")] == [200, 200, 200]


def test_a_fault_rule_fails_only_its_own_namespace(client: Client) -> None:
    rule = client.post(at("a", "/_emulator/faults"), json={"method": "POST", "path": SEARCH, "status": 503})
    assert rule.status_code == 201

    assert client.post(at("a", SEARCH), json=MINE, auth=ADMIN).status_code == 503
    assert client.post(at("b", SEARCH), json=MINE, auth=ADMIN).status_code == 200
    assert client.post(SEARCH, json=MINE, auth=ADMIN).status_code == 200
    assert [r["path"] for r in client.get(at("a", "/_emulator/faults")).json()] == [SEARCH]
    assert client.get(at("b", "/_emulator/faults")).json() == []
    assert client.get("/_emulator/faults").json() == []


def test_the_journal_records_each_namespace_apart_with_plain_paths(client: Client) -> None:
    client.post(at("a", SEARCH), json=MINE, auth=ADMIN)
    client.get(at("b", "/rest/jip-api/1.0/location/1.json"), auth=ADMIN)

    in_a = client.get(at("a", "/_emulator/requests")).json()["requests"]
    in_b = client.get(at("b", "/_emulator/requests")).json()["requests"]

    assert [(r["method"], r["path"]) for r in in_a] == [("POST", SEARCH)]
    assert [(r["method"], r["path"]) for r in in_b] == [("GET", "/rest/jip-api/1.0/location/1.json")]
    assert client.get(at("a", "/_emulator/requests/count"), params={"path": SEARCH}).json() == {"count": 1}
    assert client.get("/_emulator/requests").json()["total"] == 0


def test_a_frozen_clock_stops_only_its_own_namespace(client: Client) -> None:
    client.post(at("a", "/_emulator/clock"), json={"freeze": True, "set": FROZEN})
    created = create(client, "a")

    assert client.get(at("a", "/_emulator/clock")).json() == {"now": FROZEN, "frozen": True}
    assert client.get(at("b", "/_emulator/clock")).json()["frozen"] is False
    assert client.get("/_emulator/clock").json()["frozen"] is False
    asset = client.get(at("a", f"/rest/jip-api/1.0/inventory/{created}.json"), auth=ADMIN).json()["data"]
    assert asset["created"] == FROZEN
    respond = client.post(at("a", SEARCH), json=MINE, auth=ADMIN).json()
    assert respond["queryIndexParam"]["respTime"] == FROZEN
    assert client.post(SEARCH, json=MINE, auth=ADMIN).json()["queryIndexParam"]["respTime"] != FROZEN


def test_the_header_selects_a_namespace_and_the_prefix_wins_over_it(client: Client) -> None:
    created = create(client, "a")
    header = {"X-AIP-Emulator-Namespace": "a"}

    by_header = client.post(SEARCH, json=MINE, auth=ADMIN, headers=header)
    prefix_wins = client.post(at("b", SEARCH), json=MINE, auth=ADMIN, headers=header)

    assert [asset["id"] for asset in by_header.json()["assets"]] == [created]
    assert prefix_wins.json()["assets"] == []


def test_every_route_family_answers_under_the_prefix(client: Client) -> None:
    assert client.get(at("a", "/rest/api/2/myself"), auth=ADMIN).json()["name"] == "admin"
    assert client.get(at("a", "/rest/api/2/serverInfo")).status_code == 200
    assert client.get(at("a", "/rest/jip-api/1.0/form/list.json"), auth=ADMIN).status_code == 200
    assert client.get(at("a", "/_emulator/health")).json()["status"] == "ok"
    docs = client.get(at("a", "/docs"))
    assert docs.status_code == 200
    assert "/_ns/a/openapi.json" in docs.text
    assert client.get(at("a", "/docs/assets/swagger-ui.css")).status_code == 200
    base = str(client.base_url).rstrip("/")
    assert client.get(at("a", "/openapi.json")).json()["servers"] == [
        {"url": f"{base}/_ns/a", "description": "the emulator's namespace 'a'"}
    ]
    assert client.get("/openapi.json").json()["servers"] == [{"url": base, "description": "this emulator"}]


def test_errors_inside_a_namespace_name_the_plain_path(client: Client) -> None:
    cloud = client.get(at("a", "/api/v1/collections"))
    missing = client.get(at("a", "/rest/jip-api/1.0/nothing-here"), auth=ADMIN)

    assert cloud.status_code == 401
    assert cloud.json()["path"] == "/api/v1/collections"
    assert missing.json()["errorMessage"] == "No resource at /rest/jip-api/1.0/nothing-here"


def test_the_default_namespace_can_be_named(client: Client) -> None:
    created = create(client, "default")

    assert found(client, "default") == [created]
    assert client.post("/_ns/default" + SEARCH, json=MINE, auth=ADMIN).json()["assets"][0]["id"] == created


def _form_names(client: Client, namespace: str) -> set[str]:
    forms = client.get(at(namespace, "/rest/jip-api/1.0/form/list.json"), auth=ADMIN).json()
    return {form["formName"] for form in forms}


def test_a_metadata_write_stays_in_its_namespace(client: Client) -> None:
    client.get(at("b", "/_emulator/health"))  # b and c share the baseline's metadata until one of them changes it
    admin = {"Authorization": f"Bearer {CLOUD_ADMIN_TOKEN}"}
    body = {"name": "Monitor", "keyPrefix": "MON", "attributes": [18]}

    created = client.post(at("b", "/api/v1/collections"), json=body, headers=admin)
    assert created.status_code == 201, created.text

    assert "Monitor" in _form_names(client, "b")
    assert "Monitor" not in _form_names(client, "c")
    assert "Monitor" not in _form_names(client, "default")
    client.post(at("b", "/_emulator/reset"))
    assert "Monitor" not in _form_names(client, "b")
