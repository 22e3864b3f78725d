"""`aip-emulator serve` in a child process, for the CLI tests that need a running server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from emulator.testing import free_port


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "emulator.cli", *args]


def env(**extra: str) -> dict[str, str]:
    """This environment without the emulator's variables, nor pytest-xdist's (this suite may run under it)."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("AIP_EMULATOR_", "PYTEST_XDIST_"))}
    return clean | extra


def run(*args: str, cwd: Path | None = None, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion."""
    return subprocess.run(
        command(*args), cwd=cwd, env=env(**(extra or {})), capture_output=True, text=True, timeout=120, check=False
    )


@contextmanager
def serving(data_dir: Path, *args: str) -> Iterator[str]:
    """A server on `data_dir`; yields its URL once healthy."""
    port = free_port()
    with serve_process(command("serve", "--data-dir", str(data_dir), "--port", str(port), *args), port, env()) as url:
        yield url


@contextmanager
def serve_process(argv: list[str], port: int, environ: dict[str, str], cwd: Path | None = None) -> Iterator[str]:
    """`argv` (an `aip-emulator serve ... --port port`) in a child process; yields its URL once healthy."""
    with subprocess.Popen(
        argv, cwd=cwd, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as server:
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)


def wait_healthy(url: str, server: subprocess.Popen[str]) -> None:
    """Wait until the server at `url` answers health 200 (raise if it exits or never does)."""
    deadline = time.monotonic() + 60
    with httpx.Client(timeout=2) as client:  # one client: each new one loads the CA bundle (~25 ms of CPU)
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise AssertionError(server.stderr.read() if server.stderr else "the server exited")
            try:
                if client.get(f"{url}/_emulator/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)  # refused, or 503 while it opens or seeds
    raise AssertionError("the server never became healthy")
