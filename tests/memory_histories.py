"""Synthetic review histories for the optimizer and the memory-model stats: learners whose memory
follows a known rule, written straight into a store (answering through sessions would take minutes)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from techquiz.optimize import Review
from techquiz.store import db
from techquiz.store.timeutil import to_ms

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# recall(gap_days, rng) -> the rating the learner gives after a gap of that many study days
Learner = Callable[[int, random.Random], int]


def forgets_after_3_days(gap: int, rng: random.Random) -> int:
    """Recalls anything seen under 3 days ago (Good), forgets anything older (Again)."""
    return 3 if gap < 3 else 1


def reviews_for(learner: Learner, cards: int, per_card: int, seed: int = 1) -> list[Review]:
    """Each card introduced on its own day (Good), then reviewed after gaps of 1 to 12 days, graded by
    `learner`; an Again is followed by a same-day relearning step (Good), as in a real session."""
    rng = random.Random(seed)
    out: list[Review] = []
    for card in range(cards):
        at = START + timedelta(days=card // 10, minutes=card)
        out.append(Review(card, to_ms(at), at.date(), 3, True))
        for _ in range(per_card):
            gap = rng.randint(1, 12)
            at += timedelta(days=gap)
            rating = learner(gap, rng)
            out.append(Review(card, to_ms(at), at.date(), rating, False))
            if rating == 1:
                at += timedelta(minutes=10)
                out.append(Review(card, to_ms(at), at.date(), 3, False))
    out.sort(key=lambda r: (r.card, r.at_ms))
    return out


def write_log(conn: sqlite3.Connection, deck_id: str, reviews: list[Review]) -> None:
    """Cards and review-log rows for `reviews` (one card row per distinct card, in review with a
    5-day stability from its last answer, or the deck file's row when the deck was synced), and the
    per-day tally."""
    conn.execute("BEGIN")  # one transaction: the store syncs every commit to disk
    rows: dict[int | str, int] = {}
    last = {r.card: r.at_ms for r in reviews}
    for card, at in last.items():
        values = (5.0, 5.0, at + 5 * 86_400_000, at, deck_id, f"c{card}")
        cursor = conn.execute(
            "UPDATE cards SET state = 2, stability = ?, difficulty = ?, due = ?, last_review = ? "
            "WHERE deck_id = ? AND card_id = ? RETURNING id",
            values,
        )
        found = cursor.fetchone()
        if found is None:
            cursor = conn.execute(
                "INSERT INTO cards (state, stability, difficulty, due, last_review, deck_id, card_id, card_type) "
                "VALUES (2, ?, ?, ?, ?, ?, ?, 'basic') RETURNING id",
                values,
            )
            found = cursor.fetchone()
        rows[card] = found[0]
    conn.executemany(
        "INSERT INTO review_log (card, reviewed_at, day, rating, state_before, state_after, due_after, interval_days) "
        "VALUES (?, ?, ?, ?, ?, 2, ?, 1.0)",
        [
            (rows[r.card], r.at_ms, r.day.isoformat(), r.rating, 0 if r.starts else 2, r.at_ms + 86_400_000)
            for r in reviews
        ],
    )
    conn.execute("DELETE FROM review_days")  # rebuilt whole from the log, as the v3 migration builds it
    conn.execute(f"INSERT INTO review_days {db.REVIEW_DAYS_FROM_LOG}")
    conn.execute("COMMIT")
