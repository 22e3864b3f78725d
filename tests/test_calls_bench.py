"""`make bench-calls` runs and prints each client's medians, their ratio to HTTP and the verdict (issue 29); what
the figures are is the benchmark's business, not this test's."""

from __future__ import annotations

import re

import pytest

from bench.calls_bench import main

pytestmark = pytest.mark.slow  # starts server or command processes


def test_the_calls_benchmark_prints_every_client_beside_http(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--cycles", "1", "--health", "1", "--bare-rounds", "1"])
    printed = capsys.readouterr().out

    assert code in (0, 1)  # 1: the target missed, which a loaded machine may do in one cycle
    for title in ("a test's cycle", "health alone"):
        table = printed.split(f"-- {title}")[1]
        for client in ("in-process", "http", "testclient"):
            assert re.search(rf"^   {client} +\d+\.\d\d ms +\d+\.\d\d x$", table, re.MULTILINE), (client, printed)
    assert re.search(r"^-- in-process cycle / HTTP cycle = \d+\.\d\d \(target <= 0.9: (met|MISSED)\)$", printed, re.M)
    table = printed.split("-- each call over HTTP beside a bare FastAPI call")[1]
    for call in ("bare call", "seed search", "create", "update", "delete", "reset", "cycle: create", "cycle"):
        assert re.search(rf"^   {call} +\d+\.\d\d ms +\d+\.\d x$", table, re.MULTILINE), (call, printed)
