"""`aip-emulator token create | list | revoke` over a data directory (cloud-api.md §2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from emulator.cli.commands import main
from emulator.cli.token_commands import parse_moment
from emulator.core.errors import AuthenticationError, ValidationError
from emulator.core.tokens import authenticate
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.testing import copy_data_dir

ADMIN_ACCOUNT = "557058:00000000-0000-4000-8000-000000010000"
AGENT_ACCOUNT = "557058:00000000-0000-4000-8000-000000010101"
DAY_MS = 86_400_000


@pytest.fixture
def data_dir(seeded_template: Path, tmp_path: Path) -> Path:
    return copy_data_dir(seeded_template, tmp_path / "data")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


def _authenticates(data_dir: Path, token: str) -> str:
    """The id of the token a server on `data_dir` would accept, or why it refuses it."""
    emu = Emulator(Settings(data_dir=data_dir))
    emu.open_store()
    try:
        caller = authenticate(emu, f"Bearer {token}")
    except AuthenticationError as exc:
        return exc.message
    finally:
        emu.close()
    return caller.token_id


def test_create_prints_the_token_and_its_id(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    created = _json(
        capsys, "token", "create", "--name", "ci", "--access", "write", "--id", "ci", "--data-dir", str(data_dir)
    )

    assert list(created) == ["id", "name", "access", "createdAt", "expiresAt", "ownerAccountId", "token"]
    assert {k: created[k] for k in ("id", "name", "access", "ownerAccountId")} == {
        "id": "ci",
        "name": "ci",
        "access": "WRITE",
        "ownerAccountId": ADMIN_ACCOUNT,
    }
    assert created["expiresAt"] - created["createdAt"] == 30 * DAY_MS
    assert _authenticates(data_dir, created["token"]) == "ci"


def test_list_shows_the_tokens_and_revoke_ends_one(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token = _json(
        capsys, "token", "create", "--name", "ci", "--access", "READ", "--id", "ci", "--data-dir", str(data_dir)
    )

    listed = _json(capsys, "token", "list", "--data-dir", str(data_dir))
    code, out, _ = _run(capsys, "token", "revoke", "ci", "--data-dir", str(data_dir))

    assert [t["id"] for t in listed] == ["default-admin", "default-read", "default-write", "ci"]
    assert "token" not in listed[3]
    assert (code, out) == (0, "revoked token ci\n")
    assert [t["id"] for t in _json(capsys, "token", "list", "--data-dir", str(data_dir))] == [
        "default-admin",
        "default-read",
        "default-write",
    ]
    assert _authenticates(data_dir, token["token"]) == "Invalid token: it has been revoked"


def test_create_takes_an_expiry_a_never_expire_flag_and_an_owner(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["--access", "READ", "--data-dir", str(data_dir), "--time-zone", "Europe/Berlin"]

    dated = _json(capsys, "token", "create", "--name", "a", "--expires-at", "2100-01-01T01:00", *common)
    epoch = _json(capsys, "token", "create", "--name", "b", "--expires-at", "4102444800000", *common)
    forever = _json(capsys, "token", "create", "--name", "c", "--never-expire", "--owner", "agent", *common)

    assert dated["expiresAt"] == 4_102_444_800_000  # 01:00 in Berlin is midnight UTC
    assert epoch["expiresAt"] == 4_102_444_800_000
    assert (forever["expiresAt"], forever["ownerAccountId"]) == (None, AGENT_ACCOUNT)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["revoke", "nope"], "aip-emulator: No token with id 'nope'\n"),
        (
            ["create", "--name", "x", "--access", "READ", "--expires-at", "2020-01-01"],
            "aip-emulator: expiresAt: 1577836800000 is not in the future",
        ),
        (
            ["create", "--name", "x", "--access", "READ", "--expires-at", "soon"],
            "aip-emulator: --expires-at: 'soon' is neither an ISO date-time nor epoch milliseconds\n",
        ),
        (
            ["create", "--name", "x", "--access", "READ", "--owner", "ghost"],
            "aip-emulator: ownerAccountId: no user has accountId 'ghost'\n",
        ),
    ],
)
def test_a_refused_token_command_exits_with_1_and_says_why(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, "token", *argv, "--data-dir", str(data_dir))

    assert (code, out) == (1, "")
    assert err.startswith(message)


def test_an_expiry_and_never_expire_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["token", "create", "--name", "x", "--access", "READ", "--expires-at", "1", "--never-expire"])

    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1700000000000", 1_700_000_000_000),
        ("2030-01-01", 1_893_456_000_000),
        ("2030-01-01T02:00", 1_893_456_000_000 + 2 * 3_600_000),
        ("2030-01-01T02:00:00+02:00", 1_893_456_000_000),
        ("2030-01-01T00:00:00Z", 1_893_456_000_000),
    ],
)
def test_an_expiry_is_epoch_ms_or_iso_in_the_emulator_zone(text: str, expected: int) -> None:
    assert parse_moment(text, ZoneInfo("UTC")) == expected


def test_a_bad_expiry_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        parse_moment("next tuesday", ZoneInfo("UTC"))
