"""The Cloud search body (cloud-api.md §2) translated into the engine-neutral query tree, sort and page.

Field names a filter or sort may use [chosen]: `id`, `key`, `name`, `collectionId`, `createdAt`, `updatedAt`; an
attribute name or id; a global attribute name or id. `attributes.<name>` and `globalAttributes.<name>` say which one
is meant when both have the name (the seed's "Serial Number"); a bare name means the attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emulator.core import keyword, leaves
from emulator.core.catalog import Catalog
from emulator.core.errors import ValidationError
from emulator.core.fields import SYSTEM_FIELDS, attribute_slug, resolve
from emulator.core.hints import Hints, check_option
from emulator.core.leaves import Context
from emulator.core.system_fields import Kind as SystemKind
from emulator.core.timefmt import parse_point
from emulator.core.types import USER_TYPES, as_id
from emulator.dialects.cloud import attributes as ca
from emulator.dialects.cloud.schemas import OPERATORS, Filter, SearchBody, SortParam
from emulator.search import tree as t
from emulator.search.tree import (
    All,
    FieldSpec,
    Kind,
    Match,
    Node,
    Pattern,
    Range,
    Scope,
    SortKey,
    SortKind,
    and_,
    or_,
)

DEFAULT_SIZE, MAX_SIZE = 50, 100
_BUILT_IN = {
    "id": FieldSpec("id", "id", Kind.NUMBER),
    "key": FieldSpec("key", "key", Kind.TEXT),
    "name": FieldSpec("name", "name", Kind.TEXT),
    "collectionId": FieldSpec("collectionId", "form_id", Kind.NUMBER),
    "createdAt": FieldSpec("createdAt", "created", Kind.DATE_TIME),
    "updatedAt": FieldSpec("updatedAt", "updated", Kind.DATE_TIME),
}
KeyFinder = Callable[[str], int | None]  # asset key or id -> asset id


@dataclass(frozen=True)
class CloudPage:
    start_at: int  # 1-based position of the first asset
    max_result: int

    @property
    def offset(self) -> int:
        return self.start_at - 1


@dataclass(frozen=True)
class Target:
    """A field a filter or sort names: its index field and whether values are users (accountIds)."""

    spec: FieldSpec
    user: bool = False


def make_page(start_at: int | None, start: int | None, max_result: int | None, max_results: int | None) -> CloudPage:
    """startAt counts from 1 (0 is read as 1, default 1); maxResult defaults to 50 and is capped at 100."""
    first = start_at if start_at is not None else start
    size = max_result if max_result is not None else max_results
    if first is not None and first < 0:
        raise ValidationError(f"startAt: {first} is not allowed; positions count from 1", field="startAt")
    if size is not None and size < 0:
        raise ValidationError(f"maxResult: {size} is not allowed; use 0 to {MAX_SIZE}", field="maxResult")
    return CloudPage(max(first or 1, 1), DEFAULT_SIZE if size is None else min(size, MAX_SIZE))


def target(catalog: Catalog, name: str, where: str) -> Target:
    """The field called `name`, or 400 naming `where`."""
    found = _target(catalog, name)
    if found is None:
        raise ValidationError(f"{where}: unknown field '{name}'", field=where)
    return found


def _target(catalog: Catalog, name: str) -> Target | None:
    if name in _BUILT_IN:
        return Target(_BUILT_IN[name])
    scope, _, rest = name.partition(".")
    if rest and scope in ("attributes", "globalAttributes"):
        return _attribute(catalog, rest) if scope == "attributes" else _global(rest)
    return _attribute(catalog, name) or _global(name)


def _attribute(catalog: Catalog, name: str) -> Target | None:
    found = catalog.attributes_by_name.get(name)
    if found is None and (number := as_id(name)) is not None:
        found = catalog.attributes.get(number)
    if found is None:
        return None
    spec = resolve(catalog, found.name)
    return None if spec is None else Target(spec, found.type in USER_TYPES)


def _global(name: str) -> Target | None:
    found = ca.find_global(name)
    if found is None:
        return None
    return Target(SYSTEM_FIELDS[found.field.name], found.field.kind is SystemKind.USER)


def translate(body: SearchBody, catalog: Catalog, ctx: Context, keys: KeyFinder, hints: Hints | None = None) -> Node:
    """collectionIds AND the free-text query AND the filters (AND-ed, or OR-ed when matchAll is false); a filter
    value that names no option, user or asset is reported to `hints` (an error in strict mode)."""
    hints = hints if hints is not None else Hints()
    collections: Node = All()
    if body.collection_ids is not None:
        ids = [Match("form_id", Pattern.exact(str(i)), Scope.VALUE) for i in body.collection_ids]
        collections = or_(*ids)
    query = free_text(body.query, catalog, ctx) if body.query and body.query.strip() else All()
    nodes = [Criterion(catalog, ctx, keys, f"filters[{i}]", hints).node(f) for i, f in enumerate(body.filters or [])]
    filters = and_(*nodes) if body.match_all else (or_(*nodes) if nodes else All())
    return and_(collections, query, filters)


def free_text(text: str, catalog: Catalog, ctx: Context) -> Node:
    """Words AND-ed, each found in the key, the name or any text attribute; `*`, `?` and "phrases" work."""
    slugs = ["key", "name"] + [attribute_slug(a.id) for a in catalog.attributes.values() if a.type in ca.TEXT_TYPES]

    def build(raw: str, quoted: bool) -> Node:
        specs = [FieldSpec(slug, slug, Kind.TEXT) for slug in slugs]
        if quoted:
            return or_(*(leaves.phrase(spec, raw, ctx, "query") for spec in specs))
        return or_(*(leaves.text_term(spec.slug, Pattern.parse(raw)) for spec in specs))

    return keyword.keyword_query(text, build)


class Criterion:
    """Turns one filter into a node."""

    def __init__(self, catalog: Catalog, ctx: Context, keys: KeyFinder, where: str, hints: Hints) -> None:
        self.catalog, self.ctx, self.keys, self.where, self.hints = catalog, ctx, keys, where, hints
        self.field = ""  # the filter's field as the caller named it

    def fail(self, part: str, message: str) -> ValidationError:
        return ValidationError(f"{self.where}.{part}: {message}", field=f"{self.where}.{part}")

    def node(self, f: Filter) -> Node:
        found = target(self.catalog, f.field, f"{self.where}.field")
        self.field = f.field
        operator = f.operator.upper()
        if operator not in OPERATORS:
            raise self.fail("operator", f"unknown operator '{f.operator}'; use one of {', '.join(OPERATORS)}")
        if operator in ("IS_EMPTY", "IS_NOT_EMPTY"):
            exists = t.Exists(found.spec.slug)
            return exists if operator == "IS_NOT_EMPTY" else t.Not(exists)
        if f.value is None:
            raise self.fail("value", f"{operator} needs a value")
        if operator == "IN":
            if not isinstance(f.value, list) or not f.value:
                raise self.fail("value", "IN needs a non-empty list of values")
            return or_(*(self.equals(found, v) for v in f.value))
        if operator in ("EQUALS", "NOT_EQUALS"):
            node = self.equals(found, f.value)
            return node if operator == "EQUALS" else t.Not(node)
        if operator == "CONTAINS":
            return self.contains(found, f.value)
        return self.compare(found, operator, f.value)

    def scalar(self, value: Any) -> str | int | float:
        if isinstance(value, list | dict | bool):
            raise self.fail("value", f"expected a single text or number, got {value!r}")
        return value  # type: ignore[no-any-return]

    def equals(self, found: Target, raw: Any) -> Node:
        value, spec = self.scalar(raw), found.spec
        if found.user:
            user = self.catalog.user(str(value))
            if user is None:
                self.hints.unknown("user", str(value), (), f"{self.where}.value")
            return Match(spec.slug, Pattern.exact(user.key), Scope.VALUE) if user else t.Nothing()
        if spec.kind is Kind.REF:
            asset_id = self.keys(str(value))
            if asset_id is None:
                self.hints.unknown("asset", str(value), (), f"{self.where}.value")
            return Match(spec.slug, Pattern.exact(f"#{asset_id}"), Scope.VALUE) if asset_id else t.Nothing()
        if spec.kind is Kind.NUMBER:
            return leaves.exact_number(spec, value, f"{self.where}.value")
        if spec.kind in (Kind.DATE, Kind.DATE_TIME):
            if isinstance(value, int | float):
                moment = leaves.number(value, f"{self.where}.value")
                return Range(spec.slug, moment, moment)
            text = local_text(str(value), self.ctx)
            return leaves.date_range(spec, text, text, self.ctx, f"{self.where}.value")
        if spec.kind is Kind.LIST:
            check_option(self.hints, self.catalog, spec.name, str(value), f"{self.where}.value", shown=self.field)
        return Match(spec.slug, Pattern.exact(str(value)), Scope.VALUE)

    def contains(self, found: Target, raw: Any) -> Node:
        """Text and option values: a case-insensitive substring; users and references: one of them equals."""
        value, spec = self.scalar(raw), found.spec
        if found.user or spec.kind is Kind.REF:
            return self.equals(found, value)
        if spec.kind not in (Kind.TEXT, Kind.LIST):
            raise self.fail("operator", f"CONTAINS does not apply to '{spec.name}'; use EQUALS, GT, GTE, LT or LTE")
        literal = str(value).replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")
        return Match(spec.slug, Pattern.parse(f"*{literal}*"), Scope.VALUE)

    def compare(self, found: Target, operator: str, raw: Any) -> Node:
        value, spec = self.scalar(raw), found.spec
        if found.user or spec.kind is Kind.REF:
            raise self.fail("operator", f"{operator} does not apply to '{spec.name}'")
        if spec.kind in (Kind.TEXT, Kind.LIST):
            text = str(value).lower()
            return _bounds(operator, text, text, lambda low, high, il, ih: t.TextRange(spec.slug, low, high, il, ih))
        if spec.kind is Kind.NUMBER or isinstance(value, int | float):
            number = leaves.number(value, f"{self.where}.value")
            return _bounds(operator, number, number, lambda low, high, il, ih: Range(spec.slug, low, high, il, ih))
        start, span = parse_point(local_text(str(value), self.ctx), self.ctx.zone, f"{self.where}.value")
        # a date covers its whole day (a date-time its minute): after it means after its end
        return _bounds(operator, start, start + span, lambda low, high, il, ih: Range(spec.slug, low, high, il, False))


def _bounds(operator: str, first: Any, last: Any, make: Callable[[Any, Any, bool, bool], Node]) -> Node:
    if operator == "GT":
        return make(last, None, first != last, True)
    if operator == "GTE":
        return make(first, None, True, True)
    if operator == "LT":
        return make(None, first, True, False)
    return make(None, last, True, first == last)  # LTE


def local_text(value: str, ctx: Context) -> str:
    """An ISO-8601 date-time with an offset, as local `yyyy-MM-ddTHH:mm[:ss]` text in the emulator's zone."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    local = moment.astimezone(ctx.zone)
    return local.strftime("%Y-%m-%dT%H:%M" if local.second == 0 else "%Y-%m-%dT%H:%M:%S")


def sort_keys(params: list[SortParam], catalog: Catalog) -> tuple[list[SortKey], list[SortParam]]:
    """The order asked for and its echo (orders upper-cased); without one, assets come in id order."""
    keys, echo = [], []
    for i, param in enumerate(params):
        found = target(catalog, param.field, f"sortParams[{i}].field")
        order = param.order.upper()
        if order not in ("ASC", "DESC"):
            where = f"sortParams[{i}].order"
            raise ValidationError(f"{where}: '{param.order}' is not ASC or DESC", field=where)
        numeric = found.spec.kind in (Kind.NUMBER, Kind.DATE, Kind.DATE_TIME)
        keys.append(SortKey(found.spec.slug, SortKind.NUMBER if numeric else SortKind.TEXT, order == "DESC"))
        echo.append(SortParam(field=param.field, order=order))
    return keys, echo


def parse_sort(text: str | None) -> list[SortParam]:
    """`?sort=name:ASC,createdAt:DESC` as sort params."""
    out = []
    for part in (text or "").split(","):
        if part.strip():
            field, _, order = part.strip().rpartition(":") if ":" in part else (part.strip(), "", "ASC")
            out.append(SortParam(field=field.strip(), order=order.strip() or "ASC"))
    return out
