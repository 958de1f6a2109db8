"""A shared connection token (KAIGO_XL_AUTH_TOKEN) as xlwings Server's "custom" auth provider.

xlwings Server authenticates the calls that carry workbook data (custom-functions-call, custom-scripts-call;
xlwings_server/dependencies.py `authenticate`) with the providers listed in XLWINGS_AUTH_PROVIDERS. For "custom" it
imports `auth.custom` and awaits its `validate_token(Authorization header)`; the module it falls back to
(xlwings_server/auth/custom/__init__.py in 1.20) is a placeholder that accepts the literal "test-token". So
`install()` always registers kaigo_xl's module under that name: with no token configured it accepts nothing.

The Excel side sends the token from the task pane (static/js/auth.js: stored in the add-in's localStorage, sent as
`Authorization: Bearer <token>`).
"""

from __future__ import annotations

import hmac
import sys
import types

MODULE_NAME = "auth.custom"
USER_ID = "kaigo-xl-token"
REFUSAL = ("接続用トークンが正しくありません。作業ウィンドウ（「介護加算」タブの「情報」）で、管理者から"
           "知らされたトークンを入力してください。")


def token_matches(header: str, token: str | None) -> bool:
    """`Bearer <token>` (or the bare token) equals the configured token; compared in constant time."""
    if not token or not header:
        return False
    presented = header.strip()
    if presented[:7].lower() == "bearer ":
        presented = presented[7:].strip()
    return hmac.compare_digest(presented.encode("utf-8", "replace"), token.encode("utf-8"))


def make_provider(token: str | None) -> types.ModuleType:
    """A module with xlwings Server's custom-provider interface: `async validate_token(header) -> User`."""
    from fastapi import HTTPException, status
    from xlwings_server.models import User

    async def validate_token(token_string: str) -> User:
        if token_matches(token_string, token):
            return User(id=USER_ID, name="共有トークンの利用者")
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=REFUSAL,
                            headers={"WWW-Authenticate": "Bearer"})

    module = types.ModuleType(MODULE_NAME)
    module.__doc__ = "kaigo_xl shared-token provider for xlwings Server (XLWINGS_AUTH_PROVIDERS=[\"custom\"])"
    module.validate_token = validate_token  # type: ignore[attr-defined]
    return module


def install(token: str | None) -> None:
    """Register the provider before the first request (importlib finds it in sys.modules before any file)."""
    sys.modules[MODULE_NAME] = make_provider(token)
