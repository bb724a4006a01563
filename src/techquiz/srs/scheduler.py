"""A thin layer over the official `fsrs` package: our stored card state in, FSRS's verdict out.

`fsrs` has no "new" state (a new card is Learning at step 0 with no review); techquiz.model keeps
`NEW` apart, and a new card goes to FSRS as Learning at step 0.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache

import fsrs

from techquiz.model import CardState, Rating, State

MAXIMUM_INTERVAL_DAYS = 36500  # FSRS's default cap, 100 years

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
DEFAULT_RETENTION = 0.9
# The 21 FSRS-6 weights; a deck uses its fitted or pinned ones instead (srs/parameters.py).
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)


def curve(parameters: tuple[float, ...] = DEFAULT_PARAMETERS) -> tuple[float, float]:
    """(DECAY, FACTOR) of FSRS's forgetting curve R(t, S) = (1 + FACTOR * t / S) ** -DECAY; the decay is
    the parameters' last weight, and FACTOR makes R(S, S) = 0.9. Stats evaluate it in SQL."""
    decay = parameters[20]
    return decay, 0.9 ** (1 / -decay) - 1


@lru_cache(maxsize=64)
def _scheduler(retention: float, parameters: tuple[float, ...]) -> fsrs.Scheduler:
    # FSRS's own fuzz is off: it draws from the clock's random state, so a button could not show it.
    return fsrs.Scheduler(
        parameters=parameters,
        desired_retention=retention,
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=False,
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


def _fsrs_review(
    card: CardState, rating: Rating, now: datetime, retention: float, parameters: tuple[float, ...]
) -> CardState:
    result, _ = _scheduler(retention, parameters).review_card(_to_fsrs(card, now), fsrs.Rating(int(rating)), now)
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


def _ladder(
    card: CardState,
    upto: Rating,
    now: datetime,
    retention: float,
    fuzz: bool,
    parameters: tuple[float, ...],
    seed: int,
) -> list[CardState]:
    """The states after Again .. `upto`, each review interval at least a day longer than the one below
    it, as Anki enforces on top of FSRS: otherwise a young card offers Hard, Good and Easy all at 1d,
    and a button that shows the same interval as its neighbour means nothing.

    Fuzz (Anki's ranges) is drawn from `seed`, the card's state and the rating, never from the clock:
    the interval a button shows is the interval that answer gets, fuzz included."""
    out: list[CardState] = []
    floor = timedelta(0)
    for rating in Rating:
        if rating > upto:
            break
        after = _fsrs_review(card, rating, now, retention, parameters)
        if after.state == State.REVIEW:
            assert after.due is not None
            days = max(round((after.due - now) / timedelta(days=1)), 1)
            if fuzz:
                days = _fuzzed_days(days, _fuzz_seed(card, rating, seed))
            due = max(now + timedelta(days=days), now + floor)
            after = replace(after, due=due)
            floor = timedelta(days=round((due - now) / timedelta(days=1)) + 1)
        out.append(after)
    return out


# Anki's (and FSRS's) fuzz: +-15% of the part of an interval between 2.5 and 7 days, 10% of 7-20,
# 5% beyond, so cards learnt together do not fall due together forever.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def _fuzzed_days(days: int, seed: str) -> int:
    if days < 2.5:
        return days
    delta = 1.0 + sum(factor * max(min(days, end) - start, 0.0) for start, end, factor in _FUZZ_RANGES)
    low = max(2, round(days - delta))
    high = min(round(days + delta), MAXIMUM_INTERVAL_DAYS)
    return random.Random(seed).randint(low, high)


def _fuzz_seed(card: CardState, rating: Rating, seed: int) -> str:
    # Stable while the card is on screen (the buttons are drawn before the answer), different per card,
    # and the same in every process: a string seeds Random through SHA-512, where hash() of a tuple
    # holding None changes from run to run.
    last = card.last_review.timestamp() if card.last_review else 0.0
    return f"{seed}:{int(rating)}:{card.reps}:{card.lapses}:{last}:{card.stability}"


def review(
    card: CardState,
    rating: Rating,
    now: datetime,
    retention: float = DEFAULT_RETENTION,
    fuzz: bool = True,
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
    seed: int = 0,
) -> CardState:
    """The card's state after answering `rating` at `now`: exactly what `preview` shows for the same
    `seed` (the card's identity; fuzz is drawn from it and the card's state)."""
    return _ladder(card, rating, now, retention, fuzz, parameters, seed)[-1]


def replay(
    answers: Iterable[tuple[Rating, datetime]],
    retention: float = DEFAULT_RETENTION,
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
) -> Iterator[CardState]:
    """A new card's state after each answer in turn, without fuzz (an imported history gives the same
    states every time): FSRS's own states answer by answer (without the floor `review` puts under
    each button's interval), one FSRS card carried through, so a long log costs FSRS's work only."""
    scheduler = _scheduler(retention, parameters)
    card: fsrs.Card | None = None
    state, lapses = State.NEW, 0
    for reps, (rating, now) in enumerate(answers, 1):
        if card is None:
            card = fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=now)
        card, _ = scheduler.review_card(card, _FSRS_RATING[rating], now)
        lapses += state == State.REVIEW and rating == Rating.Again
        state = _STATE[card.state]
        yield CardState(state, card.step, card.stability, card.difficulty, card.due, card.last_review, reps, lapses)


_FSRS_RATING = {rating: fsrs.Rating(int(rating)) for rating in Rating}
_STATE = {fsrs_state: State(int(fsrs_state)) for fsrs_state in fsrs.State}


def preview(
    card: CardState,
    now: datetime,
    retention: float = DEFAULT_RETENTION,
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
    seed: int = 0,
    fuzz: bool = True,
) -> dict[Rating, timedelta]:
    """The interval each rating gives, fuzz included: unlike Anki's buttons, what `review` will set."""
    out = {}
    ladder = _ladder(card, Rating.Easy, now, retention, fuzz, parameters, seed)
    for rating, after in zip(Rating, ladder, strict=True):
        assert after.due is not None
        out[rating] = after.due - now
    return out


def retrievability(card: CardState, now: datetime, parameters: tuple[float, ...] = DEFAULT_PARAMETERS) -> float:
    if card.state == State.NEW:
        return 0.0
    return float(_scheduler(DEFAULT_RETENTION, parameters).get_card_retrievability(_to_fsrs(card, now), now))


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
