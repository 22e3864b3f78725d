"""What a data directory records about itself: its format version and the fixtures it was seeded from.

Both live in the database's meta table, so they travel with snapshots, resets and `POST /_emulator/seed`.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

from sqlalchemy.orm import Session

from emulator.seeding.read import FixtureError
from emulator.store.db import HISTORY, get_meta, new_history, set_meta

log = logging.getLogger("aip_emulator")

# 1: the first recorded format (tokens table, instance secret in meta). A data directory without one is older.
FORMAT_VERSION = 1
FORMAT_KEY = "format_version"
SEEDED_FROM_KEY = "seeded_from"
SEEDED_DIGEST_KEY = "seeded_digest"
# Everything the emulator writes into a data directory; `--reseed` removes these and nothing else.
OWN_ENTRIES = ("emulator.db", "emulator.db-wal", "emulator.db-shm", "emulator.db-journal", "index", "snapshots")


class DataFormatError(Exception):
    """A data directory this version cannot read: a one-line message saying what to do."""


_DIGESTS: dict[str, tuple[tuple[object, ...], str]] = {}  # directory -> its files' signature and digest, the last


def fixtures_digest(fixtures: Path) -> str:
    """A digest of every file of a fixture directory (names and contents); files unchanged since this process last
    read them (same size, inode and modification time) are not read again: every namespace opened checks its
    fixtures, and a 10k data set's took 15 ms to hash."""
    paths = sorted(p for p in fixtures.rglob("*") if p.is_file())
    stats = [path.stat() for path in paths]
    signature = tuple((str(p), s.st_size, s.st_ino, s.st_mtime_ns) for p, s in zip(paths, stats, strict=True))
    known = _DIGESTS.get(str(fixtures))
    if known is not None and known[0] == signature:
        return known[1]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(fixtures).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    _DIGESTS[str(fixtures)] = (signature, digest.hexdigest())
    return digest.hexdigest()


def record_seed(session: Session, fixtures: Path) -> None:
    """Stamp a freshly seeded database with the format version and its fixtures (in the caller's transaction)."""
    set_meta(session, FORMAT_KEY, str(FORMAT_VERSION))
    set_meta(session, SEEDED_FROM_KEY, str(fixtures.resolve()))
    set_meta(session, SEEDED_DIGEST_KEY, fixtures_digest(fixtures))
    set_meta(session, HISTORY, new_history())


def check_format(session: Session, data_dir: Path) -> None:
    """Refuse a data directory written by an older or a newer version, in one line."""
    found = get_meta(session, FORMAT_KEY)
    if found is None:
        raise DataFormatError(
            f"data directory {data_dir} was written by an older aip-emulator (no format version; this one writes "
            f"format {FORMAT_VERSION}): start over with `aip-emulator serve --reseed` or delete the directory"
        )
    if int(found) > FORMAT_VERSION:
        raise DataFormatError(
            f"data directory {data_dir} has format {found}, newer than this aip-emulator reads "
            f"({FORMAT_VERSION}): upgrade aip-emulator or use another --data-dir"
        )


def fixtures_drift(session: Session, data_dir: Path, fixtures: Path) -> str | None:
    """A warning when `fixtures` no longer hold what the data directory was seeded from, else None."""
    if get_meta(session, SEEDED_DIGEST_KEY) == fixtures_digest(fixtures):
        return None
    seeded_from = get_meta(session, SEEDED_FROM_KEY) or "unknown fixtures"
    return (
        f"fixtures {fixtures} differ from what data directory {data_dir} was seeded from ({seeded_from}); "
        "the data directory is served as it is: restart with --reseed (or POST /_emulator/seed) to load them"
    )


def require_fixtures(fixtures: Path) -> None:
    """A missing fixture directory is an error even when the data directory exists (checked before it is touched)."""
    if not fixtures.is_dir():
        raise FixtureError(
            f"{fixtures}: fixture directory not found; pass --fixtures DIR with a fixture directory, "
            "or leave --fixtures out to serve the packaged default fixtures"
        )


def check_existing(session: Session, data_dir: Path, fixtures: Path) -> None:
    """An existing data directory: refuse another format, warn when the fixtures changed since it was seeded."""
    check_format(session, data_dir)
    warning = fixtures_drift(session, data_dir, fixtures)
    if warning is not None:
        log.warning("%s", warning)


def clear(data_dir: Path) -> None:
    """Remove what the emulator wrote into `data_dir` (database, index, snapshots), so it is seeded afresh."""
    for name in OWN_ENTRIES:
        path = data_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
