"""Study and quiz never mislead a learner (issue 12): one test or more per point, at three sizes
where layout is concerned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, OptionList, Static

from techquiz.model import Rating
from techquiz.store import db
from techquiz.store.timeutil import from_ms
from techquiz.study import StudySession
from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.home import HomeScreen
from techquiz.tui.screens.quiz import EndQuizScreen, QuizScoreScreen, QuizScreen, score_style
from techquiz.tui.screens.study import StudyScreen
from techquiz.tui.screens.summary import SummaryScreen
from techquiz.tui.widgets.answers import LETTERS
from techquiz.tui.widgets.question import QuestionView

from .conftest import NOW

MakeApp = Callable[..., TechquizApp]
SIZES = [(60, 20), (80, 24), (160, 50)]


def deck(*cards: str, settings: str = "") -> dict[str, str]:
    return {"t.yaml": f"format: 1\nid: t\ntitle: T\n{settings}cards:\n" + "".join(f"  - {c}\n" for c in cards)}


def study_screen(app: TechquizApp) -> StudyScreen:
    assert isinstance(app.screen, StudyScreen)
    return app.screen


def burst(app: TechquizApp, *keys: str) -> None:
    """Keys as a fast typist sends them: all queued before the app handles the first."""
    for key in keys:
        character = " " if key == "space" else (key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def settle(pilot: Pilot[int]) -> None:
    for _ in range(5):
        await pilot.pause()


def prompts(view: QuestionView) -> list[str]:
    return [str(option.prompt) for option in view.query_one("#choices", OptionList).options]


# ---- 1. choices are mixed, stable while shown and after undo ---------------------------------------
async def test_choices_are_mixed_and_stable_after_undo(make_app: MakeApp) -> None:
    choices = [f"option {i}" for i in range(6)]
    app = make_app(deck(f"{{id: c, type: choice, question: Which?, choices: [{', '.join(choices)}], answer: option 0}}"),
                   mode="study")  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        view = study_screen(app).view
        shown = prompts(view)
        assert sorted(p[3:] for p in shown) == choices and [p[3:] for p in shown] != choices
        await pilot.press(LETTERS[[p[3:] for p in shown].index("option 0")])
        assert view.outcome is not None and view.outcome.correct
        await pilot.press("3", "u")
        await settle(pilot)
        assert prompts(study_screen(app).view) == shown


# ---- 4. keys belong to the card they were typed for ------------------------------------------------
async def test_keys_typed_right_after_a_grade_go_to_the_next_card(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "editor.log"
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\necho opened >> {log}\n")
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = make_app(deck("{id: a, front: q, back: r}", "{id: t, type: typed, question: Which company?, answer: us@ China Telecom}"),
                   mode="study")  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        burst(app, "3", *"us@ China Telecom", "enter")
        await settle(pilot)
        screen = study_screen(app)
        assert not log.exists()  # no e opened the editor
        assert screen.card is not None and screen.card.card.id == "t"
        assert screen.view.outcome is not None and screen.view.outcome.correct  # every letter went into the answer
        assert app.conn.execute("SELECT COUNT(*) FROM cards WHERE suspended = 1").fetchone()[0] == 0
        assert app.conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1  # no u took it back
        burst(app, "4", "s", "e")  # a grade, then keys meant for the next card (here: the first, again)
        await settle(pilot)
        assert app.conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 2


async def test_a_pick_and_a_grade_typed_together_stay_in_order(make_app: MakeApp) -> None:
    app = make_app(deck("{id: c, type: truefalse, statement: Water is wet., answer: true}", "{id: b, front: q, back: r}"),
                   mode="study")  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "t", "4", "space")
        await settle(pilot)
        rows = app.conn.execute("SELECT c.card_id, r.rating FROM review_log r JOIN cards c ON c.id = r.card").fetchall()
        assert rows == [("c", 4)]
        screen = study_screen(app)
        assert screen.card is not None and screen.card.card.id == "b" and screen.view.outcome is not None


# ---- 5. typed cards ------------------------------------------------------------------------------------
TYPED = deck("{id: n, type: typed, question: How many?, answer: twenty-nine, hint: a number in words}",
             "{id: b, front: q, back: r}")  # fmt: skip


async def test_hint_key_does_not_type_and_is_in_the_footer(make_app: MakeApp) -> None:
    app = make_app(TYPED, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = study_screen(app)
        await pilot.press("h")  # a letter: it types
        assert screen.view.query_one(Input).value == "h"
        shown = [b.binding for b in screen.active_bindings.values() if b.enabled and b.binding.show]
        assert ("ctrl+t", "Hint") in [(b.key, b.description) for b in shown]
        await pilot.press("ctrl+t")
        assert screen.view.query_one("#hint-line").display
        assert screen.view.query_one(Input).value == "h"
        assert "a number in words" in str(screen.view.query_one("#hint-line", Static).render())


async def test_escape_leaves_the_answer_box_then_keys_work_then_escape_ends(make_app: MakeApp) -> None:
    app = make_app(TYPED, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = study_screen(app)
        await pilot.press("escape")
        assert not isinstance(app.focused, Input) and isinstance(app.screen, StudyScreen)
        await pilot.press("h")  # now h is the hint key
        assert screen.view.query_one("#hint-line").display
        await pilot.press("i", *"twenty nine", "enter")  # i goes back into the box
        assert screen.view.outcome is not None and screen.view.outcome.correct  # a hyphen is a space
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)


async def test_suspend_before_answering_a_typed_card(make_app: MakeApp) -> None:
    app = make_app(TYPED, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "@")
        await settle(pilot)
        assert app.conn.execute("SELECT card_id FROM cards WHERE suspended = 1").fetchall() == [("n",)]


async def test_you_typed_marks_differences_without_colour(make_app: MakeApp) -> None:
    app = make_app(TYPED, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = study_screen(app)
        await pilot.press(*"twenty nne", "enter")
        text = str(screen.view.query_one("#result", Static).render())
        assert "You typed: twenty n[+i+]ne" in text


# ---- 6. leeches ------------------------------------------------------------------------------------------
async def test_a_leech_is_suspended_and_the_learner_told_with_undo(make_app: MakeApp) -> None:
    app = make_app(deck("{id: a, front: q, back: r}", "{id: b, front: q2, back: r2}", settings="settings: {leech_lapses: 1}\n"),
                   mode="study")  # fmt: skip
    conn = db.connect(app.config.store_path)
    moment = NOW - timedelta(days=30)
    session = StudySession(conn, list(app.library.decks), lambda: moment)
    session.answer(Rating.Easy, 1000)  # a: learned a month ago, due by now
    conn.close()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = study_screen(app)
        assert screen.card is not None and screen.card.card.id == "a"
        await pilot.press("space", "1")
        await settle(pilot)
        assert app.conn.execute("SELECT leech, suspended FROM cards WHERE card_id = 'a'").fetchone() == (1, 1)
        assert any("Leech" in str(n.message) and "u undoes" in str(n.message) for n in app._notifications)
        assert screen.card is not None and screen.card.card.id == "b"
        await pilot.press("u")
        await settle(pilot)
        assert app.conn.execute("SELECT leech, suspended FROM cards WHERE card_id = 'a'").fetchone() == (0, 0)
        assert screen.card is not None and screen.card.card.id == "a"


# ---- 8. quiz ----------------------------------------------------------------------------------------------
QUIZ = deck(*(f"{{id: c{i}, front: 'Question {i}?', back: 'Answer number {i}'}}" for i in range(6)))


async def test_escape_asks_before_a_quiz_ends_and_an_unfinished_quiz_says_so(make_app: MakeApp) -> None:
    app = make_app(QUIZ, mode="quiz", quiz_size=5)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("a", "space")  # one answered
        await pilot.press("escape")
        assert isinstance(app.screen, EndQuizScreen)
        await pilot.press("n")
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, QuizScoreScreen)
        assert "ended early: 1 of 5" in str(app.screen.query_one("#score", Static).render())
        row = app.conn.execute("SELECT questions, planned FROM quiz_results").fetchone()
        assert tuple(row) == (1, 5)


async def test_suspended_cards_stay_out_of_the_quiz(make_app: MakeApp) -> None:
    app = make_app(QUIZ, mode="home", quiz_size=10)
    app.conn.execute("UPDATE cards SET suspended = 1 WHERE card_id IN ('c0', 'c1')")
    app.conn.commit()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, QuizScreen)
        assert {q.card.id for q in app.screen.questions} == {"c2", "c3", "c4", "c5"}


def test_the_score_colour_follows_the_score() -> None:
    assert score_style(9, 10) == "bold $success"
    assert score_style(6, 10) == "bold $warning"
    assert score_style(1, 10) == "bold $error"


# ---- 11. layout at three sizes ------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
async def test_home_columns_fit(make_app: MakeApp, size: tuple[int, int]) -> None:
    app = make_app(bundled=True)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one(DataTable)
        widths = sum(c.get_render_width(table) for c in table.columns.values())
        assert widths <= table.content_region.width  # no count column cut off
        info = app.screen.query_one("#deck-info")
        assert info.display and info.region.bottom <= size[1] - 1
        if size[0] >= 160:  # a wide terminal shows long titles whole
            deck_column = next(iter(table.columns.values()))
            assert deck_column.width >= max(len(d.title) for d in app.library.decks)


@pytest.mark.parametrize("size", SIZES)
async def test_grade_buttons_and_header_fit(make_app: MakeApp, size: tuple[int, int]) -> None:
    app = make_app(bundled=True, mode="study")
    async with app.run_test(size=size) as pilot:
        await pilot.press("space")
        await settle(pilot)
        screen = study_screen(app)
        buttons = list(screen.query(Button))
        assert len(buttons) == 4
        for button in buttons:
            assert button.region.right <= size[0] and button.region.width >= len(str(button.label))
        title, counts = screen.query_one("#deck-title").region, screen.query_one("#counts").region
        assert title.right < counts.x  # a gap: words never run together
        assert counts.right <= size[0]
        keys = [key for key in screen.query("FooterKey") if key.display]
        assert keys and max(key.region.right for key in keys) <= size[0]  # every key in the footer shows
        assert any(key.has_class("-command-palette") for key in keys) == (size[0] >= 72)


@pytest.mark.parametrize("size", SIZES)
async def test_stats_show_the_current_week_and_labels_stand_apart(make_app: MakeApp, size: tuple[int, int]) -> None:
    from techquiz.tui.screens.stats import StatsScreen
    from techquiz.tui.widgets.barchart import BarChart
    from techquiz.tui.widgets.heatmap import HeatmapView

    from .conftest import study_days

    app = make_app(bundled=True)
    study_days(app, 5)
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        for _ in range(20):
            await pilot.pause()
            if isinstance(app.screen, StatsScreen) and app.screen.query(HeatmapView):
                break
        heat = app.screen.query_one(HeatmapView)
        lines = heat.render().plain.splitlines()
        assert max(len(line) for line in lines) <= heat.size.width <= size[0]  # nothing cropped
        assert (
            heat.region.right <= app.screen.query_one("#stats").scrollable_content_region.right
        )  # not under the scrollbar
        monday = lines[1]
        assert monday.rstrip().endswith("■")  # the current week is the last column shown
        for chart in app.screen.query(BarChart):  # x labels never run together
            lines = chart.render().plain.splitlines()
            axis_labels = lines[-2] if len(chart.series) > 1 else lines[-1]
            assert set(axis_labels.split()) <= set(chart.labels), axis_labels
        summary = str(app.screen.query_one("#stats-summary", Static).render())
        labels = [line.split()[0] for line in summary.splitlines()[1:] if line.strip()]
        assert labels[:4] == ["Today", "Due", "Streak", "Knowledge"]


@pytest.mark.parametrize("size", SIZES)
async def test_the_verdict_and_the_answer_are_in_view(make_app: MakeApp, size: tuple[int, int]) -> None:
    app = make_app(TYPED, mode="study")
    async with app.run_test(size=size) as pilot:
        await pilot.press(*"twenty nne", "enter")
        await settle(pilot)
        result = study_screen(app).view.query_one("#result")
        assert result.region.height == result.size.height == 3  # verdict, "You typed", answer: none cut off
        assert app.screen.query_one("#grades").region.bottom <= size[1] - 1  # above the footer


# ---- 3. the four buttons mean four different things ------------------------------------------------------
async def test_a_relearning_card_buys_something_with_easy(make_app: MakeApp) -> None:
    """FSRS alone offers Good 1d and Easy 1d here; Easy must be longer, and give what it shows."""
    first = make_app(deck("{id: a, front: q, back: r}"))
    conn = db.connect(first.config.store_path)
    moment = [NOW]
    session = StudySession(conn, list(first.library.decks), lambda: moment[0])
    session.answer(Rating.Good, 1000)
    moment[0] += timedelta(minutes=10)
    session.answer(Rating.Good, 1000)
    moment[0] = from_ms(conn.execute("SELECT due FROM cards").fetchone()[0])  # lapsed on its day
    StudySession(conn, list(first.library.decks), lambda: moment[0]).answer(Rating.Again, 1000)
    conn.close()
    app = make_app(deck("{id: a, front: q, back: r}"), mode="study", now=moment[0] + timedelta(minutes=10))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        labels = [str(b.label).split()[-1] for b in app.screen.query(".grade")]
        assert labels[2] == "1d" and labels[3] == "2d", labels
        await pilot.press("4")
        await settle(pilot)
        due, last = app.conn.execute("SELECT due, last_review FROM cards").fetchone()
        assert (due - last) / 86_400_000 == 2  # the interval the button showed (no fuzz under 2.5 days)
