"""ASGI guards around xlwings Server: request paths, static files and request sizes.

Path traversal: xlwings-server 1.20 (the newest release) serves static files through
`OverridableStaticFiles.lookup_path` (xlwings_server/main.py), which joins the request path onto the project's
static folder and serves the result when it is a file, with no check that it stays inside the folder:
`curl --path-as-is http://host/static/../../../../etc/passwd` (also `%2e%2e/`, `..%2f`) returned the file.
Two independent guards close it here:
  `PathGuard`            refuses, before any route runs, a path that holds a dot segment, a backslash, a colon or a
                         control character — after decoding, and once more after a second decoding;
  `guard_static_mounts`  gives every OverridableStaticFiles mount of the app a lookup that resolves the path and
                         serves it only when it lies inside the mount's folder (Starlette's own lookup, which the
                         other mounts use, already checks this), and refuses to start on an unknown kind of mount.
"""

from __future__ import annotations

import os
import re
import types
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote

from .settings import ENV_PREFIX

_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\\:]")
_TEXT = [(b"content-type", b"text/plain; charset=utf-8")]


async def _answer(send, status: int, text: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [*_TEXT, *headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def unsafe_path(path: str) -> bool:
    """A decoded request path that no route of the add-in ever uses and that could step out of a folder."""
    for candidate in (path, unquote(path)):  # a double-encoded %252e%252e arrives here as %2e%2e
        if _UNSAFE_CHARS.search(candidate) or any(seg in (".", "..") for seg in candidate.split("/")):
            return True
    return False


class PathGuard:
    """Refuse unsafe request paths (400, Japanese text) for every route, static or not."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and unsafe_path(scope.get("path", "")):
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            return await _answer(send, 400, "URL に使えない文字（「..」「\\」など）が含まれています。")
        return await self.app(scope, receive, send)


def contained_lookup(static, path: str) -> tuple[str, os.stat_result | None]:
    """OverridableStaticFiles.lookup_path with the containment check that 1.20 lacks."""
    from starlette.staticfiles import StaticFiles

    root = Path(static.user_dir).resolve()
    candidate = (root / path).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return str(candidate), os.stat(candidate)
    return StaticFiles.lookup_path(static, path)  # the package folder, with Starlette's own check


def guard_static_mounts(app) -> list[str]:
    """Give every overridable static mount the contained lookup; returns the paths of all static mounts."""
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    guarded = []
    for route in getattr(app, "routes", []):
        if not isinstance(route, Mount):
            continue
        static = route.app
        if not isinstance(static, StaticFiles):
            guarded += [route.path + sub for sub in guard_static_mounts(static)]
            continue
        if hasattr(static, "user_dir"):  # xlwings_server.main.OverridableStaticFiles
            static.lookup_path = types.MethodType(contained_lookup, static)  # type: ignore[method-assign]  # the guard
        elif type(static).lookup_path is not StaticFiles.lookup_path:
            raise RuntimeError(f"unknown static files class on {route.path}: {type(static).__name__}")
        guarded.append(route.path)
    return guarded


class RequestLimit:
    """At most `limit` requests inside the app at once; more get 503 (Japanese text, Retry-After).

    It sits inside BodySizeLimit, so a request takes a place only once its whole body has arrived: clients that
    send slowly never hold one (their connections are bounded by connections.py). Excel retries a custom function
    on 503 by itself (XLWINGS_CUSTOM_FUNCTIONS_RETRY_CODES).
    """

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit
        self.active = 0  # one event loop per process: no lock needed

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.active >= self.limit:
            return await _answer(send, 503, "サーバーが混み合っています。少し待ってからもう一度お試しください。",
                                 [(b"retry-after", b"1")])
        self.active += 1
        try:
            return await self.app(scope, receive, send)
        finally:
            self.active -= 1


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413 and a Japanese message, before the app reads them.

    A declared Content-Length is checked up front; a chunked body is buffered up to the limit and then replayed.
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and (len(length) > 18 or int(length) > self.max_bytes):
            return await self._refuse(send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return await self._refuse(send)
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _refuse(self, send):
        mb = self.max_bytes / 1024 / 1024
        await _answer(send, 413, f"送信されたデータが大きすぎます（上限 {mb:g}MB）。ブックの不要なシートや画像を減らすか、"
                                 f"管理者に上限（{ENV_PREFIX}MAX_BODY_MB）の変更を依頼してください。")
