"""The next reset's staged database, made ahead (issue 23): a reset's biggest step was copying the baseline's
database into the stage under a new history (`replace.stage`); after a reset, a thread makes that copy for the
next one (`PREPARED_DB`), and the next reset takes it by a rename when it is a copy of the same saved state.

The prepared copy is never part of a stage until it is renamed to the staged database, after which the protocol of
`emulator.runtime.replace` runs unchanged; a start removes one a crash left (`replace.recover`). It is written like
a staged copy (no syncs: it is copied into the live database before anything relies on it). SQLite's backup runs
without the interpreter lock, on the other core while the next calls are served.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from emulator.runtime import replace
from emulator.runtime.namespace_dirs import Identity, identity
from emulator.store.db import new_history

log = logging.getLogger("aip_emulator")


class Prestaged:
    """At most one prepared copy of a saved state's database in `data_dir`, with the history it carries."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / replace.PREPARED_DB
        self._copier: ThreadPoolExecutor | None = None  # one thread, started once: a start costs ~2 ms here
        self._pending: Future[None] | None = None
        self._made: tuple[Identity, str] | None = None  # of which saved state, under which history

    def prepare(self, saved: Path) -> None:
        """Copy the database of the saved state in `saved` in a thread, for the next `take`."""
        self._settle()
        if self._copier is None:
            self._copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aip-prestage")
        self._pending = self._copier.submit(self._copy, saved)

    def take(self, saved: Identity | None, staged: Path) -> str | None:
        """The prepared copy of `saved`, renamed to `staged`: its history; None (and nothing left) otherwise."""
        self._settle()
        made, self._made = self._made, None
        if made is None:
            return None
        if saved is None or made[0] != saved:
            self.discard()
            return None
        self.path.rename(staged)
        return made[1]

    def close(self) -> None:
        """Wait for a copy under way and remove the prepared copy."""
        self._settle()
        if self._copier is not None:
            self._copier.shutdown()
            self._copier = None
        self._made = None
        self.discard()

    def discard(self) -> None:
        for path in (self.path, self.path.with_name(self.path.name + "-journal")):
            path.unlink(missing_ok=True)

    def _settle(self) -> None:
        if self._pending is not None:
            self._pending.result()  # `_copy` raises nothing
            self._pending = None

    def _copy(self, saved: Path) -> None:
        try:
            before, history = identity(saved), new_history()
            self.discard()
            replace.copy_database(saved / replace.DB_FILE, self.path, history)
            if identity(saved) == before:  # else replaced meanwhile: not a copy of one saved state
                self._made = (before, history)
                return
        except Exception as exc:  # a full disk, a vanished baseline: the next reset copies it itself
            log.debug("could not prepare the next reset's database: %s", exc)
        self.discard()
