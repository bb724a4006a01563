from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from techquiz.srs.scheduler import Rating
from techquiz.srs.session import StudySession
from techquiz.store import backup, db
from techquiz.store.restore import restore

from ..srs.helpers import Clock, basic_deck


def _old_store(path: Path, version: int = 1) -> None:
    """A store as techquiz schema `version` wrote it, with one card answered twice (new, then review)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for v in range(1, version + 1):
        for statement in db._statements(db.MIGRATIONS[v]):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT INTO cards (deck_id, card_id, card_type, state, due, lapses) VALUES ('d', 'c0', 'basic', 2, 0, 1)"
    )
    conn.execute(
        "INSERT INTO review_log (card, reviewed_at, day, rating, duration_ms, state_before, state_after, due_after, "
        "interval_days) VALUES (1, 0, '2026-11-29', 3, 4000, 0, 2, 0, 30.0)"
    )
    conn.execute(
        "INSERT INTO review_log (card, reviewed_at, day, rating, duration_ms, state_before, due_before, "
        "last_review_before, state_after, due_after, interval_days) "
        "VALUES (1, 0, '2026-12-29', 1, 6000, 2, 2592000000, 0, 3, 0, 0.01)"
    )
    conn.close()


@pytest.mark.parametrize("version", range(1, db.SCHEMA_VERSION))
def test_migration_from_each_older_schema_keeps_reviews_after_a_backup(tmp_path: Path, version: int) -> None:
    path = tmp_path / "data" / "progress.sqlite3"
    _old_store(path, version)
    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM quiz_results").fetchone()[0] == 0
    # v3's per-day tally is built from the log: one new-card answer, one lapse of a mature card
    assert conn.execute(
        "SELECT day, reviews, again, good, duration_ms, new_cards, young, mature, mature_passed FROM review_days "
        "ORDER BY day"
    ).fetchall() == [("2026-11-29", 1, 0, 1, 4000, 1, 0, 0, 0), ("2026-12-29", 1, 1, 0, 6000, 0, 0, 1, 0)]
    (saved,) = backup.list_backups(tmp_path / "data" / "backups")
    assert f"before-v{db.SCHEMA_VERSION}" in saved.name
    old = sqlite3.connect(saved)
    assert old.execute("PRAGMA user_version").fetchone()[0] == version


def test_a_failed_migration_leaves_the_old_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data" / "progress.sqlite3"
    _old_store(path)
    monkeypatch.setitem(db.MIGRATIONS, 2, db.MIGRATIONS[2] + "\nCREATE TABLE cards (x);\n")
    with pytest.raises(db.StoreError):
        db.connect(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'quiz_results'").fetchone() is None
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 2


def test_a_newer_store_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(db.StoreError, match="written by a newer techquiz"):
        db.connect(path)
    assert path.read_bytes() == before


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


def test_backups_are_pruned_as_anki_keeps_them(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    # two a day for 400 days
    from datetime import UTC, datetime, timedelta

    start = datetime(2025, 1, 1, tzinfo=UTC)
    for day in range(400):
        for hour in (8, 20):
            stamp = start + timedelta(days=day, hours=hour)
            (folder / f"progress-{stamp:%Y%m%d-%H%M%S}.sqlite3").write_bytes(b"")
    backup.prune(folder)
    kept = backup.list_backups(folder)
    days = {p.name[9:17] for p in kept}
    months = {p.name[9:15] for p in kept}
    assert len(kept) >= 10
    assert len(days) >= 12 and len(months) >= 9
    assert len(kept) < 50
