"""`aip-emulator serve | exec | wait | reindex | generate | export | capture | compare | token | namespace |
postman`: every setting is a flag and a variable; `namespace` and `postman` talk to a running server."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from emulator import __version__
from emulator.cli.execute import NoCommand, add_exec_command, command_of, exec_settings, execute
from emulator.cli.namespace_commands import add_namespace_commands, run_namespace_command
from emulator.cli.options import (
    DATA_SETTINGS,
    Parser,
    SettingsProblem,
    add_setting_flags,
    settings_from,
    subcommand,
)
from emulator.cli.postman import add_postman_command, run_postman_command
from emulator.cli.reading_flags import add_capture_command, add_compare_command
from emulator.cli.token_commands import NoTokenTarget, add_token_commands, run_token_command
from emulator.cli.wait import add_wait_command, wait
from emulator.core.errors import EmulatorError
from emulator.runtime.listen import PortBusy
from emulator.settings import Settings

EXAMPLES = {
    "serve": "aip-emulator serve --port 8080 --data-dir .aip-emulator --fixtures fixtures/default",
    "reindex": "aip-emulator reindex --data-dir .aip-emulator",
    "generate": "aip-emulator generate --assets 1000 --out big && aip-emulator serve --fixtures big --data-dir big.d",
    "export": "aip-emulator export --data-dir .aip-emulator exported-fixtures",
}


# Errors a command reports in one line (exit status 2) whose classes the command line loads anyway: a bad setting, a
# busy port, no command for `exec` or no server for `token` is told without loading the database layer (~0.35 s).
LOADED_ONE_LINE_ERRORS = (SettingsProblem, PortBusy, NoTokenTarget, NoCommand)


def one_line_errors() -> tuple[type[Exception], ...]:
    """The other errors a command reports in one line (exit status 2): those of the data directory and the fixtures,
    imported here, when one is being caught: `wait`, `exec` or `--version` do not load the database to name them."""
    from emulator.runtime.datadir import DataFormatError  # noqa: PLC0415
    from emulator.runtime.lock import DataDirInUse  # noqa: PLC0415
    from emulator.seeding.read import FixtureError  # noqa: PLC0415
    from emulator.store.db import DataDirError  # noqa: PLC0415

    return FixtureError, DataDirError, DataDirInUse, DataFormatError


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = Parser(
        prog="aip-emulator",
        description="Emulator of the Jira Assets & Inventory Plugin REST API (Data Center and Cloud). "
        "Every flag is also an AIP_EMULATOR_* environment variable; flags win.",
        epilog="example:\n  aip-emulator serve            # http://127.0.0.1:8080/docs",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"aip-emulator {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_ = subcommand(commands, "serve", "serve the emulator over HTTP", EXAMPLES)
    add_setting_flags(serve_)
    serve_.add_argument("--reseed", action="store_true", help="drop the data directory's data and seed it again")
    reindex = subcommand(commands, "reindex", "rebuild the search index from the database", EXAMPLES)
    generate = subcommand(commands, "generate", "write a fixture directory of generated assets", EXAMPLES)
    generate.add_argument("--assets", type=int, required=True, help="how many assets")
    generate.add_argument("--out", type=Path, required=True, help="the fixture directory to write")
    generate.add_argument("--seed", type=int, default=0, help="the same seed writes the same files (default: 0)")
    export = subcommand(commands, "export", "write a data dir's current state as a fixture directory", EXAMPLES)
    export.add_argument("directory", type=Path, help="the fixture directory to write")
    for command in (reindex, export):
        add_setting_flags(command, DATA_SETTINGS)
    add_token_commands(commands, lambda sub: add_setting_flags(sub, DATA_SETTINGS))
    add_wait_command(commands)
    add_exec_command(commands)
    add_namespace_commands(commands)
    add_postman_command(commands)
    add_capture_command(commands)
    add_compare_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `aip-emulator` command."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # capture and compare: a line per request is noise
    if args.command == "namespace":
        return run_namespace_command(args)
    if args.command == "postman":
        return run_postman_command(args)
    if args.command == "capture":
        from emulator.cli.capture import run_capture  # noqa: PLC0415 - each command loads only its own modules

        return run_capture(args)
    if args.command == "compare":
        from emulator.cli.compare import run_compare  # noqa: PLC0415

        return run_compare(args)
    try:
        if args.command == "wait":
            return wait(args.url, args.timeout)
        if args.command == "generate":
            return _generate(args.out, args.assets, args.seed)
        settings = settings_from(args)
        if args.command == "serve":
            from emulator.cli.serve import serve  # noqa: PLC0415

            return serve(settings, reseed=args.reseed)
        if args.command == "exec":
            return _exec(args, settings)
        if args.command == "token":
            return run_token_command(args, settings)
        if args.command == "export":
            return _export(settings, args.directory)
        return _reindex(settings)
    except LOADED_ONE_LINE_ERRORS as exc:
        return _one_line(exc)
    except one_line_errors() as exc:  # evaluated only when something else is raised
        return _one_line(exc)
    except EmulatorError as exc:  # a refused token command: unknown id, bad expiry, ...
        print(f"aip-emulator: {exc.message}", file=sys.stderr)
        return 1


def _one_line(exc: Exception) -> int:
    print(f"aip-emulator: {exc}", file=sys.stderr)
    return 2


def _exec(args: argparse.Namespace, settings: Settings) -> int:
    command = command_of(args)  # before a temporary directory is made
    served, temporary = exec_settings(args, settings)
    try:
        return execute(served, command, temporary=temporary, reseed=args.reseed)
    except KeyboardInterrupt:  # while the server started or stopped: it is stopped, its temporary directory gone
        return 130


def _reindex(settings: Settings) -> int:
    from emulator.runtime.emulator import Emulator  # noqa: PLC0415
    from emulator.util.progress import Progress  # noqa: PLC0415

    emulator = Emulator(settings)
    progress = Progress(show=True)
    emulator.open_store(progress)
    count = emulator.reindex(progress)
    emulator.close()
    print(f"reindexed {count} assets in {settings.index_path}")
    return 0


def _generate(out: Path, assets: int, seed: int) -> int:
    from emulator.seeding.generate import generate  # noqa: PLC0415
    from emulator.util.progress import Progress  # noqa: PLC0415

    if assets < 0:
        print("aip-emulator: --assets must be 0 or more", file=sys.stderr)
        return 2
    generate(out, assets, seed=seed, progress=Progress(show=True))
    # A data directory of its own: one that already holds data (the default .aip-emulator) keeps serving it.
    data_dir = out.with_name(out.name + "-data")
    print(
        f"wrote {assets} generated assets to {out}; serve them with: "
        f"aip-emulator serve --fixtures {out} --data-dir {data_dir} (add --reseed to seed that directory again)"
    )
    return 0


def _export(settings: Settings, directory: Path) -> int:
    from emulator.runtime.emulator import Emulator  # noqa: PLC0415
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
