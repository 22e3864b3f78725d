"""`StartingGate`: while the emulator starts in the background, health reports progress and every other route
answers 503 with Retry-After in its own dialect's error shape (in a namespace too); once ready it steps aside."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from emulator.app import create_app
from emulator.dialects.http.errors import Dialects
from emulator.dialects.http.starting import StartingGate
from emulator.runtime.emulator import Emulator
from emulator.runtime.startup import Startup, doing
from emulator.seeding.read import FixtureError
from emulator.settings import Settings
from emulator.testing import copy_data_dir
from emulator.util import progress as progress_module
from emulator.util.progress import Progress

NOW = 1_700_000_000_000
CLOCK_S = 1_000.0  # the progress module's monotonic clock, frozen: the ETA does not depend on how long a test takes
MESSAGE = (
    "seeding the data directory: indexing assets 40,000 of 100,000 (ETA 12 s); retry when /_emulator/health answers 200"
)
PROGRESS = {
    "step": "indexing assets",
    "done": 40_000,
    "total": 100_000,
    "unit": "asset",
    "etaS": 12.0,
    "stepsDone": ["loading assets", "writing the database"],
}


async def _passed(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("passed")


def _progress(monkeypatch: pytest.MonkeyPatch) -> Progress:
    """40,000 of 100,000 assets indexed in 8 s: 12 s to go."""
    monkeypatch.setattr(progress_module, "time", SimpleNamespace(monotonic=lambda: CLOCK_S))
    progress = Progress()
    progress.step("loading assets", 100_000, "asset")
    progress.step("writing the database", 700_000, "row")
    step = progress.step("indexing assets", 100_000, "asset")
    step.update(40_000)
    step.started = CLOCK_S - 8  # the ETA is read from the rate so far
    return progress


@pytest.fixture
def startup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Startup:
    """A start that is under way (never run: the emulator is not opened)."""
    return Startup(Emulator(Settings(data_dir=tmp_path / "data")), _progress(monkeypatch))


@pytest.fixture
def client(startup: Startup) -> Iterator[TestClient]:
    inner = Starlette(routes=[Route("/{path:path}", _passed, methods=["GET", "POST"])])
    dialects = Dialects(dc="/jira/rest/jip-api/1.0", jira="/jira/rest/api/2", cloud="/api/v1", now_ms=lambda: NOW)
    with TestClient(StartingGate(inner, startup=startup, dialects=dialects)) as client:
        yield client


def _answer(client: TestClient, method: str, path: str) -> tuple[int, str | None, object]:
    response = client.request(method, path, auth=("admin", "admin"))
    return response.status_code, response.headers.get("retry-after"), response.json()


def test_health_while_starting_says_what_is_happening_and_how_far_it_is(client: TestClient) -> None:
    assert _answer(client, "GET", "/_emulator/health") == (
        503,
        "1",
        {"status": "starting", "message": MESSAGE, "progress": PROGRESS},
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "POST",
            "/jira/rest/jip-api/1.0/index/query.json",
            {"success": False, "errorCode": "ServiceUnavailableException", "errorMessage": MESSAGE},
        ),
        (
            "POST",
            "/api/v1/assets/search",
            {
                "timestamp": NOW,
                "status": 503,
                "error": "Service Unavailable",
                "message": MESSAGE,
                "path": "/api/v1/assets/search",
            },
        ),
        ("GET", "/jira/rest/api/2/myself", {"errorMessages": [MESSAGE], "errors": {}}),
        ("POST", "/_emulator/reset", {"error": "ServiceUnavailableException", "message": MESSAGE}),
    ],
    ids=["dc", "cloud", "jira", "control"],
)
def test_every_other_route_answers_503_in_its_dialects_shape(
    client: TestClient, method: str, path: str, body: object
) -> None:
    assert _answer(client, method, path) == (503, "1", body)
    assert _answer(client, method, "/_ns/w1" + path) == (503, "1", body)


def test_health_in_a_namespace_reports_the_start_too(client: TestClient) -> None:
    assert _answer(client, "GET", "/_ns/w1/_emulator/health")[2] == {
        "status": "starting",
        "message": MESSAGE,
        "progress": PROGRESS,
    }


def test_the_web_page_is_served_while_starting_outside_namespaces_only(client: TestClient) -> None:
    assert client.get("/_emulator/ui/index.html").text == "passed"
    assert client.get("/", follow_redirects=False).text == "passed"
    assert _answer(client, "GET", "/_ns/w1/_emulator/ui/index.html")[0] == 503


def test_once_ready_every_request_passes(client: TestClient, startup: Startup) -> None:
    startup._ready.set()

    assert client.get("/_emulator/health").text == "passed"
    assert client.post("/jira/rest/jip-api/1.0/index/query.json").text == "passed"


def test_a_failed_start_is_reported_by_health_until_the_server_stops(client: TestClient, startup: Startup) -> None:
    startup.failure = FixtureError("fixtures/users.json: file missing")

    status, _retry, body = _answer(client, "GET", "/_emulator/health")

    assert (status, body) == (
        503,
        {
            "status": "failed",
            "message": "the emulator could not start: fixtures/users.json: file missing",
            "progress": PROGRESS,
        },
    )


def test_the_message_names_the_phase_the_step_and_its_counts() -> None:
    assert doing({"step": None, "stepsDone": []}) == "opening the data directory"
    rebuilding = {"step": "writing the index", "done": 1500, "total": 90_000, "unit": "term", "etaS": None}
    assert doing({**rebuilding, "stepsDone": ["indexing assets"]}) == (
        "rebuilding the search index: writing the index 1,500 of 90,000 terms"
    )


def test_create_app_in_the_background_starts_with_its_lifespan(seeded_template: Path, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")), start_in_background=True)
    client = TestClient(app)
    assert client.get("/_emulator/health").json()["status"] == "starting"  # no lifespan yet: not begun

    with client:
        assert app.state.startup.wait(timeout=60)
        health = client.get("/_emulator/health")

    assert (health.status_code, health.json()) == (
        200,
        {"status": "ok", "assets": 39, "indexedAssets": 39, "pendingChanges": 0},
    )
