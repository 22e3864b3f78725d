"""`python -m bench.reset_profile [--rounds 100]`: where `POST /_emulator/reset`'s time goes, step by step, in
process (no HTTP): each round creates, updates and deletes an asset through the core, then resets; every step of
the reset is timed by a wrapper around the function doing it, and the medians are printed beside the whole.
Default fixtures, a fresh data directory (issue 23).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.core.writes import create_asset, delete_asset, update_asset
from emulator.runtime import replace, state
from emulator.runtime.emulator import Emulator
from emulator.search.index import SearchIndex
from emulator.settings import Settings

LAPTOP = {"Vendor": "Dell", "RAM (GB)": 16}
STEPS: dict[str, list[float]] = {}


def _timed(owner: Any, name: str, label: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            STEPS.setdefault(label, []).append((time.perf_counter() - started) * 1000)

    setattr(owner, name, wrapper)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reset_profile", description=__doc__)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="aip-reset-profile-"))
    try:
        emu = Emulator(Settings(data_dir=data_dir))
        emu.start()
        admin = emu.catalog.user("admin")
        assert admin is not None
        for owner, name, label in [
            (replace, "stage", "stage (baseline db copied, new history, plan)"),
            (replace, "commit", "commit (staged db backed up into the live one)"),
            (SearchIndex, "load_from", "index load_from (mirror, reopen)"),
            (replace, "finish_without_index", "stage removed"),
            (emu, "reload", "reload (secret, tokens, change-log floor)"),
            (state, "_warm_catalog", "catalog kept"),
            (emu, "catch_up", "catch_up (change log replayed)"),
            (state, "ensure_baseline", "baseline checked"),
            (emu.views, "back_to", "views kept (back_to)"),
            (emu.views, "mark", "views marked"),
            (emu, "invalidate_catalog", "catalog dropped"),
            (emu, "raw_connection", "raw connection (checkout)"),
        ]:
            _timed(owner, name, label)
        whole: list[float] = []
        for n in range(args.rounds + 5):
            made = create_asset(emu, admin, 9, f"round{n}", LAPTOP).id
            update_asset(emu, admin, made, {"name": f"round{n}b", "values": {"RAM (GB)": 8}})
            delete_asset(emu, admin, made)
            if n == 5:
                STEPS.clear()
            started = time.perf_counter()
            state.reset(emu)
            if n >= 5:
                whole.append((time.perf_counter() - started) * 1000)
        emu.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"-- reset, in process, {args.rounds} rounds: median ms per step")
    for label, values in STEPS.items():
        print(f"   {statistics.median(values):6.2f}  {label}")
    accounted = sum(statistics.median(values) for values in STEPS.values())
    print(f"   {statistics.median(whole):6.2f}  the whole reset ({accounted:.2f} in the steps above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
