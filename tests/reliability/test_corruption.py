from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from techquiz.model import Rating
from techquiz.store import backup, db
from techquiz.store.restore import restore
from techquiz.study import StudySession

from ..srs.helpers import Clock, basic_deck


def _studied_store(tmp_path: Path) -> Path:
    deck = basic_deck(tmp_path / "d.yaml", cards=5)
    path = tmp_path / "data" / "progress.sqlite3"
    conn = db.connect(path)
    session = StudySession(conn, [deck], Clock())
    for _ in range(3):
        session.answer(Rating.Good, 1000)
    backup.make_backup(conn, backup.backup_dir_for(path))
    conn.close()
    return path


def test_a_damaged_header_is_reported_and_restore_brings_the_backup_back(tmp_path: Path) -> None:
    path = _studied_store(tmp_path)
    data = bytearray(path.read_bytes())
    data[0:16] = b"garbage garbage!"
    path.write_bytes(bytes(data))
    with pytest.raises(db.CorruptStoreError) as info:
        db.connect(path)
    message = str(info.value)
    assert "is damaged" in message and "techquiz restore" in message and "backups" in message
    used, kept = restore(path)
    assert kept is not None and kept.read_bytes()[:16] == b"garbage garbage!"  # the damaged file is kept
    conn = db.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 3
    assert used.parent.name == "backups"


def test_a_damaged_page_is_found_by_the_integrity_check(tmp_path: Path) -> None:
    path = _studied_store(tmp_path)
    conn = sqlite3.connect(path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for offset in range(page + 8, len(data), 97):  # scribble over every page after the first
        data[offset] = 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(db.CorruptStoreError, match="is damaged"):
        db.connect(path)


def test_a_truncated_file_is_reported(tmp_path: Path) -> None:
    path = _studied_store(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])
    with pytest.raises(db.CorruptStoreError, match=r"is damaged.*techquiz restore"):
        db.connect(path)


def test_a_stray_wal_file_from_another_database_is_set_aside_before_it_is_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite would replay a -wal file copied in from another database over this one's pages."""
    path = _studied_store(tmp_path)
    other = tmp_path / "other" / "progress.sqlite3"
    other.parent.mkdir()
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE junk (x)")
    conn.execute("INSERT INTO junk VALUES (1)")
    wal = Path(str(other) + "-wal")
    stray = wal.read_bytes()
    conn.close()
    assert stray
    before = path.read_bytes()
    Path(str(path) + "-wal").write_bytes(stray)
    db._check_wal(path)
    assert path.read_bytes() == before  # not replayed: the store's own pages are untouched
    assert "was not this store's" in capsys.readouterr().err
    (kept,) = path.parent.glob("progress.sqlite3-wal.stray-*")
    assert kept.read_bytes() == stray  # set aside, never deleted
    conn = db.connect(path)  # the store itself was fine all along: no restore needed
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 3


def test_a_garbage_wal_file_is_detected_or_ignored_never_trusted(tmp_path: Path) -> None:
    path = _studied_store(tmp_path)
    Path(str(path) + "-wal").write_bytes(b"\x00garbage" * 5000)
    try:
        conn = db.connect(path)
    except db.CorruptStoreError as exc:
        assert "techquiz restore" in str(exc)
        return
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 3


def test_the_cli_says_what_to_do_and_restore_brings_the_progress_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    from techquiz.cli import main

    path = _studied_store(tmp_path)
    assert path.parent == isolated_env
    data = bytearray(path.read_bytes())
    data[0:16] = b"not a database!!"
    path.write_bytes(bytes(data))
    assert main(["stats"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is damaged" in err[0] and "Newest backup: " in err[0] and "techquiz restore" in err[0]
    assert main(["restore", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "kept as" in out
    kept = [p for p in path.parent.iterdir() if p.name.startswith("progress.sqlite3.replaced-")]
    assert kept and kept[0].read_bytes()[:16] == b"not a database!!"
    assert main(["stats", "--json"]) == 0


async def test_the_app_checks_the_store_in_the_background_and_stops_on_damage(tmp_path: Path) -> None:
    from techquiz.config import Config
    from techquiz.deck.discovery import load_library
    from techquiz.tui.app import TechquizApp

    path = _studied_store(tmp_path)
    conn = sqlite3.connect(path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    review_log = sqlite3.connect(path).execute("SELECT rootpage FROM sqlite_master WHERE name = 'review_log'")
    first = (review_log.fetchone()[0] - 1) * page
    for offset in range(first + 8, first + page, 97):  # the review log's page: the app still starts
        data[offset] = 0xFF
    path.write_bytes(bytes(data))
    config = Config(path.parent, (tmp_path,), Clock())
    app = TechquizApp(config, library=load_library([tmp_path]))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.crash is not None and isinstance(app.crash[0], db.CorruptStoreError)
    assert "techquiz restore" in str(app.crash[0])  # cli prints it as the one line and exits 1
