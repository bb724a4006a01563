"""Custom study of a search: due cards are scheduled as usual, cards not yet due are a preview that
changes nothing, unless rescheduling was asked for."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from techquiz.custom_study import SearchSession
from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck
from techquiz.model import Rating
from techquiz.store import db, progress
from techquiz.store.timeutil import to_ms
from tests.decktext import basic, deck_yaml

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DECK = deck_yaml(
    "d",
    basic("due", "Due", "a"),
    basic("later", "Later", "b"),
    basic("new", "New", "c"),
    basic("off", "Suspended", "d"),
    title="D",
)


@pytest.fixture
def setup(tmp_path: Path, write_deck: Callable[..., Path]) -> Iterator[tuple[sqlite3.Connection, Deck]]:
    deck = load_deck(write_deck(DECK)).deck
    assert deck is not None
    conn = db.connect(tmp_path / "data" / "progress.sqlite3")
    progress.sync_deck(conn, deck, NOW)
    review = "UPDATE cards SET state = 2, stability = 10, difficulty = 5, due = ?, last_review = ? WHERE card_id = ?"
    conn.execute(review, (to_ms(NOW - timedelta(days=1)), to_ms(NOW - timedelta(days=11)), "due"))
    conn.execute(review, (to_ms(NOW + timedelta(days=4)), to_ms(NOW - timedelta(days=6)), "later"))
    conn.execute("UPDATE cards SET suspended = 1 WHERE card_id = 'off'")
    yield conn, deck
    conn.close()


def state(conn: sqlite3.Connection, card_id: str) -> tuple[object, ...]:
    return tuple(conn.execute("SELECT state, due, reps FROM cards WHERE card_id = ?", (card_id,)).fetchone())


def answer_all(session: SearchSession) -> list[str]:
    seen = []
    while (card := session.current()) is not None:
        seen.append(card.key.card)
        session.answer(Rating.Easy, 3000)  # Easy: a new card graduates at once, so each shows once
    return seen


def test_due_and_new_cards_are_scheduled_and_later_ones_previewed(setup: tuple[sqlite3.Connection, Deck]) -> None:
    conn, deck = setup
    later = state(conn, "later")
    ids = [r[0] for r in conn.execute("SELECT id FROM cards ORDER BY id")]
    session = SearchSession(conn, [deck], lambda: NOW, ids)
    assert answer_all(session) == ["due", "later", "new"]  # the suspended card is left out
    assert state(conn, "later") == later
    assert session.previewed == 1 and session.summary().answers == 3
    logged = {r[0] for r in conn.execute("SELECT c.card_id FROM review_log r JOIN cards c ON c.id = r.card")}
    assert logged == {"due", "new"}


def test_reschedule_answers_cards_not_yet_due_for_real(setup: tuple[sqlite3.Connection, Deck]) -> None:
    conn, deck = setup
    later = state(conn, "later")
    ids = [r[0] for r in conn.execute("SELECT id FROM cards WHERE card_id = 'later'")]
    session = SearchSession(conn, [deck], lambda: NOW, ids, reschedule=True)
    assert answer_all(session) == ["later"]
    assert state(conn, "later") != later and session.previewed == 0
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1


def test_the_search_order_is_kept_and_limits_do_not_apply(setup: tuple[sqlite3.Connection, Deck]) -> None:
    conn, deck = setup
    conn.executemany(
        "INSERT INTO cards (deck_id, card_id, card_type, position) VALUES ('d', ?, 'basic', ?)",
        [(f"extra{i}", 10 + i) for i in range(30)],
    )
    ids = [r[0] for r in conn.execute("SELECT id FROM cards WHERE state = 0 AND suspended = 0 ORDER BY id DESC")]
    session = SearchSession(conn, [deck], lambda: NOW, ids)
    assert session.counts().new == len(ids) == 31  # beyond the 20 new cards a day
