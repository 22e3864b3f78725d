"""`python -m bench.generate --assets N --out DIR [--seed S]`: write a synthetic fixture directory."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from emulator.seeding.generate import generate
from emulator.util.progress import Progress


def main(argv: list[str] | None = None) -> int:
    """Generate the fixture directory the flags describe."""
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--assets", type=int, required=True, help="number of assets to generate")
    parser.add_argument("--out", type=Path, required=True, help="fixture directory to write (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed writes identical files")
    args = parser.parse_args(argv)
    if args.assets < 0:
        parser.error("--assets must be 0 or more")
    started = time.perf_counter()
    generate(args.out, args.assets, seed=args.seed, progress=Progress(show=True))
    print(f"wrote {args.assets} assets to {args.out} in {time.perf_counter() - started:.1f} s")
    print(f"serve them with: aip-emulator serve --fixtures {args.out} --data-dir <new empty dir>")
    return 0


if __name__ == "__main__":
    sys.exit(main())
