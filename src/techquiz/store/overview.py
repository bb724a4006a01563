"""Per-deck new / learning / due counts for the home screen and `techquiz decks`."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import TypedDict

from techquiz.config import Config, day_start, study_day
from techquiz.deck.discovery import Library
from techquiz.store import db, progress
from techquiz.store.progress import IN_STEPS, NEW, REVIEW
from techquiz.store.timeutil import to_ms


class DeckCounts(TypedDict):
    """One deck's row on the home screen and in `techquiz decks --json`."""

    id: str
    title: str
    path: str
    cards: int
    new: int  # new cards it offers today (within the daily limit)
    learning: int  # cards in learning steps due today
    due_today: int  # reviews due today (within the daily limit)


def deck_counts(conn: sqlite3.Connection, library: Library, now: datetime) -> list[DeckCounts]:
    """Counts as Anki shows them: new cards available today (within the daily limit), cards in
    learning due today, reviews due today (within the daily limit).

    Each count is a range of the cards_queue index that stops at the deck's limit, so the home
    screen's cost does not grow with the collection (a grouped scan took 50 ms at 100,000 cards)."""
    today = study_day(now)
    day, end = today.isoformat(), to_ms(day_start(today + timedelta(days=1)))
    done = progress.done_today(conn, today)
    rows: list[DeckCounts] = []
    for deck in library.decks:
        new_done, reviews_done = done.get(deck.id, (0, 0))
        new_limit, review_limit = deck.settings.daily_limits()
        rows.append(
            DeckCounts(
                id=deck.id,
                title=deck.title,
                path=str(deck.path),
                cards=deck.subcard_count,
                new=_count(conn, NEW_SQL, (deck.id, day), max(new_limit - new_done, 0)),
                learning=_count(conn, LEARNING_SQL, (deck.id, end), None),
                due_today=_count(conn, DUE_SQL, (deck.id, end, day), max(review_limit - reviews_done, 0)),
            )
        )
    return rows


_LIVE = "in_deck = 1 AND suspended = 0"
_UNBURIED = "(buried_until IS NULL OR buried_until <= ?)"
NEW_SQL = f"SELECT 1 FROM cards WHERE deck_id = ? AND state = {NEW} AND {_LIVE} AND {_UNBURIED}"
LEARNING_SQL = f"SELECT 1 FROM cards WHERE deck_id = ? AND state IN {IN_STEPS} AND due < ? AND {_LIVE}"
DUE_SQL = f"SELECT 1 FROM cards WHERE deck_id = ? AND state = {REVIEW} AND due < ? AND {_LIVE} AND {_UNBURIED}"


def _count(conn: sqlite3.Connection, sql: str, params: tuple[object, ...], limit: int | None) -> int:
    if limit is None:
        return int(conn.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0])
    return int(conn.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT ?)", (*params, limit)).fetchone()[0])


def deck_progress(conn: sqlite3.Connection, deck_id: str) -> tuple[int, int, int]:
    """One deck's (studied, suspended, leech) sub-card counts, for the home screen's deck details."""
    row = conn.execute(
        "SELECT SUM(state > 0), SUM(suspended), SUM(leech) FROM cards WHERE deck_id = ? AND in_deck = 1", (deck_id,)
    ).fetchone()
    return (row[0] or 0, row[1] or 0, row[2] or 0)


def deck_overview(config: Config, library: Library) -> list[DeckCounts]:
    conn = db.connect(config.store_path, check=False)
    try:
        progress.sync_decks(conn, library.decks, config.now())
        return deck_counts(conn, library, config.now())
    finally:
        conn.close()
