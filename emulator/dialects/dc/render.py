"""Domain views rendered as Data Center wire shapes (dc-api.md §2.3, §3)."""

from __future__ import annotations

import json
import math
from typing import Any
from zoneinfo import ZoneInfo

from emulator.core.asset_search import Page, SearchResult
from emulator.core.catalog import Catalog, FormInfo, SchemeInfo
from emulator.core.timefmt import format_jira, format_jira_date, parse_point
from emulator.core.types import (
    MULTI_OPTION_TYPES,
    OPTION_TYPES,
    REFERENCE_TYPES,
    USER_TYPES,
    AttributeType,
    dc_attribute_type,
)
from emulator.core.values import AttributeInfo, user_keys
from emulator.core.views import AssetView, AttachmentView, ItemView
from emulator.dialects.dc import schemas as dc
from emulator.util.lru import Lru

# Echoed keys (wire name: attribute): the seed's always (after field, fieldLabel, keyword, keywords), newer ones
# when sent.
_PARAM_KEYS = {
    "fieldType": "field_type",
    "minNum": "min_num",
    "maxNum": "max_num",
    "minDate": "min_date",
    "maxDate": "max_date",
}
_NEWER_PARAM_KEYS = {
    "minRelativeDate": "min_relative_date",
    "maxRelativeDate": "max_relative_date",
    "relativeDate": "relative_date",
}
_NEWER_KEYS = {
    "mandatoryQueryIndexSearchParams": "mandatory_query_index_search_params",
    "orForQueryIndexSearchParams": "or_for_query_index_search_params",
    "orForMandatoryQueryIndexSearchParams": "or_for_mandatory_query_index_search_params",
}
# Rendered assets by the identity of their view (`ViewCache` keeps a view until its asset or the metadata changes;
# a changed catalog is a new object): what was rendered for the same view, catalog, zone and field id is reused.
RENDERED_MAX = 1024
Rendered = tuple[AssetView, Catalog, ZoneInfo, str, dc.Asset]
_rendered: Lru[Rendered] = Lru("dc rendered assets", max_entries=RENDERED_MAX, sizer=lambda _entry: 0)


def search_response(
    request: dc.SearchRequest, result: SearchResult, page: Page, now_ms: int, render: AssetRenderer
) -> dc.SearchResponse:
    """The whole answer of the search endpoint."""
    return dc.SearchResponse(
        query_index_param=echo(request, page, now_ms),
        record_ids=[None] * len(result.assets),
        query_paging_info=paging(result.total, page, len(result.assets)),
        assets=[render.asset(view) for view in result.assets],
    )


def paging(total: int, page: Page, on_page: int) -> dc.PagingInfo:
    pages = math.ceil(total / page.size)
    return dc.PagingInfo(
        page_record_size=on_page,
        total_records=total,
        total_pages=pages,
        page_number=page.number,
        page_size=page.size,
        has_next=page.number < pages,
    )


def echo(request: dc.SearchRequest, page: Page, now_ms: int) -> dict[str, Any]:
    """The request as the vendor echoes it: the seed's keys, newer ones only when sent, the server's clock."""
    sent = request.model_fields_set
    out: dict[str, Any] = {
        "searchType": request.search_type,
        "listType": request.list_type,
        "genericKeyword": request.generic_keyword,
        "queryIndexSearchParams": _params(request.query_index_search_params),
    }
    for key, attr in _NEWER_KEYS.items():
        if attr in sent:
            value = getattr(request, attr)
            out[key] = _params(request.mandatory_query_index_search_params) if key.startswith("mandatory") else value
    out.update(
        {
            "pageNumber": page.number,
            "pageSize": page.size,
            "sortDirection": request.sort_direction or "asc",
            "sortField": request.sort_field,
            "sortType": request.sort_type,
            "respTime": now_ms,
        }
    )
    return out


def _params(params: list[dc.SearchParam] | None) -> list[dict[str, Any]] | None:
    if params is None:
        return None
    return [_param(p) for p in params]


def _param(param: dc.SearchParam) -> dict[str, Any]:
    out: dict[str, Any] = {
        "field": param.field,
        "fieldLabel": param.field_label,
        "keyword": None if param.keyword is None else str(param.keyword),
        "keywords": None if param.keywords is None else [_text(k) for k in param.keywords],
    }
    out.update({key: getattr(param, attr) for key, attr in _PARAM_KEYS.items()})
    out["range"] = bool(param.range)
    sent = param.model_fields_set
    out.update({key: getattr(param, attr) for key, attr in _NEWER_PARAM_KEYS.items() if attr in sent})
    return out


def _text(value: str | int | float | None) -> str | None:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


class AssetRenderer:
    """Renders asset views for one request (the catalog, zone and custom field id it needs)."""

    def __init__(self, catalog: Catalog, zone: ZoneInfo, customfield_id: str) -> None:
        self.catalog, self.zone, self.customfield_id = catalog, zone, customfield_id

    def asset(self, view: AssetView) -> dc.Asset:
        """The asset's wire shape (the one rendered before for the same view and settings, if kept)."""
        found = _rendered.get(id(view))
        if (
            found is not None
            and found[0] is view
            and found[1] is self.catalog
            and found[2:4] == (self.zone, self.customfield_id)
        ):
            return found[4]
        rendered = self._asset(view)
        _rendered.put(id(view), (view, self.catalog, self.zone, self.customfield_id, rendered))
        return rendered

    def _asset(self, view: AssetView) -> dc.Asset:
        items = [self.item(item) for item in view.items]
        return dc.Asset(
            id=view.id,
            name=view.name,
            sort_order=0,
            object_schema_id=view.scheme.id,
            object_schema_name=view.scheme.name,
            form_id=view.form.id,
            form_name=view.form.name,
            created=view.created,
            created_formatted=None if view.created is None else format_jira(view.created, self.zone),
            creator=view.creator,
            attachments=None if view.attachments is None else self.attachments(view.attachments),
            inventory_items=items,
            customfield_id=self.customfield_id,
            option_id=view.option_id,
            inventory_item_list_size=len(items),
        )

    def attachments(self, files: tuple[AttachmentView, ...]) -> str:
        """The attachment list as the JSON text the vendor sends (Jackson's pretty printer, as in the seed)."""
        if not files:
            return "[ ]"
        blocks = []
        for f in files:
            fields = {
                "originalFileName": f.original_file_name,
                "serverFileName": f.server_file_name,
                "fileSize": f.file_size,
                "created": format_jira(f.created, self.zone),
                "creator": f.creator,
            }
            lines = ",\n".join(f" {json.dumps(k)} : {json.dumps(v)}" for k, v in fields.items())
            blocks.append("{\n" + lines + "\n}")
        return "[ " + ", ".join(blocks) + " ]"

    def item(self, item: ItemView) -> dc.InventoryItem:
        value, display, iso = self._values(item)
        refs = [
            dc.InventoryRef(id=r.id, name=r.name, form_id=r.form_id, form_name=self._form(r.form_id)) for r in item.refs
        ]
        multi = item.attribute.type in MULTI_OPTION_TYPES
        options = [dc.ListValue(id=o.id, sort_order=o.sort_order, attribute_value=o.value) for o in item.options]
        return dc.InventoryItem(
            value=value,
            attribute_name=item.attribute.name,
            attribute_type=dc_attribute_type(item.attribute.type),
            inventory_refs=refs,
            multi_list_values=options if multi else [],
            attribute_id=item.attribute.id,
            id=item.id,
            form_attribute_id=item.placement.id,
            display_value=display,
            text_values=value,
            iso_date_value=iso,
        )

    def _form(self, form_id: int) -> str:
        form = self.catalog.forms.get(form_id)
        return form.name if form else ""

    def _values(self, item: ItemView) -> tuple[str | None, str | None, str | None]:
        """(value/textValues, displayValue, isoDateValue) per attribute type (dc-api.md §2.3)."""
        kind = item.attribute.type
        if kind in OPTION_TYPES:
            chosen = ", ".join(o.value for o in item.options)
            return chosen, chosen, None
        if kind in REFERENCE_TYPES:
            names = ", ".join(r.name for r in item.refs)
            return names, names, None
        text = item.text
        if text is None:
            return None, None, None
        if kind is AttributeType.DATE_PICKER:
            return text, format_jira_date(text), text
        if kind is AttributeType.DATETIME_PICKER:
            return text, format_jira(parse_point(text, self.zone, "stored")[0], self.zone), text
        if kind in USER_TYPES:
            users = user_keys(kind, text)
            shown = [user.display_name if (user := self.catalog.user(key)) else key for key in users]
            return ", ".join(users), ", ".join(shown), None
        return text, text, None


def scheme(info: SchemeInfo, forms: list[FormInfo]) -> dict[str, Any]:
    """One entry of `/schema/objectSchemas.json`."""
    return {
        "id": info.id,
        "schemaName": info.name,
        "key": info.key,
        "description": info.description,
        "created": info.created,
        "createdBy": info.created_by,
        "updated": info.updated,
        "updatedBy": info.updated_by,
        "forms": [
            {"id": f.id, "formName": f.name, "sortOrder": f.sort_order, "objectSchemaId": info.id,
             "objectSchemaName": info.name, "cloneFromId": f.clone_from_id}
            for f in forms
        ],
    }  # fmt: skip


def attribute(info: AttributeInfo, catalog: Catalog) -> dict[str, Any]:
    """One entry of `/attribute/list.json`; `values` only for option types."""
    out: dict[str, Any] = {"attributeName": info.name, "id": info.id}
    if info.type in OPTION_TYPES:
        out["values"] = [
            {"id": o.id, "sortOrder": o.sort_order, "attributeValue": o.value} for o in catalog.options_of(info.id)
        ]
    return out


def form(info: FormInfo, catalog: Catalog) -> dict[str, Any]:
    """One entry of `/form/list.json`."""
    placed = []
    for p in info.placements:
        a = catalog.attributes[p.attribute_id]
        ref = {"attributeName": a.name, "attributeType": dc_attribute_type(a.type), "id": a.id}
        placed.append({"id": p.id, "attribute": ref, "sortOrder": p.sort_order})
    return {"id": info.id, "formName": info.name, "attributes": placed}
