"""`aip-emulator wait --url U [--timeout S]`: block until a server is ready, for CI scripts that start it."""

from __future__ import annotations

import argparse
import sys
import time

from emulator.cli.http import DEFAULT_URL, Refused, Unreachable, call
from emulator.cli.options import subcommand


def add_wait_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `wait` to the CLI's parser."""
    text = "wait until a server answers its health check (exit 0), or give up after --timeout (exit 1)"
    example = "aip-emulator serve & aip-emulator wait --url http://127.0.0.1:8080 --timeout 60"
    wait_ = subcommand(commands, "wait", text, {"wait": example})
    wait_.add_argument("--url", default=DEFAULT_URL, help=f"the server's base URL (default: {DEFAULT_URL})")
    wait_.add_argument("--timeout", type=float, default=30.0, help="seconds to wait at most (default: 30)")


def wait(url: str, timeout: float) -> int:
    """Poll `url`/_emulator/health until it answers 200."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        try:
            health = call("GET", url.rstrip("/") + "/_emulator/health", timeout=2)
            print(f"aip-emulator at {url} is ready: {health['assets']} assets")
            return 0
        except (Unreachable, Refused) as exc:
            last = str(exc)
        if time.monotonic() >= deadline:
            print(f"aip-emulator: {url} not ready after {timeout:g} s: {last}", file=sys.stderr)
            return 1
        time.sleep(0.2)
