"""The listening socket of a server: bound before anything is seeded (a busy port is one line), and the URL a
client on this machine reaches it at. `aip-emulator serve` and the threaded server for test runners both use it."""

from __future__ import annotations

import socket

_ANY = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}


class PortBusy(Exception):
    """The port is taken: a one-line message naming host and port."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or `PortBusy` (before anything is seeded)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio switches Nagle off (TCP_NODELAY) only on sockets that say they are TCP, and an
    # accepted socket inherits this one's protocol. With 0, every keep-alive answer waited ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PortBusy(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; pass another --port (or AIP_EMULATOR_PORT)"
        ) from None
    sock.set_inheritable(True)
    return sock


def base_url(host: str, sock: socket.socket) -> str:
    """The URL a client on this machine reaches the socket at."""
    port = sock.getsockname()[1]
    shown = _ANY.get(host, f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}"
