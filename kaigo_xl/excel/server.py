"""The xlwings Server app for the Excel add-in, and `kaigo-xl serve`.

xlwings_server (1.20) finds user code with bare imports (`import custom_functions`, `import custom_scripts`,
`import auth.custom`) and freezes its settings at import time. So before anything imports xlwings_server,
`configure()`
  1. fills in our XLWINGS_* defaults and points XLWINGS_PROJECT_DIR at our package data (settings.py),
  2. registers small facade modules as sys.modules["custom_functions"/"custom_scripts"] holding only the
     decorated functions — the server getattr()s whatever name a request carries, so nothing else is reachable —
     and our shared-token provider as sys.modules["auth.custom"] (auth.py).
`get_app()` then wraps xlwings Server in the guards of hardening.py (request paths, static files, body size), and
`run_server()` binds the socket itself (Japanese messages), refuses an unauthenticated non-loopback bind, and runs
uvicorn with the slow-client deadlines of connections.py and a concurrency limit.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

from . import addin, auth, context, ensure_license_env
from .binding import is_loopback  # noqa: F401 - part of this module's interface
from .hardening import BodySizeLimit, PathGuard, RequestLimit, guard_static_mounts
from .settings import ServerSettings, apply_xlwings_env, get_settings

XLWINGS_PROJECT_DIR = Path(__file__).resolve().parent / "xlwings_project"
FUNCTION_MODULES = ("kaigo_xl.excel.functions",)
SCRIPT_MODULES = ("kaigo_xl.excel.scripts",)


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


def configure(settings: ServerSettings | None = None) -> None:
    """Idempotent; must run before the first `import xlwings_server…`."""
    global _configured
    if _configured:
        return
    cfg = sys.modules.get("xlwings_server.config")
    if cfg is not None and Path(cfg.PROJECT_DIR) != XLWINGS_PROJECT_DIR:
        raise RuntimeError("xlwings_server was imported before kaigo_xl.excel.server.configure()")
    settings = settings or get_settings()
    apply_xlwings_env(settings, XLWINGS_PROJECT_DIR)
    ensure_license_env()
    _expose("custom_functions", FUNCTION_MODULES, "__xlfunc__")
    _expose("custom_scripts", SCRIPT_MODULES, "__xlscript__")
    auth.install(settings.token)
    context.use_policy_file(settings.policy)
    _configured = True


_app = None


def get_app(settings: ServerSettings | None = None):
    """The ASGI app (xlwings Server with our code, behind the guards); also what TestClient wraps.

    Built once per process, with `settings` (default: get_settings()) on the first call.
    """
    global _app
    if _app is None:
        settings = settings or get_settings()
        configure(settings)
        from xlwings_server.main import app, main_app  # main_app: CORS (+ socket.io when enabled) around app

        guard_static_mounts(app)
        _template_globals(settings)
        limited = RequestLimit(addin.ManifestAsXml(main_app, _xlwings_app_path()), settings.limit_concurrency)
        _app = PathGuard(BodySizeLimit(limited, settings.max_body_bytes))
    return _app


def _xlwings_app_path() -> str:
    from xlwings_server.config import settings

    return settings.app_path


def _template_globals(own: ServerSettings) -> None:
    """Values the task pane and the manifest show: versions, the Excel namespace of the functions, the provider."""
    from xlwings_server._version import __version__ as server_version
    from xlwings_server.config import settings
    from xlwings_server.templates import templates

    from .. import __version__

    namespace = (settings.functions_namespace or "XLWINGS").upper()
    if settings.environment != "prod":
        namespace += f"_{settings.environment.upper()}"
    templates.env.globals.update(kaigo_version=__version__, xlwings_server_version=server_version,
                                 namespace=namespace, **addin.template_globals({addin.PROVIDER_ENV: own.provider_name}))


def auth_providers() -> list[str]:
    """The providers xlwings Server enforces (XLWINGS_AUTH_PROVIDERS, after our default); needs configure()."""
    from xlwings_server.config import settings

    return list(settings.auth_providers or [])


def uvicorn_options(settings: ServerSettings) -> dict:
    """The uvicorn Config options that bound slow and numerous clients (also used by worker.py).

    uvicorn's limit_concurrency counts open connections (slow ones included) and running requests; it is the
    backstop `max_connections`. The limit on requests being processed is hardening.RequestLimit.
    """
    from .connections import protocol_class

    return {"http": protocol_class(settings.timeout_header, settings.timeout_body),
            "timeout_keep_alive": settings.timeout_keep_alive,
            "limit_concurrency": settings.max_connections,
            "proxy_headers": True}  # X-Forwarded-Proto from a TLS proxy gives https:// URLs in the manifest


def serve(app, sock, settings: ServerSettings, ssl_keyfile: str | None = None, ssl_certfile: str | None = None,
          log_level: str = "info") -> None:
    """Run uvicorn on an already bound socket until Ctrl+C."""
    import uvicorn

    config = uvicorn.Config(app, ssl_keyfile=ssl_keyfile, ssl_certfile=ssl_certfile, log_level=log_level,
                            **uvicorn_options(settings))
    uvicorn.Server(config).run(sockets=[sock])


def run_server(settings: ServerSettings, host: str = "127.0.0.1", port: int = 8000, ssl_keyfile: Path | None = None,
               ssl_certfile: Path | None = None, allow_unauthenticated: bool = False) -> None:
    """Check everything that can be checked before listening, bind, say where the manifest is, and serve."""
    from . import binding

    binding.check_options(port, ssl_keyfile, ssl_certfile)
    context.use_policy_file(settings.policy)
    context.policy()  # a broken KAIGO_XL_POLICY file stops here with its Japanese message (exit code 2)
    binding.check_installed()
    app = get_app(settings)
    authenticated = binding.check_auth(auth_providers(), settings)
    address = binding.resolve(host, port)
    binding.check_exposure(host, address, authenticated, allow_unauthenticated or settings.allow_unauthenticated)
    sock = binding.bind(host, port, address)
    binding.raise_open_file_limit(settings.max_connections)
    binding.announce(host, port, settings, tls=ssl_keyfile is not None,
                     authenticated=authenticated, loopback=binding.is_loopback_address(address))
    serve(app, sock, settings, str(ssl_keyfile) if ssl_keyfile else None,
          str(ssl_certfile) if ssl_certfile else None)
