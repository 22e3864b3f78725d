"""pytest-xdist workers seed a fixture set once between them and copy it (issue 21), instead of once per worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from emulator.runtime.emulator import Emulator
from emulator.seeding.generate import generate
from emulator.settings import Settings
from emulator.testing_template import seed_from_template, template_key
from emulator.util.progress import Progress
from tests.user_project import clean_env, run_pytest, write_project

pytestmark = pytest.mark.slow  # starts server or command processes

CONFTEST = """
import os
from pathlib import Path

import pytest

from emulator.runtime import emulator as runtime
from emulator.settings import Settings

_seed = runtime.Emulator._seed


def _counted(self, session, progress):  # every seeding of this session, by worker
    with open(os.environ["SEEDS_SEEN"], "a") as seen:
        seen.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + "\\n")
    return _seed(self, session, progress)


runtime.Emulator._seed = _counted


@pytest.fixture(scope="session")
def aip_emulator_settings(tmp_path_factory):
    return Settings(data_dir=tmp_path_factory.mktemp("aip"), fixtures=Path(os.environ["GENERATED"]))
"""
TESTS = """
import pytest


@pytest.mark.parametrize("round_", range(6))
def test_every_worker_serves_the_generated_set(aip_client, round_):
    assert aip_client.get("/_emulator/health").json()["assets"] == 60
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    fixtures = tmp_path_factory.mktemp("generated")
    generate(fixtures, 60, seed=7)
    return fixtures


def test_two_xdist_workers_seed_a_fixture_set_once(generated: Path, tmp_path: Path) -> None:
    project = write_project(tmp_path / "project", {"conftest.py": CONFTEST, "test_generated.py": TESTS})
    seeds = tmp_path / "seeds.txt"

    done = run_pytest(project, "-n", "2", str(project), env=clean_env(SEEDS_SEEN=str(seeds), GENERATED=str(generated)))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout
    assert len(seeds.read_text().split()) == 1  # one worker seeded; the other copied


def test_a_second_data_dir_is_copied_from_the_template_without_seeding(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded: list[Path] = []
    original = Emulator._seed

    def counted(self: Emulator, session: Session, progress: Progress) -> None:
        seeded.append(self.settings.data_dir)
        original(self, session, progress)

    monkeypatch.setattr(Emulator, "_seed", counted)
    shared = tmp_path / "shared"
    for worker in ("gw0", "gw1"):
        settings = Settings(data_dir=tmp_path / worker, fixtures=generated)
        seed_from_template(settings, shared)
        emulator = Emulator(settings)
        emulator.start()
        try:
            assert emulator.index.doc_count() == 60
        finally:
            emulator.close()

    assert seeded == [shared / f"aip-template-{template_key(Settings(data_dir=tmp_path, fixtures=generated))}"]


def test_a_data_dir_that_holds_data_is_left_as_it_is(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "emulator.db").write_text("")

    seed_from_template(Settings(data_dir=data_dir), tmp_path / "shared")

    assert [p.name for p in data_dir.iterdir()] == ["emulator.db"]
    assert not (tmp_path / "shared").exists()


def test_the_template_depends_on_the_fixtures_and_the_settings(generated: Path, tmp_path: Path) -> None:
    default = template_key(Settings(data_dir=tmp_path / "a"))

    assert template_key(Settings(data_dir=tmp_path / "b")) == default  # where the data lives does not count
    assert template_key(Settings(data_dir=tmp_path / "a", fixtures=generated)) != default
    assert template_key(Settings(data_dir=tmp_path / "a", time_zone="Europe/Berlin")) != default
