"""A real `aip-emulator serve` process for the crash tests: waiting for its health, reading its log on failure."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx


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
