"""`python -m bench.connections_bench [--connections 16] [--seconds 5] [--rounds 2]`: the seed search's throughput
with many keep-alive connections, the emulator beside a bare FastAPI app, in one run (issue 23).

Both are real servers in their own processes: `aip-emulator serve` over a copy of the default fixtures, and
`bench.bare_app` answering the emulator's own answer to the seed search. The load comes from a third process
(`--generate`: one asyncio loop, raw sockets, the request bytes built once, answers read by Content-Length), so
neither server shares an interpreter with the client; it is the stand-in for `wrk`, which this machine may lack.
The two servers take turns, `--rounds` times each, and each turn's requests per second are printed with the ratio
of the medians. On a 2-core machine the generator takes CPU from the server it loads alike for both, and other work
on the machine moves the rates from turn to turn; so each turn also reads the server process's CPU time (Linux:
/proc) and prints its CPU per answer: the ratio of those medians is the one figure the machine's load barely moves.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.bare_app import SEARCH_PATH
from bench.mixed_bench import _copy, _default_data
from bench.queries import seed_request
from bench.search_bench import HEALTH
from bench.serving import ROOT, _get_ok, serve

AUTH = ("admin", "admin")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.connections_bench", description=__doc__)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each turn")
    parser.add_argument("--rounds", type=int, default=2, help="turns of each server")
    parser.add_argument("--generate", nargs=2, metavar=("URL", "AUTH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        rate = asyncio.run(_generate(args.generate[0], args.generate[1], args.connections, args.seconds))
        print(json.dumps({"perSecond": rate}))
        return 0
    print(f"load average before: {_load()}")
    seed = seed_request(generated=False)
    data_dir = _copy(_default_data(), "connections")
    emulator_cmd = ["-m", "emulator.cli", "serve", "--data-dir", str(data_dir)]
    started: list[subprocess.Popen[bytes]] = []
    with serve(emulator_cmd, "connections-emulator", _get_ok(HEALTH), started=started) as emulator_url:
        with httpx.Client(base_url=emulator_url, auth=AUTH, trust_env=False, timeout=30) as client:
            answer = client.post(SEARCH_PATH, json=seed).raise_for_status().json()
        with tempfile.TemporaryDirectory() as tmp:
            body = Path(tmp) / "answer.json"
            body.write_text(json.dumps(answer), encoding="utf-8")
            bare_cmd = ["-m", "bench.bare_app", "--body", str(body)]
            with serve(bare_cmd, "connections-bare", _get_ok("/health"), started=started) as bare_url:
                rates, cpu = _turns(emulator_url, bare_url, [p.pid for p in started], args)
    _print(rates, cpu, args.connections)
    print(f"load average after: {_load()}")
    return 0


Figures = dict[str, list[float]]


def _turns(emulator_url: str, bare_url: str, pids: list[int], args: argparse.Namespace) -> tuple[Figures, Figures]:
    """Requests per second and server CPU ms per request of each turn, by server."""
    token = base64.b64encode(b"%s:%s" % (AUTH[0].encode(), AUTH[1].encode())).decode()
    rates: Figures = {"bare app": [], "emulator": []}
    cpu: Figures = {"bare app": [], "emulator": []}
    servers = (("bare app", bare_url, "-", pids[1]), ("emulator", emulator_url, token, pids[0]))
    for _round in range(args.rounds):
        for name, url, auth, pid in servers:
            command = [sys.executable, "-m", "bench.connections_bench", "--generate", url, auth]
            command += ["--connections", str(args.connections), "--seconds", str(args.seconds)]
            env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")}
            before = _cpu_seconds(pid)
            out = subprocess.run(command, cwd=ROOT.parent, env=env, capture_output=True, text=True, check=True)
            used = _cpu_seconds(pid) - before
            rates[name].append(float(json.loads(out.stdout)["perSecond"]))
            cpu[name].append(used * 1000 / max(1.0, rates[name][-1] * args.seconds))
    return rates, cpu


def _cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time (0 where /proc is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _print(rates: Figures, cpu: Figures, connections: int) -> None:
    print(f"-- seed search, {connections} keep-alive connections: requests/s per turn, and the median")
    for name, values in rates.items():
        turns = "  ".join(f"{value:8.1f}" for value in values)
        print(f"   {name:<10} {turns}   median {statistics.median(values):8.1f}")
    ratio = statistics.median(rates["emulator"]) / statistics.median(rates["bare app"])
    print(f"-- emulator / bare app = {ratio:.0%} (target >= 70 %)")
    print("-- server CPU per request (ms) per turn, and the median")
    for name, values in cpu.items():
        turns = "  ".join(f"{value:8.3f}" for value in values)
        print(f"   {name:<10} {turns}   median {statistics.median(values):8.3f}")
    if statistics.median(cpu["emulator"]) > 0:
        share = statistics.median(cpu["bare app"]) / statistics.median(cpu["emulator"])
        print(f"-- bare app's CPU per request / the emulator's = {share:.0%} (the ratio at equal CPU)")


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


async def _generate(url: str, auth: str, connections: int, seconds: float) -> float:
    """Requests per second of `connections` keep-alive clients posting the seed search for `seconds`."""
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps(seed_request(generated=False)).encode()
    headers = [f"POST {SEARCH_PATH} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json"]
    headers += [f"Content-Length: {len(body)}"] + ([f"Authorization: Basic {auth}"] if auth != "-" else [])
    request = ("\r\n".join(headers) + "\r\n\r\n").encode() + body
    deadline = time.monotonic() + seconds
    counts = await asyncio.gather(*(_client(host, int(port), request, deadline) for _ in range(connections)))
    return sum(counts) / seconds


async def _client(host: str, port: int, request: bytes, deadline: float) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    done = 0
    try:
        while time.monotonic() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.decode(errors="replace"))
            lines = head.lower().split(b"\r\n")
            length = next(int(line.split(b":", 1)[1]) for line in lines if line.startswith(b"content-length"))
            await reader.readexactly(length)
            done += 1
    finally:
        writer.close()
    return done


if __name__ == "__main__":
    sys.exit(main())
