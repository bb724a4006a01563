from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from techquiz.cli import main
from techquiz.config import study_day
from techquiz.deck.discovery import load_library
from techquiz.model import CardState, Rating, State
from techquiz.srs import scheduler
from techquiz.stats import HEATMAP_WEEKS, collect, heatmap
from techquiz.store import db, progress
from techquiz.store.timeutil import to_ms
from techquiz.study import StudySession

from .decktext import basic, deck_yaml
from .srs.helpers import START, Clock, basic_deck


def test_two_days_of_study_make_a_streak_history_and_forecast(tmp_path: Path) -> None:
    basic_deck(tmp_path / "d.yaml", cards=10, new_per_day=3)
    library = load_library([tmp_path])
    conn = db.connect(tmp_path / "data" / "progress.sqlite3")
    clock = Clock(START.replace(hour=23, minute=30))  # late on day one...
    for rating in (Rating.Again, Rating.Good, Rating.Easy, Rating.Easy):
        session = StudySession(conn, library.decks, clock)
        if session.current() is not None:
            session.answer(rating, 4000)
    clock.advance(hours=5)  # ...04:30 next morning: a new study day
    session = StudySession(conn, library.decks, clock)
    while session.current() is not None:
        session.answer(Rating.Good, 2000)
    data = collect(conn, library, ["d"], clock())
    assert [h["date"] for h in data["history"]] == ["2026-12-01", "2026-12-02"]
    assert data["history"][0]["again"] == 1
    assert data["streak_days"] == 2
    assert data["cards"]["total"] == 10 and data["cards"]["new"] == 4
    assert len(data["forecast"]) == 30 and sum(f["due"] for f in data["forecast"]) > 0
    assert data["reviews_today"] == data["history"][-1]["reviews"]


def test_retention_counts_review_answers_only(tmp_path: Path) -> None:
    basic_deck(tmp_path / "d.yaml", cards=2)
    library = load_library([tmp_path])
    conn = db.connect(tmp_path / "data" / "progress.sqlite3")
    clock = Clock()
    study = StudySession(conn, library.decks, clock)
    study.answer(Rating.Easy, 1000)
    study.answer(Rating.Easy, 1000)
    clock.advance(days=40)
    later = StudySession(conn, library.decks, clock)
    later.answer(Rating.Again, 1000)
    later.answer(Rating.Good, 1000)
    data = collect(conn, library, ["d"], clock())
    assert data["retention"]["last_7_days"] == 0.5
    assert data["cards"]["relearning"] == 1


def test_stats_json_cli_has_the_spec_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("generated_at", "today", "cards", "due_today", "reviews_today", "streak_days", "retention",
                "forecast", "history", "decks"):  # fmt: skip
        assert key in data
    assert data["today"] == "2026-12-01"
    assert data["cards"]["new"] == 57 and len(data["decks"]) == 3  # the bundled decks' sub-cards
    assert data["forecast"][0]["date"] == "2026-12-01" and len(data["forecast"]) == 30
    assert (START + timedelta(days=1)).date().isoformat() == data["forecast"][1]["date"]


def test_stats_json_is_exactly_the_typed_stats(capsys: pytest.CaptureFixture[str]) -> None:
    """The TypedDicts mypy checks the screen against are the JSON scripts read: no key more or less."""
    from typing import get_type_hints

    from techquiz import stats

    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == set(get_type_hints(stats.Stats))
    for key, typed in [("cards", stats.CardCounts), ("knowledge", stats.Knowledge), ("heatmap", stats.HeatmapData),
                       ("distributions", stats.Distributions)]:  # fmt: skip
        assert set(data[key]) == set(get_type_hints(typed)), key
    for key, typed in [("retention_table", stats.RetentionRow), ("forecast", stats.ForecastDay),
                       ("recent_days", stats.HistoryDay), ("decks", stats.DeckSummary)]:  # fmt: skip
        assert data[key] and all(set(row) == set(get_type_hints(typed)) for row in data[key]), key


def test_unknown_deck_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("techquiz: unknown deck 'nope' (decks found: ") and err.count("\n") == 1


# ---- a synthetic collection with hand-computed expectations --------------------------------------

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday; the study day starts at 04:00 (TZ=UTC in tests)
DAY = timedelta(days=1)

# card: (state, stability, difficulty, last_review, due, lapses, leech, suspended)
CARDS = {
    "c0": (0, None, None, None, None, 0, 0, 0),  # new
    "c1": (1, 1.0, 5.0, NOW - timedelta(minutes=1), NOW + timedelta(minutes=10), 0, 0, 0),  # learning
    "c2": (2, 5.0, 3.0, NOW - 2 * DAY, NOW + 3 * DAY, 2, 0, 0),  # young review (interval 5 d)
    "c3": (2, 30.0, 7.5, NOW - 300 * DAY, NOW + 20 * DAY, 9, 1, 0),  # mature review, a leech
    "c4": (3, 0.5, 9.2, NOW - timedelta(hours=1), NOW + timedelta(minutes=5), 1, 0, 0),  # relearning
    "c5": (2, 100.0, 1.0, NOW, NOW + 100 * DAY, 0, 0, 1),  # suspended
    "c6": (2, 400.0, 10.0, NOW - 2000 * DAY, NOW - 2 * DAY, 0, 0, 0),  # mature review, overdue
}

# review: (card, reviewed at, rating, state before, interval before in days, duration s)
REVIEWS = [
    ("c2", NOW - 40 * DAY, 1, 2, 30, 5),  # 2026-10-22: outside every retention window
    ("c2", NOW - 21 * DAY, 1, 2, 4, 5),  # 2026-11-10: young lapse, in the 30-day window only
    ("c2", NOW - 2 * DAY + timedelta(hours=1), 3, 0, None, 10),  # 2026-11-29: a new card
    ("c3", NOW - 2 * DAY + timedelta(hours=2), 1, 2, 30, 10),  # 2026-11-29: mature lapse
    ("c6", NOW - timedelta(hours=5, minutes=30), 3, 2, 10, 20),  # 03:30 today = study day 2026-11-30
    ("c2", NOW - timedelta(hours=1), 4, 2, 5, 10),  # today: young, Easy
    ("c3", NOW - timedelta(minutes=50), 3, 2, 30, 20),  # today: mature, Good
    ("c4", NOW - timedelta(minutes=40), 2, 3, None, 30),  # today: relearning (not in retention)
]


@pytest.fixture
def synthetic(tmp_path: Path) -> tuple[Any, Any]:
    (tmp_path / "d.yaml").write_text(deck_yaml("d", *(basic(c, f"q{c[1]}", "a") for c in CARDS)), encoding="utf-8")
    library = load_library([tmp_path])
    conn = db.connect(tmp_path / "data" / "progress.sqlite3")
    progress.sync_decks(conn, library.decks, NOW)
    ms = lambda t: None if t is None else to_ms(t)  # noqa: E731
    for card, (state, stab, diff, last, due, lapses, leech, suspended) in CARDS.items():
        conn.execute(
            "UPDATE cards SET state = ?, stability = ?, difficulty = ?, last_review = ?, due = ?, lapses = ?, "
            "leech = ?, suspended = ? WHERE card_id = ?",
            (state, stab, diff, ms(last), ms(due), lapses, leech, suspended, card),
        )
    for card, at, rating, before, interval, seconds in REVIEWS:
        rowid = conn.execute("SELECT id FROM cards WHERE card_id = ?", (card,)).fetchone()[0]
        due_before = None if interval is None else to_ms(at)
        last_before = None if interval is None else to_ms(at - interval * DAY)
        conn.execute(
            "INSERT INTO review_log (card, reviewed_at, day, rating, duration_ms, state_before, due_before, "
            "last_review_before, state_after, due_after, interval_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 2, 0, 1)",
            (rowid, to_ms(at), study_day(at).isoformat(), rating, seconds * 1000, before, due_before, last_before),
        )
    conn.execute("INSERT INTO review_days " + db.REVIEW_DAYS_FROM_LOG)
    conn.execute(
        "INSERT INTO quiz_results (taken_at, day, decks, questions, correct) VALUES (?, '2026-11-30', 'd', 10, 7), "
        "(?, '2026-11-30', 'other', 5, 5)",
        (to_ms(NOW - DAY), to_ms(NOW - DAY)),
    )
    return conn, library


def test_synthetic_collection_counts_cards_and_forecast(synthetic: tuple[Any, Any]) -> None:
    conn, library = synthetic
    data = collect(conn, library, ["d"], NOW)
    assert data["cards"] == {"total": 7, "new": 1, "learning": 1, "review": 3, "young": 1, "mature": 2,
                             "relearning": 1, "suspended": 1, "leeches": 1}  # fmt: skip
    # c1, c4 and the overdue c6; not the suspended c5; reviews and learning apart, as on the home screen
    assert (data["due_today"], data["learning_today"]) == (1, 2)
    assert data["due_today"] == sum(d["due_today"] for d in data["decks"])
    due = {f["date"]: f["due"] for f in data["forecast"] if f["due"]}
    assert due == {"2026-12-01": 3, "2026-12-04": 1, "2026-12-21": 1}


def test_synthetic_history_streaks_and_time(synthetic: tuple[Any, Any]) -> None:
    conn, library = synthetic
    data = collect(conn, library, ["d"], NOW)
    by_day = {h["date"]: (h["reviews"], h["again"], h["hard"], h["good"], h["easy"]) for h in data["history"]}
    assert by_day == {
        "2026-10-22": (1, 1, 0, 0, 0),
        "2026-11-10": (1, 1, 0, 0, 0),
        "2026-11-29": (2, 1, 0, 1, 0),
        "2026-11-30": (1, 0, 0, 1, 0),  # 03:30 on Dec 1 belongs to the day before
        "2026-12-01": (3, 0, 1, 1, 1),
    }
    assert data["reviews_today"] == 3 and data["time_today_seconds"] == 60
    assert data["streak_days"] == 3 and data["longest_streak_days"] == 3
    # before today's first review the streak still counts yesterday's run
    assert collect(conn, library, ["d"], NOW.replace(hour=5))["streak_days"] == 3
    assert len(data["recent_days"]) == 30 and data["recent_days"][-1]["date"] == "2026-12-01"
    assert data["recent_days"][-22]["date"] == "2026-11-10" and data["recent_days"][-22]["again"] == 1


def test_synthetic_retention_young_and_mature(synthetic: tuple[Any, Any]) -> None:
    conn, library = synthetic
    data = collect(conn, library, ["d"], NOW)
    table = {row["period"]: row for row in data["retention_table"]}
    assert (table["today"]["young"], table["today"]["mature"], table["today"]["all"]) == (1.0, 1.0, 1.0)
    week = table["last_7_days"]
    assert (week["young"], week["young_reviews"], week["mature"], week["mature_reviews"]) == (1.0, 2, 0.5, 2)
    month = table["last_30_days"]
    assert (month["young"], month["young_reviews"], month["all"], month["all_reviews"]) == (0.6667, 3, 0.6, 5)
    assert data["retention"] == {"today": 1.0, "last_7_days": 0.75, "last_30_days": 0.6}


def test_synthetic_distributions_and_knowledge(synthetic: tuple[Any, Any]) -> None:
    conn, library = synthetic
    data = collect(conn, library, ["d"], NOW)
    dist = data["distributions"]
    assert [b["cards"] for b in dist["stability"]] == [1, 1, 0, 1, 0, 1, 0, 1, 0, 1]  # 0.5, 1, 5, 30, 100, 400 d
    assert {b["label"]: b["cards"] for b in dist["difficulty"] if b["cards"]} == {
        "1": 1, "3": 1, "5": 1, "7": 1, "9": 1, "10": 1,
    }  # fmt: skip
    # Retrievability against fsrs's own formula, card by card: c3 (300 d at S=30) ~0.69, c6 ~0.76
    expected = []
    for state, stab, diff, last, due, *_ in CARDS.values():
        if state:
            card = CardState(State(state), None, stab, diff, due, last)
            expected.append(scheduler.retrievability(card, NOW))
    assert [b["cards"] for b in dist["retrievability"]] == [0, 0, 0, 0, 0, 0, 1, 1, 0, 4]
    assert data["knowledge"]["cards_studied"] == 6
    assert data["knowledge"]["estimated_recalled_now"] == pytest.approx(sum(expected), abs=0.05)


def test_synthetic_hardest_cards_heatmap_and_quizzes(synthetic: tuple[Any, Any]) -> None:
    conn, library = synthetic
    data = collect(conn, library, ["d"], NOW)
    assert [(h["card"], h["lapses"], h["leech"], h["text"]) for h in data["hardest"]] == [
        ("c3", 9, True, "q3"), ("c2", 2, False, "q2"), ("c4", 1, False, "q4"),
    ]  # fmt: skip
    grid = heatmap(data["history"], NOW.date())
    assert grid.start == date(2025, 12, 1)  # the Monday 52 weeks before this Monday, Nov 30
    assert (
        len(grid.weeks) == HEATMAP_WEEKS and grid.weeks[-1][1] == 3 and grid.weeks[-1][2] is None
    )  # Tue today, Wed future
    assert grid.weeks[-1][0] == 1 and grid.weeks[-2][6] == 2  # Mon Nov 30; Sun Nov 29
    assert (grid.levels[-1][1], grid.levels[-2][6], grid.levels[-1][0], grid.levels[-2][5]) == (4, 3, 2, 0)
    assert [(q["date"], q["score"]) for q in data["quizzes"]] == [("2026-11-30", 0.7)]


def test_the_stats_report_aligns_its_retention_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("RETENTION"))
    table = lines[start : start + 4]
    assert [line.split()[0] for line in table[1:]] == ["today", "last", "last"]
    assert len({len(line) for line in table}) == 1  # every row as wide as the header: the columns line up
    assert all(line.endswith("— (0)") for line in table[1:])  # no reviews yet: a dash, and how many (none)
