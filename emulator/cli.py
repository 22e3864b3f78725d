"""`aip-emulator serve | reindex | token`: every flag is also an `AIP_EMULATOR_*` environment variable."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError as SettingsError

from emulator.cli_tokens import add_token_commands, run_token_command
from emulator.errors import EmulatorError
from emulator.fixtures.read import FixtureError
from emulator.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aip-emulator", description="Emulator of the Jira AIP REST API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument("--host", help="address to listen on (AIP_EMULATOR_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (AIP_EMULATOR_PORT, default 8080)")
    reindex = commands.add_parser("reindex", help="rebuild the search index from the database")
    for command in (serve, reindex):
        command.add_argument("--data-dir", type=Path, help="database and index (AIP_EMULATOR_DATA_DIR)")
        command.add_argument("--fixtures", type=Path, help="fixtures to seed a new data dir (AIP_EMULATOR_FIXTURES)")
        command.add_argument("--context-path", help="Jira context path, e.g. /jira (AIP_EMULATOR_CONTEXT_PATH)")
        command.add_argument("--time-zone", help="IANA zone for dates (AIP_EMULATOR_TIME_ZONE, default UTC)")
    add_token_commands(commands)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Environment first, flags on top."""
    given: dict[str, Any] = {
        name: value
        for name in ("host", "port", "data_dir", "fixtures", "context_path", "time_zone")
        if (value := getattr(args, name, None)) is not None
    }
    return Settings(**given)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `aip-emulator` command."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from(args)
        if args.command == "serve":
            return _serve(settings)
        if args.command == "token":
            return run_token_command(args, settings)
        return _reindex(settings)
    except (FixtureError, SettingsError) as exc:
        print(f"aip-emulator: {exc}", file=sys.stderr)
        return 2
    except EmulatorError as exc:  # a refused token command: unknown id, bad expiry, ...
        print(f"aip-emulator: {exc.message}", file=sys.stderr)
        return 1


def _serve(settings: Settings) -> int:
    import uvicorn  # noqa: PLC0415 - only the serve command needs the server

    from emulator.app import create_app  # noqa: PLC0415 - importing FastAPI is slow; reindex does not need it

    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", access_log=False)
    return 0


def _reindex(settings: Settings) -> int:
    from emulator.runtime import Emulator  # noqa: PLC0415

    emulator = Emulator(settings)
    emulator.open_store(progress=True)
    count = emulator.reindex(progress=True)
    emulator.close()
    print(f"reindexed {count} assets in {settings.index_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
