"""The emulator's own suite's app, reused from test to test (the private `_aip_emulator_app` fixture uses it).

One app per worker over a copy of the seeded template, sent back to its baseline after every test by the product's
own reset (what `aip_client` does for users: data, snapshots, clock, strict switch, fault rules, journal), and the
namespaces a test created deleted. A test that changed what a reset keeps (a seed or a restore makes a new baseline)
gets the app rebuilt from the template, so the next test still finds the fixtures.
"""

from __future__ import annotations

import shutil
from contextlib import suppress
from pathlib import Path

from fastapi import FastAPI

from emulator.app import create_app
from emulator.runtime import namespace_dirs, state
from emulator.runtime.emulator import Emulator
from emulator.runtime.namespace_names import DEFAULT
from emulator.runtime.namespaces import Namespaces
from emulator.settings import Settings
from emulator.testing_server import close_app


def _baseline(app: FastAPI) -> namespace_dirs.Identity | None:
    emulator: Emulator = app.state.emulator
    return namespace_dirs.identity(state.saved_dir(emulator, state.BASELINE))


class ReusedApp:
    """An app over a copy of `template` in `root`, built on first use and reset (or rebuilt) after each test."""

    def __init__(self, template: Path, root: Path) -> None:
        self.template = template
        self.root = root
        self.builds = 0
        self._app: FastAPI | None = None
        self._baseline: namespace_dirs.Identity | None = None

    def app(self) -> FastAPI:
        if self._app is None:
            self.builds += 1
            data_dir = self.root / f"data-{self.builds}"
            shutil.copytree(self.template, data_dir)
            self._app = create_app(Settings(data_dir=data_dir))
            self._baseline = _baseline(self._app)
        return self._app

    def reset(self) -> None:
        """Back to the template's state: the namespaces a test made deleted, the default namespace reset."""
        app = self._app
        if app is None:
            return
        try:
            namespaces: Namespaces = app.state.namespaces
            for info in namespaces.listing():
                if info.name != DEFAULT:
                    namespaces.delete(info.name)
            if _baseline(app) == self._baseline:
                namespaces.default.reset()
                return
        except Exception:  # a test left it broken (a failing disk, a closed store): the next test gets a new one
            pass
        self.close()  # a new baseline: a reset would go back to it, not to the fixtures

    def close(self) -> None:
        app, self._app = self._app, None
        if app is not None:
            with suppress(Exception):  # closing what a test broke may fail too; its directory is left behind
                close_app(app)
