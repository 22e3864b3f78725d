"""Node tools from the npm registry, installed once into `.cache/npm` of the checkout: newman (Postman's collection
runner) and openapi-to-postmanv2 (Postman's converter of OpenAPI documents).

`.ci/run` installs them before the tests (it reads `PACKAGES` below); a developer's first run installs them here
(under a lock, so two xdist workers do not both install). Only without `npm` at all are their tests skipped. Both
install into `.cache/npm.partial` and move it to `.cache/npm` with `installed.txt` (naming the packages) once npm has
finished: an install that was stopped or timed out leaves no `.cache/npm` for a later run to trust (its commands
could exist while the packages they load did not).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

PACKAGES = "newman@6.2.2 openapi-to-postmanv2@6.4.2"
NEWMAN = PACKAGES.split(maxsplit=1)[0]
PREFIX = Path(__file__).resolve().parents[2] / ".cache" / "npm"
BIN = PREFIX / "node_modules" / ".bin"
COMMANDS = ("newman", "openapi2postmanv2")
MARKER = "installed.txt"  # written into the install last: the packages of a finished install


def installed() -> bool:
    """Whether `.cache/npm` holds a finished install of `PACKAGES`."""
    marker = PREFIX / MARKER
    return marker.exists() and marker.read_text(encoding="utf-8").strip() == PACKAGES


def tool(name: str) -> Path:
    """The executable `name`, installed if need be; skips the test when npm is not on this machine."""
    if installed():
        return BIN / name
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("the Postman tests need npm (Node.js): install it, or run .ci/run, which installs their tools")
    PREFIX.parent.mkdir(parents=True, exist_ok=True)
    with (PREFIX.parent / "npm.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed():
            _install(npm)
    return BIN / name


def _install(npm: str) -> None:
    partial = PREFIX.with_name(PREFIX.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    argv = [npm, "install", "--prefix", str(partial), "--no-audit", "--no-fund", *PACKAGES.split()]
    subprocess.run(argv, check=True, capture_output=True, text=True, timeout=600)
    assert all((partial / "node_modules" / ".bin" / command).exists() for command in COMMANDS), argv
    (partial / MARKER).write_text(PACKAGES + "\n", encoding="utf-8")
    shutil.rmtree(PREFIX, ignore_errors=True)
    partial.rename(PREFIX)


def newman() -> Path:
    return tool("newman")


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


def convert(document: Path, collection: Path) -> dict[str, Any]:
    """`document` (OpenAPI) as openapi-to-postmanv2 converts it, taking parameter examples as values."""
    argv = [str(tool("openapi2postmanv2")), "-s", str(document), "-o", str(collection), "-p",
            "-O", "parametersResolution=Example"]  # fmt: skip
    done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    converted: dict[str, Any] = json.loads(collection.read_text(encoding="utf-8"))
    return converted
