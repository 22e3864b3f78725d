"""`app.dependency_overrides` on routes the apps of one process share (`emulator.app._included`).

FastAPI reads a route's overrides from the provider its router was included with, at request time. Shared
inclusions are made once for every app, so their provider cannot be one app: it is `RequestAppOverrides`, which
answers with the overrides of the app serving the current request (`CURRENT_APP`, set by `NamespaceRouter`).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

CURRENT_APP: ContextVar[Any] = ContextVar("aip_app", default=None)


class RequestAppOverrides:
    """A `dependency_overrides_provider`: the overrides of the app serving this request (none outside one)."""

    @property
    def dependency_overrides(self) -> dict[Any, Any]:
        app = CURRENT_APP.get()
        overrides: dict[Any, Any] = getattr(app, "dependency_overrides", {})
        return overrides
