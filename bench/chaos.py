"""`python -m bench.chaos [--rounds 300] [--threads 3] [--seed 1] [--data-dir DIR] [--port 18600]`: kill -9 at random.

The crash tests kill the server at named moments; this kills it at random ones. Each round starts `aip-emulator
serve` on the same data directory, checks what the previous round's clients were told (bench.chaos_check: every
acknowledged write of the last data world, the namespaces and snapshots acknowledged, database and index agreeing
in health, a match-all paged search, keyword searches and GETs, in every namespace), then drives a random mix
(bench.chaos_ops) from a few threads and SIGKILLs the server's whole process group (the index worker too) after a
random delay, skewed short. The flush settings vary by round (default, flushing every write, in the index worker
process, never flushing). A failing round's data directory is copied to `{--keep}-N` with its server log and the
round's seed; the next round starts on a fresh directory. Prints a line per round and a summary; exits 1 on any
failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.chaos_check import check_all
from bench.chaos_model import Model
from bench.chaos_ops import Client, drive
from emulator.testing import free_port

FLUSH_MODES = {
    "default": {},
    "every-write": {"AIP_EMULATOR_FLUSH_INTERVAL_MS": "5", "AIP_EMULATOR_FLUSH_BATCH": "1"},
    "in-worker": {"AIP_EMULATOR_FLUSH_INTERVAL_MS": "5", "AIP_EMULATOR_FLUSH_BATCH": "1",
                  "AIP_EMULATOR_FLUSH_PROCESS_FROM": "1"},
    "never": {"AIP_EMULATOR_FLUSH_INTERVAL_MS": "3600000", "AIP_EMULATOR_FLUSH_BATCH": "1000000"},
}  # fmt: skip


@dataclass
class Tally:
    """What the rounds added up to."""

    rounds: int = 0
    failures: list[str] = field(default_factory=list)
    kills: Counter[str] = field(default_factory=Counter)  # operation in flight at the kill -> count
    statuses: Counter[str] = field(default_factory=Counter)
    checked: int = 0
    start_s: list[float] = field(default_factory=list)
    round_s: list[float] = field(default_factory=list)


TALLY = Tally()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=0.0, help="stop after this long (0: after --rounds)")
    parser.add_argument("--threads", type=int, default=3, help="client threads")
    parser.add_argument("--seed", type=int, default=1, help="the rounds' random seeds derive from it")
    parser.add_argument("--data-dir", type=Path, default=None, help="reused across rounds (default: a temporary one)")
    parser.add_argument(
        "--port", type=int, default=0, help="first of 100 ports the rounds cycle through (0: free ones)"
    )
    parser.add_argument("--max-delay", type=float, default=2.0, help="longest wait before the kill, in seconds")
    parser.add_argument("--start-timeout", type=float, default=60.0, help="a start longer than this fails")
    parser.add_argument("--calm", type=float, default=0.4, help="share of rounds without whole-state changes")
    parser.add_argument("--whole-state-weight", type=float, default=1.0, help="x the whole-state changes' weights")
    parser.add_argument("--keep", default="/tmp/chaos-fail", help="failing rounds' data directories go to KEEP-N")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chaos-") as scratch:
        data_dir = args.data_dir or Path(scratch) / "data"
        tally = run(args, data_dir, Path(scratch))
    summarize(tally)
    return 1 if tally.failures else 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, data_dir: Path, scratch: Path) -> Tally:
    """The rounds until --rounds or --minutes (or SIGTERM, SIGINT: the summary of the rounds so far)."""
    signal.signal(signal.SIGTERM, _interrupt)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        return rounds(args, data_dir, scratch, servers)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        for server in servers:
            kill(server)
        return TALLY


def rounds(args: argparse.Namespace, data_dir: Path, scratch: Path, servers: list[subprocess.Popen[bytes]]) -> Tally:
    tally, model, deadline = TALLY, None, time.monotonic() + args.minutes * 60 if args.minutes else None
    for number in range(1, args.rounds + 2):
        last = number == args.rounds + 1 or (deadline is not None and time.monotonic() > deadline)
        seed = args.seed * 1_000_000 + number
        rng = random.Random(seed)
        mode, log, began = rng.choice(list(FLUSH_MODES)), scratch / "server.log", time.monotonic()
        if log.exists():
            log.replace(scratch / "server.previous.log")
        process, url = start(data_dir, args.port + number % 100 if args.port else free_port(), FLUSH_MODES[mode], log)
        servers[:] = [process]
        problems = wait_healthy(url, process, args.start_timeout, tally)
        checked = 0
        if not problems and model is not None:
            try:
                found, checked = check_all(url, data_dir, model, rng)
                problems += found
            except (AssertionError, httpx.HTTPError, KeyError, ValueError) as error:
                problems.append(f"check failed: {type(error).__name__}: {error}")
        tally.checked += checked
        if problems or last:
            kill(process)
            if problems:
                keep(
                    args.keep, tally, number=number, seed=seed, mode=mode, data_dir=data_dir, log=log, problems=problems
                )
                shutil.rmtree(data_dir, ignore_errors=True)
                model = None
            if last:
                break
            continue
        model, phase, delay = drive_round(
            url, rng, args=args, scratch=scratch, process=process, number=number, statuses=tally.statuses
        )
        tally.kills[phase] += 1
        tally.rounds += 1
        tally.round_s.append(time.monotonic() - began)
        print(f"round {number} seed {seed} {mode}: kill after {delay * 1000:.0f} ms in {phase or 'idle'}; "
              f"start {tally.start_s[-1]:.1f} s, checked {checked} writes of the round before", flush=True)  # fmt: skip
    return tally


def drive_round(
    url: str,
    rng: random.Random,
    *,
    args: argparse.Namespace,
    scratch: Path,
    process: subprocess.Popen[bytes],
    number: int,
    statuses: Counter[str],
) -> tuple[Model, str, float]:
    """Clients on the server until a random moment, then SIGKILL; returns their record and what was in flight."""
    model, stop, lock = Model(), threading.Event(), threading.Lock()
    clients = [
        Client(t, url, model, random.Random(rng.random()), f"kc{number}x", scratch, lock) for t in range(args.threads)
    ]
    calm = rng.random() < args.calm
    for client in clients:
        client.calm, client.whole_state_weight = calm, args.whole_state_weight
    threads = [threading.Thread(target=drive, args=(c, stop), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    delay = min(args.max_delay, 0.003 + rng.expovariate(1 / 0.35))
    time.sleep(delay)
    with model.lock:
        phase = "+".join(sorted(set(model.in_flight.values())))
    kill(process)
    stop.set()
    for thread in threads:
        thread.join(timeout=130)
    for client in clients:
        statuses.update(client.statuses)
    return model, phase, delay


def start(data_dir: Path, port: int, flush: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`aip-emulator serve` in a process group of its own (killed whole), its output appended to `log`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")} | flush
    command = [sys.executable, "-m", "emulator.cli", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    with log.open("ab") as out:
        out.write(f"\n==== {' '.join(command)} {flush}\n".encode())
        out.flush()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    return process, f"http://127.0.0.1:{port}"


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float, tally: Tally) -> list[str]:
    began = time.monotonic()
    with httpx.Client(timeout=5, trust_env=False) as client:
        while time.monotonic() - began < timeout:
            if process.poll() is not None:
                return [f"the server exited with {process.returncode} while starting"]
            try:
                if client.get(f"{url}/_emulator/health").status_code == 200:
                    tally.start_s.append(time.monotonic() - began)
                    return []
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    return [f"the server did not answer health 200 within {timeout:.0f} s"]


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server's whole process group (the index worker process with it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def keep(
    prefix: str, tally: Tally, *, number: int, seed: int, mode: str, data_dir: Path, log: Path, problems: list[str]
) -> None:
    target = Path(f"{prefix}-{len(tally.failures) + 1}")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(data_dir, target / "data", symlinks=True)
    for name in ("server.previous.log", "server.log"):
        if (log.parent / name).exists():
            shutil.copy(log.parent / name, target / name)
    (target / "problems.txt").write_text(f"round {number} seed {seed} flush {mode}\n" + "\n".join(problems) + "\n")
    tally.failures.append(f"round {number} (seed {seed}, {mode}): {problems[0]} [{target}]")
    print(f"FAIL round {number} seed {seed} {mode}: kept in {target}", *problems, sep="\n  ", flush=True)


def summarize(tally: Tally) -> None:
    """Rounds, kills by what was in flight, answers by operation and status, failures, time per round."""
    print(f"\n== chaos summary ==\n{tally.rounds} rounds killed and restarted", end="")
    print(f", {tally.checked} acknowledged writes checked")
    if tally.round_s:
        mean, starts = sum(tally.round_s) / len(tally.round_s), sum(tally.start_s) / len(tally.start_s)
        print(f"per round {mean:.2f} s mean; start {starts:.2f} s mean, {max(tally.start_s):.2f} s max")
    print("kills by the operations in flight:")
    for phase, count in tally.kills.most_common():
        print(f"  {count:>5}  {phase or 'idle (between calls)'}")
    print("answers: " + ", ".join(f"{k} x{v}" for k, v in sorted(tally.statuses.items())))
    errors = {k: v for k, v in tally.statuses.items() if k.split()[-1].startswith("5") or "failure" in k}
    if errors:
        tally.failures.append(f"5xx answers or 404s of acknowledged assets: {errors}")
    for failure in tally.failures:
        print(f"FAIL {failure}")
    print("PASS" if not tally.failures else f"FAIL: {len(tally.failures)} failure(s)")


if __name__ == "__main__":
    raise SystemExit(main())
