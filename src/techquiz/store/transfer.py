"""Progress brought in from another program (import) and read out for one (export).

An import writes a deck's card states and review log in one transaction, keyed by the review's
instant: importing the same package again adds no review twice, and a card studied in techquiz
since the package was made keeps its newer state.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from techquiz.deck.model import Deck
from techquiz.model import LEECH_LAPSES, CardState, State
from techquiz.store.db import REVIEW_DAYS_FROM_LOG, transaction
from techquiz.store.progress import sync_deck
from techquiz.store.timeutil import from_ms, to_ms


@dataclass(frozen=True, slots=True)
class ImportedReview:
    reviewed_at: datetime
    day: str  # the study day it belongs to
    rating: int
    duration_ms: int
    before: CardState
    after: CardState


@dataclass(frozen=True, slots=True)
class ImportedCard:
    card_id: str
    sub: str
    state: CardState
    suspended: bool
    buried_until: str | None
    reviews: tuple[ImportedReview, ...]
    added: datetime | None = None  # when the other app created the card (Anki: its id), if known


_BATCH = 20_000  # rows buffered between executemany calls: fast, and memory stays flat
_UPDATE_CARD = (
    "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?, reps = ?, "
    "lapses = ?, leech = ?, suspended = ?, buried_until = ? WHERE id = ?"
)
_INSERT_REVIEW = (
    "INSERT INTO review_log (card, reviewed_at, day, rating, duration_ms, state_before, step_before, "
    "stability_before, difficulty_before, due_before, last_review_before, state_after, stability, difficulty, "
    "due_after, interval_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else to_ms(moment)


def import_progress(
    conn: sqlite3.Connection, deck: Deck, cards: Iterable[ImportedCard], now: datetime
) -> tuple[int, int]:
    """Sync the deck, then write every card's state and new reviews in one transaction; a card
    gets the other app's creation date as its added date when that is earlier than the one it has.

    Returns (cards whose state was written, reviews added)."""
    sync_deck(conn, deck, now)

    def work(conn: sqlite3.Connection) -> tuple[int, int]:
        rowids = {
            (card_id, sub): rowid
            for rowid, card_id, sub in conn.execute("SELECT id, card_id, sub FROM cards WHERE deck_id = ?", (deck.id,))
        }
        newest = dict(
            conn.execute(
                "SELECT r.card, MAX(r.reviewed_at) FROM review_log r JOIN cards c ON c.id = r.card "
                "WHERE c.deck_id = ? GROUP BY r.card",
                (deck.id,),
            ).fetchall()
        )
        states = reviews = 0
        updates: list[tuple[object, ...]] = []
        inserts: list[tuple[object, ...]] = []
        added: list[tuple[int, int]] = []

        def flush() -> None:
            conn.executemany(_UPDATE_CARD, updates)
            conn.executemany(_INSERT_REVIEW, inserts)
            conn.executemany("UPDATE cards SET added = ?1 WHERE id = ?2 AND (added IS NULL OR added > ?1)", added)
            updates.clear()
            inserts.clear()
            added.clear()

        for card in cards:
            rowid = rowids[(card.card_id, card.sub)]
            if card.added is not None:
                added.append((to_ms(card.added), rowid))
            last_imported = to_ms(card.reviews[-1].reviewed_at) if card.reviews else 0  # oldest first
            known: set[int] = set()
            if rowid in newest:  # imported before, or studied here: add only the reviews not yet in the log
                known = {t for (t,) in conn.execute("SELECT reviewed_at FROM review_log WHERE card = ?", (rowid,))}
            if newest.get(rowid, 0) <= last_imported:  # not studied in techquiz since the package was made
                s = card.state
                updates.append(
                    (
                        int(s.state), s.step, s.stability, s.difficulty, _ms(s.due), _ms(s.last_review), s.reps,
                        s.lapses, s.lapses >= LEECH_LAPSES, int(card.suspended), card.buried_until, rowid,
                    )
                )  # fmt: skip
                states += 1
            for r in card.reviews:
                at = to_ms(r.reviewed_at)
                if at in known:
                    continue
                b, a = r.before, r.after
                assert a.due is not None
                inserts.append(
                    (
                        rowid, at, r.day, r.rating, r.duration_ms, int(b.state), b.step, b.stability, b.difficulty,
                        _ms(b.due), _ms(b.last_review), int(a.state), a.stability, a.difficulty, to_ms(a.due),
                        (a.due - r.reviewed_at).total_seconds() / 86400,
                    )
                )  # fmt: skip
                reviews += 1
            if len(inserts) >= _BATCH:
                flush()
        flush()
        # The per-day tally stats read, recounted for this deck from its log (cheaper than a tally per row).
        conn.execute("DELETE FROM review_days WHERE deck_id = ?", (deck.id,))
        conn.execute(f"INSERT INTO review_days SELECT * FROM ({REVIEW_DAYS_FROM_LOG}) WHERE deck_id = ?", (deck.id,))
        return states, reviews

    result = transaction(conn, work)
    assert isinstance(result, tuple)
    return result


def has_history(conn: sqlite3.Connection) -> bool:
    """Whether the store holds any review yet (an import then backs it up first)."""
    return bool(conn.execute("SELECT EXISTS (SELECT 1 FROM review_log)").fetchone()[0])


@dataclass(frozen=True, slots=True)
class CardProgress:
    card_id: str
    sub: str
    state: CardState
    suspended: bool
    buried_until: str | None


@dataclass(frozen=True, slots=True)
class LoggedReview:
    card_id: str
    sub: str
    reviewed_at: datetime
    rating: int
    duration_ms: int
    state_before: State
    interval_days: float
    difficulty: float | None


def deck_progress(conn: sqlite3.Connection, deck_id: str) -> Iterator[CardProgress]:
    """Every sub-card of a deck still in its file, with its scheduling state."""
    for row in conn.execute(
        "SELECT card_id, sub, state, step, stability, difficulty, due, last_review, reps, lapses, suspended, "
        "buried_until FROM cards WHERE deck_id = ? AND in_deck = 1",
        (deck_id,),
    ):
        card_id, sub, state, step, stability, difficulty, due, last_review, reps, lapses, suspended, buried = row
        yield CardProgress(
            card_id,
            sub,
            CardState(
                State(state), step, stability, difficulty, None if due is None else from_ms(due),
                None if last_review is None else from_ms(last_review), reps, lapses,
            ),
            bool(suspended),
            buried,
        )  # fmt: skip


def deck_reviews(conn: sqlite3.Connection, deck_id: str) -> Iterator[LoggedReview]:
    """The review log of a deck's cards, oldest first (streamed: a log can hold millions of rows)."""
    for card_id, sub, at, rating, duration, state_before, interval, difficulty in conn.execute(
        "SELECT c.card_id, c.sub, r.reviewed_at, r.rating, r.duration_ms, r.state_before, r.interval_days, "
        "r.difficulty FROM review_log r JOIN cards c ON c.id = r.card WHERE c.deck_id = ? AND c.in_deck = 1 "
        "ORDER BY r.reviewed_at, r.id",
        (deck_id,),
    ):
        yield LoggedReview(card_id, sub, from_ms(at), rating, duration or 0, State(state_before), interval, difficulty)
