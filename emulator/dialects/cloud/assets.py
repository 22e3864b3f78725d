"""Cloud asset writes (cloud-api.md §2, §3) turned into the one write path's values: `attributes` by name or id,
`globalAttributes` by display name or id (the DC system fields), users by accountId, references by asset key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from emulator.core import writes
from emulator.core.asset_search import SearchResult, context, search_assets
from emulator.core.catalog import Catalog, UserInfo
from emulator.core.errors import NotFound, ValidationError
from emulator.core.hints import Hints
from emulator.core.types import AttributeType, as_id
from emulator.core.views import AssetView
from emulator.dialects.cloud import query as cloud_query
from emulator.dialects.cloud.attributes import find_global
from emulator.dialects.cloud.query import CloudPage
from emulator.dialects.cloud.schemas import (
    AssetCreate,
    AssetUpdate,
    SearchBody,
    SortParam,
    Values,
)
from emulator.runtime.emulator import Emulator


def asset_id(emu: Emulator, key_or_id: str) -> int:
    """The asset an URL names by key (`LAP-12`) or numeric id, or 404."""
    found = writes.find_asset_id(emu, key_or_id)
    if found is None:
        raise NotFound(f"Asset {key_or_id} does not exist")
    return found


def create(emu: Emulator, user: UserInfo, body: AssetCreate) -> AssetView:
    """Create an asset of `collectionId`."""
    if body.collection_id is None:
        raise ValidationError("collectionId: the collection of the new asset is required", field="collectionId")
    values, paths = to_values(emu.catalog, body.attributes, body.global_attributes, emu.zone)
    with _named_fields(paths):
        return writes.create_asset(emu, user, body.collection_id, body.name, values)


def update(emu: Emulator, user: UserInfo, key_or_id: str, body: AssetUpdate) -> AssetView:
    """Change what the body names; a null value clears it."""
    target = asset_id(emu, key_or_id)
    values, paths = to_values(emu.catalog, body.attributes, body.global_attributes, emu.zone)
    changes: dict[str, Any] = {"values": values}
    if "name" in body.model_fields_set:
        changes["name"] = body.name
    with _named_fields(paths):
        return writes.update_asset(emu, user, target, changes)


def delete(emu: Emulator, user: UserInfo, key_or_id: str) -> None:
    writes.delete_asset(emu, user, asset_id(emu, key_or_id))


def to_values(
    catalog: Catalog, attributes: Values | None, global_attributes: Values | None, zone: ZoneInfo
) -> tuple[dict[str, Any], dict[str, str]]:
    """The write path's values, and for each of its keys the Cloud field that sent it (for 400 answers)."""
    values: dict[str, Any] = {}
    paths: dict[str, str] = {}
    for key, raw in _pairs(attributes, "attributes"):
        attribute = catalog.attributes_by_name.get(key) or (
            catalog.attributes.get(number) if (number := as_id(key)) is not None else None
        )
        is_moment = attribute is not None and attribute.type is AttributeType.DATETIME_PICKER
        values[key], paths[key] = (_local_minute(raw, zone) if is_moment else raw), f"attributes.{key}"
    for key, raw in _pairs(global_attributes, "globalAttributes"):
        found = find_global(key)
        if found is None:
            where = f"globalAttributes.{key}"
            raise ValidationError(f"{where}: unknown global attribute '{key}'", field=where)
        values[found.field.name], paths[found.field.name] = raw, f"globalAttributes.{key}"
    return values, paths


def _pairs(given: Values | None, where: str) -> Iterator[tuple[str, Any]]:
    if given is None:
        return
    if isinstance(given, dict):
        yield from given.items()
        return
    for i, item in enumerate(given):
        key = str(item.id) if item.id is not None else item.name
        if key is None:
            raise ValidationError(f"{where}[{i}]: an attribute value needs an id or a name", field=f"{where}[{i}]")
        yield key, item.value


def _local_minute(raw: Any, zone: ZoneInfo) -> Any:
    """DATETIME values may carry seconds and an offset (ISO-8601); the store keeps local `yyyy-MM-ddTHH:mm`."""
    if not isinstance(raw, str):
        return raw
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return raw  # the write path names the problem
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%dT%H:%M")


@contextmanager
def _named_fields(paths: dict[str, str]) -> Iterator[None]:
    """Re-label the write path's 400s with the Cloud field that caused them, in Cloud words."""
    try:
        yield
    except ValidationError as exc:
        if exc.field == "formId":
            raise ValidationError(
                exc.message.replace("formId: unknown form", "collectionId: unknown collection"), field="collectionId"
            ) from None
        if exc.field is not None:
            dc_field = exc.field
            exc.field = paths.get(dc_field, f"attributes.{dc_field}" if dc_field != "name" else "name")
            exc.message = cloud_words(exc.message, dc_field, exc.field)
        raise


def cloud_words(message: str, dc_field: str, cloud_field: str) -> str:
    """A write-path message as the Cloud API says it: collections, not forms; global attributes by their names."""
    message = message.replace(f"field '{dc_field}'", cloud_field)
    message = message.replace("a JSON array of group names as a string", "a list of group names")
    return re.sub(r" on form (\d+) '", r" on collection \1 '", message)


def search(emu: Emulator, user: UserInfo, body: SearchBody) -> tuple[SearchResult, CloudPage, list[SortParam]]:
    """The Cloud search: validate paging, translate, search the shared index, load the page."""
    page = cloud_query.make_page(body.start_at, body.start, body.max_result, body.max_results)
    hints = Hints(emu.strict)
    query = cloud_query.translate(body, emu.catalog, context(emu), lambda key: writes.find_asset_id(emu, key), hints)
    sort, echo = cloud_query.sort_keys(body.sort_params or [], emu.catalog)
    found = search_assets(emu, user, query, sort, offset=page.offset, limit=page.max_result)
    return replace(found, warnings=tuple(hints.messages)), page, echo


def list_assets(
    emu: Emulator, user: UserInfo, collection_id: int | None, sort_text: str | None, page: CloudPage
) -> tuple[SearchResult, list[SortParam]]:
    """The caller's assets, optionally of one collection, in the order `?sort=` asks (id order by default)."""
    params = cloud_query.parse_sort(sort_text)
    try:
        sort, echo = cloud_query.sort_keys(params, emu.catalog)
    except ValidationError as exc:
        raise ValidationError(exc.message.replace("sortParams[", "sort["), field="sort") from None
    query = SearchBody(collection_ids=None if collection_id is None else [collection_id])
    node = cloud_query.translate(query, emu.catalog, context(emu), lambda key: None)
    return search_assets(emu, user, node, sort, offset=page.offset, limit=page.max_result), echo
