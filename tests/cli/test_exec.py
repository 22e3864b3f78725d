"""`aip-emulator exec -- CMD ...`: serve, wait, run the command with AIP_EMULATOR_URL, stop, exit with its status."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.settings import default_fixtures
from tests.cli.server import command, env, run
from tests.user_project import QUIET_PLUGINS

pytestmark = pytest.mark.slow  # starts server or command processes

HEALTH = {"status": "ok", "assets": 39, "indexedAssets": 39, "pendingChanges": 0}
# The command under test: reads the health of the server it was given, writes what it saw, exits as told.
PROBE = """
import json, os, sys, urllib.request
url = os.environ["AIP_EMULATOR_URL"]
with urllib.request.urlopen(url + "/_emulator/health") as answer:
    health = json.load(answer)
with open(sys.argv[1], "w") as out:
    json.dump({"url": url, "health": health, "pid": os.getpid()}, out)
if len(sys.argv) > 3:
    import time
    time.sleep(float(sys.argv[3]))
sys.exit(int(sys.argv[2]))
"""


def _probe(seen: Path, status: int, sleep: float | None = None) -> list[str]:
    return [sys.executable, "-c", PROBE, str(seen), str(status), *([] if sleep is None else [str(sleep)])]


def _served_dir(stderr: str) -> Path:
    found = re.search(r"aip-emulator: serving (\S+) on (\S+) for: ", stderr)
    assert found, stderr
    return Path(found.group(1))


def _stopped(url: str) -> bool:
    try:
        httpx.get(f"{url}/_emulator/health", timeout=2)
    except httpx.ConnectError:
        return True
    return False


@pytest.mark.parametrize("status", [0, 3])
def test_the_commands_exit_status_is_passed_on_and_the_server_stopped(tmp_path: Path, status: int) -> None:
    seen = tmp_path / "seen.json"

    done = run("exec", "--", *_probe(seen, status))

    assert done.returncode == status, done.stderr
    report = json.loads(seen.read_text())
    assert report["health"] == HEALTH
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", report["url"])
    assert _stopped(report["url"])
    served = _served_dir(done.stderr)
    assert served.name == "data"
    assert not served.parent.exists()  # the temporary data directory is gone
    # the command as a shell would take it again (the probe's script has spaces, quotes and newlines)
    assert f" for: {shlex.join(_probe(seen, status))}\n" in done.stderr


def test_a_given_data_dir_and_fixtures_are_served_and_kept(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures(), fixtures)
    assets = json.loads((fixtures / "assets.json").read_text())
    (fixtures / "assets.json").write_text(json.dumps([a for a in assets if a["formId"] in (2, 6)]))
    data_dir, seen = tmp_path / "data", tmp_path / "seen.json"

    done = run("exec", "--data-dir", str(data_dir), "--fixtures", str(fixtures), "--", *_probe(seen, 0))

    assert done.returncode == 0, done.stderr
    assert json.loads(seen.read_text())["health"] == {**HEALTH, "assets": 6, "indexedAssets": 6}
    assert (data_dir / "emulator.db").is_file()
    assert not (data_dir / "server.lock").exists()


TGKILL = {"x86_64": 234, "aarch64": 131}  # the tgkill(2) system call's number: a signal to one thread of a process


def _to_another_thread(pid: int, sent: signal.Signals) -> None:
    """`sent` to a thread of process `pid` other than its main one (the kernel may pick any thread for a signal to
    the process; this picks the one where a main thread blocked in waitpid never sees it)."""
    number = TGKILL.get(os.uname().machine)
    if number is None or not Path(f"/proc/{pid}/task").is_dir():
        pytest.skip("sends a signal to one thread with Linux's tgkill(2)")
    thread = min(int(tid) for tid in os.listdir(f"/proc/{pid}/task") if int(tid) != pid)
    assert ctypes.CDLL(None, use_errno=True).syscall(number, pid, thread, int(sent)) == 0


# Runs its arguments with SIGINT ignored, as a shell starts a job in the background (an ignored signal is inherited)
IGNORING_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])"
)


@pytest.mark.parametrize(
    ("sent", "status", "to"),
    [
        (signal.SIGINT, 130, "process"),
        (signal.SIGTERM, 143, "process"),
        (signal.SIGINT, 130, "a server thread"),
        (signal.SIGINT, 130, "process started with SIGINT ignored"),
    ],
)
def test_an_interrupted_exec_stops_the_command_and_the_server(
    tmp_path: Path, sent: signal.Signals, status: int, to: str
) -> None:
    seen = tmp_path / "seen.json"
    argv = command("exec", "--", *_probe(seen, 0, sleep=600))
    if to.endswith("ignored"):
        argv = [sys.executable, "-c", IGNORING_SIGINT, *argv]
    # stdin not a terminal: the SIGINT is passed on (from a terminal, a Ctrl-C reaches the command by itself)
    with subprocess.Popen(argv, env=env(), stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as running:
        report = _report(seen, running)
        try:
            assert not _stopped(report["url"])
            if to.startswith("process"):
                running.send_signal(sent)
            else:
                _to_another_thread(running.pid, sent)
            _out, stderr = running.communicate(timeout=60)
        except BaseException:  # not left sleeping, with the `with` waiting for exec, which waits for it
            with contextlib.suppress(ProcessLookupError):
                os.kill(report["pid"], signal.SIGKILL)
            raise

    assert running.returncode == status, stderr
    assert _stopped(report["url"])
    assert not _served_dir(stderr).parent.exists()
    with pytest.raises(ProcessLookupError):  # the command is gone too, not left sleeping
        os.kill(report["pid"], 0)


def _report(seen: Path, running: subprocess.Popen[str]) -> dict[str, Any]:
    """What the probe wrote, once it has written all of it."""
    deadline = time.monotonic() + 60
    while True:
        assert running.poll() is None, running.stderr.read() if running.stderr else ""
        assert time.monotonic() < deadline, "the command never ran"
        with contextlib.suppress(OSError, ValueError):
            found: dict[str, Any] = json.loads(seen.read_text())
            return found
        time.sleep(0.05)


STUBBORN = """
import os, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open(sys.argv[1], "w").write(str(os.getpid()))
time.sleep(600)
"""


def test_a_second_signal_kills_a_command_that_ignores_the_first(tmp_path: Path) -> None:
    started = tmp_path / "pid"
    argv = command("exec", "--", sys.executable, "-c", STUBBORN, str(started))
    with subprocess.Popen(argv, env=env(), stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as running:
        deadline = time.monotonic() + 60
        while not started.exists() or not started.read_text():
            assert running.poll() is None, running.stderr.read() if running.stderr else ""
            assert time.monotonic() < deadline, "the command never ran"
            time.sleep(0.05)
        running.send_signal(signal.SIGTERM)
        with pytest.raises(subprocess.TimeoutExpired):  # ignored: exec waits for the command
            running.wait(timeout=1)

        running.send_signal(signal.SIGTERM)
        _out, stderr = running.communicate(timeout=60)

    assert running.returncode == 128 + signal.SIGKILL, stderr
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)


def test_an_emulator_that_cannot_start_is_2_and_the_command_never_runs(tmp_path: Path) -> None:
    seen = tmp_path / "seen.json"

    done = run("exec", "--fixtures", str(tmp_path / "missing"), "--", *_probe(seen, 0))

    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"aip-emulator: {tmp_path / 'missing'}: fixture directory not found; "
        "pass --fixtures DIR with a fixture directory, or leave --fixtures out to serve the packaged default fixtures"
    )
    assert not seen.exists()


def test_a_command_that_cannot_be_run_is_127_and_no_command_is_2() -> None:
    missing = run("exec", "--", "no-such-command-here")
    nothing = run("exec", "--")

    assert missing.returncode == 127
    assert (
        missing.stderr.splitlines()[-1] == "aip-emulator: cannot run 'no-such-command-here': No such file or directory"
    )
    assert nothing.returncode == 2
    assert nothing.stderr == (
        "aip-emulator: exec needs a command to run, e.g. "
        "aip-emulator exec --fixtures tests/aip-fixtures -- pytest -n 2\n"
    )


TEST_SUITE = """
import os

def test_the_plugin_uses_the_exec_server(aip_live_url, aip_client, aip_journal):
    assert aip_live_url == os.environ["AIP_EMULATOR_URL"]
    assert aip_client.get("/rest/jip-api/1.0/form/list.json", auth=("admin", "admin")).status_code == 200
    aip_journal.assert_requested("GET", "/rest/jip-api/1.0/form/list", times=1)
"""


def test_a_pytest_suite_run_by_exec_uses_its_server(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "test_suite.py").write_text(TEST_SUITE)

    done = run("exec", "--", sys.executable, "-m", "pytest", "-q", *QUIET_PLUGINS, str(project), cwd=project)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
