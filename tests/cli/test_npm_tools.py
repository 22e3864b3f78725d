"""The Postman tests' npm tools are trusted only once npm has finished installing them (`tests/cli/npm_tools.py`)."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.cli import npm_tools

FAKE_NPM = """#!/bin/sh
# npm install --prefix DIR ...: makes the two commands, then exits with $FAKE_NPM_STATUS
prefix="$3"
mkdir -p "$prefix/node_modules/.bin"
touch "$prefix/node_modules/.bin/newman" "$prefix/node_modules/.bin/openapi2postmanv2"
exit "$FAKE_NPM_STATUS"
"""


@pytest.fixture
def fake_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(FAKE_NPM)
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")  # this npm first
    prefix = tmp_path / ".cache" / "npm"
    monkeypatch.setattr(npm_tools, "PREFIX", prefix)
    monkeypatch.setattr(npm_tools, "BIN", prefix / "node_modules" / ".bin")
    return prefix


def test_an_install_npm_did_not_finish_is_not_trusted_and_the_next_run_installs_again(
    fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_NPM_STATUS", "1")  # stopped half-way: the commands exist, the packages may not
    with pytest.raises(subprocess.CalledProcessError):
        npm_tools.newman()
    assert not fake_npm.exists()
    assert not npm_tools.installed()

    monkeypatch.setenv("FAKE_NPM_STATUS", "0")
    assert npm_tools.newman() == fake_npm / "node_modules" / ".bin" / "newman"
    assert (fake_npm / "installed.txt").read_text() == npm_tools.PACKAGES + "\n"
    assert npm_tools.installed()
    assert not fake_npm.with_name("npm.partial").exists()


def test_commands_without_the_mark_of_a_finished_install_are_installed_again(
    fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (fake_npm / "node_modules" / ".bin").mkdir(parents=True)  # left by an install stopped before this mark existed
    (fake_npm / "node_modules" / ".bin" / "newman").touch()
    (fake_npm / "node_modules" / ".bin" / "openapi2postmanv2").touch()
    monkeypatch.setenv("FAKE_NPM_STATUS", "0")

    npm_tools.newman()

    assert npm_tools.installed()
