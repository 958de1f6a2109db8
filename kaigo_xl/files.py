"""Opening an input file only when it is a regular file: the one helper for the JSON reader, the policy loader and
the workbook preflight.

Why: a named pipe (FIFO) given as input blocks `open()` forever, and a device (`/dev/zero`, `/dev/urandom`) reports
size 0 and then never ends, so "check the size, then read" reads gigabytes. The file is opened without blocking
(O_NONBLOCK: opening a FIFO returns at once), its kind is taken from the open descriptor (so a file swapped between
a check and the open is still seen for what it is), and anything but a regular file is refused before one byte
is read. A symbolic link to a regular file is followed: reading through a link changes nothing.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from kaigo_xl.errors import InputUnreadable, KaigoError, os_reason

_KINDS = (
    (stat.S_ISDIR, "フォルダーです。ファイルを指定してください。"),
    (stat.S_ISFIFO, "名前付きパイプ（FIFO）です。通常のファイルを指定してください。"),
    (stat.S_ISCHR, "デバイス（/dev/… など）です。通常のファイルを指定してください。"),
    (stat.S_ISBLK, "デバイス（ディスクなど）です。通常のファイルを指定してください。"),
    (stat.S_ISSOCK, "ソケットです。通常のファイルを指定してください。"),
)


def resolved(path: Path) -> Path:
    """Where `path` leads (Path.resolve), or the path made absolute when its links go round in a loop or cannot be
    followed: for telling places apart, never for opening (opening such a path is refused with its own message)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Path.resolve's "Symlink loop" (Python ≤ 3.12)
        return path.absolute()


def not_regular_reason(mode: int) -> str | None:
    """Why a file of this st_mode cannot be read as an input file, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, reason in _KINDS:
        if test(mode):
            return reason
    return "通常のファイルではありません。"


def open_regular(path: Path, error: type[KaigoError] = InputUnreadable, name: str | None = None) -> BinaryIO:
    """`path` opened for reading in binary, or `error` raised with a Japanese reason naming `name` (or the path):
    missing, a folder, a FIFO, a device, a socket, unreadable. The caller closes the file."""
    shown = name or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise error(f"{shown}: ファイルが見つかりません。名前と場所を確かめてください。") from None
    except IsADirectoryError:
        raise error(f"{shown}: フォルダーです。ファイルを指定してください。") from None
    except PermissionError:
        raise error(f"{shown}: 読み取りの権限がありません。ファイルを閉じるか、権限を確かめてください。") from None
    except OSError as exc:
        raise error(f"{shown}: 読み込めません（{os_reason(exc)}）。") from None
    try:
        reason = not_regular_reason(os.fstat(fd).st_mode)
        if reason is not None:
            raise error(f"{shown}: {reason}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, max_bytes: int, error: type[KaigoError] = InputUnreadable,
                 name: str | None = None) -> bytes:
    """The bytes of the regular file `path`, refused (`error`) when it holds more than `max_bytes`: at most
    max_bytes + 1 bytes are ever read, whatever the file claims its size is."""
    shown = name or str(path)
    with open_regular(path, error, name) as fh:
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise error(f"{shown}: 読み込めません（{os_reason(exc)}）。") from None
    if len(data) > max_bytes:
        raise error(f"{shown}: ファイルが大きすぎます（{max_bytes // 1024 // 1024}MB まで）。")
    return data
