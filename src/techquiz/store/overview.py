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
    learning due today, reviews due today (within the daily limit)."""
    today = study_day(now)
    end = to_ms(day_start(today + timedelta(days=1)))
    done = progress.done_today(conn, today)
    rows: list[DeckCounts] = []
    counts = {
        deck_id: (new, learning, due, total)
        for deck_id, new, learning, due, total in conn.execute(
            f"SELECT deck_id, SUM(state = {NEW} AND (buried_until IS NULL OR buried_until <= :day)), "
            f"SUM(state IN {IN_STEPS} AND due < :end), "
            f"SUM(state = {REVIEW} AND due < :end AND (buried_until IS NULL OR buried_until <= :day)), COUNT(*) "
            "FROM cards WHERE in_deck = 1 AND suspended = 0 GROUP BY deck_id",
            {"day": today.isoformat(), "end": end},
        )
    }
    for deck in library.decks:
        new, learning, due, _ = counts.get(deck.id, (0, 0, 0, 0))
        new_done, reviews_done = done.get(deck.id, (0, 0))
        new_limit, review_limit = deck.settings.daily_limits()
        rows.append(
            DeckCounts(
                id=deck.id,
                title=deck.title,
                path=str(deck.path),
                cards=deck.subcard_count,
                new=min(new or 0, max(new_limit - new_done, 0)),
                learning=learning or 0,
                due_today=min(due or 0, max(review_limit - reviews_done, 0)),
            )
        )
    return rows


def deck_overview(config: Config, library: Library) -> list[DeckCounts]:
    conn = db.connect(config.store_path, check=False)
    try:
        progress.sync_decks(conn, library.decks)
        return deck_counts(conn, library, config.now())
    finally:
        conn.close()
