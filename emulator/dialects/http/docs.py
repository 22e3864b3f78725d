"""Swagger UI at `/docs`, served from the installed package so it works without internet.

FastAPI's own `/docs` loads Swagger UI from a CDN; a machine without internet would show a blank page.
`swagger-ui-bundle-v2` ships the Swagger UI 5 dist files (5 is the first to read OpenAPI 3.1, which FastAPI writes).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

DOCS = "/docs"
ASSETS = "/docs/assets"
# Where `GET /` sends a browser: the docs for now, the emulator's web page (/_emulator/ui/) once it exists.
ROOT_REDIRECT = DOCS
router = APIRouter(include_in_schema=False)


@router.get(DOCS)
async def swagger_ui(request: Request) -> HTMLResponse:
    """The Swagger UI page over this app's OpenAPI document, every asset from this server."""
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS}/favicon-32x32.png",
    )


@router.get("/")
async def root(request: Request) -> RedirectResponse:
    """A browser pointed at the server lands somewhere useful."""
    return RedirectResponse(request.scope.get("root_path", "") + ROOT_REDIRECT, status_code=302)


def install(app: FastAPI) -> None:
    """Serve the Swagger UI page and its assets on `app`."""
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui-assets")
