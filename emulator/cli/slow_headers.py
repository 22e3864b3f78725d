"""uvicorn's h11 protocol with a deadline for request headers, so connections that never finish them do not pile up.

uvicorn closes a keep-alive connection idle between requests, but a connection that has sent nothing, or only part
of its headers (a client stuck half-way, a slowloris), stays open for as long as the client wants: each one holds a
file descriptor and a protocol object, and enough of them exhaust the descriptors every other client needs. Here a
connection must finish each request's headers within `header_timeout_s` of being opened or of its previous answer,
however it trickles its bytes; otherwise it is answered 408 and closed. Requests whose headers arrived are never
cut: their bodies and answers take as long as they take.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

_TIMEOUT_BODY = b'{"error":"RequestTimeout","message":"the request headers did not arrive in time"}'
_TIMEOUT_ANSWER = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
    + b"content-length: %d\r\n\r\n" % len(_TIMEOUT_BODY)
    + _TIMEOUT_BODY
)


class HeaderDeadlineProtocol(H11Protocol):
    """H11Protocol that closes a connection whose request headers take longer than `header_timeout_s`."""

    header_timeout_s = 10.0  # set per server by `protocol_with_deadline`

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, server_state, app_state, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # the headers are in: the request runs as long as it needs

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request's headers have the same deadline

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
            return
        if self.conn.their_state == h11.IDLE:  # nothing of a request was parsed: h11 cannot answer, so we do
            self.transport.write(_TIMEOUT_ANSWER)
        self.transport.close()


def protocol_with_deadline(header_timeout_s: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class for uvicorn's `http=` with this deadline."""
    return type("HeaderDeadline", (HeaderDeadlineProtocol,), {"header_timeout_s": header_timeout_s})
