"""Large fixture directories are seeded by a child process; its steps and its errors reach the caller."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from emulator.runtime import seeder
from emulator.seeding.generate import generate
from emulator.seeding.read import FixtureError
from emulator.store import models as m
from emulator.store.db import open_engine, session_factory
from emulator.util.progress import Progress


@pytest.mark.slow  # a seeding child process
def test_a_child_seeds_the_database_and_reports_its_steps(tmp_path: Path) -> None:
    generate(tmp_path / "fixtures", 300, seed=3)
    database = tmp_path / "data" / "emulator.db"
    progress = Progress()

    count = seeder.seed_in_child(database, tmp_path / "fixtures", "UTC", progress)

    assert count == 300
    engine = open_engine(database)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(m.Asset)) == 300
    engine.dispose()
    assert progress.finished == ["loading assets"]
    report = progress.report()
    assert report["step"] == "writing the database"
    assert report["done"] == report["total"] > 300


@pytest.mark.slow  # a seeding child process
def test_broken_fixtures_raise_the_same_one_line_error_as_in_process(tmp_path: Path) -> None:
    generate(tmp_path / "fixtures", 10, seed=3)
    first = sorted((tmp_path / "fixtures").glob("assets*.json"))[0]
    records = json.loads(first.read_text())
    records[0]["formId"] = 999_999
    first.write_text(json.dumps(records))

    with pytest.raises(FixtureError) as in_child:
        seeder.seed_in_child(tmp_path / "a" / "emulator.db", tmp_path / "fixtures", "UTC", Progress())

    assert "999999" in str(in_child.value)
    assert "\n" not in str(in_child.value)


def test_only_large_asset_files_are_worth_a_child(tmp_path: Path) -> None:
    generate(tmp_path / "fixtures", 50, seed=3)
    size = sum(p.stat().st_size for p in (tmp_path / "fixtures").glob("assets*.json"))

    assert seeder.worth_a_child(tmp_path / "fixtures", threshold=size)
    assert not seeder.worth_a_child(tmp_path / "fixtures", threshold=size + 1)
    assert not seeder.worth_a_child(Path(__file__).parent)  # the default threshold: megabytes
