"""The fence's Whoosh release is the one pinned for installs and the one installed."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from emulator.search.whoosh_internals import WHOOSH_VERSION

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
        "import whoosh.util, whoosh.codec.base as base\n"
        "assert base.Segment._random_id.__func__.__module__ == 'whoosh.codec.base'\n"
        "assert whoosh.util.random_name.__module__ == 'whoosh.util'\n"
    )

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
