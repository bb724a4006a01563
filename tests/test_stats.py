from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from techquiz.cli import main
from techquiz.deck.discovery import load_library
from techquiz.srs.scheduler import Rating
from techquiz.srs.session import StudySession
from techquiz.stats import collect
from techquiz.store import db

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
    assert data["cards"]["new"] == 52 and len(data["decks"]) == 3
    assert data["forecast"][0]["date"] == "2026-12-01" and len(data["forecast"]) == 30
    assert (START + timedelta(days=1)).date().isoformat() == data["forecast"][1]["date"]


def test_unknown_deck_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("techquiz: unknown deck 'nope' (decks found: ") and err.count("\n") == 1
