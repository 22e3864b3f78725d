"""The read-only queries `compare` asks both sides: the vendor's examples, the metadata reads, each field type's
wildcard, phrase, range, list, sort and paging, the `genericKeyword` operators and the error cases.

The battery is built from what the data holds (forms, attributes, a sample of assets), so each query finds something.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.core.types import AttributeType, FieldType, search_type
from emulator.dialects.http import examples

API = "/rest/jip-api/1.0"
SEARCH = API + "/index/query.json"
EARLY, LATE = "2000-01-01", "2030-12-31T23:59"
READS = ("/form/list.json", "/attribute/list.json", "/schema/objectSchemas.json", "/location.json")


@dataclass(frozen=True)
class Query:
    """One request of the battery: a name for the report, the method, path and JSON body."""

    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)


def search(name: str, params: list[dict[str, Any]] | None = None, **top: Any) -> Query:
    """A search in the vendor's shape, sorted by id unless told otherwise (ties would make the order arbitrary)."""
    body: dict[str, Any] = {
        "searchType": "basic", "listType": "detail", "genericKeyword": None, "queryIndexSearchParams": params or [],
        "pageNumber": 1, "pageSize": 25, "sortDirection": "asc", "sortField": "asset.id", "sortType": "LONG",
    }  # fmt: skip
    body.update({_camel(k): v for k, v in top.items()})
    return Query(name, "POST", SEARCH, body)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(word.capitalize() for word in rest)


def fixed() -> list[Query]:
    """What every battery asks, whatever the data: examples, reads, system fields, operators, errors."""
    vendor = examples.DC_SEARCH  # the vendor's two documented requests, verbatim
    out = [
        Query("vendor example: one string field", "POST", SEARCH, vendor["one-string-field"]["value"]),
        Query("vendor example: scheme, type, name, id", "POST", SEARCH, vendor["scheme-type-name-id"]["value"]),
    ]
    out += [Query(f"read {path}", "GET", API + path) for path in READS]
    out += [
        search("everything, page 1", page_size=100),
        search("everything, page 3 of 7", page_number=3, page_size=7),
        search("past the last page", page_number=100000, page_size=50),
        search("sort by name desc", sort_field="asset.name", sort_type="STRING", sort_direction="desc"),
        search("sort by created", sort_field="asset.created", sort_type="DATE_TIME"),
        search("asset.id range", [_p("asset.id", "LONG", minNum=1, maxNum=50, range=True)]),
        search("asset.created range", [_p("asset.created", "DATE_TIME", minDate=EARLY, maxDate=LATE, range=True)]),
        search("generic: match all", generic_keyword="*:*"),
        search("error: unknown field", [_p("No Such Field", "STRING", keyword="x*")]),
        search("error: number with a word", [_p("asset.id", "LONG", minNum="abc", range=False)]),
        search("error: unknown field type", [_p("asset.name", "NOPE", keyword="a")]),
        search("error: lucene syntax", generic_keyword="asset.name:(a"),
        search("error: page too large", page_size=100000),
    ]  # fmt: skip
    return out


def _p(field_name: str, field_type: str, **rest: Any) -> dict[str, Any]:
    return {"field": field_name, "fieldType": field_type, **rest}


def from_data(forms: list[dict[str, Any]], assets: list[dict[str, Any]]) -> list[Query]:
    """Per attribute type found on the forms: wildcards, phrase, list, range, sort; generic operators on words."""
    out: list[Query] = []
    seen_types: set[str] = set()
    for name, kind in _attributes(forms):
        if kind in seen_types:
            continue
        sample = _sample(assets, name)
        if sample is None:
            continue
        seen_types.add(kind)
        out += _per_type(name, AttributeType(kind), sample)
    out += _generic(assets)
    forms_named = [f["formName"] for f in forms[:2]]
    out.append(search("form.name list", [_p("form.name", "LIST", keywords=forms_named)]))
    return out


def _attributes(forms: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(p["attribute"]["attributeName"], p["attribute"]["attributeType"]) for f in forms for p in f["attributes"]]


def _sample(assets: list[dict[str, Any]], attribute: str) -> dict[str, Any] | None:
    for asset in assets:
        for item in asset.get("inventoryItems") or []:
            if item["attributeName"] == attribute and item.get("value"):
                found: dict[str, Any] = item
                return found
    return None


def _per_type(name: str, kind: AttributeType, item: dict[str, Any]) -> list[Query]:
    field_type = search_type(kind)
    value = str(item["value"])
    label = f"{kind.value} '{name}'"
    sort = search(f"{label}: sort desc", sort_field=name, sort_type=field_type.value, sort_direction="desc")
    if field_type is FieldType.LIST:
        first = value.split(", ", maxsplit=1)[0]
        return [search(f"{label}: list", [_p(name, "LIST", keywords=[first])]), sort]
    if field_type in {FieldType.LONG, FieldType.DOUBLE}:
        number = float(value)
        ranged = _p(name, field_type.value, minNum=number - 10, maxNum=number + 10, range=True)
        exact = _p(name, field_type.value, minNum=number, range=False)
        return [search(f"{label}: range", [ranged]), search(f"{label}: exact", [exact]), sort]
    if field_type in {FieldType.DATE, FieldType.DATE_TIME}:
        day = value[:10]
        ranged = _p(name, field_type.value, minDate=f"{int(day[:4]) - 1}{day[4:]}", maxDate=day, range=True)
        exact = _p(name, field_type.value, minDate=value, range=False)
        return [search(f"{label}: range", [ranged]), search(f"{label}: exact", [exact]), sort]
    if field_type in {FieldType.ALL_ASSETS_REF, FieldType.ASSETS_REF_BY_FORM} and item.get("inventoryRefs"):
        ref = item["inventoryRefs"][0]
        listed = _p(name, field_type.value, keywords=[f"{ref['name']} #{ref['id']}"])
        return [search(f"{label}: reference", [listed]), sort]
    return [*_text_queries(label, name, field_type, value), sort]


def _text_queries(label: str, name: str, field_type: FieldType, value: str) -> list[Query]:
    words = [w for w in value.replace(",", " ").split() if w.isalnum()] or [value]
    word = words[0]
    kinds = {
        "word": word, "prefix wildcard": word[:2] + "*", "leading wildcard": "*" + word[-2:],
        "one-character wildcard": word[:-1] + "?", "phrase": json.dumps(" ".join(words[:2])),
    }  # fmt: skip
    return [search(f"{label}: {k}", [_p(name, field_type.value, keyword=v)]) for k, v in kinds.items()]


def _generic(assets: list[dict[str, Any]]) -> list[Query]:
    words = sorted({w.lower() for a in assets[:50] for w in a["name"].split() if w.isalpha() and len(w) > 2})[:3]
    if len(words) < 3:
        return []
    a, b, c = words
    shapes = {
        "AND": f"{a} AND {b}", "OR": f"{a} OR {b}", "NOT": f"{a} NOT {b}", "+/-": f"+{a} -{b}",
        "parentheses": f"({a} OR {b}) AND {c}", "field": f"asset.name:{a}*", "fuzzy": f"{a}~1",
        "range": "asset.id:[1 TO 100]", "phrase": json.dumps(f"{a} {b}"),
    }  # fmt: skip
    return [search(f"generic {k}: {v}", generic_keyword=v) for k, v in shapes.items()]


def from_file(path: Path) -> list[Query]:
    """A team's own queries: a JSON array of {name, method?, path?, body} (path defaults to the search route)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = [
        Query(q.get("name", f"{path.name} #{i + 1}"), q.get("method", "POST"), q.get("path", SEARCH), q.get("body"))
        for i, q in enumerate(raw)
    ]
    for query in out:  # compare never writes: only GETs and searches reach the source
        if query.method != "GET" and not (query.method == "POST" and query.path.endswith(SEARCH)):
            raise ValueError(f"{path}: query '{query.name}' is a {query.method} to {query.path}; compare only reads")
    return out
