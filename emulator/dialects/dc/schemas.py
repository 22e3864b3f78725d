"""Data Center wire shapes (dc-api.md §2.3, §3). Field order follows the vendor's own answers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from pydantic.json_schema import SkipJsonSchema

from emulator.core.types import FieldType
from emulator.dialects.http.wire import closed

Scalar = str | int | float
FieldTypeName = Annotated[str | None, closed(FieldType)]
# Any case is read (the query lower-cases it); the document offers the vendor's spelling.
Direction = Annotated[str | None, closed(("asc", "desc"))]


class Wire(BaseModel):
    """camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True)


class SearchParam(Wire):
    """One `QueryIndexSearchParam` as sent; unknown keys are ignored, as Jackson's lenient readers do."""

    field: str | None = None
    field_label: str | None = None
    keyword: Scalar | None = None
    keywords: list[Scalar | None] | None = None
    min_num: float | None = None
    max_num: float | None = None
    min_date: str | None = None
    max_date: str | None = None
    min_relative_date: str | None = None
    max_relative_date: str | None = None
    relative_date: bool | None = None
    field_type: FieldTypeName = None
    range: bool | None = None


class SearchRequest(Wire):
    """The body of `POST /index/query.json`."""

    search_type: str | None = "basic"
    list_type: str | None = "detail"
    generic_keyword: str | None = None
    query_index_search_params: list[SearchParam] | None = None
    mandatory_query_index_search_params: list[SearchParam] | None = None
    or_for_query_index_search_params: bool | None = None
    or_for_mandatory_query_index_search_params: bool | None = None
    page_number: int | None = None
    page_size: int | None = None
    sort_direction: Direction = None
    sort_field: str | None = None
    sort_type: FieldTypeName = None
    resp_time: float | None = None


class PagingInfo(Wire):
    page_record_size: int
    total_records: int
    total_pages: int
    page_number: int
    page_size: int
    has_next: bool


class InventoryRef(Wire):
    id: int
    name: str
    form_id: int
    form_name: str


class ListValue(Wire):
    id: int
    sort_order: int
    attribute_value: str


class InventoryItem(Wire):
    value: str | None
    attribute_name: str
    attribute_type: str
    inventory_refs: list[InventoryRef]
    multi_list_values: list[ListValue]
    attribute_id: int
    id: int
    form_attribute_id: int
    display_value: str | None
    text_values: str | None
    iso_date_value: str | None


class Asset(Wire):
    id: int
    name: str
    sort_order: int
    object_schema_id: int
    object_schema_name: str
    form_id: int
    form_name: str
    created: int | None
    created_formatted: str | None
    creator: str | None
    attachments: str | None
    inventory_items: list[InventoryItem]
    customfield_id: str
    option_id: int
    inventory_item_list_size: int


class SearchResponse(Wire):
    query_index_param: dict[str, Any]
    record_ids: list[None]
    query_paging_info: PagingInfo
    assets: list[Asset]


class Envelope(Wire):
    """The `{success, errorCode, errorMessage, data}` answer of schemes, locations and asset CRUD."""

    success: bool = True
    error_code: str | None = None
    error_message: str | None = None
    data: Any = None


class AttributeValueOption(Wire):
    id: int
    sort_order: int
    attribute_value: str


class AttributeEntry(Wire):
    attribute_name: str
    id: int
    values: list[AttributeValueOption] | None = None


class FormAttributeRef(Wire):
    attribute_name: str
    attribute_type: str
    id: int


class FormAttributeEntry(Wire):
    id: int
    attribute: FormAttributeRef
    sort_order: int


class FormEntry(Wire):
    id: int
    form_name: str
    attributes: list[FormAttributeEntry]


class InventoryUpdate(Wire):
    """The body of `PUT /inventory/{id}.json` (docs/api.md §4): only the keys sent change; `formId` is refused."""

    name: str | None = None
    attributes: dict[str, Any] | None = None
    # Not offered (hidden from the document), only caught: an asset's form is chosen when it is created.
    form_id: SkipJsonSchema[Any] = None


class InventoryWrite(Wire):
    """The body of `POST /inventory.json` (docs/api.md §4)."""

    form_id: int | None = None
    name: str | None = None
    attributes: dict[str, Any] | None = None
