"""Fixtures of the core's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.testing import copy_data_dir


@pytest.fixture
def emu(seeded_template: Path, tmp_path: Path) -> Iterator[Emulator]:
    """A started emulator of its own, on a copy of the seeded default data directory (no app, no HTTP)."""
    emulator = Emulator(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")))
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.close()
