"""Cloud API tokens: HS256 JWTs minted and verified here (cloud-api.md §2). No FastAPI here.

A token is valid when its signature checks with the instance secret, its algorithm is HS256, its `iss` and `tenant`
are ours, it has not expired by the emulator's clock, and its `jti` names a known token that was not revoked.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from emulator.core import token_words
from emulator.core.access import Access as Access  # noqa: PLC0414 - named here too; the CLI imports its home
from emulator.core.catalog import Catalog, UserInfo
from emulator.core.clock import Ids
from emulator.core.errors import AuthenticationError, PermissionDenied
from emulator.store import models as m
from emulator.store.db import get_meta, set_meta

ISSUER = "aip-cloud"
ALGORITHM = "HS256"
SECRET_META_KEY = "jwt_secret"  # where the instance secret is kept in the meta table (as runtime.JWT_SECRET)


_RANK = {Access.READ: 1, Access.WRITE: 2, Access.ADMIN: 3}


@dataclass(frozen=True)
class TokenInfo:
    """A token as stored: everything but the JWT string."""

    id: str
    name: str
    access: Access
    created_at: int
    expires_at: int | None
    owner_account_id: str
    revoked: bool = False


@dataclass(frozen=True)
class Caller:
    """Who is calling the Cloud API, with which token."""

    user: UserInfo
    access: Access
    token_id: str

    def require(self, needed: Access) -> None:
        """403 unless the token's access level reaches `needed`."""
        if _RANK[self.access] < _RANK[needed]:
            raise PermissionDenied(f"This token has {self.access} access; {needed} access is required")


class TokenRegistry:
    """The known tokens, in memory (loaded from the database, changed through `emulator.core.tokens`)."""

    def __init__(self) -> None:
        self._tokens: dict[str, TokenInfo] = {}
        self._lock = threading.Lock()

    def replace_all(self, tokens: list[TokenInfo]) -> None:
        with self._lock:
            self._tokens = {t.id: t for t in tokens}

    def put(self, token: TokenInfo) -> None:
        with self._lock:
            self._tokens[token.id] = token

    def get(self, token_id: str) -> TokenInfo | None:
        with self._lock:
            return self._tokens.get(token_id)

    def all(self) -> list[TokenInfo]:
        with self._lock:
            return sorted(self._tokens.values(), key=lambda t: (t.created_at, t.id))


def mint(token: TokenInfo, secret: str, tenant: str) -> str:
    """The JWT for `token` (its claims: jti, iss, sub, tenant, name, access, iat, and exp unless never-expiring)."""
    claims: dict[str, object] = {
        "jti": token.id,
        "iss": ISSUER,
        "sub": token.owner_account_id,
        "tenant": tenant,
        "name": token.name,
        "access": token.access.value,
        "iat": token.created_at // 1000,
    }
    if token.expires_at is not None:
        claims["exp"] = token.expires_at // 1000
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def bearer_caller(
    header: str | None,
    *,
    secret: str,
    tenants: Collection[str],
    registry: TokenRegistry,
    catalog: Catalog,
    now_ms: int,
) -> Caller:
    """The caller behind an `Authorization: Bearer <jwt>` header, or 401 saying why (its tenant one of `tenants`)."""
    if not header or header[:7].lower() != "bearer " or not header[7:].strip():
        raise AuthenticationError(token_words.missing(header))
    claims = _verified_claims(header[7:].strip(), secret)
    if claims["tenant"] not in tenants:
        raise AuthenticationError("Invalid token: it was issued for another tenant")
    exp, nbf = _seconds(claims, "exp"), _seconds(claims, "nbf")
    _seconds(claims, "iat")  # required, and a time too
    if exp is not None and exp * 1000 <= now_ms:  # the emulator's clock, not the wall clock
        raise AuthenticationError(token_words.expired(exp))
    if nbf is not None and nbf * 1000 > now_ms:
        raise AuthenticationError(token_words.not_yet_valid(nbf))
    token = registry.get(str(claims["jti"]))
    if token is None:
        raise AuthenticationError(token_words.unknown(str(claims["jti"])))
    if token.revoked:
        raise AuthenticationError("Invalid token: it has been revoked")
    owner = next((u for u in catalog.users.values() if u.account_id == token.owner_account_id), None)
    if owner is None or not owner.active:
        raise AuthenticationError("Invalid token: its owner is not an active user")
    return Caller(owner, token.access, token.id)


def _verified_claims(token: str, secret: str) -> dict[str, Any]:
    """Return the claims of an HS256 token signed with `secret`; time claims are left to the emulator's clock."""
    if (why := token_words.not_a_jwt(token)) is not None:
        raise AuthenticationError(why)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            # PyJWT would judge exp, iat and nbf by the wall clock; a frozen or shifted emulator clock must decide.
            options={
                "require": ["jti", "iss", "sub", "tenant", "access", "iat"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidAlgorithmError:
        raise AuthenticationError(f"Invalid token: its algorithm is not accepted; tokens are {ALGORITHM}") from None
    except jwt.InvalidSignatureError:
        raise AuthenticationError(token_words.BAD_SIGNATURE) from None
    except jwt.DecodeError:
        raise AuthenticationError(token_words.NOT_DECODABLE) from None
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"Invalid token: {exc}") from None
    return claims


def _seconds(claims: dict[str, Any], name: str) -> int | None:
    """A time claim in whole seconds since 1970 (a JSON number: not text, true or NaN), None when absent; else 401."""
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AuthenticationError(token_words.not_a_time(name, value))
    return int(value)


# -- the tokens table and the default owner (no running emulator needed) --
ADMIN_GROUP = "jira-administrators"
DAY_MS = 86_400_000
DEFAULT_LIFETIME_MS = 30 * DAY_MS  # control-api.md: without expiresAt or neverExpire a token lasts 30 days
TOKEN_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"  # the id is a URL path segment (DELETE /_emulator/tokens/{id})
NAME_MAX = 255


class Member(Protocol):
    """What the default-owner rule reads of a user (a catalog user or a fixture record)."""

    @property
    def username(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def groups(self) -> Collection[str]: ...


U = TypeVar("U", bound=Member)


def first_administrator(users: Iterable[U]) -> U | None:
    """Return the default token owner: the first active jira-administrators member by username."""
    admins = [u for u in users if u.active and ADMIN_GROUP in u.groups]
    return min(admins, key=lambda u: u.username, default=None)


def instance_secret(session: Session, ids: Ids) -> str:
    """The secret Cloud tokens are signed with: generated on first use and kept in the database."""
    secret = get_meta(session, SECRET_META_KEY)
    if secret is None:
        secret = ids.secret()
        set_meta(session, SECRET_META_KEY, secret)
        session.commit()
    return secret


def stored_tokens(session: Session) -> list[TokenInfo]:
    """Every token of the tokens table, as the registry holds them."""
    return [token_info(row) for row in session.scalars(select(m.Token))]


def token_info(row: m.Token) -> TokenInfo:
    """Return a stored token as the registry holds it."""
    return TokenInfo(
        row.id, row.name, Access(row.access), row.created_at, row.expires_at, row.owner_account_id, row.revoked
    )


def token_row(info: TokenInfo) -> m.Token:
    """Return the table row of a token."""
    return m.Token(
        id=info.id,
        name=info.name,
        access=info.access.value,
        created_at=info.created_at,
        expires_at=info.expires_at,
        owner_account_id=info.owner_account_id,
        revoked=info.revoked,
    )
