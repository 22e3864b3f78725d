"""The DC search request (dc-api.md §2) translated into the engine-neutral query tree, sort and page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from emulator.core import keyword, leaves
from emulator.core.asset_search import Page, SearchResult, context, search_assets
from emulator.core.catalog import Catalog, UserInfo
from emulator.core.errors import ValidationError
from emulator.core.fields import SYSTEM_FIELDS, resolve
from emulator.core.hints import Hints, check_option, field_names
from emulator.core.leaves import Context
from emulator.core.types import FieldType
from emulator.dialects.dc import lucene
from emulator.dialects.dc.schemas import SearchParam, SearchRequest
from emulator.runtime.emulator import Emulator
from emulator.search.tree import (
    All,
    FieldSpec,
    Kind,
    Node,
    Range,
    SortKey,
    SortKind,
    and_,
    or_,
)

_NUMERIC_SORT = {FieldType.LONG, FieldType.DOUBLE, FieldType.DATE, FieldType.DATE_TIME}
_NATURAL_TYPE = {
    Kind.TEXT: FieldType.STRING,
    Kind.LIST: FieldType.LIST,
    Kind.REF: FieldType.ALL_ASSETS_REF,
    Kind.NUMBER: FieldType.DOUBLE,
    Kind.DATE: FieldType.DATE,
    Kind.DATE_TIME: FieldType.DATE_TIME,
}
_PARAMS, _MANDATORY = "queryIndexSearchParams", "mandatoryQueryIndexSearchParams"
FIELD_TYPES = ", ".join(t.value for t in FieldType)


def translate(request: SearchRequest, catalog: Catalog, ctx: Context, hints: Hints | None = None) -> Node:
    """`genericKeyword` AND the params (AND-ed or OR-ed) AND the mandatory params.

    Where `genericKeyword` is read more leniently than Lucene reads it, or a field, sort field or option is
    unknown, `hints` says so (and raises, in strict mode).
    """
    hints = hints if hints is not None else Hints()
    generic: Node = All()
    if request.generic_keyword is not None and request.generic_keyword.strip():
        parsed = lucene.parse(request.generic_keyword, _resolver(catalog, hints), ctx, SYSTEM_FIELDS["asset.content"])
        generic = parsed.node
        for warning in parsed.warnings:
            hints.add(warning)
    r = request
    params = _combine(
        r.query_index_search_params, r.or_for_query_index_search_params, _PARAMS, catalog, ctx, hints=hints
    )
    mandatory = _combine(
        r.mandatory_query_index_search_params,
        r.or_for_mandatory_query_index_search_params,
        _MANDATORY,
        catalog,
        ctx,
        hints=hints,
    )
    return and_(generic, params, mandatory)


def _resolver(catalog: Catalog, hints: Hints) -> Callable[[str], FieldSpec | None]:
    """Field names of `genericKeyword`, an unknown one reported (`*` is Lucene's any field)."""

    def found(name: str) -> FieldSpec | None:
        spec = resolve(catalog, name)
        if spec is None and name != "*":
            hints.unknown("field", name, field_names(catalog), "genericKeyword")
        return spec

    return found


def _combine(
    params: list[SearchParam] | None, use_or: bool | None, where: str, catalog: Catalog, ctx: Context, *, hints: Hints
) -> Node:
    nodes = [param_node(p, f"{where}[{i}]", catalog, ctx, hints) for i, p in enumerate(params or [])]
    if not use_or:
        return and_(*nodes)
    criteria = [node for node in nodes if not isinstance(node, All)]  # an empty criterion restricts nothing
    return or_(*criteria) if criteria else All()


def param_node(param: SearchParam, where: str, catalog: Catalog, ctx: Context, hints: Hints | None = None) -> Node:
    """One `QueryIndexSearchParam`: `fieldType` decides which of its inputs are read (dc-api.md §2)."""
    hints = hints if hints is not None else Hints()
    if not param.field:
        raise ValidationError(f"{where}.field: a field name is required")
    found = resolve(catalog, param.field)
    if found is None:
        hints.unknown("field", param.field, field_names(catalog), f"{where}.field")
    spec = found or FieldSpec(param.field, "", Kind.TEXT)  # unknown: a valid field with no terms
    field_type = _field_type(param.field_type, spec, f"{where}.fieldType")
    if field_type is FieldType.STRING:
        return _string(param, FieldSpec(spec.name, spec.slug, Kind.TEXT), ctx, where)
    if field_type in (FieldType.LONG, FieldType.DOUBLE):
        return _number(param, spec)
    if field_type in (FieldType.DATE, FieldType.DATE_TIME):
        return _date(param, spec, ctx, where)
    kind = Kind.REF if spec.kind is Kind.REF or field_type is not FieldType.LIST else Kind.LIST
    node = _list(param, FieldSpec(spec.name, spec.slug, kind), ctx, where)
    if found is not None and kind is Kind.LIST:
        for value in _list_values(param):
            check_option(hints, catalog, param.field, _keyword_text(value), f"{where}.keywords")
    return node


def _field_type(raw: str | None, spec: FieldSpec, where: str) -> FieldType:
    if raw is None or raw == "":
        return _NATURAL_TYPE[spec.kind]
    try:
        return FieldType(raw)
    except ValueError:
        raise ValidationError(f"{where}: unknown field type '{raw}'; use one of {FIELD_TYPES}") from None


def _string(param: SearchParam, spec: FieldSpec, ctx: Context, where: str) -> Node:
    text = "" if param.keyword is None else str(param.keyword)
    if not text.strip():
        return All()

    def build(raw: str, quoted: bool) -> Node:
        if quoted:
            return leaves.phrase(spec, raw, ctx, f"{where}.keyword")
        return leaves.term(spec, raw, ctx, f"{where}.keyword")

    return keyword.keyword_query(text, build)


def _list(param: SearchParam, spec: FieldSpec, ctx: Context, where: str) -> Node:
    terms = [leaves.term(spec, _keyword_text(v), ctx, f"{where}.keywords") for v in _list_values(param)]
    return or_(*terms) if terms else All()


def _list_values(param: SearchParam) -> list[str | int | float]:
    values = [v for v in (param.keywords or []) if v is not None and str(v).strip()]
    if not values and param.keyword is not None and str(param.keyword).strip():
        values = [param.keyword]
    return values


def _keyword_text(value: str | int | float) -> str:
    """Numbers are accepted as keywords ([client]: `form.id` with `[14]`)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(param: SearchParam, spec: FieldSpec) -> Node:
    if param.range:
        if param.min_num is None and param.max_num is None:
            return All()
        return Range(spec.slug, param.min_num, param.max_num)
    if param.min_num is None:
        return All()
    return Range(spec.slug, param.min_num, param.min_num)


def _date(param: SearchParam, spec: FieldSpec, ctx: Context, where: str) -> Node:
    if param.relative_date:
        low, high = param.min_relative_date or None, param.max_relative_date or None
        if low is None and high is None:
            return All()
        return leaves.relative_range(spec, low, high, ctx, f"{where}.minRelativeDate/maxRelativeDate")
    low = param.min_date or None
    high = (param.max_date or None) if param.range else low
    if low is None and high is None:
        return All()
    return leaves.date_range(spec, low, high, ctx, f"{where}.minDate/maxDate")


def sort_keys(request: SearchRequest, catalog: Catalog, hints: Hints | None = None) -> list[SortKey]:
    """The order asked for; without a sort field, assets come in id order (also for an unknown one, reported)."""
    direction = (request.sort_direction or "asc").lower()
    if direction not in ("asc", "desc"):
        raise ValidationError(f"sortDirection: '{request.sort_direction}' is not asc or desc")
    if not request.sort_field:
        return []
    spec = resolve(catalog, request.sort_field)
    sort_type = _field_type(request.sort_type, spec or FieldSpec("", "", Kind.TEXT), "sortType")
    if spec is None:
        (hints or Hints()).unknown("sort field", request.sort_field, field_names(catalog), "sortField")
        return []
    kind = SortKind.NUMBER if sort_type in _NUMERIC_SORT else SortKind.TEXT
    return [SortKey(spec.slug, kind, descending=direction == "desc")]


def page(request: SearchRequest, max_size: int) -> Page:
    """The page a search asks for."""
    return make_page(request.page_number, request.page_size, max_size)


def make_page(number: int | None, size: int | None, max_size: int) -> Page:
    """A 1-based page number (default 1) and a size (default 15) up to the configured maximum, or 400."""
    number = 1 if number is None else number
    size = 15 if size is None else size
    if number < 1:
        raise ValidationError(f"pageNumber: {number} is not allowed; pages count from 1")
    if size < 1 or size > max_size:
        raise ValidationError(f"pageSize: {size} is not allowed; use 1 to {max_size}")
    return Page(number, size)


def search(emu: Emulator, user: UserInfo, request: SearchRequest) -> tuple[SearchResult, Page]:
    """The DC search endpoint's work: validate paging, translate, search, load the page."""
    chosen = page(request, emu.settings.max_page_size)
    hints = Hints(emu.strict)
    query = translate(request, emu.catalog, context(emu), hints)
    sort = sort_keys(request, emu.catalog, hints)
    found = search_assets(emu, user, query, sort, offset=chosen.offset, limit=chosen.size)
    return replace(found, warnings=tuple(hints.messages)), chosen
