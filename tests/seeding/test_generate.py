"""The synthetic fixture generator: loadable, deterministic, and filling every attribute type."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from emulator.core.types import AttributeType
from emulator.runtime.emulator import Emulator
from emulator.seeding import generate as module
from emulator.seeding.generate import generate
from emulator.settings import Settings
from emulator.store import models as m

ASSETS = 50


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.json"))}


def test_generated_fixtures_load_with_every_asset_indexed(tmp_path: Path) -> None:
    generate(tmp_path / "fixtures", ASSETS, seed=7)
    emulator = Emulator(Settings(data_dir=tmp_path / "data", fixtures=tmp_path / "fixtures"))
    emulator.start()
    try:
        with emulator.session() as session:
            assets = session.scalar(select(func.count()).select_from(m.Asset))
            forms = session.scalars(select(m.Asset.form_id).distinct()).all()
            filled = session.scalars(
                select(m.Attribute.type).join(m.AssetValue, m.AssetValue.attribute_id == m.Attribute.id).distinct()
            ).all()
        assert assets == ASSETS
        assert emulator.index.doc_count() == ASSETS
        assert sorted(forms) == [2, 6, 7, 8, 9, 10, 11]  # every form of the default metadata
        cloud_only = {AttributeType.EMAIL.value, AttributeType.MULTI_USER_PICKER.value}  # not in the default metadata
        assert set(filled) == {t.value for t in AttributeType} - cloud_only
    finally:
        emulator.close()


def test_same_seed_writes_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    generate(tmp_path / "a", ASSETS, seed=3)
    generate(tmp_path / "b", ASSETS, seed=3)
    generate(tmp_path / "c", ASSETS, seed=4)

    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a")["assets-0001.json"] != _files(tmp_path / "c")["assets-0001.json"]


def test_assets_are_split_into_chunk_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "CHUNK", 20)
    generate(tmp_path, ASSETS)

    assert sorted(p.name for p in tmp_path.glob("assets*.json")) == [
        "assets-0001.json",
        "assets-0002.json",
        "assets-0003.json",
    ]
