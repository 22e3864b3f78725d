"""Credentials: HTTP Basic users (Data Center). No FastAPI here; `emulator.dialects.http.deps` adapts it."""

from __future__ import annotations

import base64
import binascii
import hmac

from emulator.core.catalog import Catalog, UserInfo
from emulator.core.errors import AuthenticationError


def basic_user(header: str | None, catalog: Catalog) -> UserInfo:
    """The user named by an `Authorization: Basic ...` header, or 401."""
    if not header or not header[:6].lower() == "basic ":
        raise AuthenticationError()
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationError(failed=True) from None
    username, _, password = decoded.partition(":")
    user = catalog.users.get(username)
    # Compare even for unknown users so that timing does not reveal which usernames exist.
    expected = user.password if user is not None else "\0" * max(len(password), 1)
    matches = hmac.compare_digest(expected.encode("utf-8"), password.encode("utf-8"))
    if user is None or not matches or not user.active:
        raise AuthenticationError(failed=True)
    return user
