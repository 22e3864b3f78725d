"""Cloud wire shapes (cloud-api.md §2). Request bodies reject unknown keys; answers keep the contract's key order."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.json_schema import SkipJsonSchema

from emulator.dialects.cloud.attributes import CloudType
from emulator.dialects.http.wire import closed, typed

OPERATORS = ("EQUALS", "NOT_EQUALS", "CONTAINS", "IN", "GT", "GTE", "LT", "LTE", "IS_EMPTY", "IS_NOT_EMPTY")
ORDERS = ("ASC", "DESC")
# Validated by the routes (so a wrong type is their 400 naming the field), documented as the text it must be.
Name = Annotated[Any, typed({"type": "string", "minLength": 1})]
TypeName = Annotated[str | None, closed(CloudType)]


class Wire(BaseModel):
    """camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True)


class Strict(Wire):
    """A request body whose unknown keys are a 400 naming them."""

    model_config = ConfigDict(extra="forbid")


# -- requests ------------------------------------------------------------------------------------
class AttributeValueIn(Strict):
    """The array form of an attribute value: `{"id": 61, "value": "Dell"}` or `{"name": "Vendor", ...}`."""

    id: int | None = None
    name: str | None = None
    type: str | None = None  # ignored: the definition decides
    value: Any = None


Values = dict[str, Any] | list[AttributeValueIn]


class AssetCreate(Strict):
    collection_id: int | None = None
    name: Name = None
    attributes: Values | None = None
    global_attributes: Values | None = None


class AssetUpdate(Strict):
    name: Name = None
    attributes: Values | None = None
    global_attributes: Values | None = None


class Filter(Strict):
    field: str
    operator: Annotated[str, closed(OPERATORS, nullable=False)]  # any case: the query upper-cases it
    value: Any = None


class SortParam(Wire):
    field: str
    order: Annotated[str, closed(ORDERS, nullable=False)] = "ASC"


class SearchBody(Strict):
    collection_ids: list[int] | None = None
    query: str | None = None
    filters: list[Filter] | None = None
    match_all: bool = True
    start_at: int | None = None
    start: int | None = None  # alias of startAt
    max_result: int | None = None
    max_results: int | None = None  # alias of maxResult
    sort_params: list[SortParam] | None = None


class PlacementIn(Strict):
    id: int
    required: bool = False


class CollectionUpdate(Strict):
    """A partial update of a collection; `attributes` replaces its placements."""

    name: str | None = None
    key_prefix: str | None = None
    description: str | None = None
    attributes: list[int | PlacementIn] | None = None
    # Caught, not offered (hidden from the document): a collection's scheme is chosen when it is created.
    scheme_id: SkipJsonSchema[Any] = None


class CollectionWrite(Strict):
    """Create a collection (`name` and `keyPrefix` required)."""

    name: str | None = None
    key_prefix: str | None = None
    description: str | None = None
    scheme_id: int | None = None  # create only; default: the Default Asset Scheme (1)
    attributes: list[int | PlacementIn] | None = None


class AttributeUpdate(Strict):
    """A partial update of an attribute definition: a new name or options; `type` only restated, never changed."""

    name: str | None = None
    type: TypeName = None
    options: list[str] | None = None


class AttributeWrite(Strict):
    """Create an attribute definition (`name` and `type` required), optionally placed on some collections."""

    name: str | None = None
    type: TypeName = None
    options: list[str] | None = None
    reference_collection_ids: list[int] | None = None
    collection_ids: list[int] | None = None  # create only: place it on these collections
    required: bool = False  # create only: required on those collections


# -- answers -------------------------------------------------------------------------------------
class AttributeValue(Wire):
    id: int
    name: str
    type: str
    value: Any


class AssetHead(Wire):
    id: int
    key: str | None
    name: str
    collection_id: int
    updated_at: int | None
    updated_by: str | None


class Asset(Wire):
    asset: AssetHead
    created_by: str | None
    created_at: int | None
    attachments: int
    global_attributes: list[AttributeValue]
    attributes: list[AttributeValue]


class SortParamOut(Wire):
    field: str
    order: str


class AssetPage(Wire):
    start_at: int
    max_result: int
    total: int
    sort_params: list[SortParamOut]
    assets: list[Asset]


class AttributeDefinition(Wire):
    id: int
    name: str
    type: Annotated[str, closed(CloudType, nullable=False)]
    required: bool
    multiple: bool
    options: list[str] | None
    reference_collection_ids: list[int] | None
    global_: bool = Field(alias="global")


class Collection(Wire):
    id: int
    name: str
    description: str | None
    key_prefix: str
    attributes: list[AttributeDefinition]
    created_at: int | None
    created_by: str | None


class ValuesPage(Wire):
    start_at: int
    max_result: int
    total: int
    values: list[Collection] | list[AttributeDefinition]


class Attachment(Wire):
    file_name: str
    server_file_name: str
    size: str
    created_at: int
    created_by: str | None
