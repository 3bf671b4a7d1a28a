"""uvicorn's HTTP protocol with a deadline for request headers.

uvicorn waits for a request's headers for ever: a client that opens connections and sends a
header line now and then (slowloris) holds each one, and blocks a graceful shutdown, with no
byte of the app ever running. This protocol gives every request REQUEST_READ_TIMEOUT seconds
from its first byte (or from the connection's opening) to its last header line, then answers
408 and closes. The body's own stalls are the app's to catch (service.app.BodyLimitMiddleware);
idle keep-alive connections are uvicorn's (timeout_keep_alive).

httptools is the parser `uvicorn[standard]` installs and uvicorn picks by default; this adds
two callbacks to it and changes nothing else.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

REQUEST_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 36\r\n"
    b"connection: close\r\n\r\n"
    b"Request headers not received in time"
)


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that drops a request whose headers take over ``header_timeout`` s."""

    # Set once per process by ``configure`` (the serve command, or a worker building its app):
    # uvicorn makes the protocol itself, one instance per connection, from the class alone.
    header_timeout: ClassVar[float] = 10.0

    @classmethod
    def configure(cls, seconds: float) -> type[HeaderTimeoutProtocol]:
        cls.header_timeout = seconds
        return cls

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._start_header_timer()

    def on_headers_complete(self) -> None:
        self._cancel_header_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _start_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.write(REQUEST_TIMEOUT_RESPONSE)
            self.transport.close()
