"""The xlwings Server app for the Excel add-in, started by `kaigo-xl serve`.

xlwings_server (1.20) finds user code with bare imports (`import custom_functions`, `import custom_scripts`) and
freezes its settings at import time. So before anything imports xlwings_server we
  1. set the XLWINGS_* defaults below for every setting that neither the environment nor the .env file
     ($DOTENV_PATH, else ./.env) gives (environment variables outrank .env in pydantic-settings),
  2. point XLWINGS_PROJECT_DIR at our package data (manifest, task pane, ribbon JS, icons; no Python files),
  3. register small facade modules as sys.modules["custom_functions"/"custom_scripts"] holding only the
     decorated functions — the server getattr()s whatever name a request carries, so nothing else is reachable.
The app is wrapped in a request-size limit (413 with a Japanese message).
"""

from __future__ import annotations

import importlib
import ipaddress
import os
import sys
import types
from pathlib import Path

from . import ensure_license_env

XLWINGS_PROJECT_DIR = Path(__file__).resolve().parent / "xlwings_project"
FUNCTION_MODULES = ("kaigo_xl.excel.functions",)
SCRIPT_MODULES = ("kaigo_xl.excel.scripts",)
MAX_BODY_ENV = "KAIGO_XL_MAX_BODY_MB"
DEFAULT_MAX_BODY_MB = 20

DEFAULT_SETTINGS = {
    # PolyForm Noncommercial (municipalities, 社会福祉法人); commercial use needs a paid key. Checked offline.
    "XLWINGS_LICENSE_KEY": "noncommercial",
    # prod: Excel names KAIGO.<NAME> (dev would give KAIGO_DEV.<NAME>), no hot reload (needs `watchfiles`).
    "XLWINGS_ENVIRONMENT": "prod",
    "XLWINGS_FUNCTIONS_NAMESPACE": "KAIGO",
    "XLWINGS_PROJECT_NAME": "介護加算",  # add-in name and ribbon tab label
    "XLWINGS_ENABLE_SOCKETIO": "false",  # only for streaming functions and hot reload
    # Add-in ids in the manifest: fixed once, never changed (Excel identifies the add-in by them).
    "XLWINGS_MANIFEST_ID_DEV": "5b0e3c52-8a7e-4a61-9a3c-1d2b7c0f4e11",
    "XLWINGS_MANIFEST_ID_QA": "0d6c2f7a-3b19-4c8e-8f25-6a1e9b4d7c22",
    "XLWINGS_MANIFEST_ID_UAT": "9e4a1b6c-7d25-4f3a-b8c1-2f5e0a9d6b33",
    "XLWINGS_MANIFEST_ID_STAGING": "3f8d5e2b-1c47-4a9e-9d06-7b2c4e1a8f44",
    "XLWINGS_MANIFEST_ID_PROD": "c2a7e9d4-6b13-4e58-a0f7-8d3b5c2e1a55",
}


def env_file() -> Path:
    """The settings file: $DOTENV_PATH, else .env in the folder where `kaigo-xl serve` runs."""
    return Path(os.environ.get("DOTENV_PATH") or Path.cwd() / ".env")


def _apply_env() -> None:
    """Our defaults, for every setting that neither the environment nor the .env file gives."""
    from dotenv import dotenv_values  # installed with pydantic-settings, which xlwings-server uses

    path = env_file()
    os.environ["DOTENV_PATH"] = str(path)  # xlwings_server would otherwise look inside our package
    from_file = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}
    for key, value in DEFAULT_SETTINGS.items():
        if key not in os.environ and key not in from_file:
            os.environ[key] = value
    for key, value in from_file.items():  # the licence must be set before xlwings loads; ours are read from os.environ
        if key == "XLWINGS_LICENSE_KEY" or key.startswith("KAIGO_XL_"):
            os.environ.setdefault(key, value)
    os.environ["XLWINGS_PROJECT_DIR"] = str(XLWINGS_PROJECT_DIR)
    os.environ["XLWINGS_ON_SERVER"] = "true"
    ensure_license_env()


_apply_env()  # on import: the settings must be in place before xlwings_server is imported


def _expose(alias: str, module_names: tuple[str, ...], marker: str) -> types.ModuleType:
    """A module holding only the objects that carry `marker` (__xlfunc__ / __xlscript__), registered as `alias`."""
    facade = types.ModuleType(alias)
    facade.__doc__ = f"kaigo_xl facade for xlwings Server ({', '.join(module_names)})"
    for module_name in module_names:
        for name, obj in vars(importlib.import_module(module_name)).items():
            if hasattr(obj, marker):
                if hasattr(facade, name):
                    raise RuntimeError(f"duplicate xlwings name {name!r} in {module_name}")
                setattr(facade, name, obj)
    sys.modules[alias] = facade
    return facade


_configured = False


def configure() -> None:
    """Idempotent; must run before the first `import xlwings_server…`."""
    global _configured
    if _configured:
        return
    cfg = sys.modules.get("xlwings_server.config")
    if cfg is not None and Path(cfg.PROJECT_DIR) != XLWINGS_PROJECT_DIR:
        raise RuntimeError("xlwings_server was imported before kaigo_xl.excel.server")
    _expose("custom_functions", FUNCTION_MODULES, "__xlfunc__")
    _expose("custom_scripts", SCRIPT_MODULES, "__xlscript__")
    _configured = True


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
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
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
        text = (f"送信されたデータが大きすぎます（上限 {mb:g}MB）。ブックの不要なシートや画像を減らすか、"
                f"管理者に上限（{MAX_BODY_ENV}）の変更を依頼してください。").encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(text)).encode())]})
        await send({"type": "http.response.body", "body": text})


def max_body_bytes() -> int:
    raw = os.environ.get(MAX_BODY_ENV, str(DEFAULT_MAX_BODY_MB))
    try:
        mb = float(raw)
    except ValueError:
        raise ValueError(f"{MAX_BODY_ENV}「{raw}」は数値（MB）で指定してください。") from None
    return int(mb * 1024 * 1024)


_app = None


def get_app():
    """The ASGI app (xlwings Server with our code, behind the size limit); also what TestClient wraps."""
    global _app
    if _app is None:
        configure()
        from xlwings_server.main import main_app  # CORS (+ socket.io when enabled) around the FastAPI app

        _template_globals()
        _app = BodySizeLimit(main_app, max_body_bytes())
    return _app


def _template_globals() -> None:
    """Values the task pane shows: versions and the Excel namespace of the functions."""
    from xlwings_server._version import __version__ as server_version
    from xlwings_server.config import settings
    from xlwings_server.templates import templates

    from .. import __version__

    namespace = (settings.functions_namespace or "XLWINGS").upper()
    if settings.environment != "prod":
        namespace += f"_{settings.environment.upper()}"
    templates.env.globals.update(kaigo_version=__version__, xlwings_server_version=server_version,
                                 namespace=namespace)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8000, ssl_keyfile: str | None = None,
          ssl_certfile: str | None = None, log_level: str = "info") -> None:
    import uvicorn

    uvicorn.run(get_app(), host=host, port=port, ssl_keyfile=ssl_keyfile, ssl_certfile=ssl_certfile,
                proxy_headers=True,  # X-Forwarded-Proto from a TLS proxy gives https:// URLs in the manifest
                log_level=log_level)


def cli_serve(args) -> int:
    """`kaigo-xl serve`: check the options, say where the manifest is, run until Ctrl+C."""
    from ..errors import ExitCode, UsageError
    from . import context

    key, cert = args.ssl_keyfile, args.ssl_certfile
    if (key is None) != (cert is None):
        raise UsageError("--ssl-keyfile と --ssl-certfile は両方を指定してください。")
    for label, path in (("--ssl-keyfile", key), ("--ssl-certfile", cert)):
        if path is not None and not Path(path).is_file():
            raise UsageError(f"{label} のファイル {path} が見つかりません。")
    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} は 1～65535 で指定してください。")
    try:
        max_body_bytes()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    context.policy()  # a broken KAIGO_XL_POLICY file stops here with its Japanese message (exit code 2)
    try:
        import uvicorn  # noqa: F401
        import xlwings_server  # noqa: F401
    except ImportError:
        raise UsageError("Excel アドイン用サーバーの部品がインストールされていません。"
                         "pip install 'kaigo-xl[server]' を実行してください。") from None
    scheme = "https" if key else "http"
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"介護加算 Excel アドインのサーバーを起動します: {scheme}://{shown}:{args.port}/")
    print(f"  マニフェスト: {scheme}://{shown}:{args.port}/manifest  （停止は Ctrl+C）")
    if not is_loopback(args.host):
        print("  注意: このパソコン以外からも接続できます。HTTPS と認証の設定を addin/README_ja.md で確認してください。")
    if not key:
        print("  注意: Excel からアドインとして使うには HTTPS が必要です（addin/README_ja.md「HTTPS」）。")
    serve(args.host, args.port, str(key) if key else None, str(cert) if cert else None)
    return ExitCode.OK
