"""Every asset of the source through paged `index/query.json`, in id order, then the assets they reference."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emulator.seeding.source import Source, SourceError
from emulator.util.progress import QUIET, Progress

SEARCH = "/index/query.json"
REF_BATCH = 100  # referenced assets fetched per search when a slice leaves them out


def query(params: list[dict[str, Any]], page: int, size: int, keyword: str | None = None) -> dict[str, Any]:
    """A search body in the vendor's shape, sorted by asset id so pages never overlap."""
    return {
        "searchType": "basic", "listType": "detail", "genericKeyword": keyword, "queryIndexSearchParams": params,
        "pageNumber": page, "pageSize": size, "sortDirection": "asc", "sortField": "asset.id", "sortType": "LONG",
    }  # fmt: skip


def form_filter(form_ids: list[int]) -> list[dict[str, Any]]:
    return [{"field": "form.id", "keyword": None, "keywords": form_ids, "fieldType": "LIST", "range": False}]


def pages(
    source: Source, api: str, params: list[dict[str, Any]], size: int, limit: int | None, *, progress: Progress = QUIET
) -> Iterator[dict[str, Any]]:
    """The assets page by page, at most `limit`; the progress bar's total is the source's total."""
    first = _page(source, api, params, 1, size)
    total = first["queryPagingInfo"]["totalRecords"]
    wanted = total if limit is None else min(limit, total)
    with progress.step("capture assets", wanted, "asset") as step:
        answer, number, given = first, 1, 0
        while True:
            for asset in answer["assets"][: wanted - given]:
                given += 1
                step.update()
                yield asset
            if given >= wanted or not answer["queryPagingInfo"]["hasNext"]:
                return
            number += 1
            answer = _page(source, api, params, number, size)
            if not answer["assets"]:
                raise SourceError(f"{source.base_url}: page {number} came back empty before the last asset; try again")


def _page(source: Source, api: str, params: list[dict[str, Any]], number: int, size: int) -> dict[str, Any]:
    answer = source.search(api + SEARCH, query(params, number, size))
    if not isinstance(answer, dict) or "queryPagingInfo" not in answer or "assets" not in answer:
        raise SourceError(f"{source.base_url}{api}{SEARCH} did not answer as an AIP search; is this Jira with AIP?")
    result: dict[str, Any] = answer
    return result


def missing_references(assets: list[dict[str, Any]]) -> set[int]:
    """Ids referenced by the captured assets but not among them (a slice by form or by count)."""
    have = {a["id"] for a in assets}
    wanted = {
        ref["id"] for a in assets for item in a.get("inventoryItems") or [] for ref in item.get("inventoryRefs") or []
    }
    return wanted - have


def by_ids(source: Source, api: str, ids: list[int]) -> list[dict[str, Any]]:
    """The assets with these ids, `REF_BATCH` per search (a Lucene `asset.id:(1 2 3)`)."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), REF_BATCH):
        batch = ids[start : start + REF_BATCH]
        keyword = "asset.id:(" + " ".join(str(i) for i in batch) + ")"
        found.extend(source.search(api + SEARCH, query([], 1, len(batch), keyword))["assets"])
    return found


def with_references(source: Source, api: str, assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The slice plus every asset it references, transitively, in id order."""
    out = list(assets)
    missing = missing_references(out)
    while missing:
        fetched = by_ids(source, api, sorted(missing))
        if not fetched:
            break  # the source shows references it does not find: left for the loader to name
        out.extend(fetched)
        missing = missing_references(out)
    return sorted(out, key=lambda a: int(a["id"]))
