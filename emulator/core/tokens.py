"""Cloud API tokens (cloud-api.md §2): create, list and revoke. The JWT is shown once, when it is created.

The tokens table is the truth; `emu.tokens` is its in-memory copy that every Cloud request is checked against, so each
change here is committed first and then put into the registry.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from emulator.core.catalog import Catalog, UserInfo
from emulator.core.clock import LATEST_MS, Ids
from emulator.core.errors import Conflict, NotFound, ValidationError
from emulator.core.numbers import shown
from emulator.core.token_codec import (
    DEFAULT_LIFETIME_MS,
    NAME_MAX,
    TOKEN_ID_PATTERN,
    Access,
    Caller,
    TokenInfo,
    bearer_caller,
    first_administrator,
    mint,
    token_info,
    token_row,
)
from emulator.core.transaction import storage_answers
from emulator.store import models as m

if TYPE_CHECKING:  # the data set's handle is the runtime's; the rules only take it as an argument
    from emulator.runtime.emulator import Emulator

_TOKEN_ID = re.compile(TOKEN_ID_PATTERN)


def create_token(
    emu: Emulator,
    name: str,
    access: str,
    *,
    expires_at: int | None = None,
    never_expire: bool = False,
    owner_account_id: str | None = None,
    token_id: str | None = None,
) -> tuple[TokenInfo, str]:
    """Store a new token and return it with its JWT."""
    now = emu.clock.now_ms()
    info = TokenInfo(
        id=_token_id(token_id, emu.ids),
        name=_name(name),
        access=_access(access),
        created_at=now,
        expires_at=_expiry(now, expires_at, never_expire),
        owner_account_id=_owner(emu.catalog, owner_account_id).account_id,
    )
    with storage_answers(emu, "the token was not created"), emu.session() as session:
        if session.get(m.Token, info.id) is not None:
            raise Conflict(f"A token with id {info.id!r} already exists", field="id")
        session.add(token_row(info))
        try:
            session.commit()
        except IntegrityError:  # created by a concurrent request since the check above
            raise Conflict(f"A token with id {info.id!r} already exists", field="id") from None
    emu.tokens.put(info)
    return info, mint(info, emu.jwt_secret, minting_tenant(emu))


def minting_tenant(emu: Emulator) -> str:
    """The `tenant` claim of tokens minted here: the setting, plus `/<namespace>` outside the default namespace.

    Tokens carrying the plain tenant (the fixtures' and the default namespace's) are still accepted everywhere their
    id is known (a namespace starts with the default's tokens); one minted in a namespace is refused in any other.
    """
    if emu.settings.namespace == "default":
        return emu.settings.tenant
    return f"{emu.settings.tenant}/{emu.settings.namespace}"


def list_tokens(emu: Emulator) -> list[TokenInfo]:
    """Return the tokens that have not been revoked, oldest first."""
    return [token for token in emu.tokens.all() if not token.revoked]


def revoke_token(emu: Emulator, token_id: str) -> None:
    """Revoke a token: it is refused from the next request on, and no longer listed."""
    with storage_answers(emu, "the token was not revoked"), emu.session() as session:
        row = session.get(m.Token, token_id)
        if row is None or row.revoked:
            raise NotFound(f"No token with id {token_id!r}")
        row.revoked = True
        session.commit()
        info = token_info(row)
    emu.tokens.put(info)


def _token_id(given: str | None, ids: Ids) -> str:
    if given is None:
        return ids.hex()
    if not _TOKEN_ID.match(given):
        raise ValidationError(f"id: {given!r} is not a token id; use 1 to 64 of A-Z a-z 0-9 . _ -", field="id")
    return given


def _name(name: str) -> str:
    if not name.strip():
        raise ValidationError("name: a token needs a name", field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"name: at most {NAME_MAX} characters (got {len(name)})", field="name")
    return name


def _access(access: str) -> Access:
    try:
        return Access(access)
    except ValueError:
        choices = ", ".join(a.value for a in Access)
        raise ValidationError(
            f"access: {access!r} is not an access level; use one of {choices}", field="access"
        ) from None


def _expiry(now: int, expires_at: int | None, never_expire: bool) -> int | None:
    if never_expire:
        if expires_at is not None:
            raise ValidationError("expiresAt: give expiresAt or neverExpire, not both", field="expiresAt")
        return None
    if expires_at is None:  # not past 9999, where the clock stops too (a fixture, an export, hold no later time)
        return min(now + DEFAULT_LIFETIME_MS, LATEST_MS)
    if expires_at <= now:
        raise ValidationError(f"expiresAt: {expires_at} is not in the future (now is {now})", field="expiresAt")
    if expires_at > LATEST_MS:  # beyond what the tokens table and a JWT's date hold
        raise ValidationError(
            f"expiresAt: {shown(expires_at)} is after 9999-12-31 (at most {LATEST_MS}); "
            "give neverExpire: true for a token that does not expire",
            field="expiresAt",
        )
    return expires_at


def _owner(catalog: Catalog, account_id: str | None) -> UserInfo:
    if account_id is None:
        admin = first_administrator(catalog.users.values())
        if admin is None:
            raise ValidationError(
                "ownerAccountId: there is no active administrator to own the token; give ownerAccountId",
                field="ownerAccountId",
            )
        return admin
    owner = next((u for u in catalog.users.values() if u.account_id == account_id), None)
    if owner is None:
        raise ValidationError(f"ownerAccountId: no user has accountId {account_id!r}", field="ownerAccountId")
    return owner


def authenticate(emu: Emulator, header: str | None) -> Caller:
    """The Cloud caller behind an `Authorization` header, checked with this emulator's secret, tokens and clock."""
    return bearer_caller(
        header,
        secret=emu.jwt_secret,
        tenants=(emu.settings.tenant, minting_tenant(emu)),
        registry=emu.tokens,
        catalog=emu.catalog,
        now_ms=emu.clock.now_ms(),
    )
