"""A seed while the emulator serves (`POST /_emulator/seed`): from a fixture directory or a generated data set,
its progress reported by health while it runs; what it seeds becomes what `reset` returns to."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from emulator.core.errors import ValidationError
from emulator.runtime import state
from emulator.runtime.emulator import Emulator
from emulator.seeding.generate import generate
from emulator.seeding.read import FixtureError
from emulator.settings import interactive
from emulator.util.progress import Progress


def seed_fixtures(emu: Emulator, fixtures: Path) -> int:
    """Seed from a fixture directory; the asset count. Broken fixtures are a 400 naming them."""
    with _reported(emu) as progress:
        return _seed(emu, fixtures, progress)


def seed_generated(emu: Emulator, assets: int, generator_seed: int) -> int:
    """Seed a generated data set of `assets` assets (the same set for the same `generator_seed`); the asset count."""
    with _reported(emu) as progress, tempfile.TemporaryDirectory() as scratch:
        generate(Path(scratch), assets, seed=generator_seed, progress=progress)
        return _seed(emu, Path(scratch), progress)


@contextmanager
def _reported(emu: Emulator) -> Iterator[Progress]:
    progress = Progress(show=interactive())
    emu.seeding = progress  # health answers meanwhile (a seed runs in a worker thread) and reports it
    try:
        yield progress
    finally:
        if emu.seeding is progress:  # a second seed started meanwhile reports its own
            emu.seeding = None


def _seed(emu: Emulator, fixtures: Path, progress: Progress) -> int:
    try:
        return state.seed(emu, fixtures, progress)
    except FixtureError as exc:
        raise ValidationError(str(exc), field="fixtures") from None
