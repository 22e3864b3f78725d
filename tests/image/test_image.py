"""The Docker image, built from the checkout's tracked files and run (`make test-image`, not part of `make test`).

No image registry and no OCI runtime are needed: buildah builds the Dockerfile on a local stand-in for its base
(`.ci/stand-in-base.sh`, built here first if missing) and runs the image's entrypoint and command with
`buildah run --isolation chroot`, which applies the image's user, environment and working directory and shares this
machine's network. The server listens on a free loopback port instead of 0.0.0.0:8080 (the host's network is
shared); the image's /data volume lives with the container, so a second run of the same container serves the same
data, as `docker stop` and `docker start` would. Where buildah is not installed, every test here is skipped, saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.testing import free_port
from tests.dialects.dc.test_seed_examples import EXAMPLES, _load
from tests.helpers import ADMIN, SEARCH
from tests.reliability.serving import wait_until_healthy
from tests.test_docker import compose_environment

pytestmark = pytest.mark.image
ROOT = Path(__file__).resolve().parents[2]
BASE = "docker.io/library/python:3.11-slim"  # the Dockerfile's FROM, as buildah names it
INVENTORY = "/rest/jip-api/1.0/inventory"


@dataclass
class Image:
    tag: str
    config: dict[str, Any]  # the Docker-format config: User, Env, Entrypoint, Cmd, Healthcheck, Volumes


@dataclass
class Container:
    name: str
    image: Image
    port: int
    log: Path  # what its servers wrote to stderr


def _buildah(*args: str, timeout: float = 120) -> str:
    done = subprocess.run(["buildah", *args], capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"buildah {' '.join(args)}: {done.stderr[-3000:]}"
    return done.stdout


def _tracked_copy(target: Path) -> Path:
    """The checkout's tracked files (as in the work tree) at `target`: what a clean checkout holds."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Image]:
    if shutil.which("buildah") is None:
        pytest.skip("buildah is not installed (apt-get install -y buildah podman mmdebstrap): the image is not built")
    if subprocess.run(["buildah", "inspect", "--type", "image", BASE], capture_output=True, check=False).returncode:
        subprocess.run(["bash", str(ROOT / ".ci" / "stand-in-base.sh"), BASE], check=True, timeout=1800)
    context = _tracked_copy(tmp_path_factory.mktemp("checkout"))
    tag = f"localhost/aip-emulator:test-{os.getpid()}"
    build = ["bud", "--isolation", "chroot", "--pull=never", "--format", "docker", "-q", "-t", tag, str(context)]
    _buildah(*build, timeout=1800)  # docker format: OCI images drop HEALTHCHECK
    config = json.loads(_buildah("inspect", "--type", "image", tag))["Docker"]["config"]
    yield Image(tag, config)
    subprocess.run(["buildah", "rmi", tag], capture_output=True, check=False)


@pytest.fixture(scope="module")
def container(image: Image, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    name = f"aip-emulator-test-{os.getpid()}"
    _buildah("from", "--pull=never", "--name", name, image.tag)
    yield Container(name, image, free_port(), tmp_path_factory.mktemp("container") / "serve.log")
    subprocess.run(["buildah", "rm", name], capture_output=True, check=False)


def _run_args(container: Container) -> list[str]:
    """`buildah run` in the container, with compose's environment, on this test's loopback port."""
    env = compose_environment() | {"AIP_EMULATOR_PORT": str(container.port), "AIP_EMULATOR_HOST": "127.0.0.1"}
    pairs = [arg for key, value in env.items() for arg in ("--env", f"{key}={value}")]
    return ["buildah", "run", "--isolation", "chroot", *pairs, container.name, "--"]


@dataclass
class Serving:
    url: str
    pid: int  # the server's process, as the host sees it


@contextmanager
def serving(container: Container) -> Iterator[Serving]:
    """The image's entrypoint and command running in `container`; stopped with SIGTERM, as `docker stop` does."""
    command = [*container.image.config["Entrypoint"], *container.image.config["Cmd"]]
    with container.log.open("ab") as log, subprocess.Popen([*_run_args(container), *command], stderr=log) as run:
        try:
            url = f"http://127.0.0.1:{container.port}"
            wait_until_healthy(url, run, container.log, timeout_s=300)
            yield Serving(url, _server_pid(container))
        finally:
            _stop(container, run)
    assert run.returncode == 0, container.log.read_text()[-3000:]


def _server_pid(container: Container) -> int:
    """The pid the server wrote into its lock file: as the host sees it (chroot isolation shares the pid namespace)."""
    return int(json.loads(_in(container, "cat", "/data/server.lock"))["pid"])


def _stop(container: Container, run: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server (not to buildah, which would leave it running), then wait for `buildah run` to end."""
    if run.poll() is None:
        with suppress(AssertionError, ProcessLookupError, ValueError):
            os.kill(_server_pid(container), signal.SIGTERM)
    try:
        run.wait(timeout=60)
    except subprocess.TimeoutExpired:
        run.kill()
        run.wait()
        raise


def _in(container: Container, *command: str) -> str:
    """What `command` prints, run in `container` (as the image's user)."""
    return _buildah("run", "--isolation", "chroot", container.name, "--", *command)


def _health_check(container: Container) -> int:
    """The image's HEALTHCHECK command, run in the container as Docker would: its exit status."""
    test = container.image.config["Healthcheck"]["Test"]
    assert test[0] == "CMD"
    return subprocess.run([*_run_args(container), *test[1:]], capture_output=True, timeout=60, check=False).returncode


def _uid(pid: int) -> int:
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("Uid:"))
    return int(line.split()[1])


def test_the_image_says_how_it_runs(image: Image) -> None:
    env = dict(entry.split("=", 1) for entry in image.config["Env"])
    assert image.config["User"] == "emulator"
    assert (env["AIP_EMULATOR_HOST"], env["AIP_EMULATOR_PORT"], env["AIP_EMULATOR_DATA_DIR"]) == (
        "0.0.0.0",
        "8080",
        "/data",
    )
    assert list(image.config["Volumes"]) == ["/data"]
    assert [image.config["Entrypoint"], image.config["Cmd"]] == [["aip-emulator"], ["serve"]]


def test_serve_answers_as_the_non_root_user_with_the_vendor_examples_and_its_health_check(
    container: Container,
) -> None:
    user = _in(container, "id", "-u", "emulator").strip()
    with serving(container) as server:
        assert _uid(server.pid) == int(user) != 0
        assert httpx.get(f"{server.url}/_emulator/health").json()["status"] == "ok"
        for example in EXAMPLES:
            answer = httpx.post(f"{server.url}{SEARCH}", json=_load(f"{example}.request.json"), auth=ADMIN).json()
            expected = _load(f"{example}.response.json")
            answer["queryIndexParam"].pop("respTime")
            expected["queryIndexParam"].pop("respTime")
            assert answer == expected, example
        assert _health_check(container) == 0
    assert _health_check(container) != 0  # and it fails once the server is gone


def test_a_write_survives_a_stop_and_a_start_on_the_same_data(container: Container) -> None:
    name = f"Image Laptop {os.getpid()}"
    asset = {"formId": 9, "name": name, "attributes": {"Vendor": "HP"}}
    with serving(container) as server:
        created = httpx.post(f"{server.url}{INVENTORY}.json", json=asset, auth=ADMIN)
        assert created.status_code in (200, 201), created.text
        asset_id = created.json()["data"]["id"]
    with serving(container) as server:
        found = httpx.get(f"{server.url}{INVENTORY}/{asset_id}.json", auth=ADMIN)
    assert found.status_code == 200, found.text
    assert name in found.text
