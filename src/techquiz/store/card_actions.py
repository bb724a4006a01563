"""Actions on many cards at once (suspend, unsuspend, bury, forget, set due date), and their undo.

Each action is one transaction that also writes its undo record (each card's scheduling columns
before it, schema v6), so an action taken with `techquiz cards` can be undone later from the app.
Undo restores every card that has not been answered since; a card answered in between keeps its
new state (its answer is real work, and undoing would lose it).
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from techquiz.config import day_start
from techquiz.model import CardState, State
from techquiz.store.db import transaction
from techquiz.store.timeutil import to_ms

KEEP_ACTIONS = 20  # undo records kept; older ones are dropped
ACTIONS = ("suspend", "unsuspend", "bury", "forget", "due")
_SAVED = "state, step, stability, difficulty, due, last_review, reps, lapses, leech, suspended, buried_until"
# Which of the targeted cards each action changes (the others are left out of the count and undo).
_CHANGES = {
    "suspend": "suspended = 0",
    "unsuspend": "suspended = 1",
    "bury": "(buried_until IS NULL OR buried_until < :tomorrow)",
    "forget": "state > 0",
    "due": "1",
}
_UPDATES = {
    "suspend": "suspended = 1",
    "unsuspend": "suspended = 0",
    "bury": "buried_until = :tomorrow",
    "forget": "state = 0, step = NULL, stability = NULL, difficulty = NULL, due = NULL, last_review = NULL",
}


@dataclass(frozen=True)
class DueDays:
    """Anki's "set due date": `0` today, `3` in three days, `3-7` a random day in that range."""

    low: int
    high: int

    @classmethod
    def parse(cls, text: str) -> DueDays:
        match = re.fullmatch(r"\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?", text)
        if match is None:
            raise ValueError(f"--due takes days from today: 0 (today), 3, or a range like 3-7, not '{text}'")
        low = int(match[1])
        high = int(match[2]) if match[2] is not None else low
        if high < low:
            raise ValueError(f"--due {text}: the range must go from the smaller number of days to the larger")
        return cls(low, high)

    def __str__(self) -> str:
        if self.high == 0:
            return "today"
        if self.low == self.high:
            return f"in {self.low} day{'s' if self.low != 1 else ''}"
        return f"in {self.low}-{self.high} days"


def _plural(count: int) -> str:
    return f"{count} card{'s' if count != 1 else ''}"


def describe(action: str, count: int, due: DueDays | None = None) -> str:
    done = {
        "suspend": "suspended",
        "unsuspend": "unsuspended",
        "bury": "buried until tomorrow",
        "forget": "forgotten (back to new, history kept)",
        "due": f"due {due}",
    }[action]
    return f"{_plural(count)} {done}"


def apply(
    conn: sqlite3.Connection,
    rowids: Sequence[int],
    action: str,
    now: datetime,
    today: date,
    due: DueDays | None = None,
    first_good: CardState | None = None,
    rng: random.Random | None = None,
) -> str:
    """Act on these sub-cards in one transaction, with its undo record; returns "4 cards suspended".

    `due` needs `first_good`, the state a new card has after a first Good (the scheduler's)."""
    if action not in ACTIONS or (action == "due") != (due is not None and first_good is not None):
        raise ValueError(f"unknown card action {action!r}")
    rng = rng or random.Random()
    tomorrow = (today + timedelta(days=1)).isoformat()

    def work(conn: sqlite3.Connection) -> str:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS action_targets (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.action_targets")
        conn.executemany("INSERT OR IGNORE INTO temp.action_targets VALUES (?)", ((r,) for r in rowids))
        cursor = conn.execute("INSERT INTO card_actions (done_at, description) VALUES (?, '')", (to_ms(now),))
        assert cursor.lastrowid is not None
        action_id = cursor.lastrowid
        conn.execute(
            f"INSERT INTO card_action_cards (action, card, last_log, {_SAVED}) "
            f"SELECT :action, c.id, (SELECT MAX(r.id) FROM review_log r WHERE r.card = c.id), {_SAVED} "
            f"FROM cards c WHERE c.id IN (SELECT id FROM temp.action_targets) AND {_CHANGES[action]}",
            {"action": action_id, "tomorrow": tomorrow},
        )
        targets = "id IN (SELECT card FROM card_action_cards WHERE action = :action)"
        if action == "due":
            assert due is not None and first_good is not None
            count = _set_due(conn, action_id, due, first_good, now, today, rng)
        else:
            count = conn.execute(
                f"UPDATE cards SET {_UPDATES[action]} WHERE {targets}", {"action": action_id, "tomorrow": tomorrow}
            ).rowcount
        message = describe(action, count, due)
        if count == 0:
            conn.execute("DELETE FROM card_actions WHERE id = ?", (action_id,))
        else:
            conn.execute("UPDATE card_actions SET description = ? WHERE id = ?", (message, action_id))
            conn.execute("DELETE FROM card_actions WHERE id <= ?", (action_id - KEEP_ACTIONS,))
        conn.execute("DELETE FROM temp.action_targets")
        return message

    result = transaction(conn, work)
    assert isinstance(result, str)
    return result


def _set_due(
    conn: sqlite3.Connection,
    action_id: int,
    due: DueDays,
    first: CardState,
    now: datetime,
    today: date,
    rng: random.Random,
) -> int:
    """Review cards get the new due date; new and learning cards become review cards due then, as
    in Anki (a new card starts with the stability and difficulty FSRS gives a first Good)."""
    updates = []
    rows = conn.execute(
        "SELECT c.id, c.state, c.stability, c.difficulty, c.last_review FROM cards c "
        "WHERE c.id IN (SELECT card FROM card_action_cards WHERE action = ?)",
        (action_id,),
    )
    for rowid, state, stability, difficulty, last_review in rows.fetchall():
        days = rng.randint(due.low, due.high)
        due_ms = to_ms(day_start(today + timedelta(days=days)))
        if state == State.NEW:  # as if answered Good an interval ago, the interval being the days asked for
            interval = max(days, 1)
            stability, difficulty = max(float(interval), first.stability or 1.0), first.difficulty
            last_review = min(due_ms - interval * 86_400_000, to_ms(now))
        updates.append((due_ms, stability or first.stability, difficulty or first.difficulty, last_review, rowid))
    conn.executemany(
        "UPDATE cards SET state = 2, step = NULL, due = ?, stability = ?, difficulty = ?, "
        "last_review = COALESCE(?, last_review) WHERE id = ?",
        updates,
    )
    return len(updates)


def last_action(conn: sqlite3.Connection) -> str | None:
    """What undo would take back ("4 cards suspended"), or None."""
    row = conn.execute("SELECT description FROM card_actions ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def undo_last(conn: sqlite3.Connection) -> str | None:
    """Take back the newest action; returns what was said of it, with any card left as it is."""

    def work(conn: sqlite3.Connection) -> str | None:
        row = conn.execute("SELECT id, description FROM card_actions ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        action_id, description = row
        unchanged = "a.action = :action AND a.last_log IS (SELECT MAX(r.id) FROM review_log r WHERE r.card = a.card)"
        restored = conn.execute(
            f"UPDATE cards SET ({_SAVED}) = (SELECT {_SAVED} FROM card_action_cards a "
            "WHERE a.action = :action AND a.card = cards.id) "
            f"WHERE id IN (SELECT a.card FROM card_action_cards a WHERE {unchanged})",
            {"action": action_id},
        ).rowcount
        total = conn.execute("SELECT COUNT(*) FROM card_action_cards WHERE action = ?", (action_id,)).fetchone()[0]
        conn.execute("DELETE FROM card_actions WHERE id = ?", (action_id,))
        kept = total - restored
        note = f"; {_plural(kept)} answered since kept {'their' if kept != 1 else 'its'} new state" if kept else ""
        return f"{description}{note}"

    result = transaction(conn, work)
    assert result is None or isinstance(result, str)
    return result
