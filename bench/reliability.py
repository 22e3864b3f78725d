"""`python -m bench.reliability [--short] [--size 10000] [--seconds 30] [--clients 4]`: all reliability checks.

Runs the pytest reliability suite (tests/reliability: crashes, concurrency, process faults, fuzzing with the long
profile `AIP_EMULATOR_FUZZ=long` and a kill at every step of every whole-state change `AIP_EMULATOR_CRASH=long`
unless --short; and tests/core: the write-consistency property test), then the
loopback load test (bench.load). Prints one summary table (suite, cases, failures, throughput / p99) and exits 1 if
anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from bench.load import RESULTS as LOAD_RESULTS

ROOT = Path(__file__).resolve().parent.parent
SUITES = {
    "pytest: tests/reliability": ["tests/reliability"],
    "pytest: tests/core (property)": ["tests/core/test_write_consistency.py"],
}


@dataclass(frozen=True)
class Row:
    """One line of the summary."""

    suite: str
    cases: int
    failures: int
    detail: str


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__)
    parser.add_argument("--short", action="store_true", help="the short fuzz profile (default: long)")
    parser.add_argument("--size", type=int, default=10_000, help="assets for the load test")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load test")
    parser.add_argument("--clients", type=int, default=4, help="load test threads")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")}
    if not args.short:
        env["AIP_EMULATOR_FUZZ"] = "long"
        env["AIP_EMULATOR_CRASH"] = "long"
    rows = [run_pytest(name, paths, env) for name, paths in SUITES.items()]
    rows.append(run_load(args.size, args.seconds, args.clients, env))
    print_table(rows)
    return 1 if any(row.failures for row in rows) else 0


def run_pytest(name: str, paths: list[str], env: dict[str, str]) -> Row:
    """One pytest run; its counts from a JUnit report (a crash of pytest itself counts as a failure)."""
    print(f"\n== {name} ==", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "junit.xml"
        started = time.perf_counter()
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *paths]
        code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
        elapsed = time.perf_counter() - started
        if not report.exists():
            return Row(name, 0, 1, f"pytest exited {code} without a report")
        suite = ET.parse(report).getroot()
        suite = suite if suite.tag == "testsuite" else suite[0]
        cases, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    if code not in (0, 1) or (code == 1 and not failed):
        failed += 1  # usage error, interrupted, nothing collected
    return Row(name, cases, failed, f"{elapsed:.0f} s, {skipped} skipped, exit {code}")


def run_load(size: int, seconds: float, clients: int, env: dict[str, str]) -> Row:
    """bench.load in a subprocess; its counts from bench/results/load.json."""
    name = f"load: {size:,} assets, {clients} clients"
    print(f"\n== {name} ==", flush=True)
    LOAD_RESULTS.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.load", "--size", str(size), "--seconds", str(seconds)]
    code = subprocess.run([*command, "--clients", str(clients)], cwd=ROOT, env=env, check=False).returncode
    if not LOAD_RESULTS.exists():
        return Row(name, 0, 1, f"bench.load exited {code} without a report")
    report = json.loads(LOAD_RESULTS.read_text())
    failures = report["errors"] + report["clientErrors"] + (1 if code and not report["errors"] else 0)
    health = report["healthAfter"]
    failures += int(health.get("assets") != health.get("indexedAssets"))
    detail = f"{report['throughputRps']} req/s, p99 {report['p99Ms']} ms, 4xx {report['clientErrors']}"
    return Row(name, report["requests"], failures, detail)


def print_table(rows: list[Row]) -> None:
    """The summary: one line per suite and a verdict."""
    width = max(len(row.suite) for row in rows)
    print(f"\n== reliability summary ==\n{'suite':<{width}} {'cases':>7} {'failures':>9}  throughput / p99 / notes")
    for row in rows:
        print(f"{row.suite:<{width}} {row.cases:>7} {row.failures:>9}  {row.detail}")
    failed = sum(row.failures for row in rows)
    print("PASS" if not failed else f"FAIL: {failed} failure(s)")


if __name__ == "__main__":
    raise SystemExit(main())
