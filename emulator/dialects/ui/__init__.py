"""The emulator's own web page: static files under `/_emulator/ui/`, a browser client of the public APIs.

Nothing here knows the emulator: the page talks to the same DC, Jira and control routes any client would.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
UI_PATH = "/_emulator/ui"


def install(app: FastAPI, prefix: str = "") -> None:
    """Serve the page at `{prefix}/_emulator/ui/`; `{prefix}/` and the path without its slash redirect there."""
    home = f"{prefix}{UI_PATH}/"

    async def to_the_page(request: Request) -> RedirectResponse:
        """Inside a namespace (`/_ns/w1/`, its prefix in `root_path`) to that namespace's page."""
        return RedirectResponse(request.scope.get("root_path", "") + home, status_code=302)

    app.add_api_route(prefix + "/", to_the_page, methods=["GET"], include_in_schema=False)
    app.add_api_route(prefix + UI_PATH, to_the_page, methods=["GET"], include_in_schema=False)
    app.mount(home, StaticFiles(directory=STATIC, html=True), name=f"ui{prefix}")
