"""Writing files safely: atomic replace, a backup of what is replaced, a lock against two
writers, and a refusal to overwrite a file that changed since it was read.

Every file the tool writes (workbooks, summaries, lists, PDFs) goes through `atomic_write_bytes`, so these
guarantees hold everywhere.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kaigo_xl.errors import WriteRefused


@dataclass(frozen=True)
class Snapshot:
    """What a file looked like when it was read: a later write refuses if it changed meanwhile."""

    path: Path
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Snapshot:
        st = Path(path).stat()
        return cls(Path(path), st.st_size, st.st_mtime_ns)

    def unchanged(self) -> bool:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return False
        return (st.st_size, st.st_mtime_ns) == (self.size, self.mtime_ns)




def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def lock_path(path: Path) -> Path:
    return path.with_name(f".~lock.{path.name}.kaigo-xl")


def _lock_owner_alive(lock: Path) -> bool:
    """A lock whose writer process is gone (a crash) must not block every later write."""
    try:
        pid = int(lock.read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return True  # unreadable: assume a live writer, the safe side
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _take_lock(path: Path) -> Path:
    lock = lock_path(path)
    for attempt in (1, 2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            if attempt == 1 and not _lock_owner_alive(lock):
                lock.unlink(missing_ok=True)
                continue
            raise WriteRefused(f"{path}: 別の kaigo-xl が書き込み中です（{lock.name} があります）。"
                               "終わってから、もう一度実行してください。kaigo-xl が動いていないのに続く場合は、"
                               f"{lock.name} を削除してください。") from None
        except PermissionError:
            raise WriteRefused(f"{path}: このフォルダーには書き込めません（権限がありません）。") from None
        except FileNotFoundError:
            raise WriteRefused(f"{path}: 保存先のフォルダーがありません。") from None
        except OSError as exc:  # a read-only medium (EROFS), a full disk, a network drive gone …
            raise WriteRefused(f"{path}: このフォルダーには保存できません（{exc.strerror}）。") from None
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(str(os.getpid()))
        return lock
    raise AssertionError("unreachable")


def atomic_write_bytes(path: Path, data: bytes, *, backup: bool = True, expect: Snapshot | None = None) -> Path | None:
    """Write `data` to `path` through a temporary file and a rename; keep the previous file as `NAME.bak`.

    Returns the backup path (or None). Refuses, changing nothing, when another kaigo-xl writes the same file,
    when the file changed since `expect` was taken, or when the folder is not writable.
    """
    path = Path(path)
    lock = _take_lock(path)
    tmp_name = None
    try:
        if expect is not None and not expect.unchanged():
            raise WriteRefused(f"{path}: 読み込んだ後にファイルが変更されました。保存せずに終了します。"
                               "もう一度実行してください。")
        if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
            raise WriteRefused(f"{path}: ファイルが読み取り専用のため保存できません。")
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp",
                                         delete=False) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        if path.exists():
            shutil.copymode(path, tmp_name)  # keep the user's permissions, not the temp file's 0600
        else:
            os.chmod(tmp_name, 0o666 & ~_umask())
        saved = None
        if backup and path.exists():
            saved = backup_path(path)
            shutil.copy2(path, saved)
        os.replace(tmp_name, path)
        tmp_name = None
        return saved
    except PermissionError:
        raise WriteRefused(f"{path}: 保存できません（ファイルが開かれているか、権限がありません）。") from None
    except OSError as exc:
        raise WriteRefused(f"{path}: 保存できません（{exc.strerror}）。") from None
    finally:
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        lock.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
