"""`make chaos` (bench/chaos.py): what its checker accepts after a kill, and two real rounds printing the summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.chaos import main
from bench.chaos_check import acknowledged
from bench.chaos_model import UNKNOWN, AssetTrack, Model


def _model(pending: str | None = None) -> Model:
    model = Model()
    model.assets = [AssetTrack(30, 0, ["kc1t0n1"]), AssetTrack(31, 0, ["kc1t0n2", "kc1t0n3"], pending=[None])]
    model.pending_change = pending
    return model


def test_every_acknowledged_write_is_checked_when_no_whole_state_change_was_in_flight() -> None:
    assert acknowledged(_model(), {30: "kc1t0n1", 31: "kc1t0n3"}) == ([], 3)
    assert acknowledged(_model(), {30: "kc1t0n1"}) == ([], 3)  # the delete never answered happened
    assert acknowledged(_model(), {31: "kc1t0n3"}) == (
        ["acknowledged write lost: asset 30 is 'absent', expected one of ['kc1t0n1']"],
        3,
    )


def test_a_reset_in_flight_at_the_kill_leaves_the_writes_before_it_all_or_none() -> None:
    assert acknowledged(_model("reset"), {30: "Laptop 1", 31: "Laptop 2"}) == ([], 3)
    assert acknowledged(_model("reset"), {30: "kc1t0n1", 31: "Laptop 2"}) == (
        ["a reset in flight left some of the writes before it: ['kc1t0n1']"],
        3,
    )
    assert acknowledged(_model("restore"), {}) == ([], 0)  # a restore may bring any earlier state back


def test_a_snapshot_saved_beside_a_reset_may_or_may_not_survive_it() -> None:
    model = Model()
    model.set_named(model.snapshots, "s-0", "present")
    model.set_named(model.snapshots, "s-1", "present")
    model.change_started("reset")
    model.set_named(model.snapshots, "s-1", "present")
    model.change_answered("reset", applied=True)

    assert model.snapshots == {"s-0": "absent", "s-1": UNKNOWN}


@pytest.mark.slow  # starts server processes
def test_two_rounds_kill_restart_check_and_print_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--rounds", "2", "--threads", "2", "--max-delay", "0.3", "--keep", str(tmp_path / "fail")])
    printed = capsys.readouterr().out

    assert code == 0, printed
    assert re.search(r"^round 2 seed 1000002 [a-z-]+: kill after \d+ ms in ", printed, re.MULTILINE), printed
    assert "\n2 rounds killed and restarted, " in printed
    assert printed.rstrip().endswith("PASS")
