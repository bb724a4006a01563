from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from techquiz.store import backup, db


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
    # (a v3 store's tally is its own: this fixture writes the log without one)
    assert version >= 3 or conn.execute(
        "SELECT day, reviews, again, good, duration_ms, new_cards, young, mature, mature_passed FROM review_days "
        "ORDER BY day"
    ).fetchall() == [("2026-11-29", 1, 0, 1, 4000, 1, 0, 0, 0), ("2026-12-29", 1, 1, 0, 6000, 0, 0, 1, 0)]
    # v4: no deck has fitted FSRS parameters yet, so every deck keeps the defaults
    assert conn.execute("SELECT COUNT(*) FROM deck_fsrs").fetchone()[0] == 0
    columns = [row[1] for row in conn.execute("PRAGMA table_info(quiz_results)")]
    assert "planned" in columns  # v5: an unfinished quiz says so
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


_SLOW_MIGRATION = """
import sys
from pathlib import Path
from techquiz.store import db
# A migration that takes seconds, so the parent can kill the process in the middle of it.
db.MIGRATIONS[db.SCHEMA_VERSION] += (
    "\\nCREATE TABLE slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 30000000) "
    "SELECT x FROM c;\\n"
)
print("migrating", flush=True)
db.connect(Path(sys.argv[1]))
"""


def test_a_kill_during_a_migration_leaves_the_old_schema(tmp_path: Path) -> None:
    path = tmp_path / "data" / "progress.sqlite3"
    _old_store(path, 1)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_MIGRATION, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None and proc.stdout.readline() == "migrating\n"
    time.sleep(1.0)  # well inside the migration's transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT name FROM sqlite_master WHERE name IN ('quiz_results', 'slow')").fetchall() == []
    conn.close()
    migrated = db.connect(path)  # and the next start migrates it properly
    assert migrated.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 2
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
