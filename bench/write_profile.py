"""`python -m bench.write_profile [--writes 200] [--profile]`: SQL statements per create, update, delete and reset
(an SQLAlchemy `before_cursor_execute` listener on every engine), and optionally where a create's time goes
(cProfile over `--writes` creates through the core, no HTTP). Default fixtures, a fresh data directory (issue 23).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from emulator.core.writes import create_asset, delete_asset, update_asset
from emulator.runtime.emulator import Emulator
from emulator.runtime.state import reset
from emulator.settings import Settings

LAPTOP = {"Vendor": "Dell", "RAM (GB)": 16}
STATEMENTS: Counter[str] = Counter()


def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    STATEMENTS[statement.split(None, 1)[0].upper()] += 1


def _counted(work: Callable[[], object]) -> tuple[int, Counter[str]]:
    STATEMENTS.clear()
    work()
    return sum(STATEMENTS.values()), Counter(STATEMENTS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.write_profile", description=__doc__)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="cProfile the creates (top 35, cumulative)")
    args = parser.parse_args(argv)
    event.listen(Engine, "before_cursor_execute", _count)
    data_dir = Path(tempfile.mkdtemp(prefix="aip-write-profile-"))
    try:
        emu = Emulator(Settings(data_dir=data_dir))
        emu.start()
        admin = emu.catalog.user("admin")
        assert admin is not None
        for n in range(5):  # warm
            delete_asset(emu, admin, create_asset(emu, admin, 9, f"warm{n}", LAPTOP).id)
        made: list[int] = []
        counts = {
            "create": _counted(lambda: made.append(create_asset(emu, admin, 9, "counted", LAPTOP).id)),
            "update": _counted(lambda: update_asset(emu, admin, made[0], {"name": "b", "values": {"RAM (GB)": 8}})),
            "delete": _counted(lambda: delete_asset(emu, admin, made[0])),
            "reset": _counted(lambda: reset(emu)),
        }
        for name, (total, kinds) in counts.items():
            print(f"{name:<7} {total:3d} statements  {dict(kinds)}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(args.writes):
                create_asset(emu, admin, 9, f"profiled{n}", LAPTOP)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        emu.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
