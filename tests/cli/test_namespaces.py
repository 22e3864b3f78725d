"""`aip-emulator namespace list | create | delete` against a running server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.app import create_app
from emulator.cli.commands import main
from emulator.settings import Settings
from emulator.testing import LiveServer, close_app, copy_data_dir

pytestmark = pytest.mark.slow  # starts server or command processes


@pytest.fixture
def server(seeded_template: Path, tmp_path: Path) -> Iterator[str]:
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")))
    with LiveServer(app) as live:
        yield live.url
    close_app(app)


def test_create_list_and_delete_a_namespace(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["namespace", "create", "ci", "--url", server]) == 0
    created = json.loads(capsys.readouterr().out)
    assert main(["namespace", "list", "--url", server]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert main(["namespace", "delete", "ci", "--url", server]) == 0
    deleted = capsys.readouterr().out

    assert (created["name"], created["assets"]) == ("ci", 39)
    assert [(n["name"], n["assets"]) for n in listed] == [("default", 39), ("ci", 39)]
    assert deleted == "deleted namespace ci\n"


def test_a_refusal_is_printed_with_its_status(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["namespace", "delete", "default", "--url", server]) == 1
    assert capsys.readouterr().err == "aip-emulator: 409: The default namespace cannot be deleted\n"
    assert main(["namespace", "create", "Bad", "--url", server]) == 1
    assert "1-63 characters" in capsys.readouterr().err


def test_no_server_is_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["namespace", "list", "--url", "http://127.0.0.1:9"]) == 2
    assert "no emulator answers at http://127.0.0.1:9" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["list"], ["create"], ["delete"]])
def test_every_namespace_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["namespace", *command, "--help"])
    assert done.value.code == 0
    assert "usage: aip-emulator namespace" in capsys.readouterr().out


@pytest.fixture
def guarded(seeded_template: Path, tmp_path: Path) -> Iterator[str]:
    app = create_app(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"), control_auth=True))
    with LiveServer(app) as live:
        yield live.url
    close_app(app)


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["namespace", "list"], "401: The emulator's control routes need an administrator's Basic credentials"),
        (["token", "list", "--auth", "jdoe:jdoe"], "refused: The emulator's control routes need a member of"),
        (["postman", "--out", "OUT", "--auth", "admin:wrong"], "401: The emulator's control routes need an"),
    ],
)
def test_a_guarded_control_plane_says_to_pass_auth(
    guarded: str, command: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = [str(tmp_path / "postman") if word == "OUT" else word for word in command]
    assert main([*command, "--url", guarded]) == 1
    err = capsys.readouterr().err

    assert said in err
    assert err.endswith("; pass --auth USER:PASSWORD of an administrator\n")
    assert main([*command, "--url", guarded, "--auth", "admin:admin"]) == 0  # the last --auth counts
