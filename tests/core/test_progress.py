"""Long steps show progress bars with an ETA on standard error, also when the server seeds itself on start."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulator.app
from emulator.app import create_app
from emulator.settings import Settings, default_fixtures


def test_a_server_seeding_on_start_in_a_terminal_shows_loading_and_indexing_bars(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(emulator.app, "interactive", lambda: True)
    app = create_app(Settings(data_dir=tmp_path / "data", fixtures=default_fixtures()))
    app.state.emulator.close()

    shown = capsys.readouterr().err
    assert "loading assets: 100%" in shown
    assert "indexing assets: 100%" in shown
    assert "39/39" in shown


def test_without_a_terminal_nothing_is_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(emulator.app, "interactive", lambda: False)
    app = create_app(Settings(data_dir=tmp_path / "data", fixtures=default_fixtures()))
    app.state.emulator.close()

    assert "indexing assets" not in capsys.readouterr().err
