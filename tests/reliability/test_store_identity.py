"""Issue #19 points 10, 11 and 14: a store knows itself, another file is never touched, and what
is really wrong is said (never "damaged" for a full disk, a read-only file or an unopenable one)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from techquiz.cli import main
from techquiz.model import Rating
from techquiz.store import backup, db
from techquiz.study import StudySession

from ..srs.helpers import Clock, basic_deck

REPO = Path(__file__).resolve().parents[2]


def _store(tmp_path: Path, name: str, answers: int) -> Path:
    deck = basic_deck(tmp_path / f"{name}.yaml", cards=40, new_per_day=999)
    path = tmp_path / name / "progress.sqlite3"
    conn = db.connect(path)
    session = StudySession(conn, [deck], Clock())
    for _ in range(answers):
        session.answer(Rating.Good, 1000)
    conn.close()
    return path


def _answer_and_die(path: Path, deck_file: Path, answers: int) -> None:
    """A child that answers, then dies without closing: its answers are only in the -wal."""
    code = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from techquiz.deck.loader import load_deck
        from techquiz.model import Rating
        from techquiz.store import db
        from techquiz.study import StudySession
        sys.path.insert(0, {str(REPO)!r})
        from tests.srs.helpers import Clock
        conn = db.connect(Path({str(path)!r}))
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        session = StudySession(conn, [load_deck(Path({str(deck_file)!r})).deck], Clock())
        for _ in range({answers}):
            session.answer(Rating.Again, 100)
        os._exit(0)
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _reviews(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0])
    finally:
        conn.close()


def test_a_new_store_carries_techquizs_application_id_and_a_random_store_id(tmp_path: Path) -> None:
    first, second = _store(tmp_path, "a", 0), _store(tmp_path, "b", 0)
    ids = []
    for path in (first, second):
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
        ids.append(conn.execute("SELECT store_id FROM store_identity").fetchone()[0])
        conn.close()
    assert ids[0] != ids[1] and len(ids[0]) == 32


def test_a_store_from_before_identities_is_adopted_with_its_reviews(tmp_path: Path) -> None:
    path = _store(tmp_path, "a", 3)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE store_identity")
    conn.execute("PRAGMA application_id = 0")
    conn.close()
    db.connect(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
    assert conn.execute("SELECT COUNT(*) FROM store_identity").fetchone()[0] == 1
    assert _reviews(path) == 3


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_applications_sqlite_file_is_never_touched(tmp_path: Path, journal: str) -> None:
    path = tmp_path / "data" / "progress.sqlite3"
    path.parent.mkdir()
    other = sqlite3.connect(path)
    other.execute(f"PRAGMA journal_mode = {journal}")
    other.execute("CREATE TABLE notes (body TEXT)")
    other.execute("INSERT INTO notes VALUES ('keep me')")
    other.commit()
    other.close()
    before = sorted((p.name, p.read_bytes()) for p in path.parent.iterdir())
    with pytest.raises(db.StoreError, match="another application, not a techquiz progress store; it was not changed"):
        db.connect(path)
    assert sorted((p.name, p.read_bytes()) for p in path.parent.iterdir()) == before  # no WAL switch, no tables


def test_a_file_marked_by_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "progress.sqlite3"
    path.parent.mkdir()
    other = sqlite3.connect(path)
    other.execute("PRAGMA application_id = 1234")
    other.close()
    before = path.read_bytes()
    with pytest.raises(db.StoreError, match="another application"):
        db.connect(path)
    assert path.read_bytes() == before


def test_a_wal_from_another_techquiz_store_is_set_aside_never_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same schema, same page size, same user_version: only the store id tells them apart."""
    mine, theirs = _store(tmp_path, "mine", 3), _store(tmp_path, "theirs", 0)
    _answer_and_die(theirs, tmp_path / "theirs.yaml", 5)
    stray = Path(f"{theirs}-wal").read_bytes()
    assert len(stray) > 32
    before = mine.read_bytes()
    Path(f"{mine}-wal").write_bytes(stray)
    Path(f"{theirs}-shm").unlink(missing_ok=True)
    conn = db.connect(mine)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 3  # its own 3, none of theirs
    conn.close()
    assert "was not this store's (it was written by another techquiz store)" in capsys.readouterr().err
    (kept,) = mine.parent.glob("progress.sqlite3-wal.stray-*")
    assert kept.read_bytes() == stray  # set aside, not deleted
    assert before[:100] == mine.read_bytes()[:100] or _reviews(mine) == 3


def test_the_stores_own_wal_after_a_kill_is_replayed(tmp_path: Path) -> None:
    path = _store(tmp_path, "mine", 3)
    _answer_and_die(path, tmp_path / "mine.yaml", 4)
    assert Path(f"{path}-wal").stat().st_size > 32
    conn = db.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 7  # nothing acknowledged lost
    conn.close()
    assert not list(path.parent.glob("*.stray-*"))


def test_an_empty_store_with_backups_offers_the_newest_backup(tmp_path: Path) -> None:
    path = _store(tmp_path, "data", 3)
    conn = db.connect(path)
    newest = backup.make_backup(conn, backup.backup_dir_for(path))
    conn.close()
    path.write_bytes(b"")
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    with pytest.raises(db.StoreError) as info:
        db.connect(path)
    message = str(info.value)
    assert "is empty (0 bytes)" in message and newest.name in message and "techquiz restore" in message
    assert path.stat().st_size == 0  # not silently recreated


def test_an_empty_store_without_backups_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "data" / "progress.sqlite3"
    path.parent.mkdir()
    path.write_bytes(b"")
    db.connect(path).close()
    assert _reviews(path) == 0


def test_a_negative_schema_version_is_one_clear_line(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = isolated_env / "progress.sqlite3"
    db.connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = -1")
    conn.close()
    assert main(["stats"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("techquiz: the progress store") and "invalid schema version (-1)" in err
    assert "unexpected" not in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "0001-01-02T00:00:00"])
def test_techquiz_now_in_year_1_or_9999_is_one_clear_line(
    moment: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TECHQUIZ_NOW", moment)
    assert main(["stats"]) == 1
    err = capsys.readouterr().err.strip()
    assert "outside the years techquiz can schedule" in err and "unexpected" not in err


@pytest.mark.parametrize("kind", ["folder", "fifo", "dev-zero"])
def test_a_store_that_is_not_a_file_says_so_and_never_blocks(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "data" / "progress.sqlite3"
    path.parent.mkdir()
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(db.StoreError) as info:
        db.connect(path)
    assert not isinstance(info.value, db.CorruptStoreError)
    assert "is not a regular file" in str(info.value) and "damaged" not in str(info.value)


def test_an_unreadable_store_says_so_not_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _store(tmp_path, "data", 1)
    real_open = os.open

    def denied(target: object, *args: object, **kwargs: object) -> int:
        if str(target) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)  # as for a file of another user (root reads everything)
    with pytest.raises(db.StoreError) as info:
        db.connect(path)
    assert not isinstance(info.value, db.CorruptStoreError)
    assert "cannot open the progress store" in str(info.value) and "Permission denied" in str(info.value)


@pytest.fixture
def mount_point(tmp_path: Path) -> Path:
    """A small tmpfs of our own (root and mount(8) needed); skipped where that is not possible."""
    point = tmp_path / "mnt"
    point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def fill(folder: Path) -> None:
    """Fill the file system to the last byte."""
    with (folder / "filler").open("wb", buffering=0) as f:
        for chunk in (65536, 4096, 512, 1):
            try:
                while True:
                    f.write(b"\0" * chunk)
            except OSError:
                continue


def test_a_store_on_a_read_only_mount_is_reported_as_read_only(mount_point: Path, tmp_path: Path) -> None:
    path = mount_point / "progress.sqlite3"
    deck = basic_deck(tmp_path / "d.yaml", cards=3)
    conn = db.connect(path)
    StudySession(conn, [deck], Clock()).answer(Rating.Good, 100)
    conn.close()
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    with pytest.raises(db.StoreError) as info:
        db.connect(path)
    assert not isinstance(info.value, db.CorruptStoreError)
    assert "read-only" in str(info.value) and "damaged" not in str(info.value)


def test_a_full_disk_at_open_is_reported_as_a_full_disk(mount_point: Path) -> None:
    fill(mount_point)
    with pytest.raises(db.StoreError) as info:
        db.connect(mount_point / "progress.sqlite3")
    assert not isinstance(info.value, db.CorruptStoreError)
    assert "full" in str(info.value) and "damaged" not in str(info.value)
