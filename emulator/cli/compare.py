"""`aip-emulator compare`: the same read-only queries to a real AIP and to an emulator on its capture; every
difference reported; exit status 1 when there is one (docs/capture.md)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from emulator.cli.capture import source_of
from emulator.cli.compare_battery import from_file
from emulator.cli.compare_report import Outcome, as_html, as_json, text
from emulator.cli.compare_run import battery, compare
from emulator.seeding.read import FixtureError
from emulator.seeding.source import Polite, Source, SourceError


def run_compare(args: argparse.Namespace) -> int:
    """0: no difference; 1: differences (reported); 2: a one-line error."""
    try:
        outcome = _outcome(args)
    except (SourceError, FixtureError, OSError, ValueError) as exc:
        print(f"aip-emulator compare: {exc}", file=sys.stderr)
        return 2
    print(as_json(outcome) if args.json else text(outcome), end="")
    if args.html is not None:
        args.html.write_text(as_html(outcome), encoding="utf-8")
    return 1 if outcome.differences else 0


def _outcome(args: argparse.Namespace) -> Outcome:
    if args.replay is not None:
        return _replayed(args)
    extra = from_file(args.queries) if args.queries else []
    source = source_of(args)
    try:
        with _emulator(args) as url:
            local = _emulator_client(args, url, source.polite)
            try:
                return compare([*battery(local), *extra], source, local)
            finally:
                local.close()
    finally:
        source.close()


def _replayed(args: argparse.Namespace) -> Outcome:
    """The recorded exchanges against the emulator only: the source is never asked again."""
    from emulator.cli.compare_replay import replay  # noqa: PLC0415

    args.user = args.user or args.emulator_user or "admin"
    with _emulator(args) as url:
        local = _emulator_client(args, url, Polite())
        try:
            outcome, skipped = replay(args.replay, local)
        finally:
            local.close()
    if skipped:
        print(
            f"aip-emulator compare: skipped {skipped} Cloud exchanges (their tokens are not recorded)", file=sys.stderr
        )
    return outcome


def _emulator_client(args: argparse.Namespace, url: str, polite: Polite) -> Source:
    user = args.emulator_user or args.user
    password = args.emulator_password if args.emulator_password is not None else user
    return Source(url, (user, password), Polite(rps=1000.0, tries=polite.tries, timeout_s=polite.timeout_s))


@contextmanager
def _emulator(args: argparse.Namespace) -> Iterator[str]:
    """The emulator's URL: the one given, or one started on the capture for as long as the comparison runs."""
    if args.emulator:
        yield args.emulator
        return
    if args.fixtures is None:
        raise SourceError("pass --fixtures DIR (a capture) or --emulator URL")
    from emulator.server import EmulatorServer  # noqa: PLC0415 - starting a server imports the web stack
    from emulator.settings import Settings  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="aip-compare-") as scratch:
        settings = Settings(fixtures=args.fixtures, data_dir=Path(scratch) / "data", time_zone=args.time_zone)
        with EmulatorServer(settings) as server:
            yield server.url
