"""Quiz results: one row per quiz taken, read by the stats."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime

from techquiz.store.db import transaction
from techquiz.store.timeutil import to_ms


def record_quiz(
    conn: sqlite3.Connection,
    taken_at: datetime,
    day: date,
    deck_ids: Sequence[str],
    questions: int,
    correct: int,
    planned: int | None = None,
) -> None:
    """Keep one quiz's score, in one committed transaction: `correct` of `questions` answered, and
    for a quiz ended early the `planned` number of questions it had."""
    unfinished = planned if planned is not None and planned > questions else None
    transaction(
        conn,
        lambda c: c.execute(
            "INSERT INTO quiz_results (taken_at, day, decks, questions, correct, planned) VALUES (?, ?, ?, ?, ?, ?)",
            (to_ms(taken_at), day.isoformat(), ",".join(deck_ids), questions, correct, unfinished),
        ),
    )
