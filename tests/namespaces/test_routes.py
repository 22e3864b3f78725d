"""`/_emulator/namespaces`, creation on first use, names, limits, idle expiry, persistence and deletion."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from emulator.testing import Client
from tests.helpers import ADMIN, SEARCH
from tests.namespaces.conftest import Serve
from tests.namespaces.test_isolation import MINE, at, create, found

NAMESPACES = "/_emulator/namespaces"
BASELINE_ASSETS = 39
RULE = "1-63 characters of a-z 0-9 - _, starting with a letter or digit"


def listed(client: Client) -> list[str]:
    return [n["name"] for n in client.get(NAMESPACES).json()]


def test_a_namespace_is_created_on_first_use_from_the_default_baseline(client: Client, data_dir: Path) -> None:
    create(client, "default")  # the current state of default is not its baseline

    assert listed(client) == ["default"]
    assert client.get(at("w1", "/_emulator/health")).json()["assets"] == BASELINE_ASSETS

    entries = client.get(NAMESPACES).json()
    assert [(n["name"], n["assets"]) for n in entries] == [("default", BASELINE_ASSETS + 1), ("w1", BASELINE_ASSETS)]
    assert all(isinstance(n["createdAt"], int) and n["lastUsedAt"] >= n["createdAt"] for n in entries)
    assert (data_dir / "namespaces" / "w1" / "emulator.db").is_file()


def test_post_creates_a_namespace_and_refuses_an_existing_one(client: Client) -> None:
    created = client.post(NAMESPACES, json={"name": "ci-1"})
    again = client.post(NAMESPACES, json={"name": "ci-1"})
    default = client.post(NAMESPACES, json={"name": "default"})

    assert created.status_code == 201
    assert set(created.json()) == {"name", "createdAt", "assets"}
    assert created.json()["assets"] == BASELINE_ASSETS
    assert (again.status_code, again.json()["error"]) == (409, "ConflictException")
    assert default.status_code == 409
    assert listed(client) == ["default", "ci-1"]


def test_a_namespace_made_from_a_snapshot_starts_and_resets_there(client: Client) -> None:
    created = create(client, "default")
    client.post("/_emulator/snapshots", json={"name": "with-laptop"})
    client.delete(f"/rest/jip-api/1.0/inventory/{created}.json", auth=ADMIN)

    answer = client.post(NAMESPACES, json={"name": "snap", "from": "snapshot:with-laptop"})
    assert answer.status_code == 201, answer.text
    create(client, "snap")
    client.post(at("snap", "/_emulator/reset"))

    assert found(client, "snap") == [created]
    assert found(client, "default") == []
    assert client.post(NAMESPACES, json={"name": "x", "from": "snapshot:nope"}).status_code == 404
    bogus = client.post(NAMESPACES, json={"name": "x", "from": "yesterday"})
    assert (bogus.status_code, bogus.json()["error"]) == (400, "ValidationException")
    assert listed(client) == ["default", "snap"]


def test_delete_removes_the_namespace_and_its_data_from_disk(client: Client, data_dir: Path) -> None:
    create(client, "gone")
    baseline_files = sorted(p.name for p in (data_dir / "snapshots" / "_baseline" / "index").iterdir())

    assert client.delete(f"{NAMESPACES}/gone").status_code == 204

    assert not (data_dir / "namespaces" / "gone").exists()
    assert list((data_dir / "namespaces").iterdir()) == []  # nothing left behind
    assert listed(client) == ["default"]
    assert client.delete(f"{NAMESPACES}/gone").status_code == 404
    assert sorted(p.name for p in (data_dir / "snapshots" / "_baseline" / "index").iterdir()) == baseline_files
    assert found(client, "gone") == []  # used again: created again, from the baseline


def test_a_name_whose_directory_a_late_request_left_behind_is_created_again(client: Client, data_dir: Path) -> None:
    """A request still under way in a namespace when it was deleted wrote files there afterwards (its database, a
    snapshot's directory): every later use of the name answered 507 'Directory not empty' (found racing deletes
    against requests in the namespace on a live server)."""
    create(client, "late")
    assert client.delete(f"{NAMESPACES}/late").status_code == 204
    leftovers = data_dir / "namespaces" / "late"
    (leftovers / "snapshots").mkdir(parents=True)
    (leftovers / "emulator.db").write_bytes(b"")

    health = client.get(at("late", "/_emulator/health"))
    assert (health.status_code, health.json().get("assets")) == (200, BASELINE_ASSETS), health.text
    assert listed(client) == ["default", "late"]


def test_the_default_namespace_cannot_be_deleted(client: Client) -> None:
    answer = client.delete(f"{NAMESPACES}/default")

    assert answer.status_code == 409
    assert answer.json()["message"] == "The default namespace cannot be deleted"


@pytest.mark.parametrize("name", ["Upper", "-dash", "_under", "a" * 64, "sp ace", "dot.ted", "ümlaut"])
def test_a_bad_name_is_a_400_naming_the_rule_in_the_shape_of_the_addressed_dialect(client: Client, name: str) -> None:
    dc = client.post(f"/_ns/{name}{SEARCH}", json=MINE, auth=ADMIN)
    cloud = client.get(f"/_ns/{name}/api/v1/collections")
    control = client.get(f"/_ns/{name}/_emulator/health")
    posted = client.post(NAMESPACES, json={"name": name})
    header = client.get("/_emulator/health", headers={b"X-AIP-Emulator-Namespace": name.encode()})

    assert [r.status_code for r in (dc, cloud, control, posted, header)] == [400] * 5
    assert dc.json()["errorCode"] == "ValidationException"
    assert RULE in dc.json()["errorMessage"]
    assert cloud.json()["path"] == "/api/v1/collections"
    assert RULE in cloud.json()["message"]
    assert control.json()["error"] == "ValidationException"
    assert RULE in control.json()["message"]
    assert listed(client) == ["default"]


def test_the_longest_name_and_digits_first_are_names(client: Client) -> None:
    for name in ("a" * 63, "0-worker_1"):
        assert client.get(at(name, "/_emulator/health")).status_code == 200


def test_one_namespace_over_the_limit_is_a_429(serve: Serve) -> None:
    with serve(max_namespaces=2) as client:
        assert client.post(NAMESPACES, json={"name": "one"}).status_code == 201
        assert client.get(at("two", "/_emulator/health")).status_code == 200

        posted = client.post(NAMESPACES, json={"name": "three"})
        used = client.post(at("three", SEARCH), json=MINE, auth=ADMIN)

        assert posted.status_code == used.status_code == 429
        assert posted.json()["error"] == used.json()["error"] == "TooManyNamespaces"
        assert "AIP_EMULATOR_MAX_NAMESPACES=2" in posted.json()["message"]
        assert client.post(SEARCH, json=MINE, auth=ADMIN).status_code == 200  # default is not counted
        client.delete(f"{NAMESPACES}/one")
        assert client.post(NAMESPACES, json={"name": "three"}).status_code == 201


def test_without_auto_create_an_unknown_namespace_is_a_404(serve: Serve) -> None:
    with serve(namespaces_auto_create=False) as client:
        unknown = client.post(at("w1", SEARCH), json=MINE, auth=ADMIN)
        assert (unknown.status_code, unknown.json()["errorCode"]) == (404, "EntityNotFoundException")
        assert "AIP_EMULATOR_NAMESPACES_AUTO_CREATE=false" in unknown.json()["errorMessage"]

        assert client.post(NAMESPACES, json={"name": "w1"}).status_code == 201
        assert client.post(at("w1", SEARCH), json=MINE, auth=ADMIN).status_code == 200


def test_namespaces_survive_a_restart(serve: Serve) -> None:
    with serve() as client:
        created = create(client, "kept")
        client.post(at("kept", "/_emulator/snapshots"), json={"name": "s1"})
        create(client, "other")
        client.delete(f"{NAMESPACES}/other")

    with serve() as client:
        assert listed(client) == ["default", "kept"]
        assert client.get(NAMESPACES).json()[1]["assets"] == BASELINE_ASSETS + 1
        assert found(client, "kept") == [created]
        assert [s["name"] for s in client.get(at("kept", "/_emulator/snapshots")).json()] == ["s1"]
        client.post(at("kept", "/_emulator/reset"))
        assert found(client, "kept") == []
        assert found(client, "default") == []


def test_a_start_removes_what_an_interrupted_creation_left_and_the_names_are_free(serve: Serve, data_dir: Path) -> None:
    with serve() as client:
        create(client, "kept")
    root = data_dir / "namespaces"
    (root / ".cut.partial" / "index").mkdir(parents=True)  # a kill before the rename
    (root / "lost" / "index").mkdir(parents=True)  # a power cut that kept the rename but not namespace.json's entry
    (root / "lost" / "emulator.db").write_bytes(b"")

    with serve() as client:
        assert listed(client) == ["default", "kept"]
        assert sorted(p.name for p in root.iterdir()) == ["kept"]
        assert client.post(NAMESPACES, json={"name": "lost"}).status_code == 201
        assert client.post(NAMESPACES, json={"name": "cut"}).status_code == 201
        assert listed(client) == ["default", "cut", "kept", "lost"]


def test_an_idle_namespace_expires(serve: Serve, data_dir: Path) -> None:
    with serve(namespace_idle_s=0.2) as client:
        create(client, "idle")
        deadline = time.monotonic() + 30
        while "idle" in listed(client) and time.monotonic() < deadline:
            time.sleep(0.1)

        assert listed(client) == ["default"]
        assert not (data_dir / "namespaces" / "idle").exists()
        assert client.get("/_emulator/health").status_code == 200


def test_a_jira_context_path_follows_the_prefix(serve: Serve) -> None:
    with serve(context_path="/jira") as client:
        assert client.get("/_ns/w1/jira/rest/jip-api/1.0/form/list.json", auth=ADMIN).status_code == 200
        assert client.get("/_ns/w1/jira/rest/api/2/myself", auth=ADMIN).json()["name"] == "admin"
        assert client.get("/jira/_ns/w1/rest/api/2/myself", auth=ADMIN).status_code == 404


def test_a_namespace_that_cannot_be_opened_is_a_500_and_the_others_go_on(serve: Serve, data_dir: Path) -> None:
    with serve() as client:
        create(client, "broken")
        create(client, "fine")
    (data_dir / "namespaces" / "broken" / "emulator.db").write_bytes(b"not a database at all" * 100)

    with serve() as client:
        broken = client.post(at("broken", SEARCH), json=MINE, auth=ADMIN)

        assert broken.status_code == 500
        assert "namespace 'broken' could not be opened" in broken.json()["errorMessage"]
        assert len(found(client, "fine")) == 1
        assert found(client, "default") == []
