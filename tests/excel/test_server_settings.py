"""Settings in one place (kaigo_xl/excel/settings.py): defaults, .env and environment, read once, never at import."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kaigo_xl.excel import settings as st

ROOT = Path(__file__).resolve().parents[2]
EXCEL = ROOT / "kaigo_xl" / "excel"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XLWINGS_", "KAIGO_XL_", "DOTENV_PATH"))}
    env.update(extra)
    return env


def fresh(code: str, **env: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=clean_env(**env), cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.splitlines()


def test_the_defaults(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("KAIGO_XL_"):
            monkeypatch.delenv(key)
    s = st.load_settings(tmp_path / "none.env")
    assert (s.max_body_mb, s.timeout_header, s.timeout_body, s.timeout_keep_alive, s.limit_concurrency,
            s.max_connections) == (20, 10, 60, 5, 200, 2000)
    assert s.policy is None and s.token is None and s.allow_unauthenticated is False
    assert s.max_body_bytes == 20 * 1024 * 1024


def test_the_env_file_and_the_environment_which_wins(monkeypatch, tmp_path):
    env = tmp_path / ".env"
    env.write_text("KAIGO_XL_TIMEOUT_HEADER=3\nKAIGO_XL_LIMIT_CONCURRENCY=7\nKAIGO_XL_AUTH_TOKEN=abcdefghijklmnop\n"
                   "XLWINGS_PROJECT_NAME=x\nOTHER=1\n", encoding="utf-8")
    monkeypatch.setenv("KAIGO_XL_LIMIT_CONCURRENCY", "9")
    s = st.load_settings(env)
    assert (s.timeout_header, s.limit_concurrency, s.token) == (3, 9, "abcdefghijklmnop")
    assert "abcdefghijklmnop" not in repr(s)  # the token is a SecretStr


def test_an_empty_value_means_unset(monkeypatch, tmp_path):
    monkeypatch.setenv("KAIGO_XL_POLICY", "")
    monkeypatch.setenv("KAIGO_XL_AUTH_TOKEN", " ")
    s = st.load_settings(tmp_path / "none.env")
    assert s.policy is None and s.token is None


def test_a_wrong_value_names_the_variable_in_japanese(monkeypatch, tmp_path):
    monkeypatch.setenv("KAIGO_XL_TIMEOUT_BODY", "0")
    monkeypatch.setenv("KAIGO_XL_MAX_BODY_MB", "x" * 100)
    with pytest.raises(st.SettingsError) as info:
        st.load_settings(tmp_path / "none.env")
    text = str(info.value)
    assert "設定 KAIGO_XL_TIMEOUT_BODY の値「0」が正しくありません" in text
    assert "KAIGO_XL_MAX_BODY_MB" in text and "x" * 41 not in text


def test_nothing_reads_the_environment_at_import_time():
    """Broken settings do not break an import; they are reported when the server starts (get_settings)."""
    assert fresh("""
        import kaigo_xl.excel.server, kaigo_xl.excel.functions, kaigo_xl.excel.scripts, kaigo_xl.excel.context
        import kaigo_xl.excel.hardening, kaigo_xl.excel.connections, kaigo_xl.excel.binding, kaigo_xl.excel.auth
        import os
        print("DOTENV_PATH" in os.environ, "XLWINGS_PROJECT_DIR" in os.environ)
        from kaigo_xl.excel.settings import SettingsError, get_settings
        try:
            get_settings()
        except SettingsError as exc:
            print(str(exc).split("（")[0])
    """, KAIGO_XL_MAX_BODY_MB="lots") == ["False False", "設定 KAIGO_XL_MAX_BODY_MB の値「lots」が正しくありません"]


def test_only_settings_py_reads_the_environment():
    """Static check: no os.environ / os.getenv in kaigo_xl/excel outside settings.py (and the licence default)."""
    readers = set()
    for path in EXCEL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
                readers.add(path.relative_to(EXCEL).as_posix())
    # __init__.py sets XLWINGS_LICENSE_KEY before xlwings is imported (xlwings reads it at its first import)
    assert readers == {"settings.py", "__init__.py"}


def test_xlwings_defaults_give_way_to_the_environment_and_the_env_file(tmp_path):
    env = tmp_path / "kaigo.env"
    env.write_text('XLWINGS_PROJECT_NAME="見本市"\nXLWINGS_LICENSE_KEY=my-key-from-the-file\n', encoding="utf-8")
    assert fresh("""
        import os
        from pathlib import Path
        from kaigo_xl.excel.settings import apply_xlwings_env, get_settings
        apply_xlwings_env(get_settings(), Path("project"))  # (an invalid key would stop xlwings' import)
        print(os.environ["XLWINGS_FUNCTIONS_NAMESPACE"], os.environ.get("XLWINGS_PROJECT_NAME"),
              os.environ["XLWINGS_LICENSE_KEY"], os.environ.get("XLWINGS_AUTH_PROVIDERS"))
    """, DOTENV_PATH=str(env), XLWINGS_FUNCTIONS_NAMESPACE="MINE") == ["MINE None my-key-from-the-file None"]


def test_a_token_turns_the_custom_provider_on_unless_providers_are_given(tmp_path):
    code = """
        import kaigo_xl.excel.server as s
        s.get_app()
        print(s.auth_providers())
    """
    assert fresh(code, KAIGO_XL_AUTH_TOKEN="abcdefghijklmnop") == ["['custom']"]
    assert fresh(code, KAIGO_XL_AUTH_TOKEN="abcdefghijklmnop",
                 XLWINGS_AUTH_PROVIDERS='["entraid", "custom"]') == ["['entraid', 'custom']"]
    assert fresh(code) == ["[]"]


def test_every_setting_is_documented_and_the_example_file_loads(monkeypatch):
    for key in list(os.environ):
        if key.startswith("KAIGO_XL_"):
            monkeypatch.delenv(key)
    example = ROOT / "addin" / ".env.example"
    guide = (ROOT / "addin" / "README_ja.md").read_text(encoding="utf-8")
    for field in st.ServerSettings.model_fields:
        name = st.ENV_PREFIX + field.upper()
        assert name in example.read_text(encoding="utf-8") and name in guide, name
    assert st.load_settings(example) == st.ServerSettings()
