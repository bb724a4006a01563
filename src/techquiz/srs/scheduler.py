"""A thin layer over the official `fsrs` package: our stored card state in, FSRS's verdict out.

`fsrs` has no "new" state (a new card is Learning at step 0 with no review); techquiz.model keeps
`NEW` apart, and a new card goes to FSRS as Learning at step 0.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache

import fsrs

from techquiz.model import CardState, Rating, State

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
DEFAULT_RETENTION = 0.9
# FSRS's forgetting curve R(t, S) = (1 + FACTOR * t / S) ** -DECAY, with the default parameters the
# scheduler uses; stats evaluate it in SQL over the whole card table.
RETRIEVABILITY_DECAY = fsrs.scheduler.DEFAULT_PARAMETERS[20]
RETRIEVABILITY_FACTOR = 0.9 ** (1 / -RETRIEVABILITY_DECAY) - 1


@lru_cache(maxsize=32)
def _scheduler(retention: float, fuzz: bool) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=fuzz,
    )


def _to_fsrs(card: CardState, now: datetime) -> fsrs.Card:
    # card_id is given: fsrs.Card() without one sleeps 1 ms to make a unique id.
    if card.state == State.NEW:
        return fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(
        card_id=1,
        state=fsrs.State(int(card.state)),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due or now,
        last_review=card.last_review,
    )


def review(
    card: CardState,
    rating: Rating,
    now: datetime,
    retention: float = DEFAULT_RETENTION,
    fuzz: bool = True,
) -> CardState:
    """The card's state after answering `rating` at `now`."""
    result, _ = _scheduler(retention, fuzz).review_card(_to_fsrs(card, now), fsrs.Rating(int(rating)), now)
    lapsed = card.state == State.REVIEW and rating == Rating.Again
    return replace(
        card,
        state=State(int(result.state)),
        step=result.step,
        stability=result.stability,
        difficulty=result.difficulty,
        due=result.due,
        last_review=result.last_review,
        reps=card.reps + 1,
        lapses=card.lapses + (1 if lapsed else 0),
    )


def preview(card: CardState, now: datetime, retention: float = DEFAULT_RETENTION) -> dict[Rating, timedelta]:
    """The interval each rating would give (without fuzz, as Anki shows them on its buttons)."""
    out = {}
    for rating in Rating:
        after = review(card, rating, now, retention, fuzz=False)
        assert after.due is not None
        out[rating] = after.due - now
    return out


def retrievability(card: CardState, now: datetime, retention: float = DEFAULT_RETENTION) -> float:
    if card.state == State.NEW:
        return 0.0
    return float(_scheduler(retention, False).get_card_retrievability(_to_fsrs(card, now), now))


def format_interval(delta: timedelta) -> str:
    """Anki-style short interval: 1m, 10m, 3h, 4d, 2.1mo, 1.5y."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return f"{max(round(seconds / 60), 1)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
