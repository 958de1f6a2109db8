"""A gunicorn worker with the limits of `kaigo-xl serve` (header/body deadlines, keep-alive, concurrency):

    gunicorn -k kaigo_xl.excel.worker.KaigoUvicornWorker -w 2 -b 127.0.0.1:8000 kaigo_xl.excel.asgi:app

gunicorn binds the socket itself, so the bind rule of `kaigo-xl serve` (no unauthenticated non-loopback address)
does not apply here: bind 127.0.0.1 behind the reverse proxy, or configure authentication.
"""

from __future__ import annotations

import warnings
from typing import Any

with warnings.catch_warnings():  # uvicorn.workers is deprecated in favour of the uvicorn-worker package
    warnings.simplefilter("ignore", DeprecationWarning)
    from uvicorn.workers import UvicornWorker


class KaigoUvicornWorker(UvicornWorker):
    """UvicornWorker whose uvicorn Config gets server.uvicorn_options(settings)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .binding import raise_open_file_limit
        from .server import uvicorn_options
        from .settings import get_settings

        settings = get_settings()
        raise_open_file_limit(settings.max_connections)
        self.CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, **uvicorn_options(settings)}
        super().__init__(*args, **kwargs)
