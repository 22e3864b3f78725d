"""Seeding over HTTP (issue 14): health keeps answering with the old data's counts while a large seed runs, and
reports the seed's progress; the seed answers with the counts and the time it took."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.server import EmulatorServer
from emulator.settings import Settings
from emulator.testing import copy_data_dir

pytestmark = pytest.mark.slow  # seeds thousands of assets while the server answers

ASSETS = 3000  # a second or more of generating, loading and indexing
STEPS = {"generating assets", "loading assets", "writing the database", "indexing assets", "writing the index"}


def _seed(url: str, answers: list[httpx.Response]) -> None:
    answers.append(httpx.post(f"{url}/_emulator/seed", json={"generate": {"assets": ASSETS}}, timeout=300))


def _health_while(url: str, seeding: threading.Thread) -> list[httpx.Response]:
    answers = []
    with httpx.Client(timeout=10) as client:  # one client: each new one loads the CA bundle (~25 ms of CPU)
        while seeding.is_alive():
            answers.append(client.get(f"{url}/_emulator/health"))
            time.sleep(0.02)
    return answers


def _check_report(report: Any) -> None:
    assert set(report) in ({"step", "stepsDone"}, {"step", "done", "total", "unit", "etaS", "stepsDone"})
    if report["step"] is not None:
        assert report["step"] in STEPS
        assert 0 <= report["done"] <= report["total"]
        assert report["etaS"] is None or report["etaS"] >= 0
    assert set(report["stepsDone"]) <= STEPS


def test_health_answers_with_the_old_counts_and_the_seeds_progress_while_a_seed_runs(
    seeded_template: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data"))
    with EmulatorServer(settings) as server:
        seeded: list[httpx.Response] = []
        seeding = threading.Thread(target=_seed, args=(server.url, seeded))
        seeding.start()
        during = _health_while(server.url, seeding)
        seeding.join()
        after = httpx.get(f"{server.url}/_emulator/health").json()

    assert {answer.status_code for answer in during} == {200}
    reports = [answer.json().pop("seeding") for answer in during if "seeding" in answer.json()]
    assert len(reports) >= 3, [answer.json() for answer in during]
    for report in reports:
        _check_report(report)
    counts = [{key: value for key, value in answer.json().items() if key != "seeding"} for answer in during]
    old, new = ({"status": "ok", "assets": n, "indexedAssets": n, "pendingChanges": 0} for n in (39, ASSETS))
    assert old in counts
    assert all(answer in (old, new) for answer in counts), [c for c in counts if c not in (old, new)]
    body = seeded[0].json()
    assert (seeded[0].status_code, set(body)) == (200, {"status", "assets", "tookMs"})
    assert (body["status"], body["assets"]) == ("seeded", ASSETS)
    assert isinstance(body["tookMs"], int)
    assert body["tookMs"] >= 500
    assert after == {"status": "ok", "assets": ASSETS, "indexedAssets": ASSETS, "pendingChanges": 0}
