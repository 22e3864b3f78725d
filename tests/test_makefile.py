"""`make run` listens where PORT / AIP_EMULATOR_PORT say and installs only the runtime (issue 11: 12)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_NOT_PASSED = ("PORT", "HOST", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")  # a parent make's flags change the output
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(*args: str, **env: str) -> list[str]:
    """The commands `make run` would run, recipes forced (-B) so the install step shows too."""
    clean = {k: v for k, v in os.environ.items() if k not in _NOT_PASSED and not k.startswith("AIP_EMULATOR_")}
    command = ["make", "--no-print-directory", "-n", "-B", "run", *args]  # also when `make test` runs this test
    result = subprocess.run(command, cwd=ROOT, env=clean | env, capture_output=True, text=True, check=True)
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    ("args", "env", "port"),
    [((), {}, "8080"), (("PORT=18123",), {}, "18123"), ((), {"PORT": "18124"}, "18124"),
     ((), {"AIP_EMULATOR_PORT": "18125"}, "18125")],
)  # fmt: skip
def test_make_run_honours_the_port(args: tuple[str, ...], env: dict[str, str], port: str) -> None:
    assert _dry_run(*args, **env)[-1] == f".venv/bin/aip-emulator serve --host 127.0.0.1 --port {port}"


def test_make_run_installs_the_runtime_only() -> None:
    installs = [line for line in _dry_run() if "pip install" in line]

    assert installs == [".venv/bin/python -m pip install --quiet -c constraints.txt -e ."]
