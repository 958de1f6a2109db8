"""What the server add-in needs besides xlwings Server's own settings: who provides it, and its manifest served as
XML under the name the README gives.

xlwings Server 1.20 serves /manifest as text/plain and names the download after the project name with everything
but a-z and 0-9 removed (介護加算 gives "-prod.xml"). kaigo_xl.excel.server wires these in (see `wire`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PROVIDER_ENV = "KAIGO_XL_PROVIDER_NAME"  # e.g. 見本市 高齢福祉課: the municipality that hosts the add-in
DEFAULT_PROVIDER = "kaigo_xl"
MANIFEST_FILENAME = "kaigo-kasan.xml"  # the name addin/README_ja.md tells IT to distribute
MANIFEST_PATHS = ("/manifest", "/manifest.xml", "/manifest/download")
XML = b"application/xml; charset=utf-8"


def template_globals(environ: Mapping[str, str]) -> dict[str, str]:
    """Jinja globals for the manifest (next to kaigo_version, which the server already sets)."""
    env = environ  # the server passes its settings (kaigo_xl.excel.settings reads the environment, nothing else)
    return {"kaigo_provider_name": (env.get(PROVIDER_ENV) or "").strip() or DEFAULT_PROVIDER}


class ManifestAsXml:
    """ASGI middleware: a successful manifest response becomes application/xml; the download is kaigo-kasan.xml."""

    def __init__(self, app: Any, app_path: str = "") -> None:
        self.app = app
        self.paths = {app_path.rstrip("/") + p for p in MANIFEST_PATHS}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        download = scope["path"].endswith("/download")

        async def as_xml(message: dict) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200:
                drop = {b"content-type", b"content-disposition"}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in drop]
                headers.append((b"content-type", XML))
                if download:
                    headers.append((b"content-disposition", f'attachment; filename="{MANIFEST_FILENAME}"'.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, as_xml)
