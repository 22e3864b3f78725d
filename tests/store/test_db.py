"""The engines share one dialect and one cache of compiled statements (`store/db.py` reaches into SQLAlchemy's private
`_compiled_cache` for that, issue 23): checked here, with the bound on SQLAlchemy that makes it safe."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from sqlalchemy import Engine, select, text
from sqlalchemy.engine.interfaces import CacheStats
from sqlalchemy.orm import Session

from emulator.core import writes
from emulator.store import db
from emulator.store.db import ENGINE_ARGS, open_engine
from emulator.store.models import Base, Meta

ROOT = Path(__file__).resolve().parent.parent.parent


def test_two_engines_share_the_dialect_and_the_compiled_statements(tmp_path: Path) -> None:
    one, two = open_engine(tmp_path / "one.db"), open_engine(tmp_path / "two.db")
    query = select(Meta.value).where(Meta.key == "shared-cache-probe")
    try:
        assert one.dialect is two.dialect
        assert one._compiled_cache is two._compiled_cache
        with one.connect() as first:
            first.execute(query)
        with two.connect() as second:
            result = second.execute(query)
            assert result.context.cache_hit is CacheStats.CACHE_HIT
        assert one.url.drivername == two.url.drivername
        assert ENGINE_ARGS == {"connect_args": {"check_same_thread": False}}  # a change here must re-check sharing
    finally:
        one.dispose()
        two.dispose()


def test_sqlalchemy_is_bounded_and_the_pinned_release_is_inside_the_bound() -> None:
    bound = re.findall(r'"sqlalchemy([^"]*)"', (ROOT / "pyproject.toml").read_text())
    pinned = re.findall(r"^SQLAlchemy==([\d.]+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE)

    assert len(bound) == 1
    assert "<" in bound[0]  # an upper bound: the private attribute is re-checked before a new minor release
    assert pinned == [version("sqlalchemy")]
    assert version("sqlalchemy") in SpecifierSet(bound[0])


def _indexes(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {row[0] for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_file_without_a_newer_index_gets_it_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    engine = open_engine(path)
    with engine.begin() as connection:  # as a saved state written before the index was declared
        connection.exec_driver_sql("DROP INDEX ix_asset_values_refs")
    engine.dispose()
    assert "ix_asset_values_refs" not in _indexes(engine)

    reopened = open_engine(path)
    try:
        assert "ix_asset_values_refs" in _indexes(reopened)
        declared = {index.name for table in Base.metadata.tables.values() for index in table.indexes}
        assert declared <= _indexes(reopened)
    finally:
        reopened.dispose()


def test_who_references_an_asset_reads_the_partial_index_and_answers_as_a_scan(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "refs.db")
    rows = [(1, None), (2, "[5]"), (3, "[15, 5]"), (4, "[15]"), (5, "[5]"), (6, "[51]"), (7, None)]
    scan = (
        "SELECT DISTINCT v.asset_id FROM asset_values v NOT INDEXED, json_each(v.ref_ids) r "
        "WHERE v.ref_ids IS NOT NULL AND r.value = :target AND v.asset_id != :target"
    )
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for asset_id, refs in rows:
                connection.exec_driver_sql(
                    "INSERT INTO asset_values (asset_id, form_attribute_id, attribute_id, ref_ids) VALUES (?, 1, 1, ?)",
                    (asset_id, refs),
                )
        with Session(engine) as session:
            plan = session.execute(text("EXPLAIN QUERY PLAN " + writes._REFERENCING.text), _target(5)).all()
            assert any("COVERING INDEX ix_asset_values_refs" in str(step) for step in plan), plan
            for target in (5, 15, 51, 1, 99):
                expected = {row[0] for row in session.execute(text(scan), {"target": target})}
                assert writes.referencing(session, target) == expected
            assert writes.referencing(session, 5) == {2, 3}  # not 5 itself, not 6's [51]
    finally:
        engine.dispose()


def _target(asset_id: int) -> dict[str, object]:
    return {"target": asset_id, "digits": str(asset_id)}


def test_an_index_that_cannot_be_added_is_logged_and_the_file_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "older.db"
    engine = open_engine(path)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_asset_values_refs")
    engine.dispose()
    failing = text("CREATE INDEX ix_asset_values_refs ON no_such_table (asset_id)")  # as a full disk would fail it
    monkeypatch.setattr(db, "CreateIndex", lambda _index, if_not_exists: failing)

    reopened = open_engine(path)
    try:
        assert "ix_asset_values_refs" not in _indexes(reopened)
        with Session(reopened) as session:
            assert writes.referencing(session, 5) == set()  # the query answers without it
        assert "index ix_asset_values_refs not added" in caplog.text
    finally:
        reopened.dispose()
