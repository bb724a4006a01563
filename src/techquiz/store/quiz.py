"""Quiz results: one row per quiz taken, read by the stats."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime

from techquiz.store.db import transaction
from techquiz.store.timeutil import to_ms


def record_quiz(
    conn: sqlite3.Connection, taken_at: datetime, day: date, deck_ids: Sequence[str], questions: int, correct: int
) -> None:
    """Keep one quiz's score, in one committed transaction."""
    transaction(
        conn,
        lambda c: c.execute(
            "INSERT INTO quiz_results (taken_at, day, decks, questions, correct) VALUES (?, ?, ?, ?, ?)",
            (to_ms(taken_at), day.isoformat(), ",".join(deck_ids), questions, correct),
        ),
    )
