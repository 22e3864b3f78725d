"""Generic helpers that know nothing of the emulator: progress reports, worker processes, LRU caches, disk usage."""
