"""What the chaos driver's clients were told: acknowledged writes, whole-state changes, namespaces and snapshots.

Whole-state changes (reset, restore, seed) replace the data: a write is checked after the kill only when it was
started and acknowledged inside one data "world" with no whole-state change in flight meanwhile (`clean`). A change
in flight at the kill may or may not have happened, so the writes of the world before it are there all together or
gone all together. Namespaces and snapshots are tracked by name as present, absent or unknown (an unanswered call).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

GONE = None  # an asset's expected name when it was deleted
UNKNOWN = "?"  # a namespace or snapshot whose last call went unanswered


@dataclass
class AssetTrack:
    """One asset the driver created (with the id its create answered), owned by one client thread."""

    asset_id: int
    world: int
    names: list[str | None]  # acknowledged states in order, the last one is expected
    pending: list[str | None] = field(default_factory=list)  # states of calls never answered: may or may not be
    dirty: bool = False  # a call on it overlapped a whole-state change: not checked


@dataclass(frozen=True)
class Stamp:
    """Where a call started: the data world and the whole-state generation (odd while a change is in flight)."""

    world: int
    generation: int


class Model:
    """The shared record of every client's calls in one round (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.world = 0
        self.generation = 0  # odd while a whole-state change is in flight
        self.assets: list[AssetTrack] = []
        self.unanswered_creates: list[str] = []  # names of creates never answered (there or not)
        self.namespaces: dict[str, str] = {}  # name -> "present" / "absent" / UNKNOWN
        self.snapshots: dict[str, str] = {}
        self.pending_change: str | None = None  # the whole-state change in flight, if any
        self.touched: set[str] = set()  # snapshots saved or deleted while a whole-state change ran
        self.in_flight: dict[int, str] = {}  # thread number -> the operation it is in

    def stamp(self) -> Stamp:
        with self.lock:
            return Stamp(self.world, self.generation)

    def clean(self, stamp: Stamp) -> bool:
        """Whether a call started at `stamp` and answered now saw no whole-state change."""
        with self.lock:
            return stamp.generation % 2 == 0 and stamp.generation == self.generation

    def change_started(self, kind: str) -> None:
        with self.lock:
            self.generation += 1
            self.pending_change = kind
            for name in self.snapshots:
                self.snapshots[name] = UNKNOWN

    def change_answered(self, kind: str, applied: bool) -> None:
        """A whole-state change answered: a 2xx starts a new world (a reset also drops every named snapshot)."""
        with self.lock:
            self.generation += 1
            self.pending_change = None
            if applied:
                self.world += 1
                if kind == "reset":  # drops the snapshots, except those saved or deleted while it ran: either
                    self.snapshots = {n: UNKNOWN if n in self.touched else "absent" for n in self.snapshots}
            self.touched.clear()

    def set_named(self, table: dict[str, str], name: str, state: str) -> None:
        with self.lock:
            table[name] = state
            if self.generation % 2 and table is self.snapshots:
                self.touched.add(name)

    def doing(self, thread: int, operation: str | None) -> None:
        with self.lock:
            if operation is None:
                self.in_flight.pop(thread, None)
            else:
                self.in_flight[thread] = operation
