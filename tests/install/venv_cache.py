"""A wheel of this checkout and a venv outside it that has the wheel installed, the way a user installs it.

The venv is cached under the user's cache directory, keyed by the constraints and the pyproject, so its
dependencies are installed once; every run reinstalls only the freshly built wheel (a second or two).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "constraints.txt"
COMPLETE = ".aip-complete"
INSTALLED = ".aip-installed-wheel"
# What a user project adds next to the emulator to run its tests in parallel.
USER_EXTRAS = ["pytest-xdist"]


def clean_env() -> dict[str, str]:
    """The environment without this venv, this checkout or any emulator setting leaking into the child."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AIP_EMULATOR_", "PYTEST_"))}
    for key in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"):
        env.pop(key, None)
    return env


@contextmanager
def _exclusive() -> Iterator[None]:
    """One build or install at a time: pytest-xdist workers share the checkout's build/ and the cached venv."""
    cache_dir().mkdir(parents=True, exist_ok=True)
    with (cache_dir() / "venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def build_wheel(out: Path) -> Path:
    """Build the checkout's wheel into `out` (no isolation: setuptools is in the dev extra, so it works offline)."""
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), "."]
    with _exclusive():
        subprocess.run(command, cwd=ROOT, check=True, env=clean_env(), capture_output=True)
    (wheel,) = out.glob("aip_emulator-*.whl")
    return wheel


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aip-emulator-tests"


def venv_key() -> str:
    """Changes whenever the dependencies a fresh install would pull in may change."""
    digest = hashlib.sha256(sys.version.encode())
    for source in (CONSTRAINTS, ROOT / "pyproject.toml"):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _pip(venv: Path, *args: str) -> None:
    command = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(CONSTRAINTS), *args]
    subprocess.run(command, check=True, env=clean_env(), capture_output=True, cwd=venv)


def user_venv(wheel: Path) -> Path:
    """A venv outside the checkout with `aip-emulator[testing]` from `wheel` (dependencies cached between runs).

    A file lock keeps parallel runs (pytest-xdist workers, two checkouts) from building or reinstalling it at once.
    """
    with _exclusive():
        return _installed(cache_dir() / f"venv-{venv_key()}", wheel)


def _installed(venv: Path, wheel: Path) -> Path:
    if not (venv / COMPLETE).is_file():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=clean_env())
        _pip(venv, f"{wheel}[testing]", *USER_EXTRAS)
        (venv / COMPLETE).write_text(str(wheel.name))
    built = wheel_digest(wheel)
    if (venv / INSTALLED).is_file() and (venv / INSTALLED).read_text() == built:
        return venv  # the same files are installed (another worker of this run put them there)
    _pip(venv, "--no-deps", "--force-reinstall", str(wheel))
    (venv / INSTALLED).write_text(built)
    return venv


def wheel_digest(wheel: Path) -> str:
    """Changes with the content of the wheel, not with its build time (RECORD lists every file's hash)."""
    with zipfile.ZipFile(wheel) as archive:
        (record,) = [name for name in archive.namelist() if name.endswith(".dist-info/RECORD")]
        return hashlib.sha256(archive.read(record)).hexdigest()
