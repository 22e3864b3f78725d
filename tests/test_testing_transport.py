"""The plugin's in-process clients (issue 29): one event loop for every request, no lifespan, and answers that read
as the app sent them (status, headers, cookies, JSON, a zip, redirects followed, the app's exceptions raised)."""

from __future__ import annotations

import asyncio
import io
import threading
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import RedirectResponse

from emulator.testing_transport import AppLoop, in_process_async_client, in_process_client
from tests.helpers import ADMIN

FORMS = "/rest/jip-api/1.0/form/list.json"


def _probe_app(lifespans: list[str]) -> FastAPI:
    """An app that says which loop and thread answered, sets a cookie, redirects and fails on request."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        lifespans.append("started")
        yield

    app = FastAPI(lifespan=lifespan)
    workers: list[threading.Thread] = []  # held, so that no two threads share an identity

    @app.api_route("/where", methods=["GET", "HEAD"])
    async def where() -> dict[str, int]:
        return {"loop": id(asyncio.get_running_loop()), "thread": threading.get_ident()}

    @app.get("/worker")
    def worker() -> dict[str, int]:  # a `def` handler: anyio runs it in a worker thread of the loop
        workers.append(threading.current_thread())
        return {"workers": len(set(workers))}

    @app.get("/cookie")
    async def cookie() -> RedirectResponse:
        answer = RedirectResponse("/where", status_code=303)
        answer.set_cookie("seen", "yes")
        return answer

    @app.post("/echo")
    async def echo(request: Request) -> Response:
        return Response(await request.body(), headers={"X-Length": str(len(await request.body()))})

    @app.get("/boom")
    async def boom() -> None:
        raise LookupError("the app failed")

    return app


@pytest.fixture
def loop() -> Iterator[AppLoop]:
    with AppLoop() as running:
        yield running


def test_every_request_runs_on_the_one_loop_and_thread_without_a_lifespan(loop: AppLoop) -> None:
    lifespans: list[str] = []
    with in_process_client(_probe_app(lifespans), loop) as client:
        answers = [client.get("/where").json() for _ in range(5)]

    assert len({(a["loop"], a["thread"]) for a in answers}) == 1
    assert answers[0]["thread"] != threading.get_ident()
    assert lifespans == []


def test_the_def_handlers_keep_their_worker_thread_between_requests(loop: AppLoop) -> None:
    with in_process_client(_probe_app([]), loop) as client:
        answers = [client.get("/worker").json()["workers"] for _ in range(5)]

    assert answers == [1] * 5


def test_two_clients_of_one_loop_share_it(loop: AppLoop) -> None:
    app = _probe_app([])
    with in_process_client(app, loop) as first, in_process_client(app, loop) as second:
        assert first.get("/where").json() == second.get("/where").json()


def test_a_redirect_is_followed_and_its_cookie_kept(loop: AppLoop) -> None:
    with in_process_client(_probe_app([]), loop) as client:
        answer = client.get("/cookie")
        not_followed = client.get("/cookie", follow_redirects=False)

    assert answer.status_code == 200
    assert [r.status_code for r in answer.history] == [303]
    assert client.cookies["seen"] == "yes"
    assert not_followed.headers["location"] == "/where"


def test_a_body_reaches_the_app_and_a_head_answer_has_none(loop: AppLoop) -> None:
    with in_process_client(_probe_app([]), loop) as client:
        echoed = client.post("/echo", content=b"x" * 70_000)
        head = client.head("/where")

    assert (echoed.content, echoed.headers["X-Length"]) == (b"x" * 70_000, "70000")
    assert (head.status_code, head.content, int(head.headers["content-length"]) > 0) == (200, b"", True)


def test_an_exception_of_the_app_is_raised_in_the_test(loop: AppLoop) -> None:
    with in_process_client(_probe_app([]), loop) as client, pytest.raises(LookupError, match="the app failed"):
        client.get("/boom")


def test_a_closed_loop_says_so(loop: AppLoop) -> None:
    client = in_process_client(_probe_app([]), loop)
    loop.close()

    with pytest.raises(RuntimeError, match="event loop is closed"):
        client.get("/where")


def test_the_emulators_answers_read_as_over_http(emulator_client: httpx.Client) -> None:
    forms = emulator_client.get(FORMS, auth=ADMIN)
    refused = emulator_client.get(FORMS, auth=("admin", "wrong"))
    created = emulator_client.post("/rest/jip-api/1.0/inventory.json", json={"formId": 9, "name": "Zip me"}, auth=ADMIN)
    with emulator_client.stream("GET", "/_emulator/export") as exported:
        archive = zipfile.ZipFile(io.BytesIO(exported.read()))

    assert isinstance(emulator_client, httpx.Client)
    assert (forms.status_code, forms.headers["content-type"], len(forms.json())) == (200, "application/json", 7)
    assert (refused.status_code, refused.headers["X-Seraph-LoginReason"]) == (401, "AUTHENTICATED_FAILED")
    assert created.json()["data"]["name"] == "Zip me"
    assert exported.headers["content-type"] == "application/zip"
    assert any(name.endswith(".json") for name in archive.namelist())
    assert b"Zip me" in b"".join(archive.read(name) for name in archive.namelist())


@pytest.mark.anyio
async def test_the_async_client_runs_the_app_on_the_tests_own_loop() -> None:
    lifespans: list[str] = []
    async with in_process_async_client(_probe_app(lifespans)) as client:
        answer = (await client.get("/where")).json()
        followed = await client.get("/cookie")

    assert answer["loop"] == id(asyncio.get_running_loop())
    assert (followed.status_code, client.cookies["seen"]) == (200, "yes")
    assert lifespans == []


@pytest.mark.anyio
async def test_the_async_client_sends_a_body_in_chunks() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for chunk in (b"one ", b"two ", b"three"):
            yield chunk

    async with in_process_async_client(_probe_app([])) as client:
        echoed = await client.post("/echo", content=chunks())

    assert echoed.text == "one two three"
