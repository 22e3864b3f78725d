"""Every code block of the README runs as written (issue 21): the curl examples against a fresh server, the Python
examples as a user's project through the installed plugin, the shown outputs compared with what the emulator says.
The few blocks that cannot run here (make test would run this suite again; pip and Docker need a network or an
engine) are checked instead. A new block that is neither run nor checked fails `test_every_block_is_run_or_checked`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from emulator.cli.commands import _parser
from emulator.cli.serve import start_lines
from emulator.server import EmulatorServer
from emulator.settings import Settings, default_fixtures
from emulator.testing import Client, copy_data_dir
from emulator.testing_journal import AipJournal
from tests.helpers import ADMIN, SEARCH
from tests.user_project import clean_env, run_pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BASE_LINE = "BASE=http://127.0.0.1:8080"
needs_curl = pytest.mark.skipif(shutil.which("curl") is None or shutil.which("bash") is None, reason="needs curl")


@dataclass(frozen=True)
class Block:
    language: str
    text: str

    @property
    def first_line(self) -> str:
        return self.text.splitlines()[0]


BLOCKS = [Block(lang, text) for lang, text in re.findall(r"^```(\w*)\n(.*?)^```$", README, re.MULTILINE | re.DOTALL)]


def _block(start: str) -> Block:
    found = [b for b in BLOCKS if b.first_line.startswith(start)]
    assert len(found) == 1, start
    return found[0]


# The first line of every block and the test that runs (or checks) it.
COVERED = {
    "make run": "test_the_quick_start_is_make_run_and_make_test",
    "aip-emulator serving .aip-emulator on": "test_the_start_log_is_what_serve_logs",
    "pip install aip-emulator": "test_the_package_install_block_names_a_real_extra_and_command",
    "docker compose up -d": "test_the_docker_block_matches_the_compose_file",
    BASE_LINE: "test_the_data_center_and_cloud_examples_answer",
    "# create an asset, find it, change it, delete it": "test_the_crud_example_can_run_again_and_again",
    "$ curl -s -u admin:admin": "test_the_mistake_answers_as_shown",
    "AssertionError: expected POST": "test_the_near_miss_message_is_what_assert_requested_says",
    "# test_inventory.py": "test_the_python_examples_pass_as_a_users_project",
    "# test_retries.py": "test_the_python_examples_pass_as_a_users_project",
    "# test_async.py": "test_the_python_examples_pass_as_a_users_project",
    "# conftest.py": "test_the_python_examples_pass_as_a_users_project",
    "# script.py": "test_the_threaded_server_script_runs",
    "aip-emulator serve --port 8080": "test_every_command_line_example_parses_and_wait_answers",
    "# Postman:": "test_the_postman_block_runs_as_written",
}


def test_every_block_is_run_or_checked() -> None:
    unknown = [b.first_line for b in BLOCKS if not any(b.first_line.startswith(start) for start in COVERED)]

    assert unknown == []
    assert len(BLOCKS) >= len(COVERED)


@pytest.fixture
def server(seeded_template: Path, tmp_path: Path) -> Iterator[str]:
    with EmulatorServer(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"))) as running:
        yield running.url


def _bash(script: str, url: str) -> str:
    """Run a block in bash with `BASE` pointing at `url`; what it printed."""
    script = script.replace(BASE_LINE, f"BASE={url}")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**os.environ, "BASE": url},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _answers(printed: str) -> list[Any]:
    """The JSON answers curl printed one after the other (no newline between them)."""
    decoder, answers, at = json.JSONDecoder(), [], 0
    while at < len(printed):
        answer, at = decoder.raw_decode(printed, at)
        answers.append(answer)
        while at < len(printed) and printed[at].isspace():
            at += 1
    return answers


def test_the_quick_start_is_make_run_and_make_test() -> None:
    assert _block("make run").text == "make run\nmake test\n"
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for target in ("run", "test"):  # a dry run: `make test` for real would run this suite again
        done = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr


def test_the_start_log_is_what_serve_logs() -> None:
    lines = start_lines(Settings(), "http://127.0.0.1:8080")

    assert _block("aip-emulator serving").text == "\n".join(lines) + "\n"


def test_the_package_install_block_names_a_real_extra_and_command() -> None:
    text = _block("pip install aip-emulator").text
    pyproject = (ROOT / "pyproject.toml").read_text()

    assert "'aip-emulator[testing]'" in text
    assert re.search(r"^testing = \[", pyproject, re.MULTILINE)
    assert 'aip-emulator = "emulator.cli.commands:main"' in pyproject
    assert _parser().parse_args(["serve"]).command == "serve"


def test_the_docker_block_matches_the_compose_file() -> None:
    text = _block("docker compose up -d").text
    compose = (ROOT / "docker-compose.yml").read_text()

    assert "curl -s http://127.0.0.1:8080/_emulator/health" in text
    assert '- "127.0.0.1:8080:8080"' in compose
    assert "- aip-data:/data" in compose
    assert "build: ." in compose


@needs_curl
def test_the_data_center_and_cloud_examples_answer(server: str) -> None:
    data_center, cloud = [b for b in BLOCKS if b.first_line == BASE_LINE]

    dc_answers = _answers(_bash(data_center.text, server))
    cloud_answers = _answers(_bash(cloud.text, server))

    assert [a["queryPagingInfo"]["totalRecords"] for a in dc_answers[:3]] == [1, 3, 4]
    assert [a["name"] for a in dc_answers[1]["assets"]] == [
        "Alpha Tomcat Server",
        "Beta Tomcat Server",
        "Prod Tomcat Server",
    ]
    assert len(dc_answers) == 5
    assert len(dc_answers[3]) == 7  # the forms
    assert [scheme["id"] for scheme in dc_answers[4]["data"]] == [1, 2, 3]  # the schemes
    assert cloud_answers[0]["asset"]["key"] == "LAP-1"
    assert cloud_answers[1]["total"] >= 1
    assert cloud_answers[2]["asset"]["name"] == "Laptop 77"


@needs_curl
def test_the_crud_example_can_run_again_and_again(server: str) -> None:
    script = _block("# create an asset, find it, change it, delete it").text
    for _run in range(2):
        search, change, delete = _answers(_bash(script, server))  # the create's id went into $ID

        assert search["queryPagingInfo"]["totalRecords"] >= 1
        assert change["success"] is True
        assert delete["success"] is True


@needs_curl
def test_the_mistake_answers_as_shown(server: str) -> None:
    command, _, shown = _block("$ curl").text.removeprefix("$ ").partition("\n{")

    assert _bash(command, server) == "{" + shown.rstrip("\n")


@pytest.mark.fresh_app  # the README's message numbers the requests from 1: a new app's
def test_the_near_miss_message_is_what_assert_requested_says(emulator_client: Client) -> None:
    emulator_client.get("/rest/jip-api/1.0/form/list.json", auth=ADMIN)
    emulator_client.post("/rest/jip-api/1.0/inventory.json", json={"formId": 9, "name": "Laptop 41"}, auth=ADMIN)
    emulator_client.post(SEARCH, json={"queryIndexSearchParams": []}, auth=ADMIN)

    with pytest.raises(AssertionError) as failed:
        AipJournal(emulator_client).assert_requested(
            "POST", "/rest/jip-api/1.0/inventory.json", times=1, body={"name": "Laptop 42"}
        )

    assert _block("AssertionError: expected POST").text == f"AssertionError: {failed.value}\n"


MY_PROJECT = '''
"""The code under test of the README's examples: a sync job that makes sure Jira holds its laptop."""
import httpx

SEARCH = "/rest/jip-api/1.0/index/query.json"
MINE = {"queryIndexSearchParams": [{"field": "asset.name", "keyword": "synced", "fieldType": "STRING"}]}


def run_my_sync_job(jira_url, user, password):
    with httpx.Client(base_url=jira_url, auth=(user, password)) as jira:
        answer = jira.post(SEARCH, json=MINE)
        if answer.status_code == 503:  # one retry
            answer = jira.post(SEARCH, json=MINE)
        answer.raise_for_status()
        if not answer.json()["assets"]:
            created = jira.post("/rest/jip-api/1.0/inventory.json", json={"formId": 9, "name": "Synced laptop"})
            created.raise_for_status()
'''


def _python_file(start: str) -> tuple[str, str]:
    text = _block(start).text
    return text.splitlines()[0].removeprefix("# ").split()[0], text


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serially", "xdist"])
@pytest.mark.slow  # runs the examples as a user project in child pytest processes
def test_the_python_examples_pass_as_a_users_project(tmp_path: Path, workers: list[str]) -> None:
    project = tmp_path / "project"
    shutil.copytree(default_fixtures(), project / "tests" / "aip-fixtures")
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "my_project.py").write_text(MY_PROJECT)
    for start in ("# test_inventory.py", "# test_retries.py", "# test_async.py", "# conftest.py"):
        name, text = _python_file(start)
        (project / name).write_text(text)

    done = run_pytest(project, "-W", "error", *workers, env=clean_env())

    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 passed" in done.stdout


@pytest.mark.slow  # runs the script in a child process
def test_the_threaded_server_script_runs(tmp_path: Path) -> None:
    name, text = _python_file("# script.py")
    (tmp_path / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIP_EMULATOR_")}

    done = subprocess.run(
        [sys.executable, name], cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=120
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == "7 forms\n"
    assert list(tmp_path.iterdir()) == [tmp_path / name]  # nothing left behind


def test_every_command_line_example_parses_and_wait_answers(server: str) -> None:
    commands = [
        shlex.split(line, comments=True) for line in _block("aip-emulator serve --port").text.splitlines() if line
    ]
    for argv in commands:
        assert argv[0] == "aip-emulator"
        args = _parser().parse_args(argv[1:])
        assert args.command in {
            "serve", "exec", "wait", "generate", "export", "reindex", "token", "namespace", "postman", "capture",
            "compare",
        }  # fmt: skip
    [wait] = [argv for argv in commands if argv[1] == "wait"]
    argv = [a.replace("http://127.0.0.1:8080", server) for a in wait]
    done = subprocess.run(
        [sys.executable, "-m", "emulator.cli", *argv[1:]], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, f"aip-emulator at {server} is ready: 39 assets\n")


@pytest.mark.slow  # runs the block in bash with npx
def test_the_postman_block_runs_as_written(server: str, tmp_path: Path) -> None:
    from tests.cli import npm_tools  # noqa: PLC0415 (installs newman only when this test runs)

    lines = _block("# Postman:").text.splitlines()
    assert lines[2] == f"npm install --prefix .cache/npm {npm_tools.NEWMAN}"  # what .ci/run and the tests install
    npm_tools.newman()
    script = "\n".join([lines[1], lines[3]]).replace("http://127.0.0.1:8080", server)
    script = script.replace(".cache/npm", str(npm_tools.PREFIX))
    script = script.replace("aip-emulator ", f"{sys.executable} -m emulator.cli ", 1)
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=300)  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert "│              assertions │" in done.stdout
