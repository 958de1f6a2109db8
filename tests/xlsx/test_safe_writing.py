"""Safe writing (issue 6, item 3): a write replaces the file atomically, keeps a backup of what it replaced, refuses
when the file changed since it was read, when another writer holds the lock, and when the file or its folder is
read-only — and leaves nothing behind (no temporary file, no lock file) whatever happens."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kaigo_xl.errors import WriteRefused
from kaigo_xl.xlsx import safefile as writer
from kaigo_xl.xlsx.safefile import Snapshot, atomic_write_bytes, backup_path, lock_path

OLD, NEW = b"old workbook bytes", b"new workbook bytes, longer"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "施設.xlsx"
    path.write_bytes(OLD)
    return path


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    """Files in `folder` other than `keep`: temporary files and locks must never stay."""
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_a_write_replaces_the_file_and_keeps_the_old_one_as_backup(book: Path) -> None:
    saved = atomic_write_bytes(book, NEW)
    assert book.read_bytes() == NEW
    assert saved == backup_path(book) and saved.read_bytes() == OLD
    assert leftovers(book.parent, {book.name, saved.name}) == []


def test_a_second_write_backs_up_the_first(book: Path) -> None:
    atomic_write_bytes(book, NEW)
    atomic_write_bytes(book, b"third")
    assert backup_path(book).read_bytes() == NEW


def test_a_new_file_needs_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    assert atomic_write_bytes(path, NEW) is None
    assert path.read_bytes() == NEW and leftovers(tmp_path, {path.name}) == []


def test_a_disk_full_while_writing_leaves_the_old_file(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writer.os, "fsync", full)
    with pytest.raises(WriteRefused, match="施設.xlsx"):
        atomic_write_bytes(book, NEW)
    assert book.read_bytes() == OLD
    assert leftovers(book.parent, {book.name}) == []


def test_a_failing_rename_leaves_the_old_file(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src, dst) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(writer.os, "replace", refuse)
    with pytest.raises(WriteRefused):
        atomic_write_bytes(book, NEW)
    assert book.read_bytes() == OLD
    assert leftovers(book.parent, {book.name, backup_path(book).name}) == []


def test_a_file_changed_since_it_was_read_is_not_overwritten(book: Path) -> None:
    seen = Snapshot.of(book)
    book.write_bytes(b"edited in Excel meanwhile")
    with pytest.raises(WriteRefused, match="変更されました"):
        atomic_write_bytes(book, NEW, expect=seen)
    assert book.read_bytes() == b"edited in Excel meanwhile"
    assert leftovers(book.parent, {book.name}) == []


def test_a_same_size_edit_is_noticed_by_its_time(book: Path) -> None:
    seen = Snapshot.of(book)
    book.write_bytes(OLD.upper())  # same length
    st = book.stat()
    os.utime(book, ns=(st.st_atime_ns, seen.mtime_ns + 1_000_000_000))
    with pytest.raises(WriteRefused):
        atomic_write_bytes(book, NEW, expect=seen)
    assert book.read_bytes() == OLD.upper()


def test_a_file_deleted_since_it_was_read_is_not_recreated(book: Path) -> None:
    seen = Snapshot.of(book)
    book.unlink()
    with pytest.raises(WriteRefused):
        atomic_write_bytes(book, NEW, expect=seen)
    assert not book.exists()


def test_an_unchanged_file_is_written(book: Path) -> None:
    atomic_write_bytes(book, NEW, expect=Snapshot.of(book))
    assert book.read_bytes() == NEW


def test_a_second_writer_is_refused_while_the_first_writes(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the first write is under way (here: inside its fsync), a second one on the same file is refused."""
    second: list[BaseException] = []
    real_fsync = os.fsync

    def meanwhile(fd: int) -> None:
        assert lock_path(book).exists()
        try:
            atomic_write_bytes(book, b"second writer")
        except WriteRefused as exc:
            second.append(exc)
        real_fsync(fd)

    monkeypatch.setattr(writer.os, "fsync", meanwhile)
    atomic_write_bytes(book, NEW)
    assert len(second) == 1 and "書き込み中" in str(second[0])
    assert book.read_bytes() == NEW
    assert leftovers(book.parent, {book.name, backup_path(book).name}) == []


def test_a_refused_writer_leaves_the_other_writers_lock(book: Path) -> None:
    lock_path(book).write_text("another kaigo-xl")
    with pytest.raises(WriteRefused, match="書き込み中"):
        atomic_write_bytes(book, NEW)
    assert lock_path(book).exists() and book.read_bytes() == OLD


def test_a_read_only_file_is_not_replaced(book: Path) -> None:
    """A file marked read-only (Excel's 読み取り専用, Windows' attribute) is respected, even by an administrator."""
    book.chmod(0o444)
    try:
        with pytest.raises(WriteRefused, match="読み取り専用"):
            atomic_write_bytes(book, NEW)
        assert book.read_bytes() == OLD
        assert leftovers(book.parent, {book.name}) == []
    finally:
        book.chmod(0o644)


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs `unshare -m` to mount a read-only folder")
def test_a_read_only_folder_is_refused_with_a_message(tmp_path: Path) -> None:
    """The folder is bind-mounted read-only in a private mount namespace (works even for root)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "施設.xlsx").write_bytes(OLD)
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from kaigo_xl.errors import WriteRefused
        from kaigo_xl.xlsx.safefile import atomic_write_bytes
        try:
            atomic_write_bytes(Path({str(folder / '施設.xlsx')!r}), b"new")
        except WriteRefused as exc:
            print(exc)
            sys.exit(4)
    """)
    proc = subprocess.run(["unshare", "-m", "sh", "-c",
                           f"mount --bind -o ro '{folder}' '{folder}' && exec \"$0\" -c \"$1\"",
                           sys.executable, script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "施設.xlsx" in proc.stdout and "Traceback" not in proc.stderr
    assert (folder / "施設.xlsx").read_bytes() == OLD
    assert leftovers(folder, {"施設.xlsx"}) == []


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WriteRefused, match="フォルダーがありません"):
        atomic_write_bytes(tmp_path / "nowhere" / "施設.xlsx", NEW)


def test_the_command_exits_4_when_another_writer_holds_the_lock(book: Path) -> None:
    """`kaigo-xl template OUT --force` on a locked file: exit code 4, a Japanese message, the file untouched."""
    lock_path(book).write_text("another kaigo-xl")
    proc = subprocess.run([sys.executable, "-m", "kaigo_xl", "template", str(book), "--force"],
                          capture_output=True, text=True, timeout=120)
    if "No module named 'kaigo_xl.workbook.template'" in proc.stderr + proc.stdout:
        pytest.skip("the template builder is not there yet")
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "書き込み中" in proc.stderr and "Traceback" not in proc.stderr
    assert book.read_bytes() == OLD
    assert leftovers(book.parent, {book.name, lock_path(book).name}) == []
