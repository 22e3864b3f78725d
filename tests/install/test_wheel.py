"""Used from another repository: the wheel, installed into a fresh venv outside the checkout, serves and tests.

Marked `wheel` (deselect locally with `-m "not wheel"`); it runs by default, so CI runs it. The first run installs
the dependencies into a cached venv (about a minute, from the package index); later runs take seconds.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.testing import free_port
from tests.cli.server import serve_process
from tests.install.venv_cache import ROOT, build_wheel, clean_env, user_venv

pytestmark = [pytest.mark.slow, pytest.mark.wheel]
SEEDS = ROOT / "tests" / "data" / "seed"
EXAMPLES = ["search-one-string-field", "search-scheme-type-name-id"]
SEARCH = "/rest/jip-api/1.0/index/query.json"
USER_TESTS = """
import emulator


def test_the_emulator_comes_from_the_installed_wheel():
    assert "site-packages" in emulator.__file__


def test_in_process(aip_client):
    body = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "tom*", "fieldType": "STRING"}]}
    answer = aip_client.post("/rest/jip-api/1.0/index/query.json", auth=("admin", "admin"), json=body)
    assert [asset["id"] for asset in answer.json()["assets"]] == [1, 2, 3]


def test_live_server_and_a_cloud_token(aip_live_url, aip_cloud_token):
    import httpx

    answer = httpx.get(aip_live_url + "/api/v1/collections", headers={"Authorization": "Bearer " + aip_cloud_token})
    assert answer.json()["total"] == 7


def test_a_write_is_gone_in_the_next_test_part_1(aip_client):
    body = {"formId": 9, "name": "User Laptop", "attributes": {}}
    assert aip_client.post("/rest/jip-api/1.0/inventory.json", auth=("admin", "admin"), json=body).status_code == 200


def test_a_write_is_gone_in_the_next_test_part_2(aip_client):
    assert aip_client.get("/_emulator/health").json()["assets"] == 39
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def venv(wheel: Path) -> Path:
    return user_venv(wheel)


def test_the_wheel_ships_the_fixture_source_unchanged(wheel: Path) -> None:
    source = {
        path.relative_to(ROOT / "fixtures").as_posix(): path.read_bytes()
        for path in sorted((ROOT / "fixtures").rglob("*"))
        if path.is_file()
    }
    with zipfile.ZipFile(wheel) as archive:
        prefix = "emulator/_fixtures/"
        shipped = {
            name.removeprefix(prefix): archive.read(name) for name in archive.namelist() if name.startswith(prefix)
        }

    assert shipped == source


def test_the_wheel_ships_every_file_of_the_package(wheel: Path) -> None:
    """The web page's static files, py.typed and any data file next to the code: nothing is left behind."""
    package = ROOT / "emulator"
    source = {
        path.relative_to(ROOT).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())

    assert source - shipped == set()


def test_the_wheel_registers_the_pytest_plugin_and_the_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [name for name in archive.namelist() if name.endswith(".dist-info/entry_points.txt")]
        text = archive.read(entry_points).decode()

    assert "[pytest11]\nemulator.testing = emulator.testing" in text
    assert "aip-emulator = emulator.cli.commands:main" in text


@pytest.fixture(scope="module")
def served(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`aip-emulator serve` of the installed wheel, started in an empty directory outside the checkout (one per
    module: its default namespace keeps the fixtures; the seed test writes in a namespace of its own)."""
    port = free_port()
    command = [str(venv / "bin" / "aip-emulator"), "serve", "--data-dir", "data", "--port", str(port)]
    with serve_process(command, port, clean_env(), cwd=tmp_path_factory.mktemp("served")) as url:
        yield url


def _load(name: str) -> Any:
    return json.loads((SEEDS / name).read_text())


def test_the_installed_server_answers_both_seed_examples_field_for_field(served: str) -> None:
    for example in EXAMPLES:
        expected = _load(f"{example}.response.json")
        answer = httpx.post(served + SEARCH, json=_load(f"{example}.request.json"), auth=("admin", "admin"))

        actual = answer.json()
        assert isinstance(actual["queryIndexParam"].pop("respTime"), int)
        expected["queryIndexParam"].pop("respTime")
        assert actual == expected


def test_the_installed_server_generates_and_seeds(served: str) -> None:
    seeded = f"{served}/_ns/seeded"  # the default namespace keeps the fixtures the examples test reads
    answer = httpx.post(f"{seeded}/_emulator/seed", json={"generate": {"assets": 5, "seed": 1}}, timeout=60)

    assert answer.status_code == 200, answer.text
    assert httpx.get(f"{seeded}/_emulator/health").json()["assets"] == 5
    assert httpx.get(f"{served}/_emulator/health").json()["assets"] == 39


def test_the_installed_settings_default_to_the_packaged_fixtures(venv: Path, tmp_path: Path) -> None:
    code = "from emulator.settings import Settings; print(Settings().fixtures)"
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
        check=True,
    )  # fmt: skip

    shipped = Path(result.stdout.strip())
    assert shipped.parts[-3:] == ("emulator", "_fixtures", "default")
    assert "site-packages" in shipped.parts
    assert sorted(path.name for path in shipped.iterdir()) == sorted(
        path.name for path in (ROOT / "fixtures" / "default").iterdir()
    )


def test_the_installed_command_generates_fixtures(venv: Path, tmp_path: Path) -> None:
    command = [str(venv / "bin" / "aip-emulator"), "generate", "--assets", "10", "--out", "g"]
    result = subprocess.run(command, cwd=tmp_path, env=clean_env(), capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "g" / "schemes.json").is_file()


def _user_project(tmp_path: Path, old_conftest: bool = False) -> Path:
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "tests" / "test_with_aip.py").write_text(USER_TESTS)
    if old_conftest:
        (project / "conftest.py").write_text('pytest_plugins = ["emulator.testing"]\n')
    return project


def _run_user_tests(venv: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(venv / "bin" / "python"), "-m", "pytest", "-W", "error", "-p", "no:cacheprovider", *args]
    return subprocess.run(
        command, check=False, cwd=project, env=clean_env(), capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("args", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_a_user_project_runs_its_tests_through_the_installed_plugin(
    venv: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = _run_user_tests(venv, _user_project(tmp_path), *args)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout


def test_an_old_pytest_plugins_line_is_harmless(venv: Path, tmp_path: Path) -> None:
    result = _run_user_tests(venv, _user_project(tmp_path, old_conftest=True), "-k", "in_process")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
