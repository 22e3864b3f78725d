"""Rows for `cloud.json`: the tokens with their owners resolved and expiry checked (cloud-api.md §2)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from emulator.core.errors import ValidationError
from emulator.core.timefmt import timestamp_ms
from emulator.core.token_codec import first_administrator
from emulator.seeding.assets import fail
from emulator.seeding.format import TokenRecord, UserRecord
from emulator.seeding.read import FixtureSet
from emulator.store import models as m


def account_id(user: UserRecord) -> str:
    """Return a fixture user's Cloud accountId (derived from the user key when the file leaves it out)."""
    return user.account_id or f"emulator:{user.key}"


def token_rows(fixtures: FixtureSet, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Return the rows of the tokens table, or fail naming the token and the problem."""
    return [_token(token, fixtures, zone) for token in fixtures.cloud.tokens]


def _token(token: TokenRecord, fixtures: FixtureSet, zone: ZoneInfo) -> dict[str, Any]:
    path = fixtures.source / "cloud.json"
    try:
        created = timestamp_ms(token.created_at, zone, "createdAt")
        expires = None if token.expires_at is None else timestamp_ms(token.expires_at, zone, "expiresAt")
    except ValidationError as exc:
        raise fail(path, "token", token.id, exc.message) from None
    if token.never_expire == (expires is not None):
        raise fail(path, "token", token.id, "give either expiresAt or neverExpire: true")
    if expires is not None and expires <= created:
        raise fail(path, "token", token.id, "expiresAt must be after createdAt")
    return {
        "id": token.id,
        "name": token.name,
        "access": token.access.value,
        "created_at": created,
        "expires_at": expires,
        "owner_account_id": account_id(_owner(token, fixtures)),
        "revoked": False,
    }


def _owner(token: TokenRecord, fixtures: FixtureSet) -> UserRecord:
    path = fixtures.source / "cloud.json"
    if token.owner is None:
        admin = first_administrator(fixtures.users)
        if admin is None:
            raise fail(path, "token", token.id, "no active administrator to own it; give owner")
        return admin
    for user in fixtures.users:
        if token.owner in (user.username, user.key, account_id(user)):
            return user
    raise fail(path, "token", token.id, f"owner: unknown user {token.owner!r} (a username, user key or accountId)")


def cloud_json(session: Session, jwt_secret: str | None) -> dict[str, Any]:
    """Return the `cloud.json` object that loads back into the same secret and tokens (revoked ones left out)."""
    tokens = [
        {
            "id": row.id,
            "name": row.name,
            "access": row.access,
            "createdAt": row.created_at,
            **({"neverExpire": True} if row.expires_at is None else {"expiresAt": row.expires_at}),
            "owner": row.owner_account_id,
        }
        for row in session.scalars(select(m.Token).where(m.Token.revoked.is_(False)).order_by(m.Token.id))
    ]
    return ({} if jwt_secret is None else {"jwtSecret": jwt_secret}) | {"tokens": tokens}
