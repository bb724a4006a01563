"""The four grade buttons always mean four different things, and each shows what it gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from techquiz.model import CardState, Rating, State
from techquiz.srs import scheduler

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

histories = st.lists(
    st.tuples(st.sampled_from(list(Rating)), st.floats(min_value=0.0, max_value=3.0)), min_size=0, max_size=25
)


def _replay(history: list[tuple[Rating, float]]) -> tuple[CardState, datetime]:
    """Answer a card along a random history; each answer comes some share of its interval late or early."""
    card, now = CardState(), START
    for rating, lateness in history:
        card = scheduler.review(card, rating, now)
        assert card.due is not None
        now = max(now + timedelta(minutes=1), now + (card.due - now) * lateness)
    return card, now


@settings(max_examples=300, deadline=None)
@given(histories, st.sampled_from([0.8, 0.9, 0.95]))
def test_intervals_are_ordered_and_strict_in_days(history: list[tuple[Rating, float]], retention: float) -> None:
    card, now = _replay(history)
    shown = scheduler.preview(card, now, retention)
    again, hard, good, easy = (shown[r] for r in Rating)
    assert again <= hard <= good <= easy
    for lower, higher in ((hard, good), (good, easy)):
        if lower >= DAY:
            assert round(higher / DAY) > round(lower / DAY)
    for rating in Rating:  # the interval a button shows is the interval that answer gets
        after = scheduler.review(card, rating, now, retention, fuzz=False)
        assert after.due is not None and after.due - now == shown[rating]


@settings(max_examples=100, deadline=None)
@given(histories, st.sampled_from(list(Rating)))
def test_a_fuzzed_answer_never_falls_below_the_button_under_it(
    history: list[tuple[Rating, float]], rating: Rating
) -> None:
    card, now = _replay(history)
    shown = scheduler.preview(card, now)
    after = scheduler.review(card, rating, now)
    assert after.due is not None
    if rating > Rating.Again and after.state == State.REVIEW:
        assert after.due - now > shown[Rating(rating - 1)]


def test_a_young_card_buys_something_with_easy() -> None:
    """Day 2 of a card that lapsed: FSRS alone gives Hard, Good and Easy all 1d."""
    card = scheduler.review(CardState(), Rating.Good, START, fuzz=False)
    card = scheduler.review(card, Rating.Good, START + timedelta(minutes=10), fuzz=False)
    assert card.due is not None
    card = scheduler.review(card, Rating.Again, card.due, fuzz=False)
    assert card.due is not None
    shown = scheduler.preview(card, card.due)
    days = [round(shown[r] / DAY) for r in (Rating.Good, Rating.Easy)]
    assert days[0] >= 1 and days[1] > days[0]
