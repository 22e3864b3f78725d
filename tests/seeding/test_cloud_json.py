"""`cloud.json` (fixtures/README.md): a fixed secret and tokens give the same token strings on every start."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from emulator.core.errors import AuthenticationError
from emulator.core.token_codec import Access, TokenInfo, mint
from emulator.core.tokens import authenticate, create_token, revoke_token
from emulator.runtime.emulator import Emulator
from emulator.seeding.cloud import cloud_json
from emulator.seeding.read import FixtureError
from emulator.settings import Settings, default_fixtures

README = default_fixtures().parent / "README.md"
ADMIN_ACCOUNT = "557058:00000000-0000-4000-8000-000000010000"
AGENT_ACCOUNT = "557058:00000000-0000-4000-8000-000000010101"
SECRET = "a-secret-of-at-least-32-characters-long"


def _fixtures(tmp_path: Path, cloud: Any | None) -> Path:
    """A copy of the default fixtures with `cloud.json` replaced (or removed when `cloud` is None)."""
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures(), fixtures)
    (fixtures / "cloud.json").unlink()
    if cloud is not None:
        (fixtures / "cloud.json").write_text(json.dumps(cloud))
    return fixtures


def _open(tmp_path: Path, fixtures: Path | None = None, jwt_secret: str | None = None) -> Emulator:
    emulator = Emulator(
        Settings(data_dir=tmp_path / "data", fixtures=fixtures or default_fixtures(), jwt_secret=jwt_secret)
    )
    emulator.open_store()
    return emulator


def _load_error(tmp_path: Path, cloud: Any) -> str:
    emulator = Emulator(Settings(data_dir=tmp_path / "data", fixtures=_fixtures(tmp_path, cloud)))
    with pytest.raises(FixtureError) as caught:
        emulator.open_store()
    emulator.close()
    return str(caught.value)


def _token(**fields: Any) -> dict[str, Any]:
    return {"id": "t1", "name": "T1", "access": "READ", "createdAt": 1_704_067_200_000, "neverExpire": True} | fields


def _documented_tokens() -> dict[str, str]:
    """The token strings fixtures/README.md tells users to paste, by token id."""
    rows = re.findall(r"^\| `(default-\w+)` \| \w+ \| `([\w.-]+)` \|$", README.read_text(), re.MULTILINE)
    return dict(rows)


def test_the_default_fixture_tokens_are_the_documented_strings(tmp_path: Path) -> None:
    emulator = _open(tmp_path)
    try:
        minted = {t.id: mint(t, emulator.jwt_secret, emulator.settings.tenant) for t in emulator.tokens.all()}
        assert [(t.id, t.access, t.expires_at, t.owner_account_id) for t in emulator.tokens.all()] == [
            ("default-admin", Access.ADMIN, None, ADMIN_ACCOUNT),
            ("default-read", Access.READ, None, ADMIN_ACCOUNT),
            ("default-write", Access.WRITE, None, ADMIN_ACCOUNT),
        ]
        assert minted == _documented_tokens()
        for token_id, token in minted.items():
            caller = authenticate(emulator, f"Bearer {token}")
            assert (caller.token_id, caller.user.username) == (token_id, "admin")
    finally:
        emulator.close()


def test_the_secret_setting_wins_over_the_fixture_secret(tmp_path: Path) -> None:
    emulator = _open(tmp_path, jwt_secret="a-secret-from-the-environment-at-least-32")
    try:
        with pytest.raises(AuthenticationError) as caught:
            authenticate(emulator, f"Bearer {_documented_tokens()['default-read']}")
        assert emulator.jwt_secret == "a-secret-from-the-environment-at-least-32"
        assert caught.value.message.startswith("Invalid token: its signature does not match this emulator's key")
    finally:
        emulator.close()


def test_without_cloud_json_the_secret_is_random_and_kept_across_starts(tmp_path: Path) -> None:
    fixtures = _fixtures(tmp_path, None)
    first = _open(tmp_path, fixtures)
    secret, tokens = first.jwt_secret, first.tokens.all()
    first.close()

    again = _open(tmp_path, fixtures)
    again.close()

    assert tokens == []
    assert len(secret) >= 32
    assert again.jwt_secret == secret


def test_a_token_owner_may_be_a_username_user_key_or_account_id_and_defaults_to_the_first_admin(
    tmp_path: Path,
) -> None:
    tokens = [
        _token(id="by-name", owner="agent"),
        _token(id="by-key", owner="JIRAUSER10101"),
        _token(id="by-account", owner=AGENT_ACCOUNT),
        _token(id="default", expiresAt="2030-01-01T00:00", neverExpire=False),
    ]
    emulator = _open(tmp_path, _fixtures(tmp_path, {"jwtSecret": SECRET, "tokens": tokens}))
    try:
        assert emulator.jwt_secret == SECRET
        assert emulator.tokens.all() == [
            TokenInfo("by-account", "T1", Access.READ, 1_704_067_200_000, None, AGENT_ACCOUNT),
            TokenInfo("by-key", "T1", Access.READ, 1_704_067_200_000, None, AGENT_ACCOUNT),
            TokenInfo("by-name", "T1", Access.READ, 1_704_067_200_000, None, AGENT_ACCOUNT),
            TokenInfo("default", "T1", Access.READ, 1_704_067_200_000, 1_893_456_000_000, ADMIN_ACCOUNT),
        ]
    finally:
        emulator.close()


def test_an_exported_cloud_json_loads_back_into_the_same_tokens(tmp_path: Path) -> None:
    emulator = _open(tmp_path / "first")
    try:
        emulator.clock.freeze(1_767_225_600_000)
        _, token = create_token(emulator, "CI", "WRITE", owner_account_id=AGENT_ACCOUNT, token_id="ci")
        revoke_token(emulator, "default-read")
        with emulator.session() as session:
            exported = cloud_json(session, emulator.jwt_secret)
        live = [t for t in emulator.tokens.all() if not t.revoked]
    finally:
        emulator.close()

    again = _open(tmp_path / "second", _fixtures(tmp_path, exported))
    again.close()

    ci = again.tokens.get("ci")
    assert again.tokens.all() == live
    assert ci is not None
    assert mint(ci, again.jwt_secret, "emulator") == token


BROKEN: list[tuple[Any, str]] = [
    ([], "cloud.json: expected a JSON object with jwtSecret and tokens, got list"),
    ({"jwtSecret": "short"}, "cloud.json, field 'jwtSecret': String should have at least 32 characters"),
    ({"tokens": [_token(access="ROOT")]}, "cloud.json: token #1 (id t1), field 'access': Input should be 'READ', "),
    ({"tokens": [_token(), _token(id="a b")]}, "cloud.json: token #2 (id a b), field 'id': String should match"),
    ({"tokens": [_token(colour="red")]}, "cloud.json: token #1 (id t1), field 'colour': Extra inputs are not"),
    ({"tokens": [_token(), _token()]}, "cloud.json: duplicate token id 't1'; each must be unique"),
    ({"tokens": [_token(owner="ghost")]}, "cloud.json: token t1: owner: unknown user 'ghost' (a username, user key"),
    ({"tokens": [_token(neverExpire=False)]}, "cloud.json: token t1: give either expiresAt or neverExpire: true"),
    ({"tokens": [_token(expiresAt=1)]}, "cloud.json: token t1: give either expiresAt or neverExpire: true"),
    (
        {"tokens": [_token(expiresAt=1, neverExpire=False)]},
        "cloud.json: token t1: expiresAt must be after createdAt",
    ),
    ({"tokens": [_token(createdAt="yesterday")]}, "cloud.json: token t1: createdAt: 'yesterday' is not a valid date"),
]


@pytest.mark.parametrize(("cloud", "message"), BROKEN)
def test_a_broken_cloud_json_names_the_file_token_and_field(tmp_path: Path, cloud: Any, message: str) -> None:
    assert message in _load_error(tmp_path, cloud)
