"""What the OpenAPI document says of a wire field beyond its Python type (issue 30): a closed set's values and the
JSON type of a field that is validated by hand. Validation is left to the routes, which name the field in their
own words; only the document changes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import WithJsonSchema


def closed(values: Iterable[str], *, nullable: bool = True) -> WithJsonSchema:
    """A string field that takes one of `values` (null too when `nullable`)."""
    text: dict[str, Any] = {"type": "string", "enum": list(values)}
    return WithJsonSchema({"anyOf": [text, {"type": "null"}]} if nullable else text)


def typed(schema: dict[str, Any]) -> WithJsonSchema:
    """A field read as `Any` (so a wrong type is the route's own 400) documented as `schema`."""
    return WithJsonSchema(schema)
