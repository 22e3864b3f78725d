"""Route registration shared by the vendor routers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.convertors import Convertor, register_url_convertor

Handler = Callable[..., Any]
WARNING_HEADER = "X-AIP-Emulator-Warning"


def with_and_without_json(router: APIRouter, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
    """Register a handler at `path.json` (documented) and at `path` (dc-api.md §1: both answer)."""

    def register(handler: Handler) -> Handler:
        router.add_api_route(f"{path}.json", handler, methods=[method], **options)
        router.add_api_route(path, handler, methods=[method], include_in_schema=False, **options)
        return handler

    return register


def json_response(model: BaseModel, warnings: Iterable[str] = ()) -> Response:
    """Serialize a wire model once, here, instead of FastAPI validating it again on the way out; each warning of
    the search behind it (a near miss, a lenient reading: `emulator.core.hints`) becomes a header of its own."""
    response = Response(content=model.model_dump_json(by_alias=True), media_type="application/json")
    for warning in warnings:
        response.headers.append(WARNING_HEADER, header_text(warning))
    return response


# ASCII control characters as escapes: a header value cannot hold them (h11 refused the answer, and the client saw
# the connection close without one, for a filter naming the unknown user "a\nb" or "\u0000").
_CONTROLS = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]}


def header_text(text: str) -> str:
    """`text` as a header value: ASCII, so that every client reads it alike; the rest and controls as escapes."""
    return text.encode("ascii", "backslashreplace").decode("ascii").translate(_CONTROLS)


class RowIdConvertor(Convertor[int]):
    """`{name:rowid}`: an id of at most 18 digits. A longer one matches no route (404) instead of failing in
    `int()` (4300 digits at most) or in SQLite (64-bit integers)."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("rowid", RowIdConvertor())
