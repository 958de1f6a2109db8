"""One error hierarchy: every refusal the tool makes carries its exit code and a Japanese message naming the file.

The command line (kaigo_xl.commands) prints `str(error)` and exits with `error.exit_code`; nothing else decides an
exit code. Exit codes are a public interface, documented in the README:
0 no error, 1 error findings (or some rows/books with problems), 2 input cannot be used (unreadable file, bad
policy, wrong usage, a missing external tool), 3 internal error (a bug), 4 a write was refused.
"""

from __future__ import annotations

import errno
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    UNUSABLE_INPUT = 2
    INTERNAL = 3
    WRITE_REFUSED = 4
    INTERRUPTED = 130


class KaigoError(Exception):
    """A refusal with a Japanese message for the user; never a bug."""

    exit_code: ExitCode = ExitCode.UNUSABLE_INPUT


class InputUnreadable(KaigoError):
    """A file that cannot be read at all (missing, damaged, hostile, the wrong format)."""


class PolicyError(KaigoError):
    """A policy file (the municipality's settings) that cannot be used."""


class UsageError(KaigoError):
    """A command used wrongly (an option, a file name)."""


class CapacityExceeded(KaigoError):
    """Input that does not fit the template (more staff, initiatives or spending lines than the sheets hold)."""

    exit_code = ExitCode.FINDINGS


class ExternalToolMissing(KaigoError):
    """A program the task needs (LibreOffice for PDFs) is not installed; nothing was changed."""


class ExternalToolFailed(KaigoError):
    """A program the task needs ran but did not produce its output."""


class WriteRefused(KaigoError):
    """A write that would lose or clobber data, or cannot be done here; nothing was changed."""

    exit_code = ExitCode.WRITE_REFUSED


_OS_REASONS = {
    errno.ENOENT: "見つかりません",
    errno.EACCES: "権限がありません",
    errno.EPERM: "権限がありません",
    errno.EISDIR: "フォルダーです（ファイルを指定してください）",
    errno.ENOTDIR: "途中の名前がフォルダーではありません",
    errno.ENOSPC: "ディスクの空きがありません",
    errno.EROFS: "読み取り専用の場所です",
    errno.ENAMETOOLONG: "名前が長すぎます",
    errno.EEXIST: "既にあります",
    errno.ELOOP: "シンボリックリンクが循環しています",
    errno.EBUSY: "使用中です",
    errno.EIO: "入出力エラーが起きました（ディスクやネットワークドライブを確かめてください）",
}


def os_reason(exc: OSError) -> str:
    """What an operating-system error means, in Japanese (one home for every OSError a user may see)."""
    reason = _OS_REASONS.get(exc.errno or -1)
    if reason is not None:
        return reason
    return exc.strerror or type(exc).__name__


def os_error_message(path: Path | str, exc: OSError, cannot: str = "読み込めません") -> str:
    """'PATH: 読み込めません（権限がありません）。' — `cannot` says what could not be done ("保存できません")."""
    return f"{path}: {cannot}（{os_reason(exc)}）。"
