"""Starting an emulator, at once or in a background thread while the server already answers. No FastAPI here.

`aip-emulator serve` listens first and starts the emulator (open or seed the data directory, build the index,
remember the reset baseline) in a `Startup` thread; until it is ready every request is answered 503 with what it is
doing (`describe`) and how far it is (`progress.report()`). A start that fails keeps its error in `failure`, and
`on_failure` lets the server shut down and report it as it reported a failed start before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from emulator.runtime import state
from emulator.runtime.emulator import Emulator
from emulator.util.progress import Progress

log = logging.getLogger("aip_emulator")
RETRY = "retry when /_emulator/health answers 200"
SEEDING_STEPS = ("loading assets", "writing the database")  # only a seed from the fixtures has these


class Startup:
    """One start of one emulator: its progress, whether it is ready and, if it failed, why."""

    def __init__(self, emulator: Emulator, progress: Progress, *, open_store: bool = True) -> None:
        self.emulator = emulator
        self.progress = progress
        self.open_store = open_store  # False: the emulator was handed over started; only the baseline is left
        self.failure: BaseException | None = None
        self.on_ready: Callable[[], None] | None = None
        self.on_failure: Callable[[BaseException], None] | None = None
        self._ready = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        """The emulator is started: requests may be served."""
        return self._ready.is_set()

    @property
    def finished(self) -> bool:
        """The start is over: ready, or failed."""
        return self._finished.is_set()

    def run(self) -> None:
        """Start the emulator here and now; a failure is kept in `failure` and raised."""
        try:
            if self.open_store:
                self.emulator.start(self.progress)
            state.ensure_baseline(self.emulator)
        except BaseException as exc:
            self.failure = exc
            self._finished.set()
            raise
        self._ready.set()
        self._finished.set()

    def begin(self) -> None:
        """Start the emulator in a background thread (a daemon: an interrupted server does not wait for it)."""
        self._thread = threading.Thread(target=self._run_in_background, name="aip-emulator-start", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the start is over; whether it is."""
        return self._finished.wait(timeout)

    def _run_in_background(self) -> None:
        try:
            self.run()
        except BaseException as exc:
            if self.on_failure is None:
                log.error("the emulator could not start: %s", one_line(exc))
            else:
                self.on_failure(exc)
            return
        if self.on_ready is not None:
            self.on_ready()

    def describe(self) -> str:
        """What the start is doing now, in a sentence that says what to do (or why it failed)."""
        if self.failure is not None:
            return f"the emulator could not start: {one_line(self.failure)}"
        return f"{doing(self.progress.report())}; {RETRY}"

    def report(self) -> dict[str, Any]:
        """How far the start is (`Progress.report()`)."""
        return self.progress.report()


def doing(report: dict[str, Any]) -> str:
    """`seeding the data directory: indexing assets 40,000 of 100,000 (ETA 12 s)` from a progress report."""
    step = report["step"]
    if step is None:
        return "opening the data directory"
    seeding = step in SEEDING_STEPS or any(done in SEEDING_STEPS for done in report["stepsDone"])
    phase = "seeding the data directory" if seeding else "rebuilding the search index"
    unit = report["unit"]
    counted = f"{report['done']:,} of {report['total']:,}" + ("" if step.endswith(f"{unit}s") else f" {unit}s")
    eta = report["etaS"]
    return f"{phase}: {step} {counted}" + ("" if eta is None else f" (ETA {eta:.0f} s)")


def one_line(exc: BaseException) -> str:
    """The error's own words: the one-line message of the CLI's errors, else its type and text."""
    message = getattr(exc, "message", None)
    if isinstance(message, str):
        return message
    return str(exc) or type(exc).__name__
