"""The checks `kaigo-xl serve` makes before it listens, each failing with a Japanese UsageError (exit code 2).

The socket is bound here rather than by uvicorn, whose own bind failure is an English log line and exit code 3.
A bind that other computers can reach needs authentication (XLWINGS_AUTH_PROVIDERS, e.g. KAIGO_XL_AUTH_TOKEN) or
an explicit acknowledgement (--allow-unauthenticated / KAIGO_XL_ALLOW_UNAUTHENTICATED=true), e.g. behind a proxy
that authenticates.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import ssl
from pathlib import Path

from ..errors import UsageError
from .settings import ENV_PREFIX, MIN_TOKEN_CHARS, ServerSettings

Address = tuple  # (family, type, proto, canonname, sockaddr) from socket.getaddrinfo


def _usage(message: str) -> Exception:
    return UsageError(message)


def is_loopback(host: str) -> bool:
    """A host name or address that only this computer reaches (without resolving names other than localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def is_loopback_address(address: Address) -> bool:
    return is_loopback(str(address[4][0]))


def check_options(port: int, keyfile: Path | None, certfile: Path | None) -> None:
    if (keyfile is None) != (certfile is None):
        raise _usage("--ssl-keyfile と --ssl-certfile は両方を指定してください。")
    for label, path in (("--ssl-keyfile", keyfile), ("--ssl-certfile", certfile)):
        if path is not None and not Path(path).is_file():
            raise _usage(f"{label} のファイル {path} が見つかりません。")
    if not 1 <= port <= 65535:
        raise _usage(f"--port {port} は 1～65535 で指定してください。")
    if keyfile is not None and certfile is not None:
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(str(certfile), str(keyfile))
        except (ssl.SSLError, OSError, ValueError):
            raise _usage("証明書（--ssl-certfile）と秘密鍵（--ssl-keyfile）を読み込めません。PEM 形式の対になる"
                         "ファイルか（パスワード付きの鍵は使えません）、ファイルの中身をご確認ください。") from None


def check_installed() -> None:
    """Without importing: xlwings_server must be first imported after server.configure()."""
    from importlib.util import find_spec

    if find_spec("uvicorn") is None or find_spec("xlwings_server") is None:
        raise _usage("Excel アドイン用サーバーの部品がインストールされていません。"
                     "pip install 'kaigo-xl[server]' を実行してください。")


def check_auth(providers: list[str], settings: ServerSettings) -> bool:
    """Whether calls need authentication; refuses a "custom" provider without a token and the reverse."""
    if "custom" in providers and not settings.token:
        raise _usage(f'XLWINGS_AUTH_PROVIDERS に "custom" がありますが、接続用トークン {ENV_PREFIX}AUTH_TOKEN が設定されて'
                     f"いません（{MIN_TOKEN_CHARS}文字以上。作り方は addin/README_ja.md「認証」）。")
    if settings.token and "custom" not in providers:
        raise _usage(f'{ENV_PREFIX}AUTH_TOKEN を使うには、XLWINGS_AUTH_PROVIDERS に "custom" を加えてください'
                     '（例 ["entraid", "custom"]）。')
    return bool(providers)


def resolve(host: str, port: int) -> Address:
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (OSError, UnicodeError):
        raise _usage(f"--host {host} のアドレスが見つかりません。IP アドレス（例 127.0.0.1、すべてのアドレスなら"
                     "0.0.0.0）か、このサーバーの名前を指定してください。") from None


def check_exposure(host: str, address: Address, authenticated: bool, acknowledged: bool) -> None:
    """Other computers may reach the server only with authentication or an explicit acknowledgement."""
    if is_loopback_address(address) or authenticated or acknowledged:
        return
    raise _usage(f"--host {host} では他のパソコンから接続できるため、認証の設定が必要です。"
                 f"接続用トークン（{ENV_PREFIX}AUTH_TOKEN）か Entra ID（XLWINGS_AUTH_PROVIDERS）を設定してください"
                 "（addin/README_ja.md「認証」）。認証付きのリバースプロキシの後ろで動かすなど、認証なしで公開してよい"
                 f"場合は --allow-unauthenticated（または {ENV_PREFIX}ALLOW_UNAUTHENTICATED=true）を指定します。")


def bind(host: str, port: int, address: Address) -> socket.socket:
    family, kind, proto, _, sockaddr = address
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: restart without waiting
        sock.bind(sockaddr)
    except OSError as exc:
        sock.close()
        raise _usage(_bind_failure(exc, host, port)) from None
    return sock


def raise_open_file_limit(connections: int) -> None:
    """Let the process hold `connections` sockets: a soft limit of 1024 open files (common on Linux) would make
    accept() fail long before max_connections. Raised up to the hard limit; nothing to do on Windows."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 256  # the app's own files, logs, the listening socket
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass


def _bind_failure(exc: OSError, host: str, port: int) -> str:
    code = getattr(exc, "winerror", None) or exc.errno
    if code in (errno.EADDRINUSE, 10048):
        return (f"ポート {port} はすでに別のプログラム（起動済みの kaigo-xl serve など）が使っています。"
                f"そのプログラムを止めるか、--port で別の番号を指定してください。")
    if code in (errno.EADDRNOTAVAIL, 10049):
        return f"--host {host} はこのサーバーのアドレスではありません。このサーバーの IP アドレスか 0.0.0.0 を指定してください。"
    if code in (errno.EACCES, 10013):
        return (f"ポート {port} を使う権限がありません（Linux などでは 1024 未満のポートに管理者権限が必要です）。"
                "8000 など 1024 以上の番号を指定してください。")
    return f"{host}:{port} で接続を待ち受けられません（{exc.strerror or exc}）。"


def announce(host: str, port: int, settings: ServerSettings, *, tls: bool, authenticated: bool,
             loopback: bool) -> None:
    scheme = "https" if tls else "http"
    shown = f"[{host}]" if ":" in host else host
    print(f"介護加算 Excel アドインのサーバーを起動します: {scheme}://{shown}:{port}/")
    print(f"  マニフェスト: {scheme}://{shown}:{port}/manifest  （停止は Ctrl+C）")
    print(f"  制限: 要求ヘッダー {settings.timeout_header:g} 秒、本体 {settings.timeout_body:g} 秒、"
          f"同時処理 {settings.limit_concurrency}、接続 {settings.max_connections}、ブック {settings.max_body_mb:g}MB まで")
    if authenticated:
        print("  認証: あり（関数・ボタンの呼び出しには認証が必要です）")
    if not loopback:
        print("  注意: このパソコン以外からも接続できます。HTTPS と認証の設定を addin/README_ja.md で確認してください。")
        if not authenticated:
            print("  注意: 認証なしで公開しています（--allow-unauthenticated）。")
    if not tls:
        print("  注意: Excel からアドインとして使うには HTTPS が必要です（addin/README_ja.md「HTTPS」）。")
