"""A store that cannot be written: a clear message, and nothing half written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from techquiz.model import Rating
from techquiz.store import db
from techquiz.study import StudySession

from ..srs.helpers import Clock, basic_deck, open_store


def _snapshot(conn: sqlite3.Connection) -> tuple[object, ...]:
    return (
        conn.execute("SELECT * FROM cards ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM review_log ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM review_days ORDER BY deck_id, day").fetchall(),
    )


def test_disk_full_answer_is_refused_whole_and_can_be_given_again(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=400, new_per_day=999)
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    session.answer(Rating.Good, 1000)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: the file cannot grow
    answered = 1
    with pytest.raises(db.StoreError, match="disk is full: this answer was not saved"):
        for _ in range(400):  # the free space left in the pages runs out after a while
            session.answer(Rating.Good, 1000)
            answered += 1
    refused = session.current()
    assert refused is not None  # the refused card is still the one to answer
    after = _snapshot(conn)
    assert len(after[1]) == answered  # every acknowledged answer, and not the refused one
    assert sum(row[2] for row in after[2]) == answered  # the day tally agrees: nothing half written
    assert conn.execute("SELECT state FROM cards WHERE id = ?", (refused.stored.rowid,)).fetchone()[0] == 0
    conn.execute("PRAGMA max_page_count = 1073741823")  # space again: the same answer goes through
    session.answer(Rating.Good, 1000)
    assert len(_snapshot(conn)[1]) == answered + 1


def test_read_only_store_is_one_clear_line_and_changes_nothing(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=3)
    path = tmp_path / "data" / "progress.sqlite3"
    writer = db.connect(path)
    session = StudySession(writer, [deck], Clock())
    session.answer(Rating.Good, 1000)
    before = _snapshot(writer)
    # The same session, now over a connection that cannot write (as on a read-only disk).
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    session.conn = conn
    assert session.current() is not None
    with pytest.raises(db.StoreError, match="read-only: this answer was not saved"):
        session.answer(Rating.Good, 1000)
    assert _snapshot(conn) == before
    writer.close()


def test_a_data_folder_that_cannot_be_made_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from techquiz.cli import main

    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    assert main(["--data-dir", str(blocker / "data"), "stats"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("techquiz: cannot create the data folder")
