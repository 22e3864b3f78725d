"""SIGTERM stops a live server within seconds whatever is in flight, and nothing acknowledged is lost.

The server runs from a small script that makes every search spin without end (checking its budget, as the executor
does between terms): a search that its time limit stops answers 400 TimeExceededException; one whose limit is an hour
answers 503 when the shutdown's grace has passed and is left behind. Either way the process exits 0, removes its
lock, and a write acknowledged before the signal is there after a restart.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.testing import copy_data_dir, free_port
from emulator.testing_transport import AppLoop
from tests.cli.server import env, wait_healthy
from tests.helpers import ADMIN, SEARCH
from tests.reliability.serving import restarted

pytestmark = pytest.mark.slow  # starts server or command processes

SPINNING = """
import sys
from emulator.search import budget
from emulator.search.executor import Executor

run = Executor.run

def spin(self, *args, **kwargs):
    if budget.current() is None:  # the start's own warm-up, not a client's search
        return run(self, *args, **kwargs)
    while True:  # a search that never ends on its own; it looks at its budget as the executor does
        budget.check()
        sum(range(1000))

Executor.run = spin
from emulator.cli.commands import main
sys.exit(main(sys.argv[1:]))
"""
CREATE = "/rest/jip-api/1.0/inventory.json"


def _search_in_background(url: str, answers: list[Any]) -> threading.Thread:
    def send() -> None:
        try:
            response = httpx.post(url + SEARCH, auth=ADMIN, json={"genericKeyword": "laptop"}, timeout=60)
            answers.append((response.status_code, response.json()))
        except httpx.TransportError as exc:  # dropped by the stopping server
            answers.append(type(exc).__name__)

    thread = threading.Thread(target=send)
    thread.start()
    return thread


# The search limit, and the shutdown's grace: 2 s lets a 1-s search end with its own answer; the grace that passes
# before the hour-long search is left behind only needs to be short (1 s, the least uvicorn takes).
@pytest.mark.parametrize(("limit", "grace"), [("1", "2"), ("3600", "1")])
def test_sigterm_stops_the_server_with_a_search_in_flight(
    seeded_template: Path, tmp_path: Path, app_loop: AppLoop, limit: str, grace: str
) -> None:
    data = copy_data_dir(seeded_template, tmp_path / "data")
    script = tmp_path / "spinning.py"
    script.write_text(SPINNING)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, str(script), "serve", "--data-dir", str(data), "--port", str(port)]
    environ = env(AIP_EMULATOR_SEARCH_TIME_LIMIT_S=limit, AIP_EMULATOR_SHUTDOWN_GRACE_S=grace)
    answers: list[Any] = []
    with subprocess.Popen(argv, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as server:
        try:
            wait_healthy(url, server)
            created = httpx.post(url + CREATE, auth=ADMIN, json={"formId": 9, "name": "Before the signal"})
            assert created.status_code == 200, created.text
            searching = _search_in_background(url, answers)
            time.sleep(0.5)  # the search is spinning in a worker thread
            started = time.monotonic()
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=30) == 0
            stopped_after = time.monotonic() - started
            searching.join(timeout=30)
        finally:
            server.kill()

    assert stopped_after < 15, f"the server took {stopped_after:.1f} s to stop"
    if limit == "1":  # the search's own limit ended it, with its answer
        assert answers[0][0] == 400
        assert answers[0][1]["errorCode"] == "TimeExceededException"
    else:  # left behind after the grace: a 503 in the vendor's shape says so
        assert answers == [
            (
                503,
                {
                    "success": False,
                    "errorCode": "ServiceUnavailableException",
                    "errorMessage": "The emulator is shutting down; send the request again once it is back",
                },
            )
        ]
    assert not (data / "server.lock").exists()
    with restarted(data, app_loop, ADMIN) as client:  # in this process: the same start, no second interpreter
        found = client.get(f"/rest/jip-api/1.0/inventory/{created.json()['data']['id']}.json")
    assert found.status_code == 200, found.text
    assert found.json()["data"]["name"] == "Before the signal"
