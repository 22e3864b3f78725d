"""The path a request addresses inside the app: without the root path (and so without a namespace prefix)."""

from __future__ import annotations

from starlette.types import Scope


def route_path(scope: Scope) -> str:
    """What routes, fault rules, journal entries and error shapes are written for: `scope["path"]` minus
    `root_path` (ASGI puts the root path at the front of the path; a `/_ns/{name}` prefix becomes part of it)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root) :] or "/"
    return path
