"""`aip-emulator serve | reindex | generate | export | token | namespace`: every flag of the commands that open a data
directory is also an `AIP_EMULATOR_*` variable; `namespace` talks to a running server."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError as SettingsError

from emulator.cli.namespaces import add_namespace_commands, run_namespace_command
from emulator.cli.tokens import add_token_commands, run_token_command
from emulator.core.errors import EmulatorError
from emulator.seeding.read import FixtureError
from emulator.settings import Settings
from emulator.store.db import DataDirError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aip-emulator", description="Emulator of the Jira AIP REST API")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument("--host", help="address to listen on (AIP_EMULATOR_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (AIP_EMULATOR_PORT, default 8080)")
    reindex = commands.add_parser("reindex", help="rebuild the search index from the database")
    generate = commands.add_parser("generate", help="write a fixture directory of generated assets")
    generate.add_argument("--assets", type=int, required=True, help="how many assets")
    generate.add_argument("--out", type=Path, required=True, help="the fixture directory to write")
    generate.add_argument("--seed", type=int, default=0, help="the same seed writes the same files")
    export = commands.add_parser("export", help="write a data dir's current state as a fixture directory")
    export.add_argument("directory", type=Path, help="the fixture directory to write")
    for command in (serve, reindex, export):
        command.add_argument("--data-dir", type=Path, help="database and index (AIP_EMULATOR_DATA_DIR)")
        command.add_argument("--fixtures", type=Path, help="fixtures to seed a new data dir (AIP_EMULATOR_FIXTURES)")
        command.add_argument("--context-path", help="Jira context path, e.g. /jira (AIP_EMULATOR_CONTEXT_PATH)")
        command.add_argument("--time-zone", help="IANA zone for dates (AIP_EMULATOR_TIME_ZONE, default UTC)")
    add_token_commands(commands)
    add_namespace_commands(commands)
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
    if args.command == "namespace":
        return run_namespace_command(args)
    try:
        settings = settings_from(args)
        if args.command == "serve":
            return _serve(settings)
        if args.command == "token":
            return run_token_command(args, settings)
        if args.command == "generate":
            return _generate(args.out, args.assets, args.seed)
        if args.command == "export":
            return _export(settings, args.directory)
        return _reindex(settings)
    except (FixtureError, SettingsError, DataDirError) as exc:
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
    from emulator.core.runtime import Emulator  # noqa: PLC0415

    emulator = Emulator(settings)
    emulator.open_store(progress=True)
    count = emulator.reindex(progress=True)
    emulator.close()
    print(f"reindexed {count} assets in {settings.index_path}")
    return 0


def _generate(out: Path, assets: int, seed: int) -> int:
    from emulator.seeding.generate import generate  # noqa: PLC0415

    if assets < 0:
        print("aip-emulator: --assets must be 0 or more", file=sys.stderr)
        return 2
    generate(out, assets, seed=seed, progress=True)
    print(f"wrote {assets} generated assets to {out}; serve them with: aip-emulator serve --fixtures {out}")
    return 0


def _export(settings: Settings, directory: Path) -> int:
    from emulator.core.runtime import Emulator  # noqa: PLC0415
    from emulator.seeding.export import write_directory  # noqa: PLC0415

    emulator = Emulator(settings)
    emulator.open_store()
    try:
        with emulator.session() as session:
            files = write_directory(session, directory, emulator.jwt_secret)
    finally:
        emulator.close()
    print(f"exported {settings.data_dir} as {files} fixture files in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
