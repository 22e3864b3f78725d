"""One seeding per fixture set for all pytest-xdist workers of a session (the plugin's `aip_app` uses it).

Each worker runs its own in-process emulator, and each used to seed its own data directory: with a 5,000-asset
fixture set, every worker paid the whole seeding. Now the first worker to need a fixture set seeds a template data
directory in the session's shared temporary directory (the parent of every worker's own, as pytest-xdist advises),
under a file lock; every worker then copies it (database and index travel together; nothing is re-indexed).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from emulator.runtime.datadir import fixtures_digest
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.util import oslock

DONE = ".aip-template-done"  # written last: a template without it was cut short and is seeded again


def template_key(settings: Settings) -> str:
    """What the seeded data depends on: the fixtures' contents and every setting but where the data lives."""
    digest = hashlib.sha256(fixtures_digest(settings.fixtures).encode())
    digest.update(settings.model_dump_json(exclude={"data_dir", "host", "port"}).encode())
    return digest.hexdigest()[:16]


def seed_from_template(settings: Settings, shared_root: Path) -> None:
    """Fill `settings.data_dir` (when it is new or empty) from a template seeded once in `shared_root`."""
    data_dir = settings.data_dir
    if data_dir.is_dir() and any(data_dir.iterdir()):
        return  # a data directory with data is served as it is
    template = shared_root / f"aip-template-{template_key(settings)}"
    with _locked(shared_root / f"{template.name}.lock"):
        if not (template / DONE).is_file():
            shutil.rmtree(template, ignore_errors=True)
            seeded = Emulator(settings.model_copy(update={"data_dir": template}))
            seeded.start()
            seeded.close()
            (template / DONE).write_text("")
    shutil.copytree(template, data_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns(DONE))


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        oslock.lock(handle)  # released when the file closes, also if the worker dies
        yield
