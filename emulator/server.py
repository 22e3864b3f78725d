"""`EmulatorServer`: the emulator on a free loopback port in a background thread, for any test runner.

For unittest, scripts or other runners (the pytest plugin has fixtures for this), like moto's ThreadedMotoServer:

    import httpx                                      # installed with aip-emulator[testing]; any client works

    from emulator.server import EmulatorServer

    with EmulatorServer() as server:                  # the default fixtures in a temporary data directory
        httpx.get(server.url + "/rest/jip-api/1.0/form/list.json", auth=("admin", "admin"))
        server.reset()                                # back to the baseline, as POST /_emulator/reset

`EmulatorServer(Settings(fixtures=Path("my-fixtures")))` serves your own; a `data_dir` you give is kept.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from emulator.app import create_app
from emulator.runtime import datadir
from emulator.runtime.emulator import Emulator
from emulator.runtime.listen import base_url, bind
from emulator.runtime.lock import ServerLock
from emulator.runtime.namespaces import Namespaces
from emulator.settings import Settings

START_TIMEOUT_S = 60


class EmulatorServer:
    """A context manager that serves the emulator on `host`:`port` (0: a free one) until it exits."""

    def __init__(
        self, settings: Settings | None = None, host: str = "127.0.0.1", port: int = 0, *, reseed: bool = False
    ) -> None:
        self._scratch: Path | None = None
        self._reseed = reseed  # drop the data directory's data and seed it again (as `serve --reseed`)
        if settings is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="aip-emulator-"))
            settings = Settings(data_dir=self._scratch / "data")
        self.settings = settings
        self.host, self.port = host, port
        self.url = ""
        self._lock = ServerLock(settings.data_dir)
        self._app: FastAPI | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def emulator(self) -> Emulator:
        """The running emulator (store, index, clock), for direct access from the test process."""
        assert self._app is not None, "the server is not started"
        emulator: Emulator = self._app.state.emulator
        return emulator

    def start(self) -> str:
        """Seed or open the data directory, start serving and return the base URL."""
        sock = bind(self.host, self.port)
        try:
            self._lock.acquire()
            if self._reseed:
                datadir.clear(self.settings.data_dir)
            app = self._app = create_app(self.settings)
        except BaseException:
            sock.close()
            self._lock.release()
            raise
        self.url = base_url(self.host, sock)
        self._lock.publish(self.url)
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        self._wait_started()
        return self.url

    def _wait_started(self) -> None:
        assert self._server is not None
        assert self._thread is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the emulator on {self.url} did not start")
            time.sleep(0.01)

    def reset(self) -> None:
        """Back to the baseline, as `POST /_emulator/reset`: the loaded fixtures, no snapshots, real time, strict as
        configured, no fault rules, an empty journal."""
        assert self._app is not None, "the server is not started"
        namespaces: Namespaces = self._app.state.namespaces
        namespaces.default.reset()

    def stop(self) -> None:
        """Stop serving, close the data directory and remove a temporary one."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self.emulator.close()
        self._server = self._thread = self._app = None
        self._lock.release()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _value: BaseException | None, _traceback: TracebackType | None
    ) -> None:
        self.stop()
