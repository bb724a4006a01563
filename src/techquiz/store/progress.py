"""Cards and the review log: syncing decks in, reading queues out, answering and undoing.

Every write is one IMMEDIATE transaction, and an answer reads the card's current row inside its
transaction, so two techquiz processes answering on one store never lose each other's work.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from techquiz.config import day_start
from techquiz.config import study_day as study_day_of
from techquiz.deck.model import CardKey, Deck
from techquiz.errors import TechquizError
from techquiz.model import LEECH_LAPSES, MATURE_DAYS, CardState, DeckQueue, Rating, State, StoredCard
from techquiz.store.db import transaction
from techquiz.store.timeutil import from_ms, to_ms

MAX_ANSWER_MS = 60_000  # as Anki: a card left open over lunch does not count as 2 hours of study

_STATE_COLUMNS = "state, step, stability, difficulty, due, last_review, reps, lapses"


def _state(
    state: int,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    due: int | None,
    last_review: int | None,
    reps: int,
    lapses: int,
) -> CardState:
    """A card's scheduling state from its _STATE_COLUMNS, in that order."""
    return CardState(
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_ms(due) if due is not None else None,
        last_review=from_ms(last_review) if last_review is not None else None,
        reps=reps,
        lapses=lapses,
    )


# Card states as SQL sees them (the integers of techquiz.model.State).
NEW, REVIEW = f"{State.NEW:d}", f"{State.REVIEW:d}"
IN_STEPS = f"({State.LEARNING:d}, {State.RELEARNING:d})"  # learning or relearning: due within the day


def sync_deck(conn: sqlite3.Connection, deck: Deck, now: datetime) -> list[str]:
    """Bring the store in line with the deck file. Returns warnings for the user.

    New cards appear as new, added `now`; a card removed from the file keeps its row and history
    (in_deck = 0) and gets them back if it returns; a card whose type changed starts over, its
    history kept.
    """
    fingerprint = deck.fingerprint
    path = str(deck.path.resolve())
    stored = conn.execute("SELECT fingerprint, path FROM deck_sync WHERE deck_id = ?", (deck.id,)).fetchone()
    if stored is not None and tuple(stored) == (fingerprint, path):
        return []  # unchanged since the last sync: no work that grows with the deck

    added = to_ms(now)

    def work(conn: sqlite3.Connection) -> list[str]:
        warnings: list[str] = []
        # This file held another deck id before: its progress stays under that id, unseen. Say so once.
        for (old_id,) in conn.execute(
            "SELECT deck_id FROM deck_sync WHERE path = ? AND deck_id != ?", (path, deck.id)
        ).fetchall():
            warnings.append(
                f"{deck.id_position}: the deck id changed from '{old_id}' to '{deck.id}', so its cards start "
                f"as new; the progress made under '{old_id}' is kept and comes back if you change the id back"
            )
            conn.execute("UPDATE deck_sync SET path = NULL WHERE deck_id = ?", (old_id,))
        existing = {
            (card_id, sub): (rowid, card_type, in_deck)
            for rowid, card_id, sub, card_type, in_deck in conn.execute(
                "SELECT id, card_id, sub, card_type, in_deck FROM cards WHERE deck_id = ?", (deck.id,)
            )
        }
        inserts, returning, retyped = [], [], []
        wanted = set()
        for position, (key, card) in enumerate(deck.subcards()):
            wanted.add((key.card, key.sub))
            row = existing.get((key.card, key.sub))
            if row is None:
                inserts.append((deck.id, key.card, key.sub, card.type_name, position, added))
                continue
            rowid, card_type, in_deck = row
            if not in_deck:
                returning.append((rowid,))
            if card_type != card.type_name:
                retyped.append((card.type_name, position, rowid))
                warnings.append(
                    f"{card.position}: card '{key.card}' changed type from {card_type} to {card.type_name}: "
                    "its progress starts over (its review history is kept)"
                )
        gone = [(rowid,) for k, (rowid, _, in_deck) in existing.items() if k not in wanted and in_deck]
        conn.executemany(
            "INSERT INTO cards (deck_id, card_id, sub, card_type, position, added) VALUES (?, ?, ?, ?, ?, ?)", inserts
        )
        conn.executemany("UPDATE cards SET in_deck = 1 WHERE id = ?", returning)
        conn.executemany("UPDATE cards SET in_deck = 0 WHERE id = ?", gone)
        conn.executemany(
            f"UPDATE cards SET card_type = ?, position = ?, state = {NEW}, step = NULL, stability = NULL, "
            "difficulty = NULL, due = NULL, last_review = NULL, reps = 0, lapses = 0, leech = 0 WHERE id = ?",
            retyped,
        )
        conn.execute(
            "INSERT INTO deck_sync (deck_id, fingerprint, path) VALUES (?, ?, ?) "
            "ON CONFLICT (deck_id) DO UPDATE SET fingerprint = excluded.fingerprint, path = excluded.path",
            (deck.id, fingerprint, path),
        )
        return warnings

    return transaction(conn, work)


def sync_decks(conn: sqlite3.Connection, decks: Iterable[Deck], now: datetime) -> list[str]:
    """Sync every deck (cheap for unchanged ones), so counts include cards added since last time."""
    return [warning for deck in decks for warning in sync_deck(conn, deck, now)]


def _select(conn: sqlite3.Connection, deck_id: str, where: str, params: tuple[object, ...]) -> list[StoredCard]:
    rows = conn.execute(
        f"SELECT id, card_id, sub, {_STATE_COLUMNS} FROM cards "
        f"WHERE deck_id = ? AND in_deck = 1 AND suspended = 0 AND {where}",
        (deck_id, *params),
    )
    return [StoredCard(r[0], CardKey(deck_id, r[1], r[2]), _state(*r[3:])) for r in rows]


def done_today(conn: sqlite3.Connection, today: date) -> dict[str, tuple[int, int]]:
    """Per deck: (new cards introduced, reviews answered) on the study day `today`."""
    out: dict[str, tuple[int, int]] = {}
    for deck_id, new, reviews in conn.execute(
        "SELECT deck_id, new_cards, young + mature FROM review_days WHERE day = ?", (today.isoformat(),)
    ):
        out[deck_id] = (new or 0, reviews or 0)
    return out


def deck_queue(
    conn: sqlite3.Connection,
    deck_id: str,
    today: date,
    end_of_day: datetime,
    new_left: int,
    reviews_left: int,
) -> DeckQueue:
    day, end = today.isoformat(), to_ms(end_of_day)
    unburied = "(buried_until IS NULL OR buried_until <= ?)"
    return DeckQueue(
        learning=_select(conn, deck_id, f"state IN {IN_STEPS} AND due < ? AND {unburied} ORDER BY due", (end, day)),
        reviews=_select(
            conn,
            deck_id,
            f"state = {REVIEW} AND due < ? AND {unburied} ORDER BY due LIMIT ?",
            (end, day, reviews_left),
        ),
        new=_select(conn, deck_id, f"state = {NEW} AND {unburied} ORDER BY position LIMIT ?", (day, new_left)),
    )


def daily_left(conn: sqlite3.Connection, decks: Iterable[Deck], today: date) -> dict[str, tuple[int, int]]:
    """Per deck: (new cards, reviews) its daily limits still allow on the study day `today`."""
    done = done_today(conn, today)
    out = {}
    for deck in decks:
        new_done, reviews_done = done.get(deck.id, (0, 0))
        new_limit, review_limit = deck.settings.daily_limits()
        out[deck.id] = (max(new_limit - new_done, 0), max(review_limit - reviews_done, 0))
    return out


def next_available(
    conn: sqlite3.Connection, left: dict[str, tuple[int, int]], now: datetime, today: date
) -> datetime | None:
    """When the next card of these decks (`left`: their daily allowances) can be studied, as the
    queue will offer it: a learning card at its due time; a review from 04:00 of the day it is due;
    a new card now while the day's allowance lasts; a buried sibling not before the day it is buried
    until; a card past today's limit not before tomorrow. None when nothing is scheduled at all."""
    if not left:
        return None
    tomorrow = day_start(today + timedelta(days=1))
    marks = ",".join("?" * len(left))
    best: datetime | None = None
    for deck_id, state, buried_until, first_due in conn.execute(
        f"SELECT deck_id, state, buried_until, MIN(due) FROM cards WHERE deck_id IN ({marks}) AND in_deck = 1 "
        "AND suspended = 0 GROUP BY deck_id, state, buried_until",
        list(left),
    ):
        new_left, reviews_left = left[deck_id]
        if state == State.NEW:
            moment = now if new_left else tomorrow
        elif state == State.REVIEW:
            moment = max(now, day_start(study_day_of(from_ms(first_due))))
            if not reviews_left:
                moment = max(moment, tomorrow)
        else:
            moment = from_ms(first_due)
        if buried_until is not None and buried_until > today.isoformat() and state in (State.NEW, State.REVIEW):
            moment = max(moment, day_start(date.fromisoformat(buried_until)))
        best = moment if best is None else min(best, moment)
    return best


_RATING_COLUMNS = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def _tally(
    conn: sqlite3.Connection,
    deck_id: str,
    day: str,
    rating: int,
    state_before: int,
    interval_ms: int | None,
    duration_ms: int,
    sign: int,
) -> None:
    """Count one answer into (sign=1) or out of (sign=-1) the day's tally that stats read."""
    mature = (interval_ms or 0) >= MATURE_DAYS * 86_400_000
    review = state_before == State.REVIEW
    passed = rating > 1
    conn.execute(
        "INSERT INTO review_days (deck_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (deck_id, day),
    )
    conn.execute(
        f"UPDATE review_days SET reviews = reviews + :s, {_RATING_COLUMNS[rating]} = {_RATING_COLUMNS[rating]} + :s, "
        "duration_ms = duration_ms + :s * :duration, new_cards = new_cards + :s * :new, "
        "young = young + :s * :young, young_passed = young_passed + :s * :young_passed, "
        "mature = mature + :s * :mature, mature_passed = mature_passed + :s * :mature_passed "
        "WHERE deck_id = :deck AND day = :day",
        {
            "s": sign,
            "duration": duration_ms,
            "new": int(state_before == State.NEW),
            "young": int(review and not mature),
            "young_passed": int(review and not mature and passed),
            "mature": int(review and mature),
            "mature_passed": int(review and mature and passed),
            "deck": deck_id,
            "day": day,
        },
    )


def _interval_ms(state: CardState) -> int | None:
    if state.due is None or state.last_review is None:
        return None
    return to_ms(state.due) - to_ms(state.last_review)


@dataclass(frozen=True)
class Answered:
    """What one answer wrote, enough to undo it."""

    log_id: int
    rowid: int
    before: CardState
    after: CardState
    buried: tuple[tuple[int, str | None], ...]  # siblings buried by this answer, with their previous value
    flags_before: tuple[bool, bool]  # (leech, suspended) as they were: undo puts back exactly these
    leeched: bool = False  # this answer made the card a leech: tagged and suspended


def is_leech_lapse(before: CardState, after: CardState, threshold: int) -> bool:
    """Whether this answer makes the card a leech, as in Anki: the lapse that reaches the threshold,
    then every half threshold more (a card unsuspended and forgotten again is caught again)."""
    if after.lapses <= before.lapses or after.lapses < threshold:
        return False
    return (after.lapses - threshold) % max(threshold // 2, 1) == 0


def answer(
    conn: sqlite3.Connection,
    rowid: int,
    rating: Rating,
    now: datetime,
    today: date,
    duration_ms: int,
    schedule: Callable[[CardState], CardState],
    leech_lapses: int = LEECH_LAPSES,
) -> Answered:
    """Grade one sub-card: new state + review-log row + sibling burying, in one committed transaction.

    `schedule` turns the card's state, read inside the transaction, into its state after `rating`
    (the scheduler's verdict), so two processes answering one card never lose each other's work.
    The lapse that makes the card a leech (`is_leech_lapse`) tags and suspends it."""
    tomorrow = (today + timedelta(days=1)).isoformat()

    def work(conn: sqlite3.Connection) -> Answered:
        row = conn.execute(
            f"SELECT {_STATE_COLUMNS}, deck_id, card_id, sub, leech, suspended FROM cards WHERE id = ?", (rowid,)
        ).fetchone()
        before = _state(*row[:8])
        deck_id, card_id, sub = row[8:11]
        flags = (bool(row[11]), bool(row[12]))
        after = schedule(before)
        assert after.due is not None
        interval = (after.due - now).total_seconds() / 86400
        leeched = is_leech_lapse(before, after, leech_lapses)
        conn.execute(
            "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?, "
            "reps = ?, lapses = ?, leech = leech OR ?, suspended = suspended OR ? WHERE id = ?",
            (
                int(after.state), after.step, after.stability, after.difficulty, to_ms(after.due),
                to_ms(now), after.reps, after.lapses, leeched, leeched, rowid,
            ),
        )  # fmt: skip
        duration = min(max(duration_ms, 0), MAX_ANSWER_MS)
        _tally(conn, deck_id, today.isoformat(), int(rating), int(before.state), _interval_ms(before), duration, 1)
        cursor = conn.execute(
            "INSERT INTO review_log (card, reviewed_at, day, rating, duration_ms, state_before, step_before, "
            "stability_before, difficulty_before, due_before, last_review_before, state_after, stability, "
            "difficulty, due_after, interval_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rowid, to_ms(now), today.isoformat(), int(rating), duration,
                int(before.state), before.step, before.stability, before.difficulty,
                to_ms(before.due) if before.due else None,
                to_ms(before.last_review) if before.last_review else None,
                int(after.state), after.stability, after.difficulty, to_ms(after.due), interval,
            ),
        )  # fmt: skip
        # Siblings (a cloze's other deletions, a reverse card) wait until tomorrow, as in Anki,
        # so that one does not give the other away. Cards in learning steps are left alone.
        siblings = conn.execute(
            "SELECT id, buried_until FROM cards WHERE deck_id = ? AND card_id = ? AND sub != ? "
            f"AND state IN ({NEW}, {REVIEW}) AND (buried_until IS NULL OR buried_until < ?)",
            (deck_id, card_id, sub, tomorrow),
        ).fetchall()
        conn.executemany("UPDATE cards SET buried_until = ? WHERE id = ?", [(tomorrow, s[0]) for s in siblings])
        assert cursor.lastrowid is not None
        buried = tuple((s[0], s[1]) for s in siblings)
        return Answered(cursor.lastrowid, rowid, before, after, buried, flags, leeched)

    return transaction(conn, work)


class UndoError(TechquizError):
    """The answer cannot be undone (the card was answered again elsewhere)."""


def undo(conn: sqlite3.Connection, answered: Answered) -> None:
    """Put the card back as it was before `answered` and remove its review-log row."""

    def work(conn: sqlite3.Connection) -> None:
        latest = conn.execute("SELECT MAX(id) FROM review_log WHERE card = ?", (answered.rowid,)).fetchone()[0]
        if latest != answered.log_id:
            raise UndoError("this card has been answered again since (in another techquiz?); nothing was undone")
        b = answered.before
        conn.execute(
            "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?, "
            "reps = ?, lapses = ?, leech = ?, suspended = ? WHERE id = ?",
            (
                int(b.state), b.step, b.stability, b.difficulty, to_ms(b.due) if b.due else None,
                to_ms(b.last_review) if b.last_review else None, b.reps, b.lapses,
                *answered.flags_before, answered.rowid,
            ),
        )  # fmt: skip
        deck_id, day, rating, duration, state_before, due_before, last_before = conn.execute(
            "SELECT c.deck_id, r.day, r.rating, r.duration_ms, r.state_before, r.due_before, r.last_review_before "
            "FROM review_log r JOIN cards c ON c.id = r.card WHERE r.id = ?",
            (answered.log_id,),
        ).fetchone()
        interval = None if due_before is None or last_before is None else due_before - last_before
        _tally(conn, deck_id, day, rating, state_before, interval, duration or 0, -1)
        conn.execute("DELETE FROM review_log WHERE id = ?", (answered.log_id,))
        conn.executemany("UPDATE cards SET buried_until = ? WHERE id = ?", [(v, i) for i, v in answered.buried])

    transaction(conn, work)


def set_suspended(conn: sqlite3.Connection, rowid: int, suspended: bool) -> None:
    transaction(conn, lambda c: c.execute("UPDATE cards SET suspended = ? WHERE id = ?", (int(suspended), rowid)))


def suspended_keys(conn: sqlite3.Connection, deck_ids: Iterable[str]) -> set[CardKey]:
    """The suspended sub-cards of these decks (a quiz leaves them out, as study does)."""
    wanted = list(deck_ids)
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(f"SELECT deck_id, card_id, sub FROM cards WHERE suspended = 1 AND deck_id IN ({marks})", wanted)
    return {CardKey(deck_id, card_id, sub) for deck_id, card_id, sub in rows}


def suspended_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Per deck id: how many of its cards are suspended."""
    rows = conn.execute("SELECT deck_id, COUNT(*) FROM cards WHERE suspended = 1 AND in_deck = 1 GROUP BY deck_id")
    return dict(rows.fetchall())


def unsuspend_deck(conn: sqlite3.Connection, deck_id: str) -> int:
    """Bring every suspended card of a deck back into study; returns how many."""

    def work(conn: sqlite3.Connection) -> int:
        return conn.execute("UPDATE cards SET suspended = 0 WHERE deck_id = ? AND suspended = 1", (deck_id,)).rowcount

    return transaction(conn, work)


def stored_cards(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[StoredCard]:
    """These sub-cards, in the order given, leaving out suspended ones and ones gone from their deck."""
    found: dict[int, StoredCard] = {}
    for start in range(0, len(rowids), 500):
        chunk = rowids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT id, deck_id, card_id, sub, {_STATE_COLUMNS} FROM cards "
            f"WHERE id IN ({marks}) AND in_deck = 1 AND suspended = 0",
            chunk,
        )
        found.update((r[0], StoredCard(r[0], CardKey(r[1], r[2], r[3]), _state(*r[4:]))) for r in rows)
    return [found[rowid] for rowid in rowids if rowid in found]
