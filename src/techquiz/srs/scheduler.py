"""A thin layer over the official `fsrs` package: our stored card state in, FSRS's verdict out.

`fsrs` has no "new" state (a new card is Learning at step 0 with no review); techquiz.model keeps
`NEW` apart, and a new card goes to FSRS as Learning at step 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache

import fsrs

from techquiz.model import CardState, Rating, State

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
def _scheduler(retention: float, fuzz: bool, parameters: tuple[float, ...]) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=parameters,
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


def _fsrs_review(
    card: CardState, rating: Rating, now: datetime, retention: float, fuzz: bool, parameters: tuple[float, ...]
) -> CardState:
    result, _ = _scheduler(retention, fuzz, parameters).review_card(_to_fsrs(card, now), fsrs.Rating(int(rating)), now)
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
    card: CardState, upto: Rating, now: datetime, retention: float, fuzz: bool, parameters: tuple[float, ...]
) -> list[CardState]:
    """The states after Again .. `upto`, each review interval at least a day longer than the one below
    it, as Anki enforces on top of FSRS: otherwise a young card offers Hard, Good and Easy all at 1d,
    and a button that shows the same interval as its neighbour means nothing. Only `upto` is fuzzed;
    the floors come from the unfuzzed intervals the buttons show."""
    out: list[CardState] = []
    floor = timedelta(0)
    for rating in Rating:
        if rating > upto:
            break
        after = _fsrs_review(card, rating, now, retention, fuzz and rating == upto, parameters)
        if after.state == State.REVIEW:
            assert after.due is not None
            due = max(after.due, now + floor)
            after = replace(after, due=due)
            floor = timedelta(days=round((due - now) / timedelta(days=1)) + 1)
        out.append(after)
    return out


def review(
    card: CardState,
    rating: Rating,
    now: datetime,
    retention: float = DEFAULT_RETENTION,
    fuzz: bool = True,
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
) -> CardState:
    """The card's state after answering `rating` at `now`: without fuzz, exactly what `preview` shows."""
    return _ladder(card, rating, now, retention, fuzz, parameters)[-1]


def replay(
    answers: Iterable[tuple[Rating, datetime]],
    retention: float = DEFAULT_RETENTION,
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS,
) -> Iterator[CardState]:
    """A new card's state after each answer in turn, without fuzz (an imported history gives the same
    states every time): FSRS's own states answer by answer (without the floor `review` puts under
    each button's interval), one FSRS card carried through, so a long log costs FSRS's work only."""
    scheduler = _scheduler(retention, False, parameters)
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
) -> dict[Rating, timedelta]:
    """The interval each rating would give (without fuzz, as Anki shows them on its buttons)."""
    out = {}
    ladder = _ladder(card, Rating.Easy, now, retention, False, parameters)
    for rating, after in zip(Rating, ladder, strict=True):
        assert after.due is not None
        out[rating] = after.due - now
    return out


def retrievability(card: CardState, now: datetime, parameters: tuple[float, ...] = DEFAULT_PARAMETERS) -> float:
    if card.state == State.NEW:
        return 0.0
    return float(_scheduler(DEFAULT_RETENTION, False, parameters).get_card_retrievability(_to_fsrs(card, now), now))


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
