"""What a session tells the learner is true: leeches, the summary's counts, when the next card is due,
and choices mixed but stable while a card is shown. No Textual here."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from techquiz.config import day_start, study_day
from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck
from techquiz.model import Rating
from techquiz.store import progress
from techquiz.store.timeutil import from_ms
from techquiz.study import StudySession
from tests.srs.helpers import Clock, basic_deck, open_store


def deck_with(tmp_path: Path, body: str, settings: str = "") -> Deck:
    path = tmp_path / "t.yaml"
    path.write_text(f"format: 1\nid: t\ntitle: T\n{settings}cards:\n{body}", encoding="utf-8")
    result = load_deck(path)
    assert result.deck is not None, result.problems
    return result.deck


def flags(conn: sqlite3.Connection) -> tuple[int, int, int]:
    return conn.execute("SELECT lapses, leech, suspended FROM cards WHERE card_id = 'a'").fetchone()  # type: ignore[no-any-return]


def lapse(session: StudySession, clock: Clock) -> progress.Answered:
    """Bring the one card to its review and forget it; then relearn it."""
    card = session.current()
    assert card is not None and card.state.due is not None
    done = session.answer(Rating.Again, 1000)
    if not done.leeched:
        clock.advance(minutes=10)
        session.answer(Rating.Good, 1000)
    return done


def graduated(tmp_path: Path, settings: str) -> tuple[sqlite3.Connection, Clock, Deck]:
    deck = deck_with(tmp_path, "  - {id: a, front: q, back: r}\n", settings)
    conn, clock = open_store(tmp_path), Clock()
    StudySession(conn, [deck], clock).answer(Rating.Easy, 1000)
    return conn, clock, deck


def next_session(conn: sqlite3.Connection, clock: Clock, deck: Deck) -> StudySession:
    due = conn.execute("SELECT due FROM cards WHERE card_id = 'a'").fetchone()[0]
    clock.now = max(clock.now, from_ms(due)) + timedelta(hours=1)
    return StudySession(conn, [deck], clock)


def test_a_leech_is_tagged_suspended_and_undo_brings_it_back(tmp_path: Path) -> None:
    conn, clock, deck = graduated(tmp_path, "settings: {leech_lapses: 3}\n")
    for _ in range(2):
        assert not lapse(next_session(conn, clock, deck), clock).leeched
    assert flags(conn) == (2, 0, 0)
    session = next_session(conn, clock, deck)
    done = session.answer(Rating.Again, 1000)
    assert done.leeched and flags(conn) == (3, 1, 1)
    assert session.current() is None  # suspended: not back in its relearning step
    undone = session.undo()
    assert undone is not None and undone.card.id == "a"
    assert flags(conn) == (2, 0, 0)


def test_undo_puts_back_the_leech_flag_it_found(tmp_path: Path) -> None:
    """A card tagged a leech earlier (then unsuspended) stays tagged after an undo, whatever its lapses."""
    conn, clock, deck = graduated(tmp_path, "")
    conn.execute("UPDATE cards SET leech = 1")
    conn.commit()
    session = next_session(conn, clock, deck)
    done = session.answer(Rating.Again, 1000)
    assert not done.leeched and flags(conn) == (1, 1, 0)
    session.undo()
    assert flags(conn) == (0, 1, 0)


def test_leeches_come_back_every_half_threshold() -> None:
    from techquiz.model import CardState

    def hit(before: int, after: int) -> bool:
        return progress.is_leech_lapse(CardState(lapses=before), CardState(lapses=after), 8)

    assert [n for n in range(1, 20) if hit(n - 1, n)] == [8, 12, 16]
    assert not hit(8, 8)  # no new lapse (a Good answer on a leech)


def test_the_summary_counts_answers_cards_and_first_tries(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=3)
    session = StudySession(open_store(tmp_path), [deck], Clock())
    session.answer(Rating.Again, 1000)  # card 1: wrong first, then right
    session.answer(Rating.Good, 1000)  # card 2
    session.answer(Rating.Good, 1000)  # card 3
    while session.current() is not None:
        session.answer(Rating.Good, 1000)
    summary = session.summary()
    assert summary.cards == 3 and summary.answers > 3
    assert summary.right_first == 2 and summary.first_try_rate == 2 / 3


def test_next_due_counts_buried_siblings_and_the_day_start(tmp_path: Path) -> None:
    deck = deck_with(tmp_path, "  - {id: a, front: q, back: r, reverse: true}\n")
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    session.answer(Rating.Easy, 1000)  # the reverse card is buried until tomorrow
    assert session.current() is None
    tomorrow = day_start(study_day(clock()) + timedelta(days=1))
    assert session.next_due() == tomorrow  # the buried new sibling, from 04:00, not "nothing scheduled"
    # Once the sibling is gone too, the next is the first review: from 04:00 of its day, not its hour.
    conn.execute("UPDATE cards SET suspended = 1 WHERE sub = 'reverse'")
    conn.commit()
    due = from_ms(conn.execute("SELECT due FROM cards WHERE sub = ''").fetchone()[0])
    assert session.next_due() == max(clock(), day_start(study_day(due)))
    conn.execute("UPDATE cards SET suspended = 1")
    conn.commit()
    assert session.next_due() is None


def test_next_due_waits_for_tomorrow_when_the_new_limit_is_used(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=5, new_per_day=1)
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    session.answer(Rating.Easy, 1000)
    assert session.current() is None
    assert session.next_due() == day_start(study_day(clock()) + timedelta(days=1))


def test_choices_are_mixed_and_stable_while_shown_and_after_undo(tmp_path: Path) -> None:
    choices = [f"c{i}" for i in range(8)]
    deck = deck_with(
        tmp_path, f"  - {{id: a, type: choice, question: q, choices: [{', '.join(choices)}], answer: c0}}\n"
    )
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    first = session.question()
    assert first is not None and sorted(first.choices) == choices and first.choices != tuple(choices)
    assert session.question() == first
    session.answer(Rating.Again, 1000)
    clock.advance(minutes=2)
    again = session.question()
    assert again is not None and again.choices != first.choices  # shown again: mixed again
    session.undo()
    assert session.question() == first


def test_buried_siblings_do_not_take_the_places_of_new_cards(tmp_path: Path) -> None:
    """With a limit of 2 and a reverse card first, burying its sibling leaves room for another card."""
    deck = deck_with(
        tmp_path,
        "  - {id: a, front: q, back: r, reverse: true}\n  - {id: b, front: q2, back: r2}\n",
        "settings: {new_per_day: 2}\n",
    )
    session = StudySession(open_store(tmp_path), [deck], Clock())
    seen = []
    while (card := session.current()) is not None:
        seen.append(str(card.key))
        session.answer(Rating.Easy, 1000)
    assert seen == ["t/a", "t/b"]
    assert session.next_due() is not None and session.next_due() > Clock()()
