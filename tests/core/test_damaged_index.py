"""A start that finds an index it cannot use rebuilds it from the database and says why in the log; it never exits
on a damaged index and never serves one. An index from another history of the database (another seed, a restore)
is rebuilt even when its generation looks current."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from emulator.runtime.emulator import Emulator
from emulator.search.files import STAMP_FILE
from emulator.search.tree import All, Match, Pattern
from emulator.seeding.generate import generate
from emulator.settings import Settings
from emulator.store import models as m
from emulator.testing import copy_data_dir


def _started(data_dir: Path, fixtures: Path | None = None) -> Emulator:
    settings = Settings(data_dir=data_dir) if fixtures is None else Settings(data_dir=data_dir, fixtures=fixtures)
    emulator = Emulator(settings)
    emulator.start()
    return emulator


def _every_id(emulator: Emulator) -> list[int]:
    return sorted(emulator.index.search(All(), [], 0, 10_000).asset_ids)


def _database_ids(emulator: Emulator) -> list[int]:
    with emulator.session() as session:
        return sorted(session.scalars(select(m.Asset.id)))


def _stamp(index: Path) -> dict[str, object]:
    stamp: dict[str, object] = json.loads((index / STAMP_FILE).read_text())
    return stamp


def _a_column_file(index: Path) -> Path:
    return next(p for p in sorted(index.iterdir()) if p.name.endswith(".col") and "._stored" not in p.name)


def _remove_a_column_file(index: Path) -> None:
    _a_column_file(index).unlink()


def _truncate_the_toc(index: Path) -> None:
    toc = next(index.glob("_assets_*.toc"))
    toc.write_bytes(toc.read_bytes()[:40])


def _scramble_the_toc_keeping_its_size(index: Path) -> None:
    toc = next(index.glob("_assets_*.toc"))
    toc.write_bytes(b"\x00" * toc.stat().st_size)


def _remove_the_stamp(index: Path) -> None:
    (index / STAMP_FILE).unlink()


def _stamp_another_history(index: Path) -> None:
    (index / STAMP_FILE).write_text(json.dumps(_stamp(index) | {"history": "another"}))


DAMAGE: list[tuple[Callable[[Path], None], str]] = [
    (_remove_a_column_file, "is missing"),
    (_truncate_the_toc, "bytes, the stamp says"),
    (_remove_the_stamp, "no complete search index"),
    (_stamp_another_history, "another history"),
]


@pytest.mark.parametrize(("damage", "reason"), DAMAGE, ids=[d.__name__.lstrip("_") for d, _ in DAMAGE])
def test_a_damaged_index_is_rebuilt_at_start_with_a_log_line_saying_why(
    seeded_template: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    damage: Callable[[Path], None],
    reason: str,
) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    damage(data_dir / "index")

    with caplog.at_level(logging.INFO, logger="aip_emulator"):
        emulator = _started(data_dir)
    try:
        assert _every_id(emulator) == _database_ids(emulator)
        assert emulator.index.doc_count() == 39
        assert emulator.index.search(Match("name", Pattern.parse("printer002")), [], 0, 5).asset_ids == [21]
    finally:
        emulator.close()
    rebuilt = [r for r in caplog.records if "rebuilding the search index" in r.getMessage()]
    assert [r.levelno for r in rebuilt] == [logging.WARNING]
    assert reason in rebuilt[0].getMessage()


# Whoosh leaves the table of contents it failed to read open: its ResourceWarning is Whoosh's, not ours.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_index_that_does_not_open_is_rebuilt_instead_of_ending_the_start(
    seeded_template: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = copy_data_dir(seeded_template, tmp_path / "data")
    index = data_dir / "index"
    _scramble_the_toc_keeping_its_size(index)

    with caplog.at_level(logging.INFO, logger="aip_emulator"):
        emulator = _started(data_dir)
    try:
        assert emulator.index.doc_count() == 39
    finally:
        emulator.close()
    assert "the search index cannot be opened" in caplog.text


def test_another_data_sets_index_at_the_same_generation_is_rebuilt_not_served(tmp_path: Path) -> None:
    generated = tmp_path / "generated"
    generate(generated, 30, seed=1)
    first = _started(tmp_path / "default")
    first.close()
    second = _started(tmp_path / "other", generated)
    second.close()
    shutil.rmtree(tmp_path / "other" / "index")
    shutil.copytree(tmp_path / "default" / "index", tmp_path / "other" / "index")  # both at generation 1

    served = _started(tmp_path / "other", generated)
    try:
        assert _every_id(served) == _database_ids(served)
        assert served.index.doc_count() == 30
        assert served.index.search(Match("name", Pattern.parse("printer002")), [], 0, 5).asset_ids == []
    finally:
        served.close()
