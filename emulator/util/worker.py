"""A worker process for long builds: `python -m <module> <in-fd> <out-fd> ARGS`, spoken to through two pipes.

`multiprocessing`'s spawn would import the caller's main script again in the child: a script that starts the
emulator without an `if __name__ == "__main__"` guard would then start it a second time. A worker here is a fresh
interpreter running one module of this package, so nothing of the caller is imported. Each side gets a
`multiprocessing.connection.Connection` per direction (pickled messages, or bytes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any


@dataclass
class Worker:
    """A running worker: `outbox` sends to it, `inbox` receives from it."""

    process: subprocess.Popen[bytes]
    outbox: Connection
    inbox: Connection

    def close(self, timeout: float = 30.0) -> None:
        """Close both pipes and wait for the worker to end (killed after `timeout` seconds)."""
        self.outbox.close()
        self.inbox.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(module: str, *args: str) -> Worker:
    """Start `python -m module` with a pipe each way."""
    to_child_read, to_child_write = os.pipe()
    from_child_read, from_child_write = os.pipe()
    env = os.environ | {"PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
    command = [sys.executable, "-m", module, str(to_child_read), str(from_child_write), *args]
    try:
        process = subprocess.Popen(command, pass_fds=(to_child_read, from_child_write), env=env)
    finally:
        os.close(to_child_read)
        os.close(from_child_write)
    return Worker(process, Connection(to_child_write, readable=False), Connection(from_child_read, writable=False))


def connections(argv: list[str]) -> tuple[Connection, Connection, list[str]]:
    """The worker's side: (what it receives on, what it sends on, the rest of its arguments)."""
    inbox, outbox = Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False)
    return inbox, outbox, argv[2:]


def report_failure(conn: Connection, exc: BaseException) -> None:
    """The worker's side of a failure (call it in an `except`): a storage error as its errno, strerror and file
    name, so the caller raises the same `OSError` (and names its data dir); anything else with its traceback."""
    if isinstance(exc, OSError):
        conn.send(("oserror", (exc.errno, exc.strerror or str(exc), exc.filename)))
    else:
        conn.send(("error", traceback.format_exc()))


def receive(conn: Connection, failure: type[Exception], what: str) -> tuple[Any, ...]:
    """The caller's side: the worker's next message, or its failure raised (`failure` names `what` failed)."""
    try:
        message: tuple[Any, ...] = conn.recv()
    except EOFError:
        raise failure(f"the process {what} ended without a word") from None
    if message[0] == "oserror":
        raise OSError(*message[1])
    if message[0] == "error":
        raise failure(f"{what} failed:\n{message[1]}")
    return message
