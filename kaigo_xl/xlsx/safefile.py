"""Writing files safely: atomic replace, a backup of what is replaced, a lock against two writers, a refusal to
overwrite a file that changed since it was read, and never a write through a link.

Every file the tool writes (workbooks, summaries, lists, PDFs) goes through `atomic_write_bytes`, so these
guarantees hold everywhere:
- the data goes to a temporary file in the same folder (`.NAME.kaigo-xl-XXXXXXXX.tmp`, created exclusively, never
  through a link), is flushed to disk and renamed over NAME: a reader sees the old file or the new one, never half;
- the replaced file is kept as NAME.bak, made as a hard link to it (nothing is copied, so nothing can be cut short)
  or, where the disk has no hard links, copied into a temporary file first: the previous NAME.bak stays until a
  complete new one is renamed over it;
- NAME, NAME.bak or the lock being a symbolic link is refused (exit 4): the link's target is never written. NAME
  having other names (hard links) is refused too: replacing it would leave the other names with the old contents;
- the lock `.~lock.NAME.kaigo-xl` is created exclusively and names the machine and the process (`host`, `pid`):
  a lock left by a process that died on this machine is removed; one from another machine (a shared folder) is
  respected, since no process there can be checked, unless it is older than a day;
- temporary files of this name left by a killed run are removed by the next write of the same file (under its lock,
  so they cannot belong to a live writer).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kaigo_xl.errors import WriteRefused, os_reason

TEMP_MARK = ".kaigo-xl-"  # in every temporary file's name: .NAME.kaigo-xl-XXXXXXXX.tmp
_TEMP_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")  # tempfile's random part
STALE_REMOTE_LOCK_SECONDS = 24 * 60 * 60  # a lock of another machine older than this is left over, not live
STALE_EMPTY_LOCK_SECONDS = 60  # a lock without readable contents this old was never finished by its writer
MAX_LOCK_BYTES = 512


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


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _link_text(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "不明"


# ---- the lock ----

def _lock_record() -> bytes:
    return json.dumps({"program": "kaigo-xl", "host": socket.gethostname(), "pid": os.getpid(),
                       "started": time.strftime("%Y-%m-%d %H:%M:%S")}, ensure_ascii=False).encode("utf-8")


def _read_lock(lock: Path) -> tuple[dict | None, os.stat_result | None]:
    """The lock's record and its stat, read without following a link and without blocking (a FIFO planted as the
    lock would hang a plain read); (None, None) when it is not a regular file we can read."""
    try:
        fd = os.open(lock, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None, None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, None
        raw = os.read(fd, MAX_LOCK_BYTES)
    except OSError:
        return None, None
    finally:
        os.close(fd)
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        text = raw.decode("ascii", "replace").strip()
        record = {"host": socket.gethostname(), "pid": int(text)} if text.isdigit() else {}  # the old format
    return (record if isinstance(record, dict) else {}), st


def _pid_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return True  # cannot tell: the safe side
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _lock_is_stale(lock: Path) -> bool:
    """A lock whose writer is gone (a crash) must not block every later write; a live one must never be removed.
    A PID means something only on the machine that wrote it: another machine's lock is judged by its age alone."""
    record, st = _read_lock(lock)
    if record is None or st is None:
        return False  # a link, a folder, a FIFO …: not ours to remove
    age = time.time() - st.st_mtime
    if "pid" not in record:
        return age > STALE_EMPTY_LOCK_SECONDS
    if record.get("host") != socket.gethostname():
        return age > STALE_REMOTE_LOCK_SECONDS
    return not _pid_alive(record.get("pid"))


def _holder(lock: Path) -> str:
    record, _ = _read_lock(lock)
    if not record or "pid" not in record:
        return ""
    return f"（{record.get('host', '?')} の kaigo-xl、プロセス {record.get('pid')}、{record.get('started', '?')} 開始）"


def _take_lock(path: Path) -> Path:
    lock = lock_path(path)
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    for attempt in (1, 2):
        try:
            fd = os.open(lock, flags, 0o600)
        except FileExistsError:
            if attempt == 1 and _lock_is_stale(lock):
                lock.unlink(missing_ok=True)
                continue
            raise WriteRefused(f"{path}: 別の kaigo-xl が書き込み中です（{lock.name} があります{_holder(lock)}）。"
                               "終わってから、もう一度実行してください。kaigo-xl が動いていないのに続く場合は、"
                               f"{lock.name} を削除してください。") from None
        except PermissionError:
            raise WriteRefused(f"{path}: このフォルダーには書き込めません（権限がありません）。") from None
        except FileNotFoundError:
            raise WriteRefused(f"{path}: 保存先のフォルダーがありません。") from None
        except OSError as exc:  # a read-only medium (EROFS), a full disk, a network drive gone …
            raise WriteRefused(f"{path}: このフォルダーには保存できません（{os_reason(exc)}）。") from None
        try:
            os.write(fd, _lock_record())
        except OSError as exc:  # a full disk: an empty lock must not be left to block the next run
            os.close(fd)
            lock.unlink(missing_ok=True)
            raise WriteRefused(f"{path}: 保存できません（{os_reason(exc)}）。") from None
        os.close(fd)
        return lock
    raise AssertionError("unreachable")


# ---- temporary files, the target and its backup ----

def _is_our_temp(name: str, target: str) -> bool:
    prefix = f".{target}{TEMP_MARK}"
    middle = name[len(prefix):-len(".tmp")]
    return (name.startswith(prefix) and name.endswith(".tmp") and len(middle) == 8
            and set(middle) <= _TEMP_LETTERS)


def _temp_target(name: str) -> str | None:
    """The file a temporary file of ours was written for (`.NAME.kaigo-xl-XXXXXXXX.tmp` → NAME), else None."""
    at = name.rfind(TEMP_MARK)
    if not name.startswith(".") or at < 1:
        return None
    target = name[1:at]
    return target if _is_our_temp(name, target) else None


class FolderTemps:
    """Our temporary files in one folder, listed once for a batch of writes into it.

    Why: `distribute` writes thousands of books into one folder, and a scan of the folder for every write is
    quadratic (3,300 books: ~5 s of 20). A temp left after the listing by a write killed meanwhile is left for the
    next run; each listed one is still removed only under its target's lock."""

    def __init__(self, folder: Path) -> None:
        self.by_target: dict[str, list[str]] = {}
        try:
            entries = list(os.scandir(folder))
        except OSError:
            entries = []
        for entry in entries:
            target = _temp_target(entry.name)
            if target is not None:
                self.by_target.setdefault(target, []).append(entry.path)

    def of(self, path: Path) -> list[str]:
        return self.by_target.pop(path.name, [])


def remove_stale_temps(path: Path, listed: FolderTemps | None = None) -> list[Path]:
    """Remove the temporary files a killed write of `path` left behind (only ours: `.NAME.kaigo-xl-XXXXXXXX.tmp`).
    Called under the lock of `path`, so none of them belongs to a live writer."""
    removed: list[Path] = []
    for candidate in (listed or FolderTemps(path.parent)).of(path):
        st = _lstat(Path(candidate))
        if st is not None and (stat.S_ISLNK(st.st_mode) or stat.S_ISREG(st.st_mode)):
            try:
                os.unlink(candidate)
                removed.append(Path(candidate))
            except OSError:
                pass
    return removed


def _new_temp(path: Path) -> tuple[int, str]:
    """An exclusively created temporary file beside `path` (mkstemp: O_EXCL, never through a link, mode 0600)."""
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TEMP_MARK}", suffix=".tmp")


def _write_all(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _check_target(path: Path) -> os.stat_result | None:
    """The target as it is now: refused when it is a link, not a file, read-only, or has other names."""
    st = _lstat(path)
    if st is None:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise WriteRefused(f"{path}: シンボリックリンクです（リンク先: {_link_text(path)}）。kaigo-xl はリンクを通して"
                           "書き込みません。リンク先のファイルを直接指定してください。何も変更していません。")
    if not stat.S_ISREG(st.st_mode):
        raise WriteRefused(f"{path}: 通常のファイルではないため、置き換えません。別の名前を指定してください。")
    bak = _lstat(backup_path(path))
    own = 1 + (bak is not None and os.path.samestat(st, bak))  # a backup we made by hard link shares the file
    if st.st_nlink > own:
        raise WriteRefused(f"{path}: このファイルには別の名前（ハードリンク）があります。置き換えるとほかの名前には古い"
                           "内容が残るため、書き込みません。ファイルをコピーし、コピーを指定してください。何も変更していません。")
    if not os.access(path, os.W_OK) or not st.st_mode & 0o222:
        raise WriteRefused(f"{path}: ファイルが読み取り専用のため保存できません。")
    return st


def _keep_backup(path: Path) -> Path:
    """NAME.bak := the current NAME, complete before it replaces the previous backup."""
    bak = backup_path(path)
    st = _lstat(bak)
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = f"シンボリックリンク（リンク先: {_link_text(bak)}）" if stat.S_ISLNK(st.st_mode) else "通常のファイル以外"
        raise WriteRefused(f"{bak}: バックアップの名前が{what}のため、書き込みません（リンク先を上書きしないため）。"
                           f"{bak.name} を削除するか別の場所に移してから、もう一度実行してください。何も変更していません。")
    fd, tmp = _new_temp(path)
    try:
        os.close(fd)
        os.unlink(tmp)
        try:
            os.link(path, tmp)  # the old file itself (not a link: checked), under a second name
        except OSError:  # no hard links here (FAT, some network drives): a full copy, flushed
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with open(path, "rb") as src:
                _write_all(fd, src.read())
            shutil.copystat(path, tmp)
        os.replace(tmp, bak)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return bak


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (a power cut after "saved" must not bring the old name back); best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, backup: bool = True, expect: Snapshot | None = None,
                       temps: FolderTemps | None = None) -> Path | None:
    """Write `data` to `path` through a temporary file and a rename; keep the previous file as `NAME.bak`.

    Returns the backup path (or None). Refuses, changing nothing, when another kaigo-xl writes the same file,
    when the file changed since `expect` was taken, when NAME or NAME.bak is a link, or the folder is not writable.
    A batch writing many files into one folder passes `temps` (that folder, listed once).
    """
    path = Path(path)
    lock = _take_lock(path)
    tmp_name = None
    try:
        remove_stale_temps(path, temps)
        if expect is not None and not expect.unchanged():
            raise WriteRefused(f"{path}: 読み込んだ後にファイルが変更されました。保存せずに終了します。"
                               "もう一度実行してください。")
        existing = _check_target(path)
        fd, tmp_name = _new_temp(path)
        _write_all(fd, data)
        if existing is not None:
            os.chmod(tmp_name, stat.S_IMODE(existing.st_mode))  # keep the user's permissions, not the temp's 0600
        else:
            os.chmod(tmp_name, 0o666 & ~_umask())
        saved = _keep_backup(path) if backup and existing is not None else None
        os.replace(tmp_name, path)
        tmp_name = None
        _sync_folder(path.parent)
        return saved
    except PermissionError:
        raise WriteRefused(f"{path}: 保存できません（ファイルが開かれているか、権限がありません）。") from None
    except OSError as exc:
        raise WriteRefused(f"{path}: 保存できません（{os_reason(exc)}）。") from None
    finally:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        lock.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
