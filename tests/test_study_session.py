from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techquiz.config import study_day
from techquiz.deck.loader import load_deck
from techquiz.model import Rating, State
from techquiz.store import db, progress
from techquiz.study import StudySession
from tests.srs.helpers import Clock, basic_deck, open_store


def study_all(session: StudySession, rating: Rating = Rating.Good, limit: int = 10_000) -> int:
    answered = 0
    while session.current() is not None and answered < limit:
        session.answer(rating, 2000)
        answered += 1
    return answered


def test_new_card_limit_is_per_day_and_survives_restarts(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=50, new_per_day=10)
    conn, clock = open_store(tmp_path), Clock()
    first = StudySession(conn, [deck], clock)
    assert first.counts().new == 10
    for _ in range(4):
        first.current()
        first.answer(Rating.Easy, 1000)
    again = StudySession(conn, [deck], clock)  # a restart the same day
    assert again.counts().new == 6
    study_all(again, Rating.Easy)
    assert StudySession(conn, [deck], clock).current() is None
    clock.advance(days=1)
    assert StudySession(conn, [deck], clock).counts().new == 10


def test_day_starts_at_four_local(tmp_path: Path) -> None:
    assert study_day(datetime(2026, 12, 2, 3, 59, tzinfo=UTC)).isoformat() == "2026-12-01"
    assert study_day(datetime(2026, 12, 2, 4, 0, tzinfo=UTC)).isoformat() == "2026-12-02"
    deck = basic_deck(tmp_path / "d.yaml", cards=30, new_per_day=5)
    conn = open_store(tmp_path)
    clock = Clock(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    study_all(StudySession(conn, [deck], clock), Rating.Easy)
    clock.advance(minutes=59)  # 03:59: still the same study day
    assert StudySession(conn, [deck], clock).counts().new == 0
    clock.advance(minutes=1)  # 04:00: a new day, a new allowance
    assert StudySession(conn, [deck], clock).counts().new == 5


def test_a_month_of_daily_study(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=100, new_per_day=10)
    conn, clock = open_store(tmp_path), Clock()
    for _day in range(30):
        session = StudySession(conn, [deck], clock)
        study_all(session, Rating.Good)
        assert session.current() is None
        assert StudySession(conn, [deck], clock).current() is None  # a restart finds nothing left today
        clock.advance(days=1)
    per_day = dict(conn.execute("SELECT day, SUM(state_before = 0) FROM review_log GROUP BY day").fetchall())
    assert [per_day[f"2026-12-{d:02}"] for d in range(1, 11)] == [10] * 10  # ten a day until none are left
    assert conn.execute("SELECT COUNT(*) FROM cards WHERE state = 0").fetchone()[0] == 0
    # Reviews came back on later days, each interval growing.
    assert conn.execute("SELECT COUNT(DISTINCT day) FROM review_log WHERE state_before = 2").fetchone()[0] >= 10


def test_learning_cards_come_back_the_same_session(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=1)
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    session.answer(Rating.Again, 1000)  # new -> learning, due in 1 minute
    card = session.current()
    assert card is not None and card.state.state == State.LEARNING  # learn-ahead shows it
    session.answer(Rating.Good, 1000)
    session.answer(Rating.Good, 1000)
    assert session.current() is None
    nxt = session.next_due()
    assert nxt is not None and nxt > clock()


def test_intervals_for_the_grade_buttons(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=1)
    session = StudySession(open_store(tmp_path), [deck], Clock())
    intervals = session.intervals()
    assert intervals[Rating.Again] == timedelta(minutes=1)
    assert intervals[Rating.Good] == timedelta(minutes=10)
    assert intervals[Rating.Again] < intervals[Rating.Hard] < intervals[Rating.Good] < intervals[Rating.Easy]


def test_siblings_are_buried_until_tomorrow(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "format: 1\nid: c\ntitle: C\ncards:\n"
        "  - {id: z, type: cloze, text: '{{c1::a}} {{c2::b}} {{c3::c}}'}\n"
        "  - {id: r, front: f, back: b, reverse: true}\n"
    )
    deck = load_deck(path).deck
    assert deck is not None
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    assert session.counts().new == 5
    first = session.current()
    assert first is not None
    session.answer(Rating.Easy, 1000)
    seen = [first.key]
    while (card := session.current()) is not None:
        seen.append(card.key)
        session.answer(Rating.Easy, 1000)
    assert [k.card for k in seen] == ["z", "r"]  # one sibling of each card today
    clock.advance(days=1)
    tomorrow = StudySession(conn, [deck], clock)
    assert tomorrow.counts().new == 3


def test_decks_take_turns(tmp_path: Path) -> None:
    a = basic_deck(tmp_path / "a.yaml", "a", cards=3)
    b = basic_deck(tmp_path / "b.yaml", "b", cards=3)
    session = StudySession(open_store(tmp_path), [a, b], Clock())
    order = []
    for _ in range(4):
        card = session.current()
        assert card is not None
        order.append(card.key.deck)
        session.answer(Rating.Easy, 1000)
    assert order == ["a", "b", "a", "b"]


def test_undo_restores_state_and_removes_the_log_row(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=3)
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    first = session.current()
    assert first is not None
    session.answer(Rating.Easy, 1000)
    session.answer(Rating.Good, 1000)
    back = session.undo()
    assert back is not None and back.key != first.key
    back = session.undo()
    assert back is not None and back.key == first.key and back.state.state == State.NEW
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM cards WHERE state != 0").fetchone()[0] == 0
    assert session.undo() is None


def test_leech_after_eight_lapses_and_suspend(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=1)
    conn, clock = open_store(tmp_path), Clock()
    lapses = 0
    while lapses < 8:
        session = StudySession(conn, [deck], clock)
        card = session.current()
        assert card is not None
        if card.state.state == State.REVIEW:
            session.answer(Rating.Again, 1000)
            lapses += 1
        else:
            session.answer(Rating.Easy, 1000)
        clock.advance(days=60)
    assert conn.execute("SELECT lapses, leech FROM cards").fetchone() == (8, 1)
    rowid = conn.execute("SELECT id FROM cards").fetchone()[0]
    progress.set_suspended(conn, rowid, True)
    assert StudySession(conn, [deck], clock).current() is None


def test_deck_edits_keep_progress(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(
        "format: 1\nid: e\ntitle: E\ncards:\n  - {id: a, front: q, back: b}\n  - {id: b, front: q2, back: b2}\n"
    )
    deck = load_deck(path).deck
    assert deck is not None
    conn, clock = open_store(tmp_path), Clock()
    study_all(StudySession(conn, [deck], clock), Rating.Easy)
    # Text edited, card b removed: a keeps its progress, b keeps its row and history.
    path.write_text("format: 1\nid: e\ntitle: E\ncards:\n  - {id: a, front: edited, back: b}\n")
    edited = load_deck(path).deck
    assert edited is not None
    StudySession(conn, [edited], clock)
    assert conn.execute("SELECT card_id, state, in_deck FROM cards ORDER BY card_id").fetchall() == [
        ("a", 2, 1),
        ("b", 2, 0),
    ]
    # b returns with its history; a changes type and starts over, its history kept.
    path.write_text(
        "format: 1\nid: e\ntitle: E\ncards:\n  - {id: a, type: typed, question: q, answer: b}\n"
        "  - {id: b, front: q2, back: b2}\n"
    )
    restored = load_deck(path).deck
    assert restored is not None
    session = StudySession(conn, [restored], clock)
    assert any("changed type from basic to typed" in w for w in session.warnings)
    assert conn.execute("SELECT card_id, state, in_deck FROM cards ORDER BY card_id").fetchall() == [
        ("a", 0, 1),
        ("b", 2, 1),
    ]
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(list(Rating)), st.just("undo"), st.just("wait")), max_size=40))
def test_random_answers_and_undos_keep_the_store_consistent(tmp_path_factory, steps) -> None:  # type: ignore[no-untyped-def]
    tmp_path = tmp_path_factory.mktemp("prop")
    deck = basic_deck(tmp_path / "d.yaml", cards=8)
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    answers = undos = 0
    for step in steps:
        if step == "undo":
            if session.can_undo():
                session.undo()
                undos += 1
        elif step == "wait":
            clock.advance(hours=7)
        elif session.current() is not None:
            session.answer(step, 1500)
            answers += 1
    assert conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == answers - undos
    for due, last in conn.execute("SELECT due, last_review FROM cards WHERE state > 0"):
        assert due >= last
    # the per-day tally stats read is exactly what the log says
    tally = conn.execute("SELECT * FROM review_days WHERE reviews > 0 ORDER BY deck_id, day").fetchall()
    assert tally == conn.execute(db.REVIEW_DAYS_FROM_LOG + " ORDER BY c.deck_id, r.day").fetchall()
    before = conn.execute("SELECT * FROM cards ORDER BY id").fetchall()
    conn.close()
    reopened = db.connect(tmp_path / "data" / "progress.sqlite3")
    assert reopened.execute("SELECT * FROM cards ORDER BY id").fetchall() == before
    reopened.close()


def test_session_rolls_over_at_four(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=30, new_per_day=2)
    clock = Clock(datetime(2026, 12, 2, 3, 50, tzinfo=UTC))
    session = StudySession(open_store(tmp_path), [deck], clock)
    study_all(session, Rating.Easy)
    assert session.current() is None
    clock.advance(minutes=15)
    assert session.current() is not None and session.counts().new == 2


def test_counts_after_undo_count_the_card_as_new_again(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=3)
    session = StudySession(open_store(tmp_path), [deck], Clock())
    before = session.counts()
    session.answer(Rating.Good, 1000)
    session.current()
    session.undo()
    assert session.counts() == before


def test_suspend_takes_the_card_out_and_undo_brings_it_back(tmp_path: Path) -> None:
    deck = basic_deck(tmp_path / "d.yaml", cards=3)
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    first = session.suspend()
    assert first is not None
    assert session.counts().new == 2
    assert conn.execute("SELECT card_id FROM cards WHERE suspended = 1").fetchall() == [("c0",)]
    assert StudySession(conn, [deck], clock).counts().new == 2  # stays out in the next session too
    back = session.undo()
    assert back is not None and back.key == first.key
    assert conn.execute("SELECT COUNT(*) FROM cards WHERE suspended = 1").fetchone()[0] == 0
    session.suspend()
    assert progress.suspended_counts(conn) == {"d": 1}
    assert progress.unsuspend_deck(conn, "d") == 1
    assert StudySession(conn, [deck], clock).counts().new == 3


def test_undo_returns_the_siblings_the_answer_buried(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "format: 1\nid: c\ntitle: C\ncards:\n  - {id: x, type: cloze, text: '{{c1::a}} {{c2::b}} {{c3::c}}'}\n"
    )
    deck = load_deck(path).deck
    assert deck is not None
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [deck], clock)
    assert session.counts().new == 3
    session.answer(Rating.Easy, 1000)
    assert session.counts().total == 0  # c2 and c3 are buried until tomorrow
    session.undo()
    assert session.counts().new == 3
    seen = []
    while (card := session.current()) is not None and len(seen) < 5:
        seen.append(card.sub)
        session.answer(Rating.Easy, 1000)
    assert seen == ["c1"]  # and answering again buries them again
