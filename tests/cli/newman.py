"""newman (Postman's collection runner) from the npm registry, installed once into `.cache/npm` of the checkout.

`.ci/run` installs it before the tests; a developer's first run installs it here (under a lock, so two xdist
workers do not both install). Only without `npm` at all are the newman tests skipped, saying why.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

NEWMAN = "newman@6.2.2"
PREFIX = Path(__file__).resolve().parents[2] / ".cache" / "npm"
BINARY = PREFIX / "node_modules" / ".bin" / "newman"


def newman() -> Path:
    """The newman executable, installed if need be; skips the test when npm is not on this machine."""
    if BINARY.exists():
        return BINARY
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("newman tests need npm (Node.js): install it, or run .ci/run, which installs newman")
    PREFIX.mkdir(parents=True, exist_ok=True)
    with (PREFIX.parent / "npm.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not BINARY.exists():
            argv = [npm, "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", NEWMAN]
            subprocess.run(argv, check=True, capture_output=True, text=True, timeout=600)
    return BINARY


def run(collection: Path, environment: Path, report: Path, export: Path | None = None) -> dict[str, Any]:
    """Run `collection` with `environment` (written back to `export` as the run left it); the JSON report's `run`
    (stats, executions, failures)."""
    argv = [str(newman()), "run", str(collection), "-e", str(environment), "--reporters", "json",
            "--reporter-json-export", str(report), "--timeout-request", "30000"]  # fmt: skip
    if export is not None:
        argv += ["--export-environment", str(export)]
    subprocess.run(argv, check=False, capture_output=True, text=True, timeout=300)
    found: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))["run"]
    return found
