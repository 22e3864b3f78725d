"""The emulator's one source of time and of random ids: real time unless frozen or shifted, random ids unless
seeded (`AIP_EMULATOR_SEED`), so fixtures, tokens and snapshots can be reproduced."""

from __future__ import annotations

import base64
import random
import threading
import time

LATEST_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z: every date the emulator renders stays a real date


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


class Ids:
    """Random ids and secrets: the same sequence for the same seed, unpredictable without one."""

    def __init__(self, seed: int | None = None) -> None:
        self._random: random.Random = random.SystemRandom() if seed is None else random.Random(seed)
        self._lock = threading.Lock()

    def hex(self, nbytes: int = 16) -> str:
        """A random id of `nbytes` bytes as lower-case hex."""
        with self._lock:
            return f"{self._random.getrandbits(nbytes * 8):0{nbytes * 2}x}"

    def secret(self, nbytes: int = 32) -> str:
        """A random URL-safe secret of `nbytes` bytes."""
        with self._lock:
            raw = self._random.getrandbits(nbytes * 8).to_bytes(nbytes, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
