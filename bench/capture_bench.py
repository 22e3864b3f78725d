"""`python -m bench.capture_bench [--size 10000] [--page-size 250]`: how fast `aip-emulator capture` reads a source,
and the request rate it holds to.

The source is an emulator on a generated dataset (cached in bench/.cache) in this process's threads. Three
captures of it: at the default `--rps` (5, what a production Jira sees), and unthrottled at two page sizes (what the
capture code itself costs). Each prints assets/s, requests, the mean request rate and the busiest second.
Writes bench/results/capture.json. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.search_bench import dataset
from bench.serving import ROOT
from emulator.seeding.capture import CaptureOptions, capture
from emulator.seeding.source import Polite, Source
from emulator.server import EmulatorServer
from emulator.settings import Settings

RESULTS = ROOT / "results" / "capture.json"
DEFAULT_RPS = Polite().rps


def one(url: str, out: Path, rps: float, page_size: int) -> dict[str, Any]:
    """One capture into `out` (removed after): throughput and the rate it held."""
    source = Source(url, ("admin", "admin"), Polite(rps=rps))
    try:
        summary = capture(source, CaptureOptions(out=out, page_size=page_size))
    finally:
        source.close()
    shutil.rmtree(out)
    return {
        "rps_limit": rps, "page_size": page_size, "assets": summary.assets, "seconds": round(summary.seconds, 2),
        "assets_per_s": round(summary.assets / summary.seconds), "requests": summary.requests,
        "mean_rps": round(summary.requests / summary.seconds, 2), "busiest_second": source.stats.busiest_second(),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=250)
    args = parser.parse_args()
    data_dir, _timings = dataset(args.size, 0, reuse=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="aip-capture-bench-") as scratch:
        work = Path(scratch) / "data"
        shutil.copytree(data_dir, work)  # the cached data dir stays untouched
        with EmulatorServer(Settings(data_dir=work)) as server:
            for rps, page in ((DEFAULT_RPS, args.page_size), (10_000.0, args.page_size), (10_000.0, 1000)):
                rows.append(one(server.url, Path(scratch) / "capture", rps, page))
                print(_line(rows[-1]), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"size": args.size, "runs": rows}, indent=2) + "\n")


def _line(row: dict[str, Any]) -> str:
    limit = "unthrottled" if row["rps_limit"] >= 10_000 else f"--rps {row['rps_limit']:g}"
    return (
        f"{limit:>12}, page {row['page_size']:>4}: {row['assets']} assets in {row['seconds']} s = "
        f"{row['assets_per_s']} assets/s; {row['requests']} requests, mean {row['mean_rps']}/s, "
        f"busiest second {row['busiest_second']}"
    )


if __name__ == "__main__":
    main()
