"""Ask both sides every query of the battery and collect the differences (read-only on both sides)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from emulator.cli.compare_battery import SEARCH, Query, fixed, from_data, search
from emulator.cli.compare_diff import Side, differences
from emulator.cli.compare_report import Outcome
from emulator.seeding.source import Source

SAMPLE = 100  # assets read to pick the battery's keywords


def battery(side: Source) -> list[Query]:
    """The standard battery, its keywords taken from `side`'s forms and first assets."""
    forms = side.get("/rest/jip-api/1.0/form/list.json")
    sample = search("sample", page_size=SAMPLE)
    assets = side.search(SEARCH, sample.body or {})["assets"]
    return fixed() + from_data(forms, assets)


def compare(queries: Iterable[Query], source: Source, emulator: Source) -> Outcome:
    """Every difference between the source's answers and the emulator's."""
    outcome = Outcome(source.base_url, emulator.base_url)
    for query in queries:
        outcome.queries.append(query.name)
        mine, theirs = _ask(source, query), _ask(emulator, query)
        outcome.differences += differences(query.name, Side(*mine), Side(*theirs))
    outcome.retries = {"source": source.stats.retries, "emulator": emulator.stats.retries}
    return outcome


def _ask(side: Source, query: Query) -> tuple[int, Any]:
    kwargs: dict[str, Any] = {"params": query.params or None}
    if query.body is not None:
        kwargs["json"] = query.body
    answer = side.call(query.method, query.path, **kwargs)
    return answer.status, answer.body
