"""Issue #19 point 9 and #20 point 3: a backup runs beside the answers, in its own thread and
connection; when it fails (a full disk) the answer stands, a warning says so, and no `.partial`
file is left behind."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from techquiz.model import Rating
from techquiz.store import backup, db
from techquiz.study import StudySession

from ..srs.helpers import Clock, basic_deck


def _session(tmp_path: Path, store: Path, warnings: list[str]) -> tuple[StudySession, backup.BackupPolicy]:
    deck = basic_deck(tmp_path / "d.yaml", cards=30, new_per_day=999)
    conn = db.connect(store)
    policy = backup.BackupPolicy(backup.backup_dir_for(store), warn=warnings.append)
    return StudySession(conn, [deck], Clock(), policy), policy


def test_the_first_answer_backs_up_in_a_thread_with_its_own_connection(tmp_path: Path) -> None:
    warnings: list[str] = []
    session, policy = _session(tmp_path, tmp_path / "data" / "progress.sqlite3", warnings)
    session.answer(Rating.Good, 1000)
    assert policy.thread is not None and policy.thread.name == "techquiz-backup"
    policy.wait()
    (made,) = backup.list_backups(policy.folder)
    conn = sqlite3.connect(made)
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1
    conn.close()
    assert warnings == []


def test_a_failed_backup_is_a_warning_and_the_answer_stands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection (works without root): the copy fails as on a full disk, halfway."""
    warnings: list[str] = []
    store = tmp_path / "data" / "progress.sqlite3"
    session, policy = _session(tmp_path, store, warnings)
    real_connect = sqlite3.connect

    class FullDisk(sqlite3.Connection):
        def backup(self, target: sqlite3.Connection, **kwargs: object) -> None:  # type: ignore[override]
            super().backup(target, pages=1)  # part of it written...
            raise sqlite3.OperationalError("database or disk is full")

    def connect(database: str, **kwargs: object) -> sqlite3.Connection:
        if str(database).endswith("?mode=ro"):  # the backup thread's own connection to the store
            kwargs["factory"] = FullDisk
        return real_connect(database, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", connect)
    session.answer(Rating.Good, 1000)  # no exception: the answer is committed
    policy.wait()
    assert warnings == [
        "the backup could not be made (the disk is full); your answers are saved, and the store is fine"
    ]
    assert not list(policy.folder.glob("*.partial")) and backup.list_backups(policy.folder) == []
    conn = db.connect(store)
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1
    conn.close()


def test_partial_backups_left_by_kills_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "backups"
    folder.mkdir(parents=True)
    stale = [folder / f"progress-2026010{i}-000000.partial" for i in range(1, 4)]
    for path in stale:
        path.write_bytes(b"x" * 1000)
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    fresh = folder / "progress-20260109-000000.partial"  # another techquiz's backup under way
    fresh.write_bytes(b"y")
    conn = db.connect(tmp_path / "data" / "progress.sqlite3")
    backup.make_backup(conn, folder)
    conn.close()
    assert not any(p.exists() for p in stale) and fresh.exists()


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    point = tmp_path / "mnt"
    point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def test_on_a_nearly_full_disk_the_answer_commits_and_the_backup_is_a_warning(small_disk: Path, tmp_path: Path) -> None:
    """A real tmpfs with room for the store but not for a copy of it."""
    warnings: list[str] = []
    store = small_disk / "progress.sqlite3"
    session, policy = _session(tmp_path, store, warnings)
    conn = sqlite3.connect(store)
    conn.execute("CREATE TABLE padding (x BLOB)")
    conn.executemany("INSERT INTO padding VALUES (randomblob(4000))", [()] * 180)  # about 0.75 MB
    conn.commit()
    conn.close()
    with (small_disk / "filler").open("wb", buffering=0) as f:  # leave less room than the store takes
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        f.write(b"\0" * max(free - 300_000, 0))
    session.answer(Rating.Good, 1000)
    policy.wait()
    assert len(warnings) == 1 and "the disk is full" in warnings[0] and "answers are saved" in warnings[0]
    assert not list(policy.folder.glob("*.partial"))
    conn = db.connect(store, check=True)  # never called damaged
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1
    conn.close()


def test_no_upgrade_without_a_backup_and_the_store_is_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_migrations import _old_store

    path = tmp_path / "data" / "progress.sqlite3"
    _old_store(path, 1)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "make_backup", full)
    with pytest.raises(db.StoreError) as info:
        db.connect(path)
    assert not isinstance(info.value, db.CorruptStoreError)
    assert "could not back up the store before upgrading it (the disk is full" in str(info.value)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # not migrated
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 2
    conn.close()


def test_only_real_backup_names_count_as_backups(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in ("progress-20260101-000000.sqlite3\n", "progress-٢٠٢٦٠١٠١-000000.sqlite3", "progress-x.sqlite3"):
        (folder / name).write_bytes(b"")
    (folder / "progress-20251231-000000.sqlite3").write_bytes(b"")
    assert [p.name for p in backup.list_backups(folder)] == ["progress-20251231-000000.sqlite3"]
