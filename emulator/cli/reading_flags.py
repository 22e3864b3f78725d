"""The flags of the commands that read a real AIP, `capture` and `compare`, apart from the code that runs them: the
CLI's parser names every command, and only the command run loads its modules (the HTTP client, the fixture format).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from emulator.cli.options import subcommand

PASSWORD_ENV = "AIP_CAPTURE_PASSWORD"
KEY_ENV = "AIP_CAPTURE_ANONYMIZE_KEY"
MIN_KEY = 16  # characters of a key given: a short one could be guessed, and with it every pseudonym checked
CAPTURE_EXAMPLE = (
    "AIP_CAPTURE_PASSWORD=... aip-emulator capture --from https://jira.example.com --user me --out prod-capture"
    " && aip-emulator serve --fixtures prod-capture --data-dir prod-capture-data"
)
COMPARE_EXAMPLE = (
    "AIP_CAPTURE_PASSWORD=... aip-emulator compare --against https://jira.example.com --user me "
    "--fixtures prod-capture --html report.html"
)


def add_source_flags(parser: argparse.ArgumentParser, url_flag: str) -> None:
    """The flags every command reading a real AIP takes: where, who, how politely."""
    parser.add_argument(url_flag, dest="source_url", metavar="URL", help="the Jira base URL (with its context path)")
    parser.add_argument("--user", help="a Jira username that may browse the schemes to read")
    parser.add_argument("--password", help=f"its password (or {PASSWORD_ENV}, which keeps it out of shell history)")
    parser.add_argument("--rps", type=float, default=5.0, help="requests per second at most (default: 5)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one answer (default: 30)")
    parser.add_argument("--tries", type=int, default=5, help="tries per request on 429 and 5xx (default: 5)")
    parser.set_defaults(source_flag=url_flag)


def add_capture_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `capture` to the CLI's parser."""
    text = "read a real AIP (read-only) into a fixture directory that `serve --fixtures` serves"
    parser = subcommand(commands, "capture", text, {"capture": CAPTURE_EXAMPLE})
    add_source_flags(parser, "--from")
    parser.add_argument("--out", type=Path, required=True, help="the fixture directory to write (must not exist)")
    parser.add_argument("--max-assets", type=int, help="take the first N assets by id (and what they reference)")
    parser.add_argument("--forms", help="comma-separated form names or ids whose assets to take (default: all)")
    parser.add_argument("--page-size", type=int, default=250, help="assets per search page (default: 250)")
    parser.add_argument("--anonymize", action="store_true", help="replace names, emails, keys and free text")
    parser.add_argument(
        "--anonymize-key", metavar="KEY",
        help=f"with --anonymize: the key of the pseudonyms (or {KEY_ENV}), for captures that match each other; "
        "default: a random key per capture, never written",
    )  # fmt: skip


def add_compare_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `compare` to the CLI's parser."""
    text_ = "ask a real AIP and an emulator the same read-only queries and report every difference"
    parser = subcommand(commands, "compare", text_, {"compare": COMPARE_EXAMPLE})
    add_source_flags(parser, "--against")
    parser.add_argument("--fixtures", type=Path, help="a capture: an emulator is started on it for the comparison")
    parser.add_argument("--emulator", help="or the base URL of an emulator already running")
    parser.add_argument("--emulator-user", help="the emulator's user (default: --user)")
    parser.add_argument("--emulator-password", help="its password (default: the username, as capture writes them)")
    parser.add_argument("--replay", type=Path, help="send the exchanges `serve --record` wrote to the emulator instead")
    parser.add_argument("--time-zone", default="UTC", help="the source's time zone, for the emulator (default: UTC)")
    parser.add_argument("--queries", type=Path, help="a JSON file of your own queries, asked after the battery")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of text")
    parser.add_argument("--html", type=Path, help="also write the report as one self-contained HTML file")
