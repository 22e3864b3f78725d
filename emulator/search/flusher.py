"""The background flush: one thread per index that writes the in-memory layer to Whoosh in batches.

It wakes every `interval_s`, or at once when a write leaves `batch` changes waiting, and calls `flush`; a failing
flush (a full disk, say) is logged and retried at the next wake, its changes staying in the layer and searchable
meanwhile. Between flushes it calls `maintain`, which releases readers no search uses any more. `stop` ends the
thread and waits for it; nothing is flushed on the way out (the database's change log replays what was waiting).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("aip_emulator")


class Flusher:
    """Runs `flush` in the background whenever `pending()` says there is something to write."""

    def __init__(
        self,
        flush: Callable[[], int],
        pending: Callable[[], int],
        maintain: Callable[[], None],
        interval_s: float,
        batch: int,
    ) -> None:
        self._flush, self._pending, self._maintain = flush, pending, maintain
        self.interval_s, self.batch = interval_s, batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once; again after `stop`)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="aip-index-flush", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Flush soon: called by a write that left a full batch waiting."""
        self._wake.set()

    def stop(self) -> None:
        """End the thread and wait for it (a flush under way finishes first)."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if self._pending():
                    self._flush()
                self._maintain()
            except Exception:
                log.exception("flushing recent changes to the search index failed; retrying at the next wake")
