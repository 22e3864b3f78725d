"""The emulator's one source of time: real time unless frozen or shifted (control routes build on it)."""

from __future__ import annotations

import threading
import time


class Clock:
    """Epoch-millisecond clock that can be frozen, set and advanced."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen_at: int | None = None
        self._offset_ms = 0

    def now_ms(self) -> int:
        """Return the emulator's current time in epoch milliseconds."""
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return int(time.time() * 1000) + self._offset_ms

    def freeze(self, at_ms: int | None = None) -> None:
        """Stop the clock at `at_ms` (default: now)."""
        now = self.now_ms() if at_ms is None else at_ms
        with self._lock:
            self._frozen_at = now

    def unfreeze(self) -> None:
        """Let the clock run again from where it stands."""
        now = self.now_ms()
        with self._lock:
            self._frozen_at = None
            self._offset_ms = now - int(time.time() * 1000)

    def release(self) -> None:
        """Back to real time: not frozen, no offset."""
        with self._lock:
            self._frozen_at = None
            self._offset_ms = 0

    def set(self, at_ms: int) -> None:
        """Jump to `at_ms`, staying frozen if frozen and running on from there if not."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = at_ms
            else:
                self._offset_ms = at_ms - int(time.time() * 1000)

    def advance(self, delta_ms: int) -> None:
        """Move the clock forward (or back, with a negative delta)."""
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += delta_ms
            else:
                self._offset_ms += delta_ms

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None
