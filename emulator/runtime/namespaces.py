"""Namespaces: complete, isolated emulators inside one server (control-api.md, "Namespaces"). No FastAPI here.

Each namespace is an `Emulator` of its own (store, index, catalog, clock, tokens, snapshots and baseline in its own
data directory under `<data dir>/namespaces/<name>/`) with its own request journal and fault rules. The registry
looks an open namespace up without a lock; opening, creating and deleting take the registry's lock, which the
requests of open namespaces never wait for.
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from emulator.core.catalog import Catalog
from emulator.core.errors import Conflict, NotFound, TooManyNamespaces, ValidationError
from emulator.core.faults import Faults
from emulator.core.journal import Journal
from emulator.core.transaction import storage_answers
from emulator.runtime import namespace_dirs as dirs
from emulator.runtime import state
from emulator.runtime.emulator import Emulator, Opened
from emulator.runtime.namespace_names import DEFAULT, check_name
from emulator.settings import Settings

log = logging.getLogger("aip_emulator")
BASELINE_SOURCE = "baseline"
SNAPSHOT_SOURCE = "snapshot:"
SHARED_CATALOGS = 4  # catalogs of saved states kept for the namespaces made from them (as `state.SAVED_CATALOGS`)
Shared = tuple[Catalog, Opened | None]  # what a saved state's first namespace read (`Emulator.opened`: None if wrote)


@dataclass
class Namespace:
    """One namespace while it is open: its emulator, journal and fault rules."""

    name: str
    emulator: Emulator
    journal: Journal
    faults: Faults
    created_at: int
    last_used_at: int = field(default_factory=dirs.wall_ms)
    active: int = 0  # requests under way (changed on the event loop only)

    def touch(self) -> None:
        self.last_used_at = dirs.wall_ms()

    def reset(self) -> None:
        """Back to the baseline: the data (rows and index) as loaded or last seeded, no named snapshots, the clock
        at real time, the strict switch as configured, no fault rules and an empty journal (docs/api.md, "Reset").

        The one reset: `POST /_emulator/reset`, a namespace's reset and the pytest plugin's per-test reset."""
        emu = self.emulator
        state.reset(emu)
        for snapshot in state.listing(emu):  # a test's saved states are its own, not the next test's
            with suppress(NotFound):  # a reset running at the same time deleted it first
                state.delete(emu, snapshot.name)
        emu.clock.release()
        emu.strict = emu.settings.strict
        self.faults.clear()
        self.journal.clear()  # last: nothing this reset did is left in it


def open_namespace(name: str, emulator: Emulator, created_at: int) -> Namespace:
    """Wrap a started emulator with a journal and fault rules of its own."""
    settings = emulator.settings
    journal = Journal(settings.journal_size, settings.journal_body_limit, emulator.clock.now_ms)
    return Namespace(name, emulator, journal, Faults(), created_at)


@dataclass(frozen=True)
class Info:
    name: str
    created_at: int
    last_used_at: int
    assets: int


class Namespaces:
    """Every namespace of a server: `default` (the server's own emulator) and those under `<data dir>/namespaces`."""

    def __init__(self, default: Namespace, settings: Settings) -> None:
        self.settings = settings
        self.default = default
        self.root = settings.data_dir / "namespaces"  # made by the first namespace
        self._open: dict[str, Namespace] = {DEFAULT: default}
        self._names: set[str] = set()  # every namespace on disk
        if self.root.is_dir():
            dirs.leftovers(self.root)
            self._names = {p.name for p in self.root.iterdir() if dirs.is_namespace(p)}
        self._lock = threading.RLock()
        self._shared: dict[dirs.Identity, Shared] = {}  # by saved state (`namespace_dirs.identity`): read once
        self._closed = threading.Event()
        self._sweeper: threading.Thread | None = None

    # -- the request path -------------------------------------------------------------------------
    def active(self) -> int:
        """Requests under way in every open namespace."""
        return sum(found.active for found in list(self._open.values()))

    def peek(self, name: str) -> Namespace | None:
        """The open namespace `name`, without locking (None: not open)."""
        return self._open.get(name)

    def get(self, name: str) -> Namespace:
        """The namespace `name`: open, opened from disk, or created from the default baseline (auto-create)."""
        found = self._open.get(name)
        if found is not None:
            return found
        check_name(name)
        with self._lock:
            found = self._open.get(name)
            if found is not None:
                return found
            if name in self._names:
                return self._load(name)
            if not self.settings.namespaces_auto_create:
                raise NotFound(
                    f"Namespace '{name}' does not exist; create it with POST /_emulator/namespaces "
                    "(creation on first use is off: AIP_EMULATOR_NAMESPACES_AUTO_CREATE=false)"
                )
            return self._create(name, BASELINE_SOURCE)

    # -- the control routes -----------------------------------------------------------------------
    def create(self, name: str, source: str = BASELINE_SOURCE) -> Namespace:
        """Create `name` from the default namespace's baseline or one of its snapshots (409 if it exists)."""
        check_name(name)
        with self._lock:
            if name == DEFAULT or name in self._names:
                raise Conflict(f"Namespace '{name}' already exists", field="name")
            return self._create(name, source)

    def delete(self, name: str, asking: Namespace | None = None) -> None:
        """Close `name` and remove its data from disk; `default` cannot be deleted, nor one with requests under way
        (409; `asking`: the namespace the delete itself was sent in). Closed under them, they answered 500 ('the
        emulator is not started', 'no such table') and wrote into the removed directory."""
        if name == DEFAULT:
            raise Conflict("The default namespace cannot be deleted", field="name")
        with self._lock:
            if name not in self._names:
                raise NotFound(f"Namespace '{name}' does not exist")
            found = self._open.get(name)
            if found is not None and found.active - (found is asking) > 0:
                raise Conflict(f"Namespace '{name}' has requests under way; delete it once they are done")
            self._names.discard(name)
            self._open.pop(name, None)
            if found is not None:
                found.emulator.close()
            dirs.remove(self.root / name)
        log.info("namespace %s deleted", name)

    def listing(self) -> list[Info]:
        """Every namespace, `default` first, then by name."""
        with self._lock:
            names = sorted(self._names)
            infos = [self._info(self.default)]
            for name in names:
                found = self._open.get(name)
                infos.append(self._info(found) if found is not None else self._stored_info(name))
        return infos

    def exists(self, name: str) -> bool:
        return name == DEFAULT or name in self._names

    # -- lifecycle --------------------------------------------------------------------------------
    def close(self) -> None:
        """Close every namespace but `default` (the app closes that one), remembering when each was last used."""
        self._closed.set()
        with self._lock:
            for name, found in list(self._open.items()):
                if name != DEFAULT:
                    self._persist(found)
                    found.emulator.close()
                    del self._open[name]

    def sweep(self) -> None:
        """Persist when open namespaces were last used; delete those idle longer than the setting allows."""
        idle_ms = self.settings.namespace_idle_s * 1000
        now = dirs.wall_ms()
        with self._lock:
            for name, found in list(self._open.items()):
                if name != DEFAULT:
                    self._persist(found)
            for name in sorted(self._names) if idle_ms else ():
                if self._idle_since(name) + idle_ms < now:
                    with suppress(Conflict):  # used again since: not idle after all
                        self.delete(name)
                        log.info("namespace %s idle for more than %s s: deleted", name, self.settings.namespace_idle_s)

    # -- inside -----------------------------------------------------------------------------------
    def _create(self, name: str, source: str) -> Namespace:
        if len(self._names) >= self.settings.max_namespaces:
            raise TooManyNamespaces(
                f"There are already {len(self._names)} namespaces besides 'default', the limit "
                f"AIP_EMULATOR_MAX_NAMESPACES={self.settings.max_namespaces}; delete one "
                "(DELETE /_emulator/namespaces/{name}) or raise the limit"
            )
        now = dirs.wall_ms()
        meta = dirs.Meta(name, now, now, source)
        base = self.default.emulator
        failed = f"namespace '{name}' was not created"
        with base.index.write_lock, storage_answers(base, failed):  # a reseed or a save replaces the source
            saved = state.saved_dir(base, _snapshot_name(source))
            self.root.mkdir(parents=True, exist_ok=True)
            if (self.root / name).exists():  # not a namespace: what a request under way wrote after its delete
                dirs.remove(self.root / name)  # (every create of the name was a 507 'Directory not empty')
            dirs.make(saved, self.root / name, meta)
            identity = dirs.identity(saved)
        self._names.add(name)
        try:
            with storage_answers(base, failed):
                created = self._load(name, identity)
        except BaseException:  # made but not opened: removed again, so the name stays free
            self._names.discard(name)
            dirs.remove(self.root / name)
            raise
        log.info("namespace %s created from %s", name, source)
        return created

    def _load(self, name: str, copied_from: dirs.Identity | None = None) -> Namespace:
        """Open the namespace `name`; one just copied from a saved state shares that state's catalog and what opening
        its database reads, its index's check included (done once: the copy holds the same bytes and files)."""
        directory = self.root / name
        meta = dirs.read_meta(directory)
        emulator = Emulator(self.settings.model_copy(update={"data_dir": directory, "namespace": name}))
        known = self._shared.get(copied_from) if copied_from is not None else None
        if known is not None:  # the metadata of the saved state it was copied from, loaded once for all
            emulator.adopt_catalog(known[0])
            emulator.opened = known[1]
        try:
            emulator.start()
            state.ensure_baseline(emulator)
        except BaseException:
            emulator.close()
            raise
        if copied_from is not None and known is None:  # before a request can reach it and change its metadata
            self._share(copied_from, (emulator.catalog, emulator.opened))
        found = open_namespace(name, emulator, meta.created_at)
        found.last_used_at = max(meta.last_used_at, found.last_used_at)
        self._open[name] = found
        self._start_sweeper()
        return found

    def _share(self, saved: dirs.Identity, shared: Shared) -> None:
        """Keep what was read of a saved state for the next namespace made from it; the least recent out."""
        while len(self._shared) >= SHARED_CATALOGS:
            del self._shared[next(iter(self._shared))]
        self._shared[saved] = shared

    def _persist(self, found: Namespace) -> None:
        directory = self.root / found.name
        if dirs.is_namespace(directory):
            meta = dirs.read_meta(directory)
            if meta.last_used_at != found.last_used_at:
                meta.last_used_at = found.last_used_at
                dirs.write_meta(directory, meta)

    def _idle_since(self, name: str) -> int:
        found = self._open.get(name)
        if found is not None:
            return found.last_used_at if found.active == 0 else dirs.wall_ms()
        return dirs.read_meta(self.root / name).last_used_at

    def _info(self, found: Namespace) -> Info:
        assets, _indexed, _pending = state.counts(found.emulator)
        return Info(found.name, found.created_at, found.last_used_at, assets)

    def _stored_info(self, name: str) -> Info:
        directory = self.root / name
        meta = dirs.read_meta(directory)
        return Info(name, meta.created_at, meta.last_used_at, dirs.stored_assets(directory))

    def _start_sweeper(self) -> None:
        if self._sweeper is None:
            self._sweeper = threading.Thread(target=self._sweep_until_closed, name="aip-namespaces", daemon=True)
            self._sweeper.start()

    def _sweep_until_closed(self) -> None:
        idle = self.settings.namespace_idle_s
        interval = min(5.0, idle / 4) if idle else 5.0
        while not self._closed.wait(interval):
            try:
                self.sweep()
            except Exception:  # a sweep must never end the sweeper
                log.exception("namespace sweep failed")


def _snapshot_name(source: str) -> str:
    if source == BASELINE_SOURCE:
        return state.BASELINE
    if source.startswith(SNAPSHOT_SOURCE) and source != SNAPSHOT_SOURCE:
        return source[len(SNAPSHOT_SOURCE) :]
    raise ValidationError(
        f"from: {source!r} is not a source; use 'baseline' or 'snapshot:<name of a snapshot of the default namespace>'",
        field="from",
    )


def default_created_at(settings: Settings) -> int:
    """When the default namespace's data directory was seeded (its baseline's time)."""
    baseline = Path(settings.data_dir) / "snapshots" / state.BASELINE / "snapshot.json"
    try:
        return int(baseline.stat().st_mtime * 1000)
    except OSError:
        return dirs.wall_ms()
