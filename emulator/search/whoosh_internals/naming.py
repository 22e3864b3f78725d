"""Segment and temporary file names from the OS's randomness, applied when the emulator makes or opens an index.

Whoosh names segments (`Segment._random_id`) and temporary files (`random_name` in four of its modules) with the
global `random`, which Hypothesis (and any seeded caller) re-seeds: two segments with one name then overwrite each
other's files, and the flush thread must not draw from a generator another thread is seeding. The emulator makes
and opens its indexes through `create_in` and `open_dir` here, which switch those names to `random.SystemRandom`
first. Importing the emulator changes nothing in Whoosh; once the emulator has made or opened an index, the switch
holds for the rest of the process (Whoosh reads these names from module globals, so it cannot be narrower).
"""

from __future__ import annotations

import functools
import random
from typing import Any

import whoosh.util as whoosh_util
from whoosh import index
from whoosh.codec import base as codec_base
from whoosh.codec.base import Segment
from whoosh.filedb import compound, filestore
from whoosh.util import IDCHARS

_NAMES = random.SystemRandom()


def _segment_id(_cls: type, size: int = 16) -> str:
    return "".join(_NAMES.choice(IDCHARS) for _ in range(size))


def _random_name(size: int = 28) -> str:
    return "".join(_NAMES.choice(IDCHARS) for _ in range(size))


@functools.cache
def use_os_random_names() -> None:
    """Switch Whoosh's segment and temporary file names to the OS's randomness (once per process)."""
    Segment._random_id = classmethod(_segment_id)
    for module in (whoosh_util, codec_base, filestore, compound):
        module.random_name = _random_name


def create_in(path: str, schema: Any, indexname: str) -> Any:
    """A new empty index in `path` (Whoosh's `create_in`), its segments named from the OS's randomness."""
    use_os_random_names()
    return index.create_in(path, schema, indexname=indexname)


def open_dir(path: str, indexname: str) -> Any:
    """The index in `path` (Whoosh's `open_dir`), its new segments named from the OS's randomness."""
    use_os_random_names()
    return index.open_dir(path, indexname=indexname)


def open_dir_read(path: str, indexname: str) -> tuple[Any, Any]:
    """`open_dir` and the table of contents it checks the index with, read once: Whoosh's `FileIndex` reads it to
    see that the index opens and drops it, and the caller would read it again at once (opening a namespace)."""
    use_os_random_names()
    ix = index.FileIndex.__new__(index.FileIndex)  # its __init__ less the read: the same three attributes
    ix.storage, ix._schema, ix.indexname = filestore.FileStorage(path), None, indexname
    return ix, ix._read_toc()
