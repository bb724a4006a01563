"""The four grade buttons always mean four different things, and each shows what it gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from techquiz.model import CardState, Rating
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
@given(histories, st.sampled_from([0.8, 0.9, 0.95]), st.integers(min_value=1, max_value=10**9))
def test_intervals_are_ordered_and_strict_in_days(
    history: list[tuple[Rating, float]], retention: float, seed: int
) -> None:
    card, now = _replay(history)
    shown = scheduler.preview(card, now, retention, seed=seed)
    again, hard, good, easy = (shown[r] for r in Rating)
    assert again <= hard <= good <= easy
    for lower, higher in ((hard, good), (good, easy)):
        if lower >= DAY:
            assert round(higher / DAY) > round(lower / DAY)
    for rating in Rating:  # the interval a button shows is the interval that answer gets, fuzz included
        after = scheduler.review(card, rating, now, retention, seed=seed)
        assert after.due is not None and after.due - now == shown[rating]


def test_fuzz_spreads_cards_answered_alike() -> None:
    """Cards learnt together must not fall due together forever: the same answer on the same state
    gives different intervals to different cards (as Anki's fuzz does), each within Anki's range."""
    card = scheduler.review(CardState(), Rating.Easy, START, fuzz=False)
    assert card.due is not None
    now = card.due
    unfuzzed = scheduler.preview(card, now, fuzz=False)[Rating.Good]
    given_days = set()
    for seed in range(40):
        after = scheduler.review(card, Rating.Good, now, seed=seed)
        assert after.due is not None
        given_days.add(round((after.due - now) / DAY))
    assert len(given_days) > 1
    days = unfuzzed / DAY
    spread = 1 + 0.15 * (min(days, 7) - 2.5) + 0.1 * max(min(days, 20) - 7, 0) + 0.05 * max(days - 20, 0)
    assert all(abs(d - days) <= spread + 0.5 for d in given_days)


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


def test_fuzz_is_the_same_in_every_process() -> None:
    """The buttons are drawn by the process that answers, but snapshots and a second techquiz on the same
    store must agree too: fuzz may not depend on per-process hashing (hash(None) changes every run)."""
    import subprocess
    import sys

    code = (
        "from datetime import UTC, datetime\n"
        "from techquiz.model import CardState, Rating\n"
        "from techquiz.srs import scheduler\n"
        "now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)\n"
        "print([scheduler.preview(CardState(), now, seed=s)[Rating.Easy].days for s in range(20)])\n"
    )
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(3)
    }
    assert len(runs) == 1
    here = [scheduler.preview(CardState(), START, seed=s)[Rating.Easy].days for s in range(20)]
    assert runs == {f"{here}\n"}
