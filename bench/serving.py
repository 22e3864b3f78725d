"""Running a server for a benchmark: `python ARGS --port P` on a free loopback port, until it says it is ready."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
Ready = Callable[[httpx.Client], bool]  # is the server up yet? (may raise httpx.TransportError)


@contextmanager
def serve(
    args: list[str], log_name: str, ready: Ready, timeout: float = 120.0, started: list[Any] | None = None
) -> Iterator[str]:
    """Run `python ARGS --port P` on a free loopback port until `ready` says yes; yield its URL; stop it after."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    url, log = f"http://127.0.0.1:{port}", CACHE / "logs" / f"{log_name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")}
    with log.open("wb") as sink:
        command = [sys.executable, *args, "--port", str(port)]
        process = subprocess.Popen(command, cwd=ROOT.parent, env=env, stdout=sink, stderr=subprocess.STDOUT)
    if started is not None:
        started.append(process)
    try:
        with httpx.Client(base_url=url, timeout=5.0, trust_env=False) as probe:
            deadline = time.monotonic() + timeout
            while not _answers(probe, ready):
                if process.poll() is not None:
                    raise RuntimeError(f"server exited with {process.returncode}; see {log}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server not ready after {timeout:.0f} s; see {log}")
                time.sleep(0.01)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _answers(probe: httpx.Client, ready: Ready) -> bool:
    try:
        return ready(probe)
    except httpx.TransportError:  # connection refused until uvicorn listens
        return False


def _get_ok(path: str) -> Ready:
    return lambda probe: probe.get(path).status_code == 200
