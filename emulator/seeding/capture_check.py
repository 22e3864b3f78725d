"""Whether a capture loads: every record read and every cross-reference resolved, into a throwaway in-memory
database, so a capture that `serve` would refuse fails the capture instead of the first start."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from emulator.seeding.load import load_fixtures
from emulator.seeding.read import read_fixtures
from emulator.store.models import Base


def check_loads(directory: Path) -> int:
    """Load the fixture directory into memory and throw it away; the number of assets, or `FixtureError`."""
    engine = create_engine("sqlite://")
    try:
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            count = load_fixtures(session, read_fixtures(directory), ZoneInfo("UTC"))
            session.rollback()
        return count
    finally:
        engine.dispose()
