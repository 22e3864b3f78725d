"""`aip-emulator serve` and friends from the outside: one server per data dir, token commands on a running
server, nothing left on disk by a failing command, one-line setting errors (issue 11: 3, 4, 10, 11, 14)."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator import __version__
from emulator.cli.commands import main
from emulator.runtime.listen import bind
from emulator.runtime.lock import running_server
from emulator.settings import max_index_procs
from emulator.testing import copy_data_dir, free_port
from tests.cli.server import command, env, run, serving

pytestmark = pytest.mark.slow  # starts server or command processes


STALE_LOCK = '{"pid": 999999, "url": "http://127.0.0.1:1"}'  # a server that died without removing its lock


@pytest.fixture
def data_dir(seeded_template: Path, tmp_path: Path) -> Path:
    return copy_data_dir(seeded_template, tmp_path / "data")


@pytest.fixture(scope="module")
def running(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One server for the tests that only talk to it (each start is a child process: ~1.5 CPU-s), started on a data
    directory holding a dead server's lock file; its URL and data directory."""
    data_dir = copy_data_dir(seeded_template, tmp_path_factory.mktemp("running") / "data")
    (data_dir / "server.lock").write_text(STALE_LOCK)
    with serving(data_dir) as url:
        yield url, data_dir


def _bearer(url: str, token: str) -> int:
    return httpx.get(f"{url}/api/v1/collections", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_second_server_on_the_same_data_dir_exits_2_naming_it_and_the_pid(running: tuple[str, Path]) -> None:
    url, data_dir = running
    holder = running_server(data_dir)
    assert holder is not None
    assert holder.url == url

    second = run("serve", "--data-dir", str(data_dir), "--port", "0")

    assert second.returncode == 2
    assert second.stderr == (
        f"aip-emulator: data directory {data_dir} is in use by another aip-emulator (pid {holder.pid} at {url}); "
        "stop that one or pass another --data-dir\n"
    )


def test_token_commands_act_on_the_running_server_at_once(running: tuple[str, Path]) -> None:
    url, data_dir = running
    created = run("token", "create", "--name", "ci", "--access", "WRITE", "--id", "ci", "--data-dir", str(data_dir))
    assert created.returncode == 0, created.stderr
    answer = json.loads(created.stdout)
    assert _bearer(url, answer["token"]) == 200

    listed = json.loads(run("token", "list", "--url", url).stdout)
    assert [token["id"] for token in listed] == ["default-admin", "default-read", "default-write", "ci"]

    revoked = run("token", "revoke", "ci", "--data-dir", str(data_dir))
    assert (revoked.returncode, revoked.stdout) == (0, "revoked token ci\n")
    assert _bearer(url, answer["token"]) == 401


def test_a_token_command_without_server_or_data_says_so_and_creates_nothing(tmp_path: Path) -> None:
    result = run("token", "list", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "aip-emulator: no server is running on data directory .aip-emulator and it holds no data: "
        "start one with `aip-emulator serve`, or pass --url or --data-dir\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_busy_port_is_reported_before_anything_is_seeded(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run("serve", "--data-dir", str(tmp_path / "data"), "--port", str(port))

    assert result.returncode == 2
    assert result.stderr.endswith(
        f"aip-emulator: cannot listen on 127.0.0.1:{port}: Address already in use; "
        "pass another --port (or AIP_EMULATOR_PORT)\n"
    )
    assert "seeded" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_a_failed_start_leaves_no_data_dir_behind(tmp_path: Path) -> None:
    broken = tmp_path / "fixtures"
    broken.mkdir()
    (broken / "schemes.json").write_text("{not json")

    result = run("serve", "--data-dir", str(tmp_path / "data"), "--port", "0", "--fixtures", str(broken))

    assert result.returncode == 2
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("argv", "env", "line"),
    [
        ((), {"AIP_EMULATOR_PORT": "abc"}, "AIP_EMULATOR_PORT='abc': Input should be a valid integer"),
        (("--port", "abc"), {}, "--port='abc': Input should be a valid integer"),
        (("--time-zone", "Mars/Olympus"), {}, "--time-zone='Mars/Olympus': unknown time zone 'Mars/Olympus'"),
        ((), {"AIP_EMULATOR_CONTROL_AUTH": "maybe"}, "AIP_EMULATOR_CONTROL_AUTH='maybe': Input should be a valid"),
        (
            (),
            {"AIP_EMULATOR_INDEX_PROCS": "100000"},
            f"AIP_EMULATOR_INDEX_PROCS='100000': at most {max_index_procs()} writer processes (this machine's cores;",
        ),
        ((), {"AIP_EMULATOR_INDEX_PROCS": "0"}, "AIP_EMULATOR_INDEX_PROCS='0': Input should be greater than or equal"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_and_its_value(
    tmp_path: Path, argv: tuple[str, ...], env: dict[str, str], line: str
) -> None:
    result = run("serve", "--data-dir", str(tmp_path / "data"), *argv, extra=env)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"aip-emulator: {line}")
    assert not (tmp_path / "data").exists()


def test_the_command_line_loads_only_what_the_command_run_needs() -> None:
    """The suite and users' scripts start `wait`, `exec`, `postman` and `namespace` often: naming every command must
    not load the web stack, the database layer or the search engine (a second of imports per process)."""
    heavy = ("fastapi", "sqlalchemy", "jwt", "whoosh", "httpx", "emulator.app", "emulator.seeding.capture")
    probe = f"import sys, emulator.cli.commands as c; c._parser(); print([m for m in {heavy!r} if m in sys.modules])"

    result = subprocess.run([sys.executable, "-c", probe], env=env(), capture_output=True, text=True, check=True)

    assert result.stdout == "[]\n"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"aip-emulator {__version__}\n"


@pytest.mark.parametrize(
    "command",
    [
        "serve",
        "exec",
        "reindex",
        "export",
        "generate",
        "wait",
        "token",
        "token create",
        "namespace",
        "namespace list",
        "namespace create",
    ],
)
def test_every_command_has_an_example_and_shows_defaults(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*command.split(), "--help"])

    text = capsys.readouterr().out
    assert "example:\n  aip-emulator " in text
    if command == "serve":
        assert "(AIP_EMULATOR_PORT, default: 8080)" in text
        assert "--access-log" in text
        assert "internal" not in text  # the namespace an emulator serves is the server's business: no --namespace


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        ("serve --bogus", "serve"),
        ("exec --bogus -- true", "exec"),
        ("token create --name ci --access READ --bogus", "token create"),
        ("namespace list --bogus", "namespace list"),
    ],
)
def test_an_unknown_flag_shows_the_usage_of_its_own_command(
    argv: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv.split())

    text = capsys.readouterr().err
    assert exited.value.code == 2
    assert text.startswith(f"usage: aip-emulator {command} [-h]")
    assert text.endswith(f"aip-emulator {command}: error: unrecognized arguments: --bogus\n")


def test_the_start_lines_name_the_docs_and_every_dialects_base_path_and_a_stopped_server_removes_its_lock(
    data_dir: Path,
) -> None:
    argv = command("serve", "--data-dir", str(data_dir), "--port", str(port := free_port()), "--context-path", "jira")
    with subprocess.Popen(argv, env=env(), stderr=subprocess.PIPE, text=True) as server:
        assert run("wait", "--url", f"http://127.0.0.1:{port}", "--timeout", "60").returncode == 0
        assert (data_dir / "server.lock").is_file()
        server.terminate()
        _out, err = server.communicate(timeout=20)

    assert not (data_dir / "server.lock").exists()
    url = f"http://127.0.0.1:{port}"
    lines = [line.split("aip_emulator: ", 1)[1] for line in err.splitlines() if "aip_emulator: " in line]
    assert lines[-6:] == [
        f"aip-emulator serving {data_dir} on {url}",
        f"  docs (Swagger UI)  {url}/docs",
        f"  Data Center API    {url}/jira/rest/jip-api/1.0",
        f"  Jira API           {url}/jira/rest/api/2",
        f"  Cloud API          {url}/api/v1",
        f"  control plane      {url}/_emulator",
    ]


def test_wait_returns_once_the_server_is_ready(running: tuple[str, Path]) -> None:
    url, _data_dir = running

    result = run("wait", "--url", url, "--timeout", "5")

    assert (result.returncode, result.stdout) == (0, f"aip-emulator at {url} is ready: 39 assets\n")


def test_wait_gives_up_after_the_timeout() -> None:
    url = f"http://127.0.0.1:{free_port()}"

    result = run("wait", "--url", url, "--timeout", "0.3")

    assert result.returncode == 1
    assert result.stderr.startswith(f"aip-emulator: {url} not ready after 0.3 s: no aip-emulator answers at {url}")


def test_a_lock_file_left_by_a_dead_server_does_not_block(running: tuple[str, Path], tmp_path: Path) -> None:
    (tmp_path / "server.lock").write_text(STALE_LOCK)
    assert running_server(tmp_path) is None

    url, data_dir = running  # started over the same lock file
    holder = running_server(data_dir)
    assert holder is not None
    assert holder.url == url


def test_connections_to_the_served_socket_have_nagle_off() -> None:
    """Keep-alive answers must not wait for a delayed ACK: asyncio sets TCP_NODELAY only on sockets that say TCP."""
    listening = bind("127.0.0.1", 0)
    seen: list[int] = []

    async def accept_one() -> None:
        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listening)
        port = listening.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(accept_one())

    assert seen == [1]
