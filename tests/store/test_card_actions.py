"""Actions on many cards: one transaction each, the right cards changed, and undo (even from another
process, since the record is in the store)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from techquiz.config import day_start
from techquiz.deck.loader import load_deck
from techquiz.model import CardState, Rating
from techquiz.srs import scheduler
from techquiz.store import card_actions, db, progress
from techquiz.store.card_actions import DueDays
from techquiz.store.db import StoreError
from techquiz.store.timeutil import to_ms
from tests.decktext import basic, deck_yaml

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
DECK = deck_yaml("d", *(basic(x, x.upper(), x) for x in "abce"), title="D")
_COLUMNS = "state, stability, due, last_review, suspended, buried_until"


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    path = tmp_path / "d.yaml"
    path.write_text(DECK, encoding="utf-8")
    deck = load_deck(path).deck
    assert deck is not None
    connection = db.connect(tmp_path / "data" / "progress.sqlite3")
    progress.sync_deck(connection, deck, NOW)
    answer(connection, 2, Rating.Easy, NOW - timedelta(days=3), TODAY - timedelta(days=3))
    yield connection
    connection.close()


def answer(conn: sqlite3.Connection, rowid: int, rating: Rating, now: datetime, today: date) -> None:
    progress.answer(conn, rowid, rating, now, today, 4000, lambda before: scheduler.review(before, rating, now))


def snapshot(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return conn.execute(f"SELECT id, {_COLUMNS} FROM cards ORDER BY id").fetchall()


def apply(conn: sqlite3.Connection, ids: list[int], action: str, due: DueDays | None = None) -> str:
    first = scheduler.review(CardState(), Rating.Good, NOW, fuzz=False)
    return card_actions.apply(conn, ids, action, NOW, TODAY, due, first, random.Random(1))


def test_suspend_counts_only_cards_it_changes_and_undo_restores_them(conn: sqlite3.Connection) -> None:
    before = snapshot(conn)
    assert apply(conn, [1, 2], "suspend") == "2 cards suspended"
    assert apply(conn, [1, 2, 3], "suspend") == "1 card suspended"
    assert conn.execute("SELECT SUM(suspended) FROM cards").fetchone()[0] == 3
    assert card_actions.last_action(conn) == "1 card suspended"
    assert card_actions.undo_last(conn) == "1 card suspended"
    assert card_actions.undo_last(conn) == "2 cards suspended"
    assert snapshot(conn) == before
    assert card_actions.undo_last(conn) is None


def test_an_action_that_changes_nothing_leaves_no_undo_record(conn: sqlite3.Connection) -> None:
    assert apply(conn, [1], "unsuspend") == "0 cards unsuspended"
    assert card_actions.last_action(conn) is None


def test_bury_until_tomorrow_takes_cards_out_of_todays_queue(conn: sqlite3.Connection) -> None:
    assert apply(conn, [1, 3], "bury") == "2 cards buried until tomorrow"
    queue = progress.deck_queue(conn, "d", TODAY, day_start(TODAY + timedelta(days=1)), 20, 200)
    assert {c.rowid for c in queue.new} == {4}
    tomorrow = TODAY + timedelta(days=1)
    queue = progress.deck_queue(conn, "d", tomorrow, day_start(tomorrow + timedelta(days=1)), 20, 200)
    assert {c.rowid for c in queue.new} == {1, 3, 4}


def test_forget_makes_a_card_new_and_keeps_its_history(conn: sqlite3.Connection) -> None:
    assert apply(conn, [1, 2], "forget") == "1 card forgotten (back to new, history kept)"
    assert conn.execute("SELECT state, stability, due, reps FROM cards WHERE id = 2").fetchone() == (0, None, None, 1)
    assert conn.execute("SELECT COUNT(*) FROM review_log WHERE card = 2").fetchone()[0] == 1


def test_set_due_date_for_new_review_and_ranges(conn: sqlite3.Connection) -> None:
    assert apply(conn, [1, 2], "due", DueDays.parse("0")) == "2 cards due today"
    rows = conn.execute("SELECT state, due, stability, difficulty FROM cards WHERE id IN (1, 2)").fetchall()
    assert all(state == 2 and due == to_ms(day_start(TODAY)) and s and d for state, due, s, d in rows)
    assert apply(conn, [3, 4], "due", DueDays.parse("3-7")) == "2 cards due in 3-7 days"
    for (due,) in conn.execute("SELECT due FROM cards WHERE id IN (3, 4)"):
        assert to_ms(day_start(TODAY + timedelta(days=3))) <= due <= to_ms(day_start(TODAY + timedelta(days=7)))
    card_actions.undo_last(conn)
    assert conn.execute("SELECT state, due FROM cards WHERE id IN (3, 4)").fetchall() == [(0, None), (0, None)]


@pytest.mark.parametrize("text", ["x", "-1", "7-3", "1.5", "", "3-"])
def test_bad_due_days_say_what_is_wanted(text: str) -> None:
    with pytest.raises(ValueError, match="--due"):
        DueDays.parse(text)


def test_undo_leaves_a_card_answered_since_alone(conn: sqlite3.Connection) -> None:
    apply(conn, [1, 3], "due", DueDays.parse("0"))
    answer(conn, 1, Rating.Good, NOW, TODAY)
    answered = conn.execute("SELECT state, due FROM cards WHERE id = 1").fetchone()
    assert card_actions.undo_last(conn) == "2 cards due today; 1 card answered since kept its new state"
    assert conn.execute("SELECT state, due FROM cards WHERE id = 1").fetchone() == answered
    assert conn.execute("SELECT state, due FROM cards WHERE id = 3").fetchone() == (0, None)


def test_only_the_last_actions_are_kept(conn: sqlite3.Connection) -> None:
    for _ in range(card_actions.KEEP_ACTIONS + 5):
        apply(conn, [1], "suspend")
        apply(conn, [1], "unsuspend")
    assert conn.execute("SELECT COUNT(*) FROM card_actions").fetchone()[0] == card_actions.KEEP_ACTIONS
    assert conn.execute("SELECT COUNT(DISTINCT action) FROM card_action_cards").fetchone()[0] == 20


def test_a_failed_action_changes_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "data" / "progress.sqlite3", timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another techquiz holds the write lock
    conn.execute("PRAGMA busy_timeout = 50")
    before = snapshot(conn)
    with pytest.raises(StoreError, match="busy"):
        apply(conn, [1, 2, 3], "suspend")
    other.rollback()
    assert snapshot(conn) == before
    assert card_actions.last_action(conn) is None
