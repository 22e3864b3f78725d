"""uvicorn's h11 protocol with a deadline for request headers, so connections that never finish them do not pile up.

uvicorn closes a keep-alive connection idle between requests, but a connection that has sent nothing, or only part
of its headers (a client stuck half-way, a slowloris), stays open for as long as the client wants: each one holds a
file descriptor and a protocol object, and enough of them exhaust the descriptors every other client needs. Here a
connection must finish each request's headers within `header_timeout_s` of being opened or of its previous answer,
however it trickles its bytes; otherwise it is answered 408 and closed. Requests whose headers arrived are never
cut: their bodies and answers take as long as they take.

Headers larger than h11 takes (16 KB: a 100 KB token, say) were answered uvicorn's text/plain 400 and the socket
closed at once, with the rest of the request unread: the kernel then resets the connection, and a client still
sending saw 'connection reset' and never the answer. They are answered 431 with a JSON body, and the connection
lingers, reading and dropping what still comes, until the client closes it or `LINGER_S` has passed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

H11_HEAD_LIMIT = 16 * 1024  # h11's default for a request line and headers (uvicorn's h11_max_incomplete_event_size)
LINGER_S = 5.0  # how long a refused connection is read and dropped before it is closed


def _answer(status: bytes, body: bytes) -> bytes:
    head = b"HTTP/1.1 %s\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: %d\r\n\r\n"
    return head % (status, len(body)) + body


_TIMEOUT_ANSWER = _answer(
    b"408 Request Timeout", b'{"error":"RequestTimeout","message":"the request headers did not arrive in time"}'
)
_TOO_LARGE_BODY = (
    b'{"error":"RequestHeaderFieldsTooLarge","message":"the request line and headers are larger than %d bytes; '
    b'send a shorter token, cookie or URL"}'
)


class HeaderDeadlineProtocol(H11Protocol):
    """H11Protocol that closes a connection whose request headers take longer than `header_timeout_s`."""

    header_timeout_s = 10.0  # set per server by `protocol_with_deadline`

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, server_state, app_state, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._max_head = config.h11_max_incomplete_event_size or H11_HEAD_LIMIT
        self._refused = False  # answered a request h11 could not read: what still comes is dropped

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._refused:
            super().data_received(data)

    def eof_received(self) -> None:
        if self._refused:
            self.transport.close()  # the client has sent all it will: the answer is out, the linger can end

    def send_400_response(self, msg: str) -> None:
        buffered, _ = self.conn.trailing_data
        if len(buffered) <= self._max_head:
            super().send_400_response(msg)  # malformed HTTP: uvicorn's answer
            return
        self._disarm()
        self._refused = True
        self.logger.warning("request headers larger than %d bytes: answered 431", self._max_head)
        self.transport.write(_answer(b"431 Request Header Fields Too Large", _TOO_LARGE_BODY % self._max_head))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)

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
