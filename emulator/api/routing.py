"""Route registration shared by the vendor routers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

Handler = Callable[..., Any]


def with_and_without_json(router: APIRouter, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
    """Register a handler at `path.json` (documented) and at `path` (dc-api.md §1: both answer)."""

    def register(handler: Handler) -> Handler:
        router.add_api_route(f"{path}.json", handler, methods=[method], **options)
        router.add_api_route(path, handler, methods=[method], include_in_schema=False, **options)
        return handler

    return register


def json_response(model: BaseModel) -> Response:
    """Serialize a wire model once, here, instead of FastAPI validating it again on the way out."""
    return Response(content=model.model_dump_json(by_alias=True), media_type="application/json")
