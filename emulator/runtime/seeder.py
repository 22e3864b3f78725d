"""Seeding a large fixture directory in a child process, so that the serving process never holds it.

Reading 100k generated assets and turning them into rows takes about 1 GB at its peak; a Python process keeps
most of what it once held (320 MB here, after seeding in-process). From `CHILD_FROM_BYTES` of asset files on, a
child process (`emulator.util.worker`) reads the fixtures, writes the database and commits; its steps reach the
caller's `Progress` through a pipe, and its one-line errors (bad fixtures) are raised here as the same errors.
Smaller fixture directories (the default fixtures, tests) are seeded in this process: a child costs about half a
second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from emulator.runtime import datadir
from emulator.seeding.load import load_fixtures
from emulator.seeding.read import FixtureError, read_fixtures
from emulator.store.db import open_engine, session_factory
from emulator.util import worker
from emulator.util.progress import Progress, Step

CHILD_FROM_BYTES = 8 << 20  # asset files of 8 MB and more (about 15k generated assets) are seeded by a child


class SeedFailed(RuntimeError):
    """The child seeding the database failed for a reason other than the fixtures; carries its traceback."""


def worth_a_child(fixtures: Path, threshold: int = CHILD_FROM_BYTES) -> bool:
    """Whether the asset files of `fixtures` are large enough to seed in a child."""
    return sum(path.stat().st_size for path in fixtures.glob("assets*.json")) >= threshold


def seed_in_child(database: Path, fixtures: Path, zone: str, progress: Progress) -> int:
    """Seed the empty database at `database` from `fixtures` in a spawned child; the number of assets."""
    child = worker.start("emulator.runtime.seeder", str(database), str(fixtures), zone)
    mine = child.inbox
    step: Step | None = None
    try:
        while True:
            message = worker.receive(mine, SeedFailed, "seeding the database")
            kind = message[0]
            if kind == "step":
                if step is not None:
                    step.close()
                step = progress.step(message[1], message[2], message[3])
            elif kind == "update" and step is not None:
                step.update(message[1])
            elif kind == "fixtures":
                raise FixtureError(message[1])
            elif kind == "done":
                return int(message[1])
    finally:
        if step is not None:
            step.close()
        child.close()


def _seed(database: str, fixtures: str, zone: str, conn: worker.Channel) -> None:
    """The child's side: read, write, commit, report."""
    try:
        engine = open_engine(Path(database))
        with session_factory(engine)() as session:
            count = load_fixtures(session, read_fixtures(Path(fixtures)), ZoneInfo(zone), _PipedProgress(conn))
            datadir.record_seed(session, Path(fixtures))
            session.commit()
        engine.dispose()
        conn.send(("done", count))
    except FixtureError as exc:
        conn.send(("fixtures", str(exc)))
    except BaseException as exc:
        worker.report_failure(conn, exc)
    finally:
        conn.close()


class _PipedProgress(Progress):
    """Steps announced to the parent, their counts sent at most every 0.2 s."""

    def __init__(self, conn: worker.Channel) -> None:
        super().__init__(show=False)
        self.conn = conn

    def step(self, name: str, total: int, unit: str) -> Step:
        self.conn.send(("step", name, total, unit))
        return _PipedStep(name, unit, total, False, conn=self.conn)


class _PipedStep(Step):
    def __init__(self, *args: Any, conn: worker.Channel) -> None:
        super().__init__(*args)
        self.conn, self.unsent, self.sent_at = conn, 0, time.monotonic()

    def update(self, count: int = 1) -> None:
        self.unsent += count
        if time.monotonic() - self.sent_at >= 0.2:
            self.flush()

    def flush(self) -> None:
        if self.unsent:
            self.conn.send(("update", self.unsent))
        self.unsent, self.sent_at = 0, time.monotonic()

    def close(self) -> None:
        self.flush()


if __name__ == "__main__":  # the worker: python -m emulator.runtime.seeder <database> <fixtures> <zone>
    _inbox, _outbox, _args = worker.connections(sys.argv[1:])
    _inbox.close()
    _seed(_args[0], _args[1], _args[2], _outbox)
