"""Statistics as SQL aggregates over the card table and the review log, shared by the stats screen
and `techquiz stats --json` (SPEC §6)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from techquiz.config import day_start, study_day
from techquiz.deck.discovery import Library
from techquiz.store.overview import deck_counts
from techquiz.store.timeutil import to_ms

FORECAST_DAYS = 30


def _deck_filter(deck_ids: Sequence[str], column: str = "deck_id") -> tuple[str, list[str]]:
    return f"{column} IN ({','.join('?' * len(deck_ids))})", list(deck_ids)


def _streak(days: list[str], today: date) -> int:
    seen = set(days)
    day = today if today.isoformat() in seen else today - timedelta(days=1)
    streak = 0
    while day.isoformat() in seen:
        streak += 1
        day -= timedelta(days=1)
    return streak


def _retention(conn: sqlite3.Connection, where: str, params: list[Any], since: date) -> float | None:
    row = conn.execute(
        f"SELECT COUNT(*), SUM(r.rating != 1) FROM review_log r JOIN cards c ON c.id = r.card "
        f"WHERE {where} AND r.state_before = 2 AND r.day >= ?",
        [*params, since.isoformat()],
    ).fetchone()
    return None if not row[0] else round(row[1] / row[0], 4)


def collect(conn: sqlite3.Connection, library: Library, deck_ids: Sequence[str], now: datetime) -> dict[str, Any]:
    today = study_day(now)
    start = day_start(today)
    end_today = to_ms(day_start(today + timedelta(days=1)))
    where, params = _deck_filter(deck_ids, "c.deck_id")
    live = f"{where} AND c.in_deck = 1"
    row = conn.execute(
        "SELECT COUNT(*), SUM(state = 0 AND suspended = 0), SUM(state = 1 AND suspended = 0), "
        "SUM(state = 2 AND suspended = 0), SUM(state = 3 AND suspended = 0), SUM(suspended), "
        "SUM(state > 0 AND suspended = 0 AND due < ?), SUM(leech) "
        f"FROM cards c WHERE {live}",
        [end_today, *params],
    ).fetchone()
    total, new, learning, review, relearning, suspended, due_today, leeches = (v or 0 for v in row)
    history = [
        {"date": day, "reviews": reviews, "again": again or 0}
        for day, reviews, again in conn.execute(
            f"SELECT r.day, COUNT(*), SUM(r.rating = 1) FROM review_log r JOIN cards c ON c.id = r.card "
            f"WHERE {where} GROUP BY r.day ORDER BY r.day",
            params,
        )
    ]
    forecast_counts = dict(
        conn.execute(
            f"SELECT MAX((c.due - ?) / 86400000, 0) AS d, COUNT(*) FROM cards c "
            f"WHERE {live} AND c.state > 0 AND c.suspended = 0 AND c.due < ? GROUP BY d",
            [to_ms(start), *params, to_ms(start + timedelta(days=FORECAST_DAYS))],
        ).fetchall()
    )
    forecast = [
        {"date": (today + timedelta(days=i)).isoformat(), "due": forecast_counts.get(i, 0)}
        for i in range(FORECAST_DAYS)
    ]
    today_row = next((h for h in history if h["date"] == today.isoformat()), None)
    time_today = conn.execute(
        f"SELECT COALESCE(SUM(r.duration_ms), 0) FROM review_log r JOIN cards c ON c.id = r.card "
        f"WHERE {where} AND r.day = ?",
        [*params, today.isoformat()],
    ).fetchone()[0]
    chosen = [d for d in library.decks if d.id in set(deck_ids)]
    decks = [
        {"id": r["id"], "title": r["title"], "cards": r["cards"], "new": r["new"], "due_today": r["due_today"]}
        for r in deck_counts(conn, Library(tuple(chosen), ()), now)
    ]
    quizzes = [
        {"taken_at": datetime.fromtimestamp(t / 1000).astimezone().isoformat(), "decks": d.split(","),
         "questions": q, "correct": c}
        for t, d, q, c in conn.execute("SELECT taken_at, decks, questions, correct FROM quiz_results ORDER BY taken_at")
        if set(d.split(",")) & set(deck_ids)
    ]  # fmt: skip
    return {
        "generated_at": now.isoformat(),
        "today": today.isoformat(),
        "cards": {
            "total": total,
            "new": new,
            "learning": learning,
            "review": review,
            "relearning": relearning,
            "suspended": suspended,
            "leeches": leeches,
        },
        "due_today": due_today,
        "reviews_today": today_row["reviews"] if today_row else 0,
        "time_today_seconds": round(time_today / 1000),
        "streak_days": _streak([h["date"] for h in history], today),
        "longest_streak_days": _longest_streak([h["date"] for h in history]),
        "retention": {
            "today": _retention(conn, where, params, today),
            "last_7_days": _retention(conn, where, params, today - timedelta(days=6)),
            "last_30_days": _retention(conn, where, params, today - timedelta(days=29)),
        },
        "forecast": forecast,
        "history": history,
        "decks": decks,
        "quizzes": quizzes,
    }


def _longest_streak(days: list[str]) -> int:
    best = run = 0
    previous: date | None = None
    for text in days:
        day = date.fromisoformat(text)
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best
