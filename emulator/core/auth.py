"""Credentials: HTTP Basic users (Data Center). No FastAPI here; `emulator.dialects.http.deps` adapts it."""

from __future__ import annotations

import base64
import hmac

from emulator.core.catalog import Catalog, UserInfo
from emulator.core.errors import AuthenticationError


def basic_user(header: str | None, catalog: Catalog) -> UserInfo:
    """The user named by an `Authorization: Basic ...` header, or 401."""
    if not header or not header[:6].lower() == "basic ":
        raise AuthenticationError(reason="no Basic credentials")
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error, UnicodeDecodeError, and non-ASCII characters in the header (obs-text)
        raise AuthenticationError(failed=True, reason="Basic credentials are not base64 of UTF-8") from None
    username, _, password = decoded.partition(":")
    user = catalog.users.get(username)
    # Compare even for unknown users so that timing does not reveal which usernames exist.
    expected = user.password if user is not None else "\0" * max(len(password), 1)
    matches = hmac.compare_digest(expected.encode("utf-8"), password.encode("utf-8"))
    if user is None or not matches or not user.active:
        raise AuthenticationError(failed=True, reason=_why(username, user, matches))
    return user


def _why(username: str, user: UserInfo | None, matches: bool) -> str:
    """The reason a Basic login failed, for the journal (never the password)."""
    if user is None:
        return f"unknown user {username!r}"
    if not matches:
        return f"wrong password for user {username!r}"
    return f"inactive user {username!r}"
