"""A namespace with requests under way is not deleted under them (409): closed and removed beneath them, they
answered 500 ('RuntimeError: the emulator is not started', 'no such table: assets') and wrote files into the removed
directory (found racing DELETE /_emulator/namespaces/race against requests inside it on a live server: 65 of 400
calls answered 500). A request counts as under way from the namespace router on (`Namespace.active`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from emulator.runtime.namespaces import Namespaces
from emulator.testing import Client

BUSY = {
    "error": "ConflictException",
    "message": "Namespace 'busy' has requests under way; delete it once they are done",
}


@pytest.fixture
def namespaces(emulator_app: FastAPI, emulator_client: Client) -> Iterator[Namespaces]:
    found: Namespaces = emulator_app.state.namespaces
    assert emulator_client.post("/_emulator/namespaces", json={"name": "busy"}).status_code == 201
    yield found
    if found.exists("busy"):
        found.delete("busy")


def test_a_namespace_with_a_request_under_way_is_not_deleted(namespaces: Namespaces, emulator_client: Client) -> None:
    busy = namespaces.peek("busy")
    assert busy is not None
    busy.active += 1  # as the namespace router counts a request it serves there
    try:
        response = emulator_client.delete("/_emulator/namespaces/busy")
        assert (response.status_code, response.json()) == (409, BUSY)
        assert emulator_client.get("/_ns/busy/_emulator/health").status_code == 200
    finally:
        busy.active -= 1

    assert emulator_client.delete("/_emulator/namespaces/busy").status_code == 204
    assert not namespaces.exists("busy")


def test_a_namespace_deletes_itself_when_its_delete_is_its_only_request(
    namespaces: Namespaces, emulator_client: Client
) -> None:
    response = emulator_client.delete("/_ns/busy/_emulator/namespaces/busy")

    assert response.status_code == 204, response.text
    assert not namespaces.exists("busy")
