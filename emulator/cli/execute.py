"""`aip-emulator exec [flags] -- CMD ...`: serve, wait until healthy, run one command against the server, stop it,
and exit with the command's status (as `firebase emulators:exec` does), so a CI step is one line.

The server runs in this process (a thread, as `EmulatorServer`), so it cannot outlive it: whatever ends this
process, a finished command, a signal or kill -9, ends the server too. The command gets `AIP_EMULATOR_URL`, which the
pytest plugin and `aip-emulator token|namespace --url` read.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from emulator.cli.http import Refused, Unreachable, call
from emulator.cli.options import add_setting_flags, subcommand
from emulator.settings import ENV_PREFIX, Settings

URL_ENV = "AIP_EMULATOR_URL"
EXAMPLE = "aip-emulator exec --fixtures tests/aip-fixtures -- pytest -n 2"


def _signals(*names: str) -> tuple[signal.Signals, ...]:
    """The signals of `names` that this system has (Windows has no SIGHUP)."""
    return tuple(getattr(signal, name) for name in names if hasattr(signal, name))


FORWARDED = _signals("SIGINT", "SIGTERM", "SIGHUP")


class NoCommand(Exception):
    """`exec` without a command to run."""


def add_exec_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `exec` to the CLI's parser: every setting of `serve`, then `--` and the command."""
    text = (
        "serve on a free port (in a fresh temporary data directory unless --data-dir is given), wait until healthy, "
        f"run the command with {URL_ENV} set to the server's URL, stop the server and exit with the command's status"
    )
    exec_ = subcommand(commands, "exec", text, {"exec": EXAMPLE})
    add_setting_flags(exec_)
    exec_.add_argument("--reseed", action="store_true", help="drop a given --data-dir's data and seed it again")
    exec_.add_argument("exec_command", nargs=argparse.REMAINDER, metavar="-- CMD ...", help="the command to run")


def exec_settings(args: argparse.Namespace, settings: Settings) -> tuple[Settings, bool]:
    """The settings `exec` serves with, and whether the data directory is a temporary one: a free port and a fresh
    directory unless a flag or variable names them."""
    update: dict[str, object] = {}
    if args.port is None and ENV_PREFIX + "PORT" not in os.environ:
        update["port"] = 0
    temporary = args.data_dir is None and ENV_PREFIX + "DATA_DIR" not in os.environ
    if temporary:
        update["data_dir"] = Path(tempfile.mkdtemp(prefix="aip-emulator-exec-")) / "data"
    return settings.model_copy(update=update), temporary


def command_of(args: argparse.Namespace) -> list[str]:
    """The command after `--` (the `--` itself is optional)."""
    command: list[str] = list(args.exec_command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        raise NoCommand(f"exec needs a command to run, e.g. {EXAMPLE}")
    return command


def execute(settings: Settings, command: list[str], *, temporary: bool, reseed: bool = False) -> int:
    """Serve, run `command` against the server, stop; the command's exit status (128 + n if a signal n ended it)."""
    from emulator.server import EmulatorServer  # noqa: PLC0415 - importing FastAPI is slow; other commands skip it

    server = EmulatorServer(settings, host=settings.host, port=settings.port, reseed=reseed)
    for signum in _signals("SIGTERM", "SIGHUP"):  # while starting and stopping: clean up, then exit 128 + n
        signal.signal(signum, _exit)
    try:
        with server:
            _wait_healthy(server.url)
            running = shlex.join(command)  # as a shell would take it again
            print(f"aip-emulator: serving {settings.data_dir} on {server.url} for: {running}", file=sys.stderr)
            return _run(command, {**os.environ, URL_ENV: server.url})
    finally:
        if temporary:
            shutil.rmtree(settings.data_dir.parent, ignore_errors=True)


def _exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _wait_healthy(url: str) -> None:
    """The server answers once it is started; this is the same health check a client would make."""
    try:
        call("GET", url + "/_emulator/health", timeout=30)
    except (Unreachable, Refused) as exc:
        raise RuntimeError(f"the emulator on {url} did not answer its health check: {exc}") from None


def _run(command: list[str], env: dict[str, str]) -> int:
    with _forwarding_signals() as forward:  # before the command starts: see `_forwarding_signals`
        try:
            child = subprocess.Popen(command, env=env)
        except OSError as exc:
            print(f"aip-emulator: cannot run {command[0]!r}: {exc.strerror or exc}", file=sys.stderr)
            return 127 if isinstance(exc, FileNotFoundError) else 126
        forward.attach(child)
        status = _wait(child)
    return 128 - status if status < 0 else status


def _wait(child: subprocess.Popen[bytes]) -> int:
    """The command's exit status, returning to Python at least every 50 ms until then (`Popen.wait` with a timeout
    polls): the kernel may deliver a signal to any thread of this process, the server's too, and its handler runs only
    when the main thread runs Python again; a plain `wait()` would sit in waitpid until the command ended."""
    while True:
        try:
            return child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            continue


class _Forward:
    """The handler of the forwarded signals: each goes on to the command (a second one of the same kind kills it);
    one that arrives before the command has started goes on to it once it has."""

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None
        self.received: set[int] = set()
        self.waiting: list[int] = []

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        if signum in self.received and self.child is not None:
            self.child.kill()
            return
        self.received.add(signum)
        if signum == signal.SIGINT and _in_terminal_foreground():
            return  # a Ctrl-C in the terminal reaches the command by itself (its foreground group)
        if self.child is None:
            self.waiting.append(signum)
        else:
            self.child.send_signal(signum)

    def attach(self, child: subprocess.Popen[bytes]) -> None:
        self.child = child
        for signum in self.waiting:
            child.send_signal(signum)


@contextmanager
def _forwarding_signals() -> Iterator[_Forward]:
    """While the command runs, a signal to this process goes on to it; the server stops once the command has ended.
    A Ctrl-C in a terminal already reaches the command (it is in the terminal's foreground group), so SIGINT is passed
    on only when this process is not in that group.

    The handler is in place before the command starts: a command inherits a signal this process ignores (a job
    started in the background of a shell, or by a parent that ignores SIGINT, begins with it ignored) but never a
    handler (the command starts with the default action), so a signal passed on is never ignored by the command."""
    forward = _Forward()
    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED}
    try:
        yield forward
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _in_terminal_foreground() -> bool:
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):  # no terminal, or no process groups (Windows)
        return False
