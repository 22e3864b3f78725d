"""The fence's Whoosh release is the one pinned for installs and the one installed; the fence changes nothing in
Whoosh for other users of it in the process."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from whoosh import index

from emulator.search.schema import build_schema
from emulator.search.whoosh_internals import WHOOSH_VERSION, codec, segments

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_fences_whoosh_release_is_pinned_and_installed() -> None:
    pins = {
        name: re.findall(r"whoosh3==([\d.]+)", (ROOT / name).read_text())
        for name in ("pyproject.toml", "constraints.txt")
    }

    assert pins == {"pyproject.toml": [WHOOSH_VERSION], "constraints.txt": [WHOOSH_VERSION]}
    assert version("whoosh3") == WHOOSH_VERSION


@pytest.mark.slow  # a child Python process importing the emulator
def test_importing_the_emulator_leaves_whoosh_as_it_comes() -> None:
    probe = (
        "import emulator.app, emulator.search.index, emulator.search.build\n"
        "import whoosh.util, whoosh.index, whoosh.codec.base as base\n"
        "assert base.Segment._random_id.__func__.__module__ == 'whoosh.codec.base'\n"
        "assert whoosh.util.random_name.__module__ == 'whoosh.util'\n"
        "assert whoosh.index.clean_files.__module__ == 'whoosh.index'\n"
    )

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr


def _two_segments_merged(path: Path, opener: object) -> set[str]:
    """An index of two one-document segments, then a commit of `opener`'s writer merging them: the files left."""
    path.mkdir()
    built = index.create_in(str(path), build_schema(), indexname="assets")
    for uid in ("1", "2"):
        writer = codec.writer(built)
        writer.add_document(uid=uid)
        writer.commit(merge=False)
    opener(built).commit(optimize=True)  # type: ignore[operator]
    built.close()
    return {p.name for p in path.iterdir() if p.name.endswith(".seg")}


def test_the_emulators_writers_leave_merged_segments_to_the_index_and_whooshs_own_delete_them(tmp_path: Path) -> None:
    left = _two_segments_merged(tmp_path / "emulator", codec.writer)
    assert len(left) == 3  # the two merged away (a search may still read them) and the merged one

    segments.clean(index.open_dir(str(tmp_path / "emulator"), indexname="assets"))
    assert len({p.name for p in (tmp_path / "emulator").iterdir() if p.name.endswith(".seg")}) == 1

    assert len(_two_segments_merged(tmp_path / "whoosh", lambda built: built.writer())) == 1
