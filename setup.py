"""The one build step pyproject.toml cannot say: ship the top-level `fixtures/` inside the package.

`fixtures/default/` stays the readable source at the top of the repository; the wheel carries a copy as
`emulator/_fixtures/`, which `emulator.settings` finds through `importlib.resources`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SOURCE = Path(__file__).resolve().parent / "fixtures"


class BuildPyWithFixtures(build_py):
    """`build_py`, then a copy of `fixtures/` (README and data sets) under `emulator/_fixtures/`."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the source directly
            return
        target = Path(self.build_lib) / "emulator" / "_fixtures"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(SOURCE, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithFixtures})
