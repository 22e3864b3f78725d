"""The Docker image's entrypoint, environment and health check, exercised outside Docker (no engine here)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from emulator.settings import default_fixtures
from emulator.testing import copy_data_dir, free_port

pytestmark = pytest.mark.slow  # starts server or command processes

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instruction(name: str) -> str:
    """One instruction's arguments, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    found = re.search(rf"^{name} (.+)$", joined, re.MULTILINE)
    assert found, f"no {name} in the Dockerfile"
    return found.group(1).strip()


def _image_env() -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\S+)", _instruction("ENV")))


def _exec_form(name: str) -> list[str]:
    value: list[str] = json.loads(_instruction(name))
    return value


def test_the_image_serves_on_all_interfaces_from_a_data_volume() -> None:
    env = _image_env()

    assert env["AIP_EMULATOR_HOST"] == "0.0.0.0"
    assert env["AIP_EMULATOR_DATA_DIR"] == "/data"
    assert '"/data"' in _instruction("VOLUME")
    assert _instruction("USER") != "root"


def test_the_entrypoint_and_health_check_work_with_the_images_environment(
    seeded_template: Path, tmp_path: Path
) -> None:
    port = free_port()
    env = {**os.environ, **_image_env(), "AIP_EMULATOR_PORT": str(port), "AIP_EMULATOR_HOST": "127.0.0.1"}
    env["AIP_EMULATOR_DATA_DIR"] = str(copy_data_dir(seeded_template, tmp_path / "data"))  # the volume
    env["AIP_EMULATOR_FIXTURES"] = str(default_fixtures())  # what the installed wheel ships
    entrypoint = [str(Path(sys.executable).with_name("aip-emulator")), *_exec_form("ENTRYPOINT")[1:]]
    health: list[str] = json.loads(_instruction("HEALTHCHECK").split(" CMD ", 1)[1])
    health[0] = sys.executable  # the image's "python"
    with subprocess.Popen([*entrypoint, *_exec_form("CMD")], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as server:  # fmt: skip
        try:
            assert _healthy(health, env), f"health check never passed: {shlex.join(health)}"
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert not _healthy(health, env, attempts=1)  # and it fails once the server is gone


def _healthy(command: list[str], env: dict[str, str], attempts: int = 100) -> bool:
    for _ in range(attempts):
        if subprocess.run(command, env=env, capture_output=True, timeout=10, check=False).returncode == 0:
            return True
        time.sleep(0.2)
    return False


def test_dependencies_are_installed_in_a_layer_before_the_code() -> None:
    lines = DOCKERFILE.splitlines()
    dependencies = next(i for i, line in enumerate(lines) if "-r requirements.txt" in line)
    code = next(i for i, line in enumerate(lines) if line.startswith("COPY emulator"))

    assert dependencies < code
    assert not any(line.startswith("COPY") and "emulator" in line for line in lines[:dependencies])


def test_the_image_needs_no_fixture_path_the_wheel_ships_them() -> None:
    assert "AIP_EMULATOR_FIXTURES" not in _image_env()


def _compose_list(key: str) -> list[str]:
    """The entries of the compose service's `key:` list, comments left out."""
    text = (ROOT / "docker-compose.yml").read_text()
    block = re.search(rf"^    {key}:\n((?:      .*\n|\s*#.*\n)+)", text, re.MULTILINE)
    assert block, f"no {key} in docker-compose.yml"
    return [m.strip('"') for m in re.findall(r"^      - (\S+)$", block.group(1), re.MULTILINE)]


def compose_environment() -> dict[str, str]:
    """The compose service's environment, comments left out (the image test runs the container with it)."""
    text = (ROOT / "docker-compose.yml").read_text()
    block = re.search(r"^    environment:\n((?:      .*\n)+)", text, re.MULTILINE)
    assert block, "no environment in docker-compose.yml"
    return dict(re.findall(r'^      (\w+): "([^"]*)"$', block.group(1), re.MULTILINE))


def test_compose_settings_are_the_ones_the_readme_documents() -> None:
    readme = (ROOT / "README.md").read_text()
    docker = readme[readme.index("### Docker") :]
    docker = docker[: docker.index("\n## ")]

    assert _compose_list("ports") == ["127.0.0.1:8080:8080"]
    assert _compose_list("volumes") == ["aip-data:/data"]
    assert compose_environment() == {"AIP_EMULATOR_TIME_ZONE": "UTC"}
    for documented in ("`127.0.0.1:8080:8080`", "`aip-data`", "`/data`", '`AIP_EMULATOR_TIME_ZONE: "UTC"`'):
        assert documented in docker


def test_compose_publishes_on_loopback_only_and_shows_a_fixtures_mount() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    published = re.findall(r'^\s+- "([\d.:]+)"$', text, re.MULTILINE)

    assert published == ["127.0.0.1:8080:8080"]
    assert "# - ./my-fixtures:/fixtures:ro" in text
    assert '# AIP_EMULATOR_FIXTURES: "/fixtures"' in text


def test_the_files_the_image_copies_build_a_wheel_with_the_fixtures(tmp_path: Path) -> None:
    context = tmp_path / "app"
    context.mkdir()
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY "):
            *sources, _target = line.split()[1:]
            for source in sources:
                copy = shutil.copytree if (ROOT / source).is_dir() else shutil.copy
                copy(ROOT / source, context / source)
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", "dist", "."]
    subprocess.run(command, cwd=context, check=True, capture_output=True)

    (wheel,) = (context / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "emulator/_fixtures/default/assets.json" in archive.namelist()
