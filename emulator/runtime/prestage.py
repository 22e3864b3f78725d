"""The staged database of the last whole-state load, kept for the next (issue 23): a reset's biggest step was
copying the baseline's database into the stage under a new history (`replace.stage`). The staged copy is not needed
once the live database has taken it (`replace.commit`: a finish reads only the plan, the staged stamp and the
index), so it is kept as `PREPARED_DB`, with the identity of the saved state it copies; the next load of that same
saved state takes it back by a rename and writes a new history into it (one small write) instead of copying the
whole database again.

The kept copy is never part of a stage until it is renamed to the staged database and given its new history, after
which the protocol of `emulator.runtime.replace` runs unchanged; a start removes one a crash left
(`replace.recover`). Like a staged copy it is written without syncs: it is copied into the live database before
anything relies on it.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from emulator.runtime import replace
from emulator.runtime.namespace_dirs import Identity
from emulator.search import disk
from emulator.store.db import new_history


class Prestaged:
    """At most one kept staged copy of a saved state's database in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / replace.PREPARED_DB
        self._of: Identity | None = None  # the saved state it copies

    def keep(self, staged: Path, saved: Identity | None) -> None:
        """After the live database took `staged` (a copy of the saved state `saved`; None: of no saved state, a
        seed's scratch): keep it for the next load of that state. Never raises: it runs between the database's switch
        and the index's, so a failure to keep (a full or failing disk) only means the next load copies again."""
        self.discard()
        if saved is not None:
            try:
                staged.rename(self.path)
            except OSError:
                return  # the staged copy stays where the next stage replaces it, as before copies were kept
            self._of = saved
            disk.checkpoint("prestage:kept")

    def take(self, saved: Identity | None, staged: Path) -> str | None:
        """The kept copy of `saved` at `staged`, under a new history (returned); None, and nothing kept, when there
        is none of that saved state."""
        if saved is None or self._of != saved or not self.path.is_file():
            self.discard()
            return None
        self._of = None
        self.path.rename(staged)
        disk.checkpoint("prestage:taken")
        history = new_history()
        replace.set_history(staged, history)
        return history

    def discard(self) -> None:
        """Forget the kept copy (a file that cannot be removed now is never taken again, and a start removes it)."""
        self._of = None
        for path in (self.path, *(self.path.with_name(self.path.name + tail) for tail in ("-journal", "-wal", "-shm"))):
            with suppress(OSError):
                path.unlink(missing_ok=True)
