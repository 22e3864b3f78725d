"""The reference evaluator: its rules one by one, then side by side with the Whoosh executor on the fixtures."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.core.documents import build_document
from emulator.core.views import iter_all_views
from emulator.runtime.emulator import Emulator
from emulator.search import reference
from emulator.search.tree import (
    All,
    Document,
    Exists,
    FieldValues,
    Match,
    Node,
    Not,
    Pattern,
    Phrase,
    Range,
    Scope,
    SortKey,
    SortKind,
    TextRange,
)
from emulator.settings import Settings
from emulator.testing import copy_data_dir
from tests.helpers import LONG
from tests.search.queries import pages, queries, sort_keys

DOC = Document(
    7,
    {
        "name": FieldValues(texts=("Laptop Alpha-Beta", "10.10.13.22")),
        "ram": FieldValues(texts=("16",), number=16.0),
        "empty": FieldValues(texts=("",)),
        "vendor": FieldValues(texts=("Dell",), sort_text="dell inc"),
    },
)


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (Match("name", Pattern.parse("alpha")), True),  # a word
        (Match("name", Pattern.parse("laptop alpha-beta")), True),  # the whole value
        (Match("name", Pattern.parse("laptop alpha-beta"), Scope.VALUE), True),
        (Match("name", Pattern.parse("alpha"), Scope.VALUE), False),  # a word is not the whole value
        (Match("name", Pattern.parse("10.10.13.22")), True),  # one word, as Lucene's tokenizer keeps it
        (Match("name", Pattern.parse("*pha")), True),
        (Match("name", Pattern.parse("b?ta")), True),
        (Match("name", Pattern.parse("lap*beta")), True),  # a wildcard across the whole value
        (Match("name", Pattern.parse("*")), True),
        (Match("empty", Pattern.parse("*")), False),  # an empty text is no value
        (Match("missing", Pattern.parse("*")), False),
        (Phrase("name", ("alpha", "beta")), True),
        (Phrase("name", ("beta", "10.10.13.22")), True),  # positions run on from one text to the next
        (Phrase("name", ("beta", "alpha")), False),
        (Phrase("name", ()), False),
        (Range("ram", 16, 16), True),
        (Range("ram", 16, None, include_low=False), False),
        (Range("name", None, None), False),  # no number
        (TextRange("vendor", "d", "e"), True),
        (TextRange("vendor", "dell", None, include_low=False), False),
        (Exists("ram"), True),
        (Exists("empty"), False),
        (Not(Exists("missing")), True),
        (All(), True),
    ],
)
def test_one_rule_at_a_time(node: Node, expected: bool) -> None:
    assert reference.matches(DOC, node) is expected


def test_order_puts_missing_values_first_ascending_last_descending_and_ties_by_id() -> None:
    docs = [
        Document(3, {"n": FieldValues(number=5.0), "t": FieldValues(texts=("b",))}),
        Document(1, {"n": FieldValues(number=5.0), "t": FieldValues(texts=("A",))}),
        Document(2, {}),
    ]
    number = SortKey("n", SortKind.NUMBER)

    assert reference.search(docs, All(), [number], 0, 10).asset_ids == [2, 1, 3]
    assert reference.search(docs, All(), [SortKey("n", SortKind.NUMBER, True)], 0, 10).asset_ids == [1, 3, 2]
    assert reference.search(docs, All(), [SortKey("t", SortKind.TEXT)], 0, 10).asset_ids == [2, 1, 3]
    assert reference.search(docs, All(), [number, SortKey("t", SortKind.TEXT, True)], 1, 1).asset_ids == [3]
    assert reference.search(docs, All(), [], 1, 5).total == 3


@pytest.fixture(scope="module")
def fixtures_emulator(seeded_template: Path) -> Iterator[tuple[Emulator, list[Document]]]:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = copy_data_dir(seeded_template, Path(tmp) / "data")
        emu = Emulator(Settings(data_dir=data_dir, flush_interval_ms=3_600_000, flush_batch=10**6))  # no flushes
        emu.start()
        with emu.session() as session:
            docs = [build_document(view, emu.catalog, emu.zone) for view in iter_all_views(session, emu.catalog)]
        try:
            yield emu, docs
        finally:
            emu.close()


@settings(max_examples=300 if LONG else 100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(node=queries, sort=sort_keys, page=pages)
def test_the_whoosh_executor_answers_what_the_reference_evaluator_does(
    fixtures_emulator: tuple[Emulator, list[Document]],
    node: Node,
    sort: list[SortKey],
    page: tuple[int, int],
) -> None:
    emu, docs = fixtures_emulator
    offset, limit = page

    found = emu.index.search(node, sort, offset, limit)

    expected = reference.search(docs, node, sort, offset, limit)
    assert (found.total, found.asset_ids) == (expected.total, expected.asset_ids)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(node=queries, sort=sort_keys, page=pages, layered=st.sets(st.integers(0, 38), max_size=10))
def test_segments_and_the_in_memory_layer_together_answer_what_the_reference_evaluator_does(
    fixtures_emulator: tuple[Emulator, list[Document]],
    node: Node,
    sort: list[SortKey],
    page: tuple[int, int],
    layered: set[int],
) -> None:
    emu, docs = fixtures_emulator
    offset, limit = page
    moved = {docs[i].asset_id: docs[i] for i in layered}  # the same documents, now also in the layer
    state = emu.index._state
    emu.index.apply(state.recent.generation, moved)
    try:
        found = emu.index.search(node, sort, offset, limit)
    finally:
        emu.index._state = state

    expected = reference.search(docs, node, sort, offset, limit)
    assert (found.total, found.asset_ids) == (expected.total, expected.asset_ids)


@pytest.mark.parametrize("raw", ["laptop 1", "laptop*", "*top 1", "dell"])
def test_whole_values_of_the_catch_all_field_are_every_fields(
    fixtures_emulator: tuple[Emulator, list[Document]], raw: str
) -> None:
    """The index keeps no whole values of its own for `content`: they are looked up in every field's."""
    emu, docs = fixtures_emulator
    node = Match("content", Pattern.parse(raw), Scope.VALUE)

    found = emu.index.search(node, [], 0, 50)

    expected = reference.search(docs, node, [], 0, 50)
    assert expected.total > 0
    assert (found.total, found.asset_ids) == (expected.total, expected.asset_ids)
