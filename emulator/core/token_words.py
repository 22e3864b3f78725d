"""What a refused Bearer header most likely got wrong, in words a Postman or curl user can act on (issue 30).

PyJWT's own words ("Not enough segments", "Invalid header padding") name the parser's step, not the user's slip; the
usual slips are an unresolved Postman variable (`Bearer {{jwtToken}}`), a token pasted with its quotes, `Bearer`
written twice, a token cut short, or a token of another emulator (another secret).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

NO_HEADER = "A Bearer token is required (Authorization: Bearer <token>); the request has no Authorization header"
EMPTY = "A Bearer token is required (Authorization: Bearer <token>); the header names no token after 'Bearer'"
BAD_SIGNATURE = (
    "Invalid token: its signature does not match this emulator's key; it was minted by another emulator "
    "(another data directory or AIP_EMULATOR_JWT_SECRET) or changed after minting"
)
NOT_DECODABLE = (
    "Invalid token: it has a JWT's three parts but they do not decode to a header and claims; "
    "check that the whole token was copied"
)
MINT = "mint a new one: POST /_emulator/tokens"
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_QUOTES = "\"'`"


def missing(header: str | None) -> str:
    """Why a header that is not `Bearer <something>` carries no token."""
    if not header:
        return NO_HEADER
    scheme = header.split(" ", 1)[0]
    if scheme.lower() == "bearer":
        return EMPTY
    return (
        "A Bearer token is required (Authorization: Bearer <token>); "
        f"the header's scheme is {scheme[:20]!r}: the Cloud API takes a Bearer token, not Jira credentials"
    )


def not_a_jwt(token: str) -> str | None:
    """Why `token` cannot be a JWT at all, or None when it has a JWT's shape."""
    if (variable := _VARIABLE.search(token)) is not None:
        name = variable.group(1)
        return (
            f"Invalid token: '{{{{{name}}}}}' is an unresolved variable, not a JWT; "
            f"define '{name}' in the active environment (or mint a token: POST /_emulator/tokens)"
        )
    if token[:1] in _QUOTES or token[-1:] in _QUOTES:
        return "Invalid token: it is wrapped in quotes; send the token without them"
    if token[:7].lower() == "bearer ":
        return "Invalid token: 'Bearer' is written twice; send Authorization: Bearer <token> once"
    if any(c.isspace() for c in token):
        return "Invalid token: it contains whitespace; a JWT is one unbroken line"
    if _JWT.match(token) is None:
        return (
            "Invalid token: not a JWT (three base64url parts joined by dots, header.payload.signature); "
            "check that the whole token was copied"
        )
    return None


def expired(exp_s: int) -> str:
    """An expired token, saying when by the emulator's clock (which a test may have frozen or moved)."""
    return f"Invalid token: it has expired (at {_when(exp_s)}, by the emulator's clock); {MINT}"


def not_yet_valid(nbf_s: int) -> str:
    """A token whose `nbf` (not before) is still ahead of the emulator's clock."""
    return f"Invalid token: it is not valid before {_when(nbf_s)} (its nbf claim), by the emulator's clock"


def not_a_time(name: str, value: object) -> str:
    """A time claim (`exp`, `nbf`, `iat`) that is not a finite JSON number."""
    shown = json.dumps(value)
    shown = shown if len(shown) <= 40 else f"{shown[:40]}..."
    return f"Invalid token: its {name} claim is {shown}, not a time; a JWT's {name} is a number of seconds since 1970"


def _when(seconds: int) -> str:
    """A claim's time in UTC; a time outside the years 1 to 9999 as its seconds."""
    try:
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return f"{seconds} seconds since 1970"


def unknown(token_id: str) -> str:
    """A well-signed token whose id this emulator does not hold: most often one minted before a reset."""
    return (
        f"Invalid token: this emulator holds no token '{token_id[:64]}' (a reset or reseed forgets the tokens "
        f"minted since the baseline); {MINT}"
    )
