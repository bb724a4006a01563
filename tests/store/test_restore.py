"""`techquiz restore` leaves no connection open, whether the backup is good, damaged or not a database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from techquiz.store import db
from techquiz.store import restore as restore_module
from techquiz.store.db import StoreError


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[sqlite3.Connection]:
    """Every connection restore opens."""
    seen: list[sqlite3.Connection] = []
    real = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(conn)
        return conn

    monkeypatch.setattr(restore_module.sqlite3, "connect", connect)
    return seen


def _closed(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        return True
    return False


def test_a_backup_that_is_not_a_database_is_refused_and_closed(
    tmp_path: Path, opened: list[sqlite3.Connection]
) -> None:
    store = tmp_path / "progress.sqlite3"
    junk = tmp_path / "backups" / "progress-20261201-090000.sqlite3"
    junk.parent.mkdir()
    junk.write_bytes(b"this is not a database, whatever its name says" * 100)
    with pytest.raises(StoreError, match="unreadable"):
        restore_module.restore(store, junk)
    assert opened and all(_closed(conn) for conn in opened)
    assert not store.exists()  # nothing was replaced


def test_a_good_backup_is_restored_and_every_connection_closed(
    tmp_path: Path, opened: list[sqlite3.Connection]
) -> None:
    store = tmp_path / "progress.sqlite3"
    db.connect(store).close()
    backup = tmp_path / "good.sqlite3"
    with sqlite3.connect(store) as src, sqlite3.connect(backup) as dest:
        src.backup(dest)
    src.close()
    dest.close()
    opened.clear()
    used, kept = restore_module.restore(store, backup)
    assert used == backup and kept is not None and kept.exists() and store.exists()
    assert opened and all(_closed(conn) for conn in opened)  # the check, the copy, both descriptions


def test_looking_at_a_backup_leaves_no_files_beside_it(tmp_path: Path) -> None:
    # Backups were copies of a WAL store, so in WAL mode themselves: `techquiz restore` opening one
    # read-only to show it left -wal and -shm files in backups/, which prune then orphaned.
    from techquiz.store import backup

    conn = db.connect(tmp_path / "progress.sqlite3")
    made = backup.make_backup(conn, tmp_path / "backups", reason="test")
    conn.close()
    assert restore_module.facts(made).reviews == 0
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [made.name]
