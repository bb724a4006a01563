"""The answer path on a 100,000-card collection: grade -> state durably committed -> next card chosen.

The collection: 100,000 cards, 60,000 of them in review (a third due today) with a review history.
Budget: p99 at most 15 ms. This is the core alone (StudySession, no screen): it never paints, so it
is not what a learner feels; benchmarks/answer_keypress.py times the key to the painted next card.
The floor, for scale: one bare SQLite commit with synchronous=FULL on
the same disk. Run: python benchmarks/answer_path.py [--answers N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import record, write_big_deck

from techquiz.deck.loader import load_deck
from techquiz.model import Rating
from techquiz.store import db, progress
from techquiz.store.timeutil import to_ms
from techquiz.study import StudySession

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def build_collection(folder: Path, cards: int) -> tuple[object, Path]:
    deck_file = write_big_deck(folder / "big.yaml", cards)
    text = deck_file.read_text().replace(
        "title: A big deck\n", "title: A big deck\nsettings: {reviews_per_day: 99999}\n"
    )
    deck_file.write_text(text)
    deck = load_deck(deck_file).deck
    assert deck is not None
    store = folder / "data" / "progress.sqlite3"
    conn = db.connect(store)
    progress.sync_deck(conn, deck, NOW)
    rng = random.Random(7)
    rows = conn.execute("SELECT id FROM cards").fetchall()
    review = [(r[0],) for r in rows[: int(len(rows) * 0.6)]]
    conn.execute("BEGIN")
    conn.executemany(
        "UPDATE cards SET state = 2, stability = 10.0, difficulty = 5.0, reps = 3, last_review = ?, due = ? "
        "WHERE id = ?",
        [(to_ms(NOW - timedelta(days=10)), to_ms(NOW + timedelta(days=rng.randint(-10, 20))), r[0]) for r in review],
    )
    conn.executemany(
        "INSERT INTO review_log (card, reviewed_at, day, rating, state_before, state_after, due_after, "
        "interval_days) VALUES (?, ?, '2026-11-21', 3, 0, 2, ?, 10)",
        [(r[0], to_ms(NOW - timedelta(days=10)), to_ms(NOW)) for r in review],
    )
    conn.execute("COMMIT")
    conn.close()
    return deck, store


def floor_commit_ms(folder: Path, runs: int = 200) -> float:
    conn = db.connect(folder / "floor.sqlite3")
    conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
    times = []
    for i in range(runs):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        deck, store = build_collection(folder, args.cards)
        conn = db.connect(store)
        clock = [NOW]
        session = StudySession(conn, [deck], lambda: clock[0])  # type: ignore[list-item]
        ratings = [Rating.Again, Rating.Hard, Rating.Good, Rating.Easy]
        times = []
        for i in range(args.answers):
            assert session.current() is not None
            start = time.perf_counter()
            session.answer(ratings[i % 4], 3000)
            session.current()
            times.append(time.perf_counter() - start)
            clock[0] += timedelta(seconds=5)
        floor = floor_commit_ms(folder)
    times.sort()
    p50 = times[len(times) // 2] * 1000
    p99 = times[int(len(times) * 0.99) - 1] * 1000
    print(
        f"{args.answers} answers on {args.cards:,} cards: p50 {p50:.2f} ms, p99 {p99:.2f} ms; "
        f"bare commit {floor:.2f} ms"
    )
    record(
        f"answer path, core only, no painting, {args.cards:,} cards (p99 of {args.answers})",
        f"p99 {p99:.2f} ms (p50 {p50:.2f})",
        f"{floor:.2f} ms (bare FULL-sync commit)",
        p99 / floor,
        "p99 <= 15 ms",
        p99 <= 15,
    )


if __name__ == "__main__":
    main()
