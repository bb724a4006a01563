from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from techquiz.config import Config
from techquiz.deck.discovery import load_library
from techquiz.tui.app import StartMode, TechquizApp

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

ALL_TYPES = """\
format: 1
id: all-types
title: Every card type
cards:
  - {id: basic, front: What is the capital of France?, back: Paris, explain: It is on the Seine., source: A geography book.}
  - {id: cloze, type: cloze, text: "The DDE programme was launched in {{c1::2019}} by {{c2::Chinese scientists}}."}
  - {id: choice, type: choice, question: Which year?, choices: ["2012", "2019", "2022"], answer: "2019"}
  - {id: multi, type: choice, question: Which are colours?, choices: [red, dog, blue], answers: [red, blue]}
  - {id: typed, type: typed, question: How many centres?, answer: nine, accept: ["9"]}
  - {id: tf, type: truefalse, statement: The WBA was initiated by China Mobile., answer: false}
  - {id: order, type: order, question: Put in order, items: [first, second, third]}
"""

HOSTILE = """\
format: 1
id: hostile
title: "[bold red]Hostile[/] [@click=app.quit]deck[/]"
cards:
  - {id: markup, front: "[@click=app.quit]Click me[/] [b]bold?[/b] [/broken", back: "\\e]52;c;aGVsbG8=\\a\\e[31mred"}
  - {id: brackets, type: typed, question: "[link=file:///etc/passwd]x[/link] [[", answer: "[/]"}
"""


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., TechquizApp]:
    def make(
        decks: dict[str, str] | None = None,
        mode: StartMode = "home",
        refs: tuple[str, ...] = (),
        quiz_size: int = 10,
        bundled: bool = False,
        now: datetime = NOW,
    ) -> TechquizApp:
        folder = tmp_path / "decks"
        folder.mkdir(exist_ok=True)
        for name, text in (decks if decks is not None else {"all.yaml": ALL_TYPES}).items():
            (folder / name).write_text(text, encoding="utf-8")
        dirs = [folder]
        if bundled:
            from techquiz.config import bundled_decks_dir

            dirs = [bundled_decks_dir(), tmp_path / "data" / "decks"]  # as Config.from_env
        config = Config(tmp_path / "data", tuple(dirs), lambda: now)
        return TechquizApp(config, mode, refs, quiz_size, load_library(dirs), random.Random(4))

    return make


def study_days(app: TechquizApp, days: int) -> None:
    """Give the app's store `days` days of study before `NOW` (a fixed mix of ratings), and a quiz."""
    from datetime import timedelta

    from techquiz.model import Rating
    from techquiz.store import db
    from techquiz.study import StudySession

    random.seed(11)  # fsrs fuzzes intervals with the global generator: the snapshot needs the same dues
    conn = db.connect(app.config.store_path)
    ratings = [Rating.Good, Rating.Again, Rating.Easy, Rating.Good, Rating.Hard]
    moment = [NOW - timedelta(days=days)]
    for day in range(days):
        session = StudySession(conn, list(app.library.decks), lambda: moment[0])
        for i in range(3 + day % 4):
            if session.current() is None:
                break
            session.answer(ratings[(day + i) % len(ratings)], 5000)
            moment[0] += timedelta(minutes=1)
        moment[0] = NOW - timedelta(days=days - day - 1)
    conn.execute(
        "INSERT INTO quiz_results (taken_at, day, decks, questions, correct) VALUES "
        "(1795000000000, '2026-11-19', 'all-types', 5, 3), (1795900000000, '2026-11-30', 'all-types', 5, 4)"
    )
    conn.close()
