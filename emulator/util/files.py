"""What a data directory's files cost on disk: owned, or shared by hard links with other copies.

Index directories are copied by `emulator.search.files.copy_index` (every file hard-linked: none is rewritten);
the SQLite database is written in place and always copied.
"""

from __future__ import annotations

from pathlib import Path


def disk_usage(root: Path, seen: set[int] | None = None) -> tuple[int, int]:
    """Bytes under `root`: (owned: files with no other link, shared: files linked from elsewhere too)."""
    owned = shared = 0
    seen = set() if seen is None else seen
    for path in root.rglob("*"):
        info = path.lstat()
        if not path.is_file() or info.st_ino in seen:
            continue
        seen.add(info.st_ino)
        if info.st_nlink > 1:
            shared += info.st_size
        else:
            owned += info.st_size
    return owned, shared
