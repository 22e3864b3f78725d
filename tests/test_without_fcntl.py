"""The CLI and the pytest plugin import and run where `fcntl` is missing, as on Windows (issue 25).

Each test runs a child Python whose PYTHONPATH starts with tests/without_fcntl: its sitecustomize makes `import fcntl`
fail in the emulator's code and gives `emulator.util.oslock` a stand-in for Windows' msvcrt (checked calls, flock
underneath). Whoosh keeps fcntl there: it picks its own index lock by `os.name` (msvcrt on Windows).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from emulator.testing import copy_data_dir, free_port
from tests.cli.server import command, env, run, serve_process
from tests.test_architecture import graph

HIDE_FCNTL = str(Path(__file__).resolve().parent / "without_fcntl")


def _windows_like(**extra: str) -> dict[str, str]:
    return env(PYTHONPATH=os.pathsep.join([HIDE_FCNTL, *sys.path]), **extra)


@pytest.mark.slow  # a `serve` child process
def test_serve_holds_its_data_directory_without_fcntl(seeded_template: Path, tmp_path: Path) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    port = free_port()
    serve = command("serve", "--data-dir", str(data_dir), "--port", str(port))
    with serve_process(serve, port, _windows_like()) as url:
        assert httpx.get(f"{url}/_emulator/health").json()["status"] == "ok"
        second = run("serve", "--data-dir", str(data_dir), "--port", str(free_port()), extra=_windows_like())
        assert second.returncode == 2
        assert "is in use by another aip-emulator (pid " in second.stderr
        assert f"at {url})" in second.stderr
    assert not (data_dir / "server.lock").exists()


@pytest.mark.slow  # a user project in a child pytest session
def test_the_pytest_plugin_seeds_under_its_lock_without_fcntl(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        "from emulator.util import oslock\n\n"
        "def test_health(aip_client):\n"
        "    assert oslock._FCNTL is None and oslock._MSVCRT is not None\n"
        "    assert aip_client.get('/_emulator/health').json()['status'] == 'ok'\n"
    )
    plugins = ["-p", "no:cacheprovider", "-p", "emulator.testing"]  # only the emulator's, as autoload is off
    own_temp = ["--basetemp", str(tmp_path / "temp")]  # not the shared /tmp/pytest-of-* that other sessions clean
    pytest_run = [sys.executable, "-m", "pytest", "-q", *plugins, *own_temp, "test_user.py"]
    worker = _windows_like(PYTEST_XDIST_WORKER="gw0", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")  # seeds under the lock
    done = subprocess.run(
        pytest_run, cwd=tmp_path, env=worker, capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_only_oslock_reaches_fcntl_or_msvcrt_and_by_name() -> None:
    """No import statement of either anywhere in the package: `emulator.util.oslock` asks for them by name."""
    assert [module for module, imported in sorted(graph().items()) if imported & {"fcntl", "msvcrt"}] == []
