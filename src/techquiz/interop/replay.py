"""An Anki card's review log replayed through techquiz's scheduler, then set where Anki left it.

Only answers count: manual rows (set due date) and rescheduling rows are skipped, and so are
cramming rows (answers in a filtered deck that did not reschedule); a reset ("forget") row starts
the card over as new, as Anki does. The replay gives every imported review its before/after
state in techquiz's log; the card's final due date, state and counts are Anki's own, and so is its
FSRS memory when Anki kept one, so studying continues exactly where Anki left off.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from techquiz.model import CardState, Rating, State
from techquiz.srs import scheduler
from techquiz.store.timeutil import from_ms
from techquiz.store.transfer import ImportedReview

MAX_ANSWER_MS = 60_000
_MANUAL, _FILTERED = 4, 3
_LEARNING_KINDS = (0, 2)  # revlog types: learning, relearning
_STATES = {1: State.LEARNING, 2: State.REVIEW, 3: State.RELEARNING}
_DEFAULT_DIFFICULTY = 5.0  # mid-scale, for a card Anki scheduled without FSRS and without a usable log
# A damaged or hand-edited collection can hold any integer: answers before Anki existed or in the far
# future, dues and intervals of millions of days, memory of 1e308 or NaN. Outside these bounds a value
# is damage, not a schedule: the row is skipped or the value falls back, rather than overflowing a
# date mid-import or scheduling a card with a difficulty of -5.
_EARLIEST_MS = 1_136_073_600_000  # 2006-01-01, before Anki's first release
_LATEST_MS = 32_503_680_000_000  # 3000-01-01: far enough, and still a date after any offset
_MAX_DAYS = 36_500  # FSRS's longest interval
_MAX_DUE_DAYS = 100_000  # a due day number past this (year ~2280 from any creation day) is damage
_STABILITY = (0.001, 36_500.0)
_DIFFICULTY = (1.0, 10.0)


@dataclass(frozen=True, slots=True)
class AnkiCard:
    type: int
    queue: int
    due: int
    ivl: int
    reps: int
    lapses: int
    odue: int
    odid: int
    data: str


@dataclass(frozen=True, slots=True)
class RevlogRow:
    id: int  # epoch ms of the answer
    ease: int
    factor: int
    time: int
    type: int


def replay(
    rows: Sequence[RevlogRow],
    sched_v1: bool,
    day_of: Callable[[datetime], date],
    skipped: Counter[str],
    retention: float = scheduler.DEFAULT_RETENTION,
) -> tuple[CardState, list[ImportedReview]]:
    """The card's state after its log, and each graded answer with its state before and after.
    Answers timed before 2006 or after the year 3000 are skipped as impossible."""
    segments: list[list[tuple[RevlogRow, int]]] = [[]]  # a "forget" row starts a new segment
    for row in rows:
        if not _EARLIEST_MS <= row.id <= _LATEST_MS:
            skipped["rows with an impossible time (before 2006 or after 3000)"] += 1
            continue
        if row.ease == 0:
            if row.type == _MANUAL and row.factor == 0:
                segments.append([])
            else:
                skipped["manual and rescheduling rows (no answer)"] += 1
            continue
        if row.type == _FILTERED and row.factor == 0:
            skipped["cramming rows (filtered deck without rescheduling)"] += 1
            continue
        ease = row.ease
        if sched_v1 and row.type in _LEARNING_KINDS and ease in (2, 3):
            ease += 1
        if not 1 <= ease <= 4:
            skipped["rows with an unknown grade"] += 1
            continue
        segments[-1].append((row, ease))
    state = CardState()
    reviews: list[ImportedReview] = []
    for segment in segments:
        state = CardState()
        moments = [from_ms(row.id) for row, _ in segment]
        answers = [(Rating(ease), moment) for (_, ease), moment in zip(segment, moments, strict=True)]
        for (row, ease), moment, after in zip(segment, moments, scheduler.replay(answers, retention), strict=True):
            duration = min(max(row.time, 0), MAX_ANSWER_MS)
            reviews.append(ImportedReview(moment, _day(row.id // _QUARTER_HOUR, day_of), ease, duration, state, after))
            state = after
    return state, reviews


_QUARTER_HOUR = 900_000  # every time zone's offset is a multiple of 15 minutes, and a day starts on the hour


@lru_cache(maxsize=8192)
def _day(quarter: int, day_of: Callable[[datetime], date]) -> str:
    # Reviews come by the million and cluster in sessions: the study day of each quarter hour is computed once.
    return day_of(from_ms(quarter * _QUARTER_HOUR)).isoformat()


def final_state(
    replayed: CardState, card: AnkiCard, day_zero: date, day_start: Callable[[date], datetime]
) -> CardState:
    """Anki's own schedule for the card, with FSRS memory from Anki if it kept one, else from the replay."""
    state = _STATES.get(card.type)
    if state is None:  # new (or an unknown type: studied afresh); a forgotten card keeps its counts
        return CardState(reps=card.reps, lapses=card.lapses)
    due_number = card.odue if card.odid and card.odue else card.due  # in a filtered deck: its home due
    # Cards in today's learning steps are due at an epoch second; the others on a day number.
    intraday = due_number > 1_000_000_000
    if intraday:
        due = from_ms(min(due_number * 1000, _LATEST_MS))
    else:
        due = day_start(day_zero + timedelta(days=min(max(due_number, -_MAX_DUE_DAYS), _MAX_DUE_DAYS)))
    try:
        data = json.loads(card.data or "{}")
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    stability, difficulty = data.get("s"), data.get("d")
    if not (_within(stability, _STABILITY) and _within(difficulty, _DIFFICULTY)):
        stability, difficulty = replayed.stability, replayed.difficulty
    if stability is None or difficulty is None:  # SM-2 and no log: the interval is the best guess
        stability, difficulty = float(min(max(card.ivl, 1), _MAX_DAYS)), _DEFAULT_DIFFICULTY
    last_review = replayed.last_review
    lrt = data.get("lrt")
    if last_review is None and isinstance(lrt, int) and _EARLIEST_MS <= lrt * 1000 <= _LATEST_MS:
        last_review = from_ms(lrt * 1000)
    if last_review is None:
        last_review = due - timedelta(days=min(max(card.ivl, 0), _MAX_DAYS))
    step = None
    if state != State.REVIEW:
        steps = scheduler.LEARNING_STEPS if state == State.LEARNING else scheduler.RELEARNING_STEPS
        step = min(replayed.step or 0, len(steps) - 1) if replayed.state == state else 0
    return CardState(state, step, float(stability), float(difficulty), due, last_review, card.reps, card.lapses)


def _within(value: object, bounds: tuple[float, float]) -> bool:
    """A number (not a bool, not NaN or infinite: JSON lets Anki's data hold them) within bounds."""
    return isinstance(value, int | float) and not isinstance(value, bool) and bounds[0] <= value <= bounds[1]
