"""Why a request was refused with a 401, for the journal and the log; the client's answer never says more.

The journal middleware opens a `collecting()` scope around each request; every `AuthenticationError` raised
inside it (in the event loop or in a worker thread, which runs in a copy of the same context) notes its reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from emulator.util import surrogates

_REASONS: ContextVar[list[str] | None] = ContextVar("aip_auth_failure", default=None)


def note(reason: str) -> None:
    """Remember why the current request is refused (no-op outside `collecting`)."""
    reasons = _REASONS.get()
    if reasons is not None:
        reasons.append(surrogates.printable(reason))  # it may repeat a token's claim: the journal answers JSON


@contextmanager
def collecting() -> Iterator[list[str]]:
    """The reasons noted while the block runs, last one last."""
    reasons: list[str] = []
    token = _REASONS.set(reasons)
    try:
        yield reasons
    finally:
        _REASONS.reset(token)
