"""A worker process for long builds: `python -m <module> ARGS`, spoken to through its standard input and output.

`multiprocessing`'s spawn would import the caller's main script again in the child: a script that starts the
emulator without an `if __name__ == "__main__"` guard would then start it a second time. A worker here is a fresh
interpreter running one module of this package, so nothing of the caller is imported. Each side gets a `Channel` per
direction (pickled messages, or bytes, each with its length before it) over the child's stdin and stdout: plain
pipes, the same on Windows as on POSIX (no inherited descriptors, no `pass_fds`). The child's fd 1 is pointed at
its stderr once it has taken the pipe, so a stray `print` in it cannot garble a message.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import traceback
from contextlib import suppress
from dataclasses import dataclass
from typing import IO, Any

_LENGTH = struct.Struct("!Q")


class Channel:
    """One direction of a pipe: messages framed by their length (the calls of `multiprocessing`'s `Connection`)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def send_bytes(self, data: bytes) -> None:
        """Send `data` whole (BrokenPipeError when the other side has gone)."""
        self._stream.write(_LENGTH.pack(len(data)))
        self._stream.write(data)
        self._stream.flush()

    def recv_bytes(self) -> bytes:
        """The next message (EOFError when the other side closed its end)."""
        size = _LENGTH.unpack(self._read(_LENGTH.size))[0]
        return self._read(size)

    def send(self, message: Any) -> None:
        self.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))

    def recv(self) -> Any:
        return pickle.loads(self.recv_bytes())

    def close(self) -> None:
        with suppress(BrokenPipeError):  # data still buffered for a reader that has gone
            self._stream.close()

    def _read(self, size: int) -> bytes:
        data = self._stream.read(size)
        if len(data) < size:
            raise EOFError("the other side closed the pipe")
        return data


@dataclass
class Worker:
    """A running worker: `outbox` sends to it, `inbox` receives from it."""

    process: subprocess.Popen[bytes]
    outbox: Channel
    inbox: Channel

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
    """Start `python -m module` with a pipe each way (its stdin and stdout)."""
    env = os.environ | {"PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
    command = [sys.executable, "-m", module, *args]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert process.stdin is not None
    assert process.stdout is not None
    return Worker(process, Channel(process.stdin), Channel(process.stdout))


def connections(argv: list[str]) -> tuple[Channel, Channel, list[str]]:
    """The worker's side: (what it receives on, what it sends on, the rest of its arguments). From here on its
    fd 0 reads nothing and its fd 1 is its stderr: only the channels use the pipes."""
    inbox = Channel(os.fdopen(os.dup(0), "rb"))
    outbox = Channel(os.fdopen(os.dup(1), "wb"))
    sys.stdout.flush()
    os.dup2(2, 1)
    with open(os.devnull, "rb") as nothing:
        os.dup2(nothing.fileno(), 0)
    return inbox, outbox, argv


def report_failure(conn: Channel, exc: BaseException) -> None:
    """The worker's side of a failure (call it in an `except`): a storage error as its errno, strerror and file
    name, so the caller raises the same `OSError` (and names its data dir); anything else with its traceback."""
    if isinstance(exc, OSError):
        conn.send(("oserror", (exc.errno, exc.strerror or str(exc), exc.filename)))
    else:
        conn.send(("error", traceback.format_exc()))


def receive(conn: Channel, failure: type[Exception], what: str) -> tuple[Any, ...]:
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
