"""`kaigo-xl serve` before it listens: bind rules, busy ports, bad hosts and bad settings — Japanese, exit code 2."""

from __future__ import annotations

import os
import socket

import pytest

import kaigo_xl.excel.server as server
from kaigo_xl import commands as cli
from kaigo_xl.excel import binding
from kaigo_xl.excel.settings import ServerSettings, get_settings

TOKEN = "kaigo-test-token-0123456789"


@pytest.fixture
def served(monkeypatch):
    """Replace uvicorn; record (address, keyfile) of each server that would have started."""
    calls = []

    def fake_serve(app, sock, cfg, keyfile=None, certfile=None, **kw):
        calls.append((sock.getsockname()[:2], keyfile))
        sock.close()

    monkeypatch.setattr(server, "serve", fake_serve)
    return calls


@pytest.fixture
def use_settings(monkeypatch):
    """Start with these KAIGO_XL_* settings (and, for a token, xlwings Server's custom provider on)."""

    def use(providers: list[str] | None = None, **values):
        monkeypatch.setattr(server, "get_settings", lambda: ServerSettings(**values))
        if providers is not None:
            monkeypatch.setattr(server, "auth_providers", lambda: providers)

    return use


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(*args: str) -> int:
    return cli.main(["serve", *args])


# ---- who may connect ----

@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_other_computers_need_authentication(served, capsys, host):
    assert serve("--host", host, "--port", str(free_port())) == 2
    err = capsys.readouterr().err
    assert "他のパソコンから接続できるため、認証の設定が必要です" in err and "KAIGO_XL_AUTH_TOKEN" in err
    assert served == []


def test_the_acknowledgement_can_be_a_setting(served, use_settings, capsys):
    use_settings(allow_unauthenticated=True)
    assert serve("--host", "0.0.0.0", "--port", str(free_port())) == 0
    assert served and "認証なしで公開しています" in capsys.readouterr().out


def test_with_a_token_other_computers_may_connect(served, use_settings, capsys):
    use_settings(["custom"], auth_token=TOKEN)
    assert serve("--host", "0.0.0.0", "--port", str(free_port())) == 0
    out = capsys.readouterr().out
    assert served[0][0][0] == "0.0.0.0" and "認証: あり" in out and "認証なしで公開" not in out


def test_with_entra_id_other_computers_may_connect(served, use_settings):
    use_settings(["entraid"])
    assert serve("--host", "0.0.0.0", "--port", str(free_port())) == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_this_computer_needs_no_authentication(served, host):
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        assert serve("--host", host, "--port", str(free_port())) == 0
    except OSError:
        pytest.skip("address not available here")
    assert binding.is_loopback(served[0][0][0])


def test_the_custom_provider_without_a_token_is_refused(served, use_settings, capsys):
    use_settings(["custom"])
    assert serve("--port", str(free_port())) == 2
    assert '"custom" がありますが、接続用トークン KAIGO_XL_AUTH_TOKEN' in capsys.readouterr().err


def test_a_token_without_the_custom_provider_is_refused(served, use_settings, capsys):
    use_settings(["entraid"], auth_token=TOKEN)
    assert serve("--port", str(free_port())) == 2
    assert 'XLWINGS_AUTH_PROVIDERS に "custom" を加えてください' in capsys.readouterr().err


# ---- where it listens ----

def test_a_port_in_use(served, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve("--port", str(port)) == 2
    err = capsys.readouterr().err
    assert f"エラー: ポート {port} はすでに別のプログラム（起動済みの kaigo-xl serve など）が使っています" in err
    assert served == []


@pytest.mark.parametrize("host", ["no-such-host.invalid", "300.1.1.1", "exa mple"])
def test_a_host_that_does_not_resolve(served, capsys, host):
    assert serve("--host", host, "--allow-unauthenticated") == 2
    assert f"--host {host} のアドレスが見つかりません" in capsys.readouterr().err


def test_an_address_of_another_computer(served, capsys):
    assert serve("--host", "192.0.2.1", "--port", str(free_port()), "--allow-unauthenticated") == 2
    assert "--host 192.0.2.1 はこのサーバーのアドレスではありません" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may bind any port")
def test_a_privileged_port(served, capsys):
    assert serve("--port", "80") == 2
    assert "ポート 80 を使う権限がありません" in capsys.readouterr().err


@pytest.mark.parametrize("port", ["0", "65536", "-1"])
def test_a_port_out_of_range(served, capsys, port):
    assert serve("--port", port) == 2
    assert "は 1～65535 で指定してください" in capsys.readouterr().err


def test_bind_failure_messages_cover_windows_codes():
    for code, text in ((10048, "すでに別のプログラム"), (10049, "このサーバーのアドレスではありません"),
                       (10013, "権限がありません")):
        exc = OSError(code, "x")
        exc.winerror = code  # type: ignore[attr-defined]
        assert text in binding._bind_failure(exc, "h", 1)


@pytest.mark.parametrize("soft, hard, expected", [(1024, 524288, 2256), (1024, 1500, 1500), (4096, 8192, None),
                                                 (1024, -1, 2256)])
def test_the_open_file_limit_is_raised_for_max_connections(monkeypatch, soft, hard, expected):
    resource = pytest.importorskip("resource")
    calls = []
    monkeypatch.setattr(resource, "RLIM_INFINITY", -1)
    monkeypatch.setattr(resource, "getrlimit", lambda which: (soft, hard))
    monkeypatch.setattr(resource, "setrlimit", lambda which, limits: calls.append(limits))
    binding.raise_open_file_limit(2000)
    assert calls == ([] if expected is None else [(expected, hard)])


# ---- settings ----

@pytest.mark.parametrize("name, value, text", [
    ("KAIGO_XL_MAX_BODY_MB", "abc", "設定 KAIGO_XL_MAX_BODY_MB の値「abc」が正しくありません"),
    ("KAIGO_XL_MAX_BODY_MB", "0", "KAIGO_XL_MAX_BODY_MB"),
    ("KAIGO_XL_TIMEOUT_HEADER", "-1", "要求ヘッダーを受け取るまでの時間の上限"),
    ("KAIGO_XL_TIMEOUT_BODY", "soon", "KAIGO_XL_TIMEOUT_BODY"),
    ("KAIGO_XL_LIMIT_CONCURRENCY", "0", "同時に処理する要求の数の上限"),
    ("KAIGO_XL_MAX_CONNECTIONS", "many", "同時に開いておける接続の数の上限"),
    ("KAIGO_XL_ALLOW_UNAUTHENTICATED", "maybe", "KAIGO_XL_ALLOW_UNAUTHENTICATED"),
    ("KAIGO_XL_AUTH_TOKEN", "short-secret", "接続用トークン（英数字と記号で16文字以上）"),
    ("KAIGO_XL_AUTH_TOKEN", "長い日本語のトークンは使えません、十六文字以上", "KAIGO_XL_AUTH_TOKEN"),
])
def test_a_wrong_setting_stops_the_start_in_japanese(served, monkeypatch, capsys, name, value, text):
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert serve("--port", str(free_port())) == 2
    finally:
        monkeypatch.delenv(name)
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert text in err and "Traceback" not in err and "validation error" not in err
    if name == "KAIGO_XL_AUTH_TOKEN":
        assert value not in err  # a secret is never repeated
    assert served == []
