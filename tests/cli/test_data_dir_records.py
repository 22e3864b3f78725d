"""A data directory records its format and its fixtures (issue 11: 5 older data dirs, 9 ignored fixtures)."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from emulator.cli.commands import main
from emulator.runtime.datadir import FORMAT_VERSION, fixtures_digest
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings, default_fixtures
from emulator.testing import copy_data_dir
from tests.cli.server import run, serving

pytestmark = pytest.mark.slow  # starts server or command processes


@pytest.fixture
def data_dir(seeded_template: Path, tmp_path: Path) -> Path:
    return copy_data_dir(seeded_template, tmp_path / "data")


def _meta(data_dir: Path, sql: str) -> None:
    with sqlite3.connect(data_dir / "emulator.db") as db:
        db.execute(sql)


def test_a_data_dir_without_a_format_version_is_refused_in_one_line(data_dir: Path) -> None:
    _meta(data_dir, "DELETE FROM meta WHERE key = 'format_version'")

    result = run("serve", "--data-dir", str(data_dir), "--port", "0")

    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"aip-emulator: data directory {data_dir} was written by an older aip-emulator (no format version; this one "
        f"writes format {FORMAT_VERSION}): start over with `aip-emulator serve --reseed` or delete the directory"
    )


def test_a_newer_format_is_refused(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _meta(data_dir, "UPDATE meta SET value = '99' WHERE key = 'format_version'")

    assert main(["token", "list", "--data-dir", str(data_dir)]) == 2
    assert capsys.readouterr().err == (
        f"aip-emulator: data directory {data_dir} has format 99, newer than this aip-emulator reads "
        f"({FORMAT_VERSION}): upgrade aip-emulator or use another --data-dir\n"
    )


def test_reseed_starts_an_old_data_dir_over_from_the_fixtures(data_dir: Path) -> None:
    _meta(data_dir, "DELETE FROM meta WHERE key = 'format_version'")
    _meta(data_dir, "DELETE FROM tokens")

    with serving(data_dir, "--reseed"):
        pass

    assert main(["token", "list", "--data-dir", str(data_dir)]) == 0


def test_changed_fixtures_are_warned_about_naming_both(
    data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures(), fixtures)
    (fixtures / "statuses.json").write_text((fixtures / "statuses.json").read_text().replace("In use", "Busy"))

    with caplog.at_level(logging.WARNING, "aip_emulator"):
        emulator = Emulator(Settings(data_dir=data_dir, fixtures=fixtures))
        emulator.open_store()
        emulator.close()

    assert [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING] == [
        f"fixtures {fixtures} differ from what data directory {data_dir} was seeded from "
        f"({default_fixtures().resolve()}); the data directory is served as it is: restart with --reseed "
        "(or POST /_emulator/seed) to load them"
    ]


def test_unchanged_fixtures_give_no_warning(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "aip_emulator"):
        emulator = Emulator(Settings(data_dir=data_dir))
        emulator.open_store()
        emulator.close()

    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


def test_a_missing_fixture_dir_is_an_error_even_with_an_existing_data_dir(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"

    assert main(["reindex", "--data-dir", str(data_dir), "--fixtures", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"aip-emulator: {missing}: fixture directory not found; pass --fixtures DIR with a fixture directory, "
        "or leave --fixtures out to serve the packaged default fixtures\n"
    )


def test_the_fixtures_digest_sees_a_file_changed_since_this_process_took_it(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    shutil.copytree(default_fixtures(), fixtures)
    first = fixtures_digest(fixtures)
    assert fixtures_digest(fixtures) == first  # not read again

    (fixtures / "statuses.json").write_text((fixtures / "statuses.json").read_text().replace("In use", "Busy"))

    assert fixtures_digest(fixtures) != first
