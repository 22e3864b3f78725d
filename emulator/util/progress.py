"""How far a long job is: generating, loading, indexing, writing the index. Shown, read, never waited for.

A `Progress` is handed down to every long step. Each step is one `Step` (a name, a unit, a total); the step's
count moves as work is done. In a terminal each step is a progress bar with an ETA on standard error; without one
a line is logged when a step starts and when it ends. Another thread (the health route while the server seeds on
start) reads `report()` at any time: plain attribute reads, no lock.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from tqdm import tqdm

log = logging.getLogger("aip_emulator")


@dataclass
class Step:
    """One long step: `update` as work is done; a context manager that closes its bar."""

    name: str
    unit: str
    total: int
    show: bool
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    _bar: Any = None
    _closed: bool = False

    def __post_init__(self) -> None:
        if self.show:
            self._bar = tqdm(total=self.total, desc=self.name, unit=self.unit)
        else:
            log.info("%s: %d %ss", self.name, self.total, self.unit)

    def update(self, count: int = 1) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)

    def close(self) -> None:
        """End the step (once: closing again does nothing)."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
        else:
            log.info("%s: done in %.1f s", self.name, time.monotonic() - self.started)

    def eta_s(self) -> float | None:
        """Seconds left at the rate so far, once there is a rate."""
        elapsed = time.monotonic() - self.started
        if not self.done or elapsed <= 0:
            return None
        return max(0.0, (self.total - self.done) * elapsed / self.done)

    def __enter__(self) -> Step:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


class Progress:
    """The steps of one job, the current one readable from any thread; `show`: bars in a terminal."""

    def __init__(self, show: bool = False) -> None:
        self.show = show
        self.current: Step | None = None
        self.finished: list[str] = []

    def step(self, name: str, total: int, unit: str) -> Step:
        """Start the next step (the one before it is over)."""
        if self.current is not None:
            self.finished.append(self.current.name)
        self.current = Step(name, unit, total, self.show)
        return self.current

    def report(self) -> dict[str, Any]:
        """Where the job is: the current step with its counts and ETA, and the steps before it."""
        step = self.current
        if step is None:
            return {"step": None, "stepsDone": list(self.finished)}
        eta = step.eta_s()
        return {
            "step": step.name,
            "done": step.done,
            "total": step.total,
            "unit": step.unit,
            "etaS": None if eta is None else round(eta, 1),
            "stepsDone": list(self.finished),
        }


QUIET = Progress()  # for callers that want nothing shown (its report is never read)
