"""A real `aip-emulator serve` process for the crash tests: waiting for its health, reading its log on failure; and
the start after a crash, in the test's own process."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import free_port
from emulator.testing_server import close_app
from emulator.testing_transport import AppLoop, in_process_client

Served = tuple[str, subprocess.Popen[bytes]]  # the base URL and the process


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    """Wait until `url` answers health 200; raise with the server's log if it exits or takes longer than `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=2) as client:  # one client: each new one loads the CA bundle (~25 ms of CPU)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"the server exited with {process.returncode}: {log.read_text()}")
            try:
                if client.get(f"{url}/_emulator/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise AssertionError(f"the server did not answer health within {timeout_s} s: {log.read_text()}")


@contextmanager
def serve_process(
    data_dir: Path, log: Path, env: dict[str, str], start_timeout_s: float, *, kill: bool = False
) -> Iterator[Served]:
    """`python -m emulator.cli serve` on a free loopback port, answering health; always ended on the way out (SIGTERM,
    or SIGKILL with `kill`), its output appended to `log`."""
    port = free_port()
    command = [sys.executable, "-m", "emulator.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    with log.open("ab") as out, subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env) as process:
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_healthy(url, process, log, start_timeout_s)
            yield url, process
        finally:
            if process.poll() is None and kill:
                process.kill()
            elif process.poll() is None:
                process.terminate()
            process.wait(timeout=20)


@contextmanager
def restarted(data_dir: Path, loop: AppLoop, auth: tuple[str, str]) -> Iterator[httpx.Client]:
    """The start on `data_dir` after a kill, in this process: the start a `serve` child would make (the interrupted
    replacement finished, the index caught up from the change log or rebuilt), without a second interpreter importing
    the emulator (~1.3 CPU-s a start). A client of it (as `auth`); the app closed on the way out."""
    app = create_app(Settings(data_dir=data_dir))
    try:
        with in_process_client(app, loop) as client:
            client.auth = auth
            yield client
    finally:
        close_app(app)
