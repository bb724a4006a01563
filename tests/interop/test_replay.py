"""The replay of an Anki review log: which rows count, and where the card is left."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from techquiz.config import day_start, study_day
from techquiz.interop.replay import AnkiCard, RevlogRow, final_state, replay
from techquiz.model import CardState, Rating, State
from techquiz.srs import scheduler

T0 = int(datetime(2025, 1, 6, 10, tzinfo=UTC).timestamp() * 1000)
DAY = 86_400_000


def _row(day: int, ease: int, kind: int = 1, factor: int = 2500) -> RevlogRow:
    return RevlogRow(T0 + day * DAY, ease, factor, 90_000, kind)


def test_only_graded_rows_count_and_forget_restarts() -> None:
    skipped: Counter[str] = Counter()
    rows = [
        _row(0, 3, kind=0),
        _row(1, 3),
        _row(2, 0, kind=4, factor=2500),  # set due date
        _row(3, 3, kind=3, factor=0),  # cramming
        _row(4, 0, kind=5),  # rescheduled
        _row(5, 1),
        _row(6, 0, kind=4, factor=0),  # forget
        _row(7, 4, kind=0),
    ]
    state, reviews = replay(rows, False, study_day, skipped)
    assert [r.rating for r in reviews] == [3, 3, 1, 4]
    assert reviews[-1].before.state == State.NEW  # the forget restarted the card
    assert all(r.duration_ms == 60_000 for r in reviews)  # answer times capped as in Anki
    assert state.reps == 1 and state.state == State.REVIEW
    assert sum(skipped.values()) == 3  # set due date, cramming, rescheduled (the forget is applied)


def test_v1_learning_grades_are_shifted() -> None:
    _, reviews = replay([_row(0, 2, kind=0), _row(0, 3, kind=2), _row(1, 2, kind=1)], True, study_day, Counter())
    assert [r.rating for r in reviews] == [3, 4, 2]


def test_final_state_is_ankis_schedule() -> None:
    zero = date(2025, 1, 1)
    replayed, _ = replay([_row(0, 3, kind=0), _row(3, 3)], False, study_day, Counter())
    card = AnkiCard(2, 2, 40, 20, 7, 1, 0, 0, '{"s": 21.5, "d": 4.25}')
    state = final_state(replayed, card, zero, day_start)
    assert (state.state, state.stability, state.difficulty, state.reps, state.lapses) == (
        State.REVIEW,
        21.5,
        4.25,
        7,
        1,
    )
    assert state.due == day_start(zero + timedelta(days=40))
    # In a filtered deck the home due (odue) counts; with SM-2 data the replay's memory is kept.
    moved = final_state(replayed, AnkiCard(2, 2, -100, 20, 7, 1, 55, 9, "{}"), zero, day_start)
    assert moved.due == day_start(zero + timedelta(days=55))
    assert moved.stability == replayed.stability
    learning = final_state(replayed, AnkiCard(1, 1, T0 // 1000 + 600, 0, 1, 0, 0, 0, ""), zero, day_start)
    assert learning.state == State.LEARNING and learning.due == datetime.fromtimestamp(T0 / 1000 + 600, UTC)
    assert final_state(replayed, AnkiCard(0, 0, 3, 0, 0, 0, 0, 0, ""), zero, day_start).state == State.NEW


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(Rating)), st.integers(0, 40 * 86400)), min_size=1, max_size=25))
def test_replay_is_review_answer_by_answer(answers: list[tuple[Rating, int]]) -> None:
    """The carried-through FSRS card gives the memory `scheduler.review` gives one answer at a time; its
    due dates are FSRS's own, never later than review's (review puts each button's interval at least a
    day above the one below it; an imported card's final due comes from Anki's schedule anyway)."""
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    timed = []
    for rating, gap in answers:
        moment += timedelta(seconds=gap)
        timed.append((rating, moment))
    state = CardState()
    expected = []
    for rating, at in timed:
        state = scheduler.review(state, rating, at, fuzz=False)
        expected.append(state)
    replayed = list(scheduler.replay(timed))
    assert [replace(r, due=None) for r in replayed] == [replace(e, due=None) for e in expected]
    assert all(
        r.due is not None and e.due is not None and r.due <= e.due for r, e in zip(replayed, expected, strict=True)
    )
