"""Bounded caches: least recently used entries go first once a cache holds too many entries or too many bytes.

Every cache the serving process keeps for searches is one `Lru` (or a `functools.lru_cache`, reported the same
way), so none grows without bound under a stream of distinct queries, and each reports what it holds.
Sizes are estimates (`approx_bytes`): enough to keep memory in check, not an exact account.
"""

from __future__ import annotations

import sys
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sized
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

V = TypeVar("V")
MB = 1 << 20


@dataclass(frozen=True)
class CacheLimits:
    """Caps of the search caches one index keeps (shared by all its segments)."""

    postings_entries: int = 8192
    postings_mb: float = 64
    columns_mb: float = 128
    ranks_mb: float = 32
    lexicons_mb: float = 32
    positions_mb: float = 32


class Lru(Generic[V]):
    """A thread-safe LRU map capped by entries and by approximate bytes (0 or less: no cap of that kind)."""

    def __init__(self, name: str, max_entries: int = 0, max_bytes: int = 0, sizer: Callable[[Any], int] | None = None):
        self.name = name
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._sizer = sizer or approx_bytes
        self._data: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value: V) -> V:
        size = self._sizer(value)
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._data[key] = (value, size)
            self._bytes += size
            self._evict()
        return value

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        found = self.get(key)
        return self.put(key, compute()) if found is None else found

    def _evict(self) -> None:
        while len(self._data) > 1 and ((0 < self.max_entries < len(self._data)) or (0 < self.max_bytes < self._bytes)):
            _key, (_value, size) = self._data.popitem(last=False)
            self._bytes -= size
            self.evictions += 1

    def discard(self, keys: Iterable[Hashable]) -> None:
        with self._lock:
            for key in keys:
                found = self._data.pop(key, None)
                if found is not None:
                    self._bytes -= found[1]

    def discard_where(self, doomed: Callable[[Hashable], bool]) -> None:
        """Drop every entry whose key `doomed` picks (a closed segment's entries, say)."""
        with self._lock:
            for key in [key for key in self._data if doomed(key)]:
                self._bytes -= self._data.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._data)

    @property
    def bytes(self) -> int:
        return self._bytes

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "entries": len(self._data),
                "approxBytes": self._bytes,
                "maxEntries": self.max_entries,
                "maxBytes": self.max_bytes,
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self.evictions,
            }


def approx_bytes(value: Any) -> int:
    """The container plus its elements, estimated from a few of them (ints, floats, bytes, strings, tuples)."""
    size = sys.getsizeof(value)
    if isinstance(value, array):  # its buffer is its size
        return size
    if isinstance(value, Sized) and not isinstance(value, str | bytes) and len(value):
        sample = list(_first(value, 16))
        each = sum(sys.getsizeof(item) for item in sample) / len(sample)
        size += int(each * len(value))
    return size


def _first(values: Any, count: int) -> list[Any]:
    out = []
    for item in values:
        out.append(item)
        if len(out) >= count:
            break
    return out


def lru_cache_stats(cached: Any) -> dict[str, int]:
    """A `functools.lru_cache` reported like an `Lru` (entries only: its values are small tuples)."""
    info = cached.cache_info()
    return {"entries": info.currsize, "maxEntries": info.maxsize or 0, "hits": info.hits, "misses": info.misses}


def mb(value: float) -> int:
    return int(value * MB)
