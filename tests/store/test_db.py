"""The engines share one dialect and one cache of compiled statements (`store/db.py` reaches into SQLAlchemy's private
`_compiled_cache` for that, issue 23): checked here, with the bound on SQLAlchemy that makes it safe."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from packaging.specifiers import SpecifierSet
from sqlalchemy import select
from sqlalchemy.engine.interfaces import CacheStats

from emulator.store.db import ENGINE_ARGS, open_engine
from emulator.store.models import Meta

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
