"""What the pytest plugin (`emulator.testing`) runs on: a live uvicorn server, the worker's namespace, and a target
(the session's in-process emulator or the external server named by `AIP_EMULATOR_URL`) that goes back to its baseline.
"""

from __future__ import annotations

import os
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import httpx

from emulator.runtime.namespace_names import DEFAULT, check_name
from emulator.testing_transport import BASE_URL, AppLoop, in_process_async_client, in_process_client

if TYPE_CHECKING:  # the app's modules load with the first in-process app: a session against a server never needs them
    from fastapi import FastAPI

    from emulator.runtime.namespaces import Namespaces

URL_ENV = "AIP_EMULATOR_URL"  # an emulator already running (a compose service): the session uses it instead
WORKER_ENV = "PYTEST_XDIST_WORKER"  # set by pytest-xdist in each worker: gw0, gw1, ...


@cache
def tls() -> ssl.SSLContext:
    """The TLS context of the plugin's clients of a server (httpx's default, made once: a new httpx client would
    load the CA bundle again, ~25 ms of CPU per test against `AIP_EMULATOR_URL`)."""
    return httpx.create_ssl_context()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A uvicorn server running an app in a background thread on a free loopback port."""

    def __init__(self, app: FastAPI) -> None:
        import uvicorn  # noqa: PLC0415

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live emulator server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def close_app(app: FastAPI) -> None:
    """Close an app made by `create_app` without its lifespan: its namespaces, then its own emulator."""
    app.state.namespaces.close()
    app.state.emulator.close()


def worker_namespace() -> str:
    """The namespace of this test process: the pytest-xdist worker id (`gw0`, ...), else `default`."""
    worker = os.environ.get(WORKER_ENV)
    return check_name(worker.lower()) if worker else DEFAULT


def namespaced(url: str, namespace: str) -> str:
    """The base URL of `namespace` on the server at `url`."""
    url = url.rstrip("/")
    return url if namespace == DEFAULT else f"{url}/_ns/{namespace}"


@dataclass
class InProcess:
    """The session's own emulator app, used in the worker's namespace; its sync clients run it on `loop`."""

    app: FastAPI
    namespace: str
    loop: AppLoop

    def reset(self) -> None:
        """Back to the namespace's baseline: data, snapshots, clock, strict switch, fault rules, journal."""
        namespaces: Namespaces = self.app.state.namespaces
        namespaces.get(self.namespace).reset()

    def cloud_token(self) -> str:
        namespaces: Namespaces = self.app.state.namespaces
        from emulator.core.tokens import create_token  # noqa: PLC0415

        _info, token = create_token(namespaces.get(self.namespace).emulator, "pytest", "WRITE", never_expire=True)
        return token


@dataclass
class Remote:
    """An emulator server that is already running, used in the worker's namespace over HTTP."""

    url: str  # the namespace's base URL

    def reset(self) -> None:
        """`POST /_emulator/reset` in the namespace: the same whole reset as in process."""
        with httpx.Client(base_url=self.url, timeout=30, verify=tls()) as client:
            client.post("/_emulator/reset").raise_for_status()

    def cloud_token(self) -> str:
        body = {"name": "pytest", "access": "WRITE", "neverExpire": True}
        with httpx.Client(base_url=self.url, timeout=30, verify=tls()) as client:
            answer = client.post("/_emulator/tokens", json=body)
        answer.raise_for_status()
        token: str = answer.json()["token"]
        return token


@contextmanager
def control_client(target: InProcess | Remote) -> Iterator[httpx.Client]:
    """A client of the target's namespace: over HTTP for a remote server, in-process (on the session's event loop,
    no lifespan: the session owns the emulator) otherwise."""
    if isinstance(target, Remote):
        client = httpx.Client(base_url=target.url, timeout=30, verify=tls())
    else:
        client = in_process_client(target.app, target.loop, namespaced(BASE_URL, target.namespace))
    with closing(client):
        yield client


def async_client(target: InProcess | Remote) -> httpx.AsyncClient:
    """An async client of the target's namespace, for the test's own event loop. It holds nothing to close: in
    process it is the app's ASGI transport; over HTTP it keeps no connection open between requests (nothing is
    left bound to an event loop the test is done with)."""
    if isinstance(target, InProcess):
        return in_process_async_client(target.app, namespaced(BASE_URL, target.namespace))
    transport = httpx.AsyncHTTPTransport(verify=tls(), limits=httpx.Limits(max_keepalive_connections=0))
    return httpx.AsyncClient(base_url=target.url, timeout=30, transport=transport)
