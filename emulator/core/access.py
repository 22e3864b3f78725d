"""What a Cloud API token may do, on its own: the command line names the levels without loading the token codec
(JWT and SQLAlchemy) that checks them."""

from __future__ import annotations

from enum import StrEnum


class Access(StrEnum):
    """What a token may do: READ (GET and search), WRITE (+ assets), ADMIN (+ collections and attributes)."""

    READ = "READ"
    WRITE = "WRITE"
    ADMIN = "ADMIN"
