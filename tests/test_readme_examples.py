"""The README's create / change / delete example runs twice in a row against a fresh server (issue 11: 12)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from emulator.server import EmulatorServer
from emulator.settings import Settings
from emulator.testing import copy_data_dir

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="needs curl")


def _block(marker: str) -> str:
    readme = (ROOT / "README.md").read_text()
    found = re.search(r"```sh\n(" + re.escape(marker) + r".*?)```", readme, re.DOTALL)
    assert found, marker
    return found.group(1)


def test_the_crud_example_can_run_again_and_again(seeded_template: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"))
    with EmulatorServer(settings) as server:
        script = _block("# create an asset, find it, change it, delete it").replace("http://127.0.0.1:8080", server.url)
        _run_twice(script)


def _run_twice(script: str) -> None:
    for _run in range(2):
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, check=False)

        assert done.returncode == 0, done.stderr
        answers = done.stdout.replace("}{", "}\n{").splitlines()
        assert len(answers) == 3  # the search, the change and the delete (the create's id went into $ID)
        assert '"success":true' in answers[1]
        assert answers[2].startswith('{"success":true')
