"""A real `aip-emulator serve` process for the crash tests: waiting for its health, reading its log on failure."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from emulator.testing import free_port

Served = tuple[str, subprocess.Popen[bytes]]  # the base URL and the process


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    """Wait until `url` answers health 200; raise with the server's log if it exits or takes longer than `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"{url}/_emulator/health", timeout=2).status_code == 200:
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
