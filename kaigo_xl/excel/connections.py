"""Deadlines for slow clients: the header and body timeouts that uvicorn does not have.

uvicorn (0.54; uvicorn/protocols/http/httptools_impl.py and h11_impl.py) starts no timer when a connection opens,
and `data_received` cancels the keep-alive timer as soon as a byte of the next request arrives. A client that sends
half a header line, or a body one byte a minute, therefore holds its connection — and a place under
`limit_concurrency` — for ever (1,100 such clients denied service). uvicorn's only timeouts are `timeout_keep_alive`
(idle time between requests) and the TLS handshake timeout of asyncio.

The protocol classes here add, per connection:
  headers  the request line and headers must all arrive within `timeout_header` seconds of the connection opening
           (or of the first byte of a following request), and be at most MAX_HEADER_BYTES long;
  body     the body must all arrive within `timeout_body` seconds of the headers.
A connection that misses a deadline is closed (with 408/431 when no response is under way). The time the app takes
to answer is not limited here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, ClassVar

logger = logging.getLogger("kaigo_xl.server")

MAX_HEADER_BYTES = 64 * 1024
HEADERS, BODY = "headers", "body"
_REFUSALS = {408: b"408 Request Timeout", 431: b"431 Request Header Fields Too Large"}
LOG_EVERY_S = 10.0  # under attack thousands of connections are closed: one log line per period, not one each


class _DropLog:
    """Counts closed connections and logs at most one line per LOG_EVERY_S seconds."""

    count, last = 0, -LOG_EVERY_S

    @classmethod
    def add(cls, client: Any, reason: str) -> None:
        cls.count += 1
        now = time.monotonic()
        if now - cls.last >= LOG_EVERY_S:
            logger.warning("closed %d slow connection(s) since the last report; latest from %s: %s",
                           cls.count, client[0] if client else "?", reason)
            cls.count, cls.last = 0, now


class _Deadlines:
    """Mixin for a uvicorn HTTP/1.1 protocol: one timer per connection for the phase its request is in."""

    timeouts: ClassVar[dict[str, float]] = {HEADERS: 10.0, BODY: 60.0}
    max_header_bytes: ClassVar[int] = MAX_HEADER_BYTES
    _phase: str | None = None
    _timer: asyncio.TimerHandle | None = None
    _header_bytes = 0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._enter(HEADERS)

    def connection_lost(self, exc: Exception | None) -> None:
        self._enter(None)
        super().connection_lost(exc)  # type: ignore[misc]

    def data_received(self, data: bytes) -> None:
        super().data_received(data)  # type: ignore[misc]
        self._sync_phase()
        if self._phase == HEADERS:
            self._header_bytes += len(data)
            if self._header_bytes > self.max_header_bytes:
                self._drop(431, "request headers too large")

    def handle_websocket_upgrade(self, *args: Any) -> None:
        self._enter(None)  # the socket now belongs to the WebSocket protocol (parsers report the request done)
        super().handle_websocket_upgrade(*args)  # type: ignore[misc]

    def _sync_phase(self) -> None:
        """Subclasses whose parser has no callbacks read the phase from the parser's state here."""

    def _enter(self, phase: str | None) -> None:
        if phase == self._phase:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._phase, self._header_bytes = phase, 0
        if phase is not None:
            self._timer = self.loop.call_later(self.timeouts[phase], self._expired)  # type: ignore[attr-defined]

    def _expired(self) -> None:
        self._timer = None
        self._drop(408, f"request {self._phase} not received within {self.timeouts[self._phase or HEADERS]:g} s")

    def _drop(self, status: int, reason: str) -> None:
        transport = self.transport  # type: ignore[attr-defined]
        if transport is None or transport.is_closing():
            return
        _DropLog.add(getattr(self, "client", None), reason)
        cycle = getattr(self, "cycle", None)
        if self._phase == HEADERS and (cycle is None or cycle.response_complete):
            transport.write(b"HTTP/1.1 " + _REFUSALS[status] + b"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        self._enter(None)
        transport.close()


def _httptools_class() -> type | None:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # httptools is optional in uvicorn
        return None

    class HttpToolsDeadlines(_Deadlines, HttpToolsProtocol):
        """httptools reports each phase through parser callbacks."""

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._enter(HEADERS)

        def on_headers_complete(self) -> None:
            self._enter(BODY)
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._enter(None)
            super().on_message_complete()

    return HttpToolsDeadlines


def _h11_class() -> type:
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    phases = {h11.IDLE: HEADERS, h11.SEND_BODY: BODY}

    class H11Deadlines(_Deadlines, H11Protocol):
        """h11 has no callbacks; its state for the client's side says which phase the request is in."""

        def _sync_phase(self) -> None:
            self._enter(phases.get(self.conn.their_state))

    return H11Deadlines


def protocol_class(timeout_header: float, timeout_body: float, http: str = "auto") -> type[asyncio.Protocol]:
    """The uvicorn `http=` protocol class with these deadlines: httptools when installed (uvicorn's "auto"), else h11."""
    base = _httptools_class() if http in ("auto", "httptools") else None
    if base is None:
        if http == "httptools":
            raise RuntimeError("httptools is not installed")
        base = _h11_class()
    timeouts = {HEADERS: float(timeout_header), BODY: float(timeout_body)}
    return type(f"Kaigo{base.__name__}", (base,), {"timeouts": timeouts})
