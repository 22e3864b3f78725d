"""`python -m bench.slow_headers [--connections 3000] [--timeout-s 5]`: stalled connections beside ordinary traffic.

Starts `aip-emulator serve` on a fresh data directory (loopback only), measures ordinary requests (health and a
search, one after another), then opens `--connections` connections that never finish their request headers (half
send nothing, half stop inside their headers) and measures the ordinary requests again beside them. It then waits
(bounded) for the server to close them and prints the server's open file descriptors at each stage and how many of
the stalled connections were answered 408 or closed. `--timeout-s` is the server's header deadline; a very large
one shows the behaviour without a deadline (the connections stay open).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from bench.serving import serve

SEARCH = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "tom*", "fieldType": "STRING"}]}
ORDINARY = 200


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.slow_headers", description=__doc__)
    parser.add_argument("--connections", type=int, default=3000, help="stalled connections to open")
    parser.add_argument("--timeout-s", type=float, default=5.0, help="the server's header deadline")
    args = parser.parse_args(argv)
    started: list[Any] = []
    with tempfile.TemporaryDirectory() as scratch:
        command = ["-m", "emulator.cli", "serve", "--data-dir", str(Path(scratch) / "data")]
        command += ["--header-timeout-s", str(args.timeout_s)]
        ready = lambda probe: probe.get("/_emulator/health").status_code == 200  # noqa: E731
        with serve(command, "slow_headers", ready, started=started) as url:
            rows = run(url, started[0], args.connections, args.timeout_s)
    for label, value in rows:
        print(f"{label:<58} {value}")
    return 0


def run(url: str, process: subprocess.Popen[bytes], connections: int, timeout_s: float) -> list[tuple[str, str]]:
    rows = [("server file descriptors, idle", str(_fds(process.pid)))]
    rows.append(("ordinary requests alone: p50 / p99 / max ms", _latency(url)))
    with ExitStack() as stack:
        stalled = [stack.enter_context(_stalled(url, number % 2 == 1)) for number in range(connections)]
        time.sleep(0.2)  # let the server accept them
        rows.append((f"server file descriptors, {connections} stalled connections open", str(_fds(process.pid))))
        rows.append(("ordinary requests beside them: p50 / p99 / max ms", _latency(url)))
        deadline = time.monotonic() + min(timeout_s, 30.0) + 10  # bounded, whatever the deadline
        while time.monotonic() < deadline and _fds(process.pid) > connections // 10:
            time.sleep(0.5)
        rows.append(("server file descriptors after the header deadline", str(_fds(process.pid))))
        rows.append(("stalled connections answered 408 or closed", str(sum(_closed(sock) for sock in stalled))))
    return rows


def _stalled(url: str, partial: bool) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    if partial:
        sock.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n")
    return sock


def _closed(sock: socket.socket) -> bool:
    sock.settimeout(0.01)
    try:
        received = sock.recv(64)
    except TimeoutError:
        return False
    except OSError:
        return True
    return received == b"" or received.startswith(b"HTTP/1.1 408")


def _latency(url: str) -> str:
    took = []
    with httpx.Client(base_url=url, auth=("admin", "admin"), timeout=30, trust_env=False) as client:
        for number in range(ORDINARY):
            began = time.perf_counter()
            if number % 2:
                response = client.post("/rest/jip-api/1.0/index/query.json", json=SEARCH)
            else:
                response = client.get("/_emulator/health")
            response.raise_for_status()
            took.append((time.perf_counter() - began) * 1000)
    cuts = statistics.quantiles(took, n=100)
    return f"{statistics.median(took):.1f} / {cuts[98]:.1f} / {max(took):.1f}"


def _fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


if __name__ == "__main__":
    raise SystemExit(main())
