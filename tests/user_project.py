"""A user's project beside this checkout: files written to a directory, run with `python -m pytest` in a child
process whose environment holds none of this suite's emulator or xdist variables."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import LiveServer, close_app, copy_data_dir

# A user's project loads the emulator's plugin (and xdist, anyio); the property-testing plugins this checkout's dev
# extra installs are a second or more of imports per process and no part of what these projects test.
QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:schemathesis")


def write_project(directory: Path, files: dict[str, str]) -> Path:
    """`directory` with a plain `pytest.ini` and `files` (name -> text)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pytest.ini").write_text("[pytest]\n")
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without `AIP_EMULATOR_*` and `PYTEST_XDIST_*` (this suite may run under xdist)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIP_EMULATOR_", "PYTEST_XDIST_"))}
    return env | extra


def run_pytest(project: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m pytest -q ARGS` in `project`; the caller checks the outcome."""
    command = [sys.executable, "-m", "pytest", "-q", *QUIET_PLUGINS, *args]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)


def run_rounds(project: Path, *args: str, url: str | None = None) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the project's suite (against the shared server at `url`, if given); the run, and the lines its tests wrote
    to the file `ROUNDS_SEEN` names (one per round: what each saw)."""
    seen = project / "seen.txt"
    seen.unlink(missing_ok=True)
    env = clean_env(ROUNDS_SEEN=str(seen), **({"AIP_EMULATOR_URL": url} if url is not None else {}))
    run = run_pytest(project, *args, str(project), env=env)
    return run, seen.read_text().split() if seen.exists() else []


@contextmanager
def shared_server(seeded_template: Path, tmp_path: Path) -> Iterator[str]:
    """A live server over a copy of the seeded template, as a team's shared emulator; yields its URL."""
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")))
    with LiveServer(app) as live:
        yield live.url
    close_app(app)
