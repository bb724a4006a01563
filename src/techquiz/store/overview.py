"""Per-deck new / learning / due counts for the home screen and `techquiz decks`."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from techquiz.config import Config, day_start, study_day
from techquiz.deck.discovery import Library
from techquiz.store import db, progress
from techquiz.store.timeutil import to_ms


def deck_counts(conn: sqlite3.Connection, library: Library, now: datetime) -> list[dict[str, Any]]:
    """Counts as Anki shows them: new cards available today (within the daily limit), cards in
    learning due today, reviews due today (within the daily limit)."""
    today = study_day(now)
    end = to_ms(day_start(today + timedelta(days=1)))
    done = progress.done_today(conn, today)
    rows = []
    counts = {
        deck_id: (new, learning, due, total)
        for deck_id, new, learning, due, total in conn.execute(
            "SELECT deck_id, SUM(state = 0 AND (buried_until IS NULL OR buried_until <= :day)), "
            "SUM(state IN (1, 3) AND due < :end), "
            "SUM(state = 2 AND due < :end AND (buried_until IS NULL OR buried_until <= :day)), COUNT(*) "
            "FROM cards WHERE in_deck = 1 AND suspended = 0 GROUP BY deck_id",
            {"day": today.isoformat(), "end": end},
        )
    }
    for deck in library.decks:
        new, learning, due, _ = counts.get(deck.id, (0, 0, 0, 0))
        new_done, reviews_done = done.get(deck.id, (0, 0))
        new_limit, review_limit = deck.settings.daily_limits()
        rows.append(
            {
                "id": deck.id,
                "title": deck.title,
                "path": str(deck.path),
                "cards": deck.subcard_count,
                "new": min(new or 0, max(new_limit - new_done, 0)),
                "learning": learning or 0,
                "due_today": min(due or 0, max(review_limit - reviews_done, 0)),
            }
        )
    return rows


def deck_overview(config: Config, library: Library) -> list[dict[str, Any]]:
    conn = db.connect(config.store_path, check=False)
    try:
        progress.sync_decks(conn, library.decks)
        return deck_counts(conn, library, config.now())
    finally:
        conn.close()
