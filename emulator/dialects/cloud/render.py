"""Domain views rendered as Cloud wire shapes (cloud-api.md §2): typed values, accountIds and asset keys."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from emulator.core.catalog import Catalog, FormInfo
from emulator.core.system_fields import Kind
from emulator.core.types import OPTION_TYPES, REFERENCE_TYPES, AttributeType
from emulator.core.values import AttributeInfo, user_keys
from emulator.core.views import AssetView, AttachmentView, ItemView
from emulator.dialects.cloud import attributes as ca
from emulator.dialects.cloud import schemas as cloud
from emulator.dialects.cloud.query import CloudPage


class Renderer:
    """Renders assets, collections and definitions against one catalog and time zone."""

    def __init__(self, catalog: Catalog, zone: ZoneInfo) -> None:
        self.catalog, self.zone = catalog, zone

    def account(self, username_or_key: str | None) -> str | None:
        """The accountId of a stored username or user key (`system` and unknown names stay as they are)."""
        if username_or_key is None:
            return None
        user = self.catalog.user(username_or_key)
        return user.account_id if user else username_or_key

    # -- assets ----------------------------------------------------------------------------------
    def asset(self, view: AssetView) -> cloud.Asset:
        head = cloud.AssetHead(
            id=view.id, key=view.key, name=view.name, collection_id=view.form.id,
            updated_at=view.updated, updated_by=self.account(view.updated_by),
        )  # fmt: skip
        filled = {item.attribute.id: item for item in view.items}
        attributes = []
        for placement in view.form.placements:
            attribute = self.catalog.attributes[placement.attribute_id]
            item = filled.get(attribute.id)
            value = None if item is None else self.value(item)
            kind = ca.CLOUD_TYPE[attribute.type]
            attributes.append(cloud.AttributeValue(id=attribute.id, name=attribute.name, type=kind, value=value))
        return cloud.Asset(
            asset=head,
            created_by=self.account(view.creator),
            created_at=view.created,
            attachments=len(view.attachments or ()),
            global_attributes=[self.global_value(g, view) for g in ca.GLOBALS],
            attributes=attributes,
        )

    def value(self, item: ItemView) -> Any:
        """A filled attribute's typed value."""
        kind = item.attribute.type
        if kind in OPTION_TYPES:
            texts = [o.value for o in item.options]
            return texts if ca.CLOUD_TYPE[kind] in ca.MULTIPLE else (texts[0] if texts else None)
        if kind in REFERENCE_TYPES:
            return [r.key or str(r.id) for r in item.refs]
        text = item.text
        if text is None:
            return None
        if kind is AttributeType.NUMBER:
            return int(text) if text.lstrip("-").isdecimal() else int(float(text))  # exact past 2**53
        if kind is AttributeType.DECIMAL:
            return float(text)
        if kind is AttributeType.DATETIME_PICKER:
            return datetime.fromisoformat(text).replace(tzinfo=self.zone).isoformat()
        if kind is AttributeType.USER_PICKER:
            return self.account(text)
        if kind is AttributeType.MULTI_USER_PICKER:
            return [self.account(key) for key in user_keys(kind, text)]
        return text

    def global_value(self, found: ca.GlobalAttribute, view: AssetView) -> cloud.AttributeValue:
        raw = view.system[found.field.column]
        return cloud.AttributeValue(id=found.id, name=found.name, type=found.type, value=self._system(found, raw))

    def _system(self, found: ca.GlobalAttribute, raw: Any) -> Any:
        kind = found.field.kind
        if raw is None:
            return None
        if kind in (Kind.STATUS, Kind.SUBSTATUS):
            table = self.catalog.statuses if kind is Kind.STATUS else self.catalog.substatuses
            return table[raw].name if raw in table else raw
        if kind is Kind.USER:
            return self.account(raw)
        if kind is Kind.LOCATION:
            location = self.catalog.locations.get(raw)
            return location.name if location else None
        if kind is Kind.GROUPS:
            return json.loads(raw)
        if kind is Kind.INTEGER:
            return int(raw)
        if kind is Kind.DECIMAL:
            return float(raw)
        return raw

    def attachment(self, file: AttachmentView) -> cloud.Attachment:
        return cloud.Attachment(
            file_name=file.original_file_name, server_file_name=file.server_file_name, size=file.file_size,
            created_at=file.created, created_by=self.account(file.creator),
        )  # fmt: skip

    # -- definitions -----------------------------------------------------------------------------
    def definition(
        self, found: AttributeInfo | ca.GlobalAttribute, required: bool = False
    ) -> cloud.AttributeDefinition:
        if isinstance(found, ca.GlobalAttribute):
            return _definition(ca.global_definition(found, self.catalog))
        return _definition(ca.definition(found, self.catalog, required))

    def collection(self, form: FormInfo) -> cloud.Collection:
        attributes = [self.definition(self.catalog.attributes[p.attribute_id], p.required) for p in form.placements]
        return cloud.Collection(
            id=form.id, name=form.name, description=form.description, key_prefix=form.key_prefix,
            attributes=attributes, created_at=form.created, created_by=self.account(form.created_by),
        )  # fmt: skip


def _definition(d: ca.Definition) -> cloud.AttributeDefinition:
    return cloud.AttributeDefinition(
        id=d.id, name=d.name, type=d.type, required=d.required, multiple=d.multiple,
        options=None if d.options is None else list(d.options),
        reference_collection_ids=None if d.reference_collection_ids is None else list(d.reference_collection_ids),
        **{"global": d.is_global},
    )  # fmt: skip


def asset_page(
    page: CloudPage, total: int, sort: list[cloud.SortParam], views: list[AssetView], render: Renderer
) -> cloud.AssetPage:
    return cloud.AssetPage(
        start_at=page.start_at,
        max_result=page.max_result,
        total=total,
        sort_params=[cloud.SortParamOut(field=s.field, order=s.order) for s in sort],
        assets=[render.asset(v) for v in views],
    )


def values_page(page: CloudPage, values: list[cloud.Collection] | list[cloud.AttributeDefinition]) -> cloud.ValuesPage:
    """One page of an in-memory list (collections, attribute definitions)."""
    chunk = values[page.offset : page.offset + page.max_result]
    return cloud.ValuesPage(start_at=page.start_at, max_result=page.max_result, total=len(values), values=chunk)
