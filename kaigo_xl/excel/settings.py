"""Every setting of the add-in server in one place, read once (pydantic-settings, like xlwings Server itself).

Two families, both from the environment or the .env file ($DOTENV_PATH, else ./.env; the environment wins):
  KAIGO_XL_*  ours, validated here (`ServerSettings`);
  XLWINGS_*   xlwings Server's own; it reads them itself when it is first imported, so `apply_xlwings_env`
              only fills in our defaults (`XLWINGS_DEFAULTS`) for those the administrator left out.
Nothing is read at import time: `get_settings()` reads on first use and keeps the result for the process.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..errors import UsageError

ENV_PREFIX = "KAIGO_XL_"
MIN_TOKEN_CHARS = 16

XLWINGS_DEFAULTS = {
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

# What each setting means, for the Japanese message when its value is wrong.
_LABELS = {
    "max_body_mb": "受け付けるブックの大きさの上限（MB、0より大きい数）",
    "policy": "市区町村の設定ファイル（TOML）のパス",
    "timeout_header": "要求ヘッダーを受け取るまでの時間の上限（秒、0より大きい数）",
    "timeout_body": "要求の本体（ブックのデータ）を受け取るまでの時間の上限（秒、0より大きい数）",
    "timeout_keep_alive": "処理後に接続を保つ時間（秒、1以上の整数）",
    "limit_concurrency": "同時に処理する要求の数の上限（1以上の整数）",
    "max_connections": "同時に開いておける接続の数の上限（1以上の整数）",
    "auth_token": f"接続用トークン（英数字と記号で{MIN_TOKEN_CHARS}文字以上）",
    "allow_unauthenticated": "認証なしで他のパソコンからの接続を許可するか（true / false）",
    "provider_name": "マニフェストの提供元（例: 見本市 高齢福祉課）",
}


class SettingsError(UsageError):
    """A setting the server cannot start with (exit code 2); `str()` is the Japanese message."""


class ServerSettings(BaseSettings):
    """KAIGO_XL_* settings of `kaigo-xl serve` (each field is the variable name without the prefix)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", env_file_encoding="utf-8")

    max_body_mb: float = Field(default=20, gt=0, le=1024)
    policy: Path | None = None
    timeout_header: float = Field(default=10, gt=0, le=3600)
    timeout_body: float = Field(default=60, gt=0, le=3600)
    timeout_keep_alive: int = Field(default=5, ge=1, le=3600)
    limit_concurrency: int = Field(default=200, ge=1, le=100_000)  # requests in the app (hardening.RequestLimit)
    max_connections: int = Field(default=2000, ge=1, le=1_000_000)  # open connections (uvicorn limit_concurrency)
    auth_token: SecretStr | None = None
    allow_unauthenticated: bool = False
    provider_name: str = Field(default="", max_length=250)  # the manifest's ProviderName (a municipality)

    @field_validator("policy", "auth_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("auth_token")
    @classmethod
    def _token_is_long_ascii(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value()
        if len(text) < MIN_TOKEN_CHARS or not all(33 <= ord(c) < 127 for c in text):
            raise ValueError("token")  # the message is _LABELS["auth_token"]; the value is never shown
        return value

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 1024 * 1024)

    @property
    def token(self) -> str | None:
        return self.auth_token.get_secret_value() if self.auth_token else None


def env_file() -> Path:
    """The settings file: $DOTENV_PATH, else .env in the folder where `kaigo-xl serve` runs."""
    return Path(os.environ.get("DOTENV_PATH") or Path.cwd() / ".env")


def load_settings(path: Path | None = None) -> ServerSettings:
    """Read and check the KAIGO_XL_* settings; a wrong value raises SettingsError naming the variable."""
    path = env_file() if path is None else path
    try:
        return ServerSettings(_env_file=path if path.is_file() else None)  # type: ignore[call-arg]  # pydantic-settings
    except ValidationError as exc:
        raise SettingsError(_explain(exc)) from None


def _explain(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        name = ENV_PREFIX + field.upper()
        shown = "" if field == "auth_token" else f"「{str(error.get('input'))[:40]}」"
        problems.append(f"設定 {name} の値{shown}が正しくありません（{_LABELS.get(field, '値を確認してください')}）。")
    return " ".join(problems)


@cache
def get_settings() -> ServerSettings:
    """The settings of this process, read on first use."""
    return load_settings()


def _file_values(path: Path) -> dict[str, str]:
    from dotenv import dotenv_values  # installed with pydantic-settings

    return {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}


def apply_xlwings_env(settings: ServerSettings, project_dir: Path) -> None:
    """Before xlwings_server is imported: our XLWINGS_* defaults, our project folder, and the auth provider.

    A value in the environment or the .env file always wins over a default. With KAIGO_XL_AUTH_TOKEN and no
    XLWINGS_AUTH_PROVIDERS, the provider is xlwings Server's "custom" one, which kaigo_xl implements (auth.py).
    """
    path = env_file()
    os.environ["DOTENV_PATH"] = str(path)  # xlwings_server would otherwise look inside our package
    from_file = _file_values(path)
    defaults = dict(XLWINGS_DEFAULTS)
    if settings.token:
        defaults["XLWINGS_AUTH_PROVIDERS"] = json.dumps(["custom"])
    for key, value in defaults.items():
        if key not in os.environ and key not in from_file:
            os.environ[key] = value
    # kaigo_xl.excel's import set the noncommercial key; a key written in .env replaces that default
    file_key = from_file.get("XLWINGS_LICENSE_KEY")
    if file_key and os.environ.get("XLWINGS_LICENSE_KEY") == XLWINGS_DEFAULTS["XLWINGS_LICENSE_KEY"]:
        os.environ["XLWINGS_LICENSE_KEY"] = file_key
    os.environ["XLWINGS_PROJECT_DIR"] = str(project_dir)
    os.environ["XLWINGS_ON_SERVER"] = "true"
