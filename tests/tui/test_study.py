from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.home import HomeScreen
from techquiz.tui.screens.quiz import QuizScreen
from techquiz.tui.screens.stats import StatsScreen
from techquiz.tui.screens.study import StudyScreen
from techquiz.tui.screens.summary import SummaryScreen
from techquiz.tui.widgets.answers import LETTERS, OrderList
from techquiz.tui.widgets.question import QuestionView

from .conftest import ALL_TYPES, HOSTILE, study_days

MakeApp = Callable[..., TechquizApp]


def letter(screen: StudyScreen, choice: str) -> str:
    """The letter of a choice as shown (choices are mixed)."""
    assert screen.view.question is not None
    return LETTERS[screen.view.question.choices.index(choice)]


def reviews(app: TechquizApp) -> int:
    return int(app.conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0])


async def goto_card(pilot, app: TechquizApp, card_id: str) -> StudyScreen:  # type: ignore[no-untyped-def]
    """Answer Easy until the card with this id is on screen."""
    for _ in range(20):
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert screen.card is not None
        if screen.card.card.id == card_id:
            return screen
        await pilot.press("enter" if screen.card.card.type_name == "typed" else "space")
        await pilot.press("4")
        await pilot.pause()
    raise AssertionError(f"card {card_id} never came")


async def test_basic_reveal_and_grade_is_on_disk(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.card is not None
        assert screen.card.card.id == "basic"
        assert not screen.query_one("#grades").display
        await pilot.press("space")
        assert screen.query_one("#grades").display
        assert "Paris" in str(screen.query_one("#result").render())
        await pilot.press("3")
        await pilot.pause()
        assert reviews(app) == 1  # committed before the next card showed
        assert screen.card is not None and screen.card.card.id != "basic"


async def test_space_after_the_answer_accepts_good(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "space")
        await pilot.pause()
        assert app.conn.execute("SELECT rating FROM review_log").fetchone() == (3,)


async def test_grade_buttons_show_intervals_and_click(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        labels = [str(b.label) for b in app.screen.query(".grade")]
        assert labels == ["1 Again 1m", "2 Hard 6m", "3 Good 10m", "4 Easy 8d"]
        await pilot.click("#grade-4")
        await pilot.pause()
        assert app.conn.execute("SELECT rating FROM review_log").fetchone() == (4,)


async def test_cloze_shows_the_blank_then_the_sentence(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, "cloze")
        assert "launched in [...] by Chinese scientists" in str(screen.query_one("#prompt").render())
        await pilot.press("space")
        assert "launched in 2019 by Chinese scientists" in str(screen.query_one("#result").render())


async def test_choice_by_letter_suggests_good_when_right(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, "choice")
        await pilot.press(letter(screen, "2019"))
        assert screen.view is not None and screen.view.outcome is not None and screen.view.outcome.correct
        assert "suggested" in screen.query_one("#grade-3").classes
        await pilot.press("enter")  # accepts the suggestion
        await pilot.pause()
        assert app.conn.execute("SELECT rating FROM review_log ORDER BY id DESC").fetchone() == (3,)


async def test_choice_with_arrows_and_a_wrong_answer(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, "choice")
        assert screen.view.question is not None
        place = screen.view.question.choices.index("2022")  # choices are mixed: find it
        await pilot.press(*["down"] * (place + 1), "enter")  # the first down highlights the first choice
        assert screen.view is not None and screen.view.outcome is not None
        assert screen.view.outcome.correct is False and screen.view.outcome.given == "2022"
        assert "suggested" in screen.query_one("#grade-1").classes


async def test_multiple_answers_need_every_right_choice(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, "multi")
        await pilot.press(letter(screen, "red"), letter(screen, "blue"), "space")
        assert screen.view is not None and screen.view.outcome is not None and screen.view.outcome.correct


async def test_typed_answer_is_checked_loosely_and_diffed(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, "typed")
        await pilot.press("N", "i", "n", "e", "space", "enter")  # 'Nine ' counts
        assert screen.view is not None and screen.view.outcome is not None and screen.view.outcome.correct
        await pilot.press("space")
        await pilot.pause()
        assert app.conn.execute("SELECT rating FROM review_log ORDER BY id DESC").fetchone() == (3,)


@pytest.mark.parametrize(
    ("card", "key"), [("tf", "space"), ("tf", "enter"), ("choice", "enter"), ("choice", "space"), ("multi", "enter")]
)
async def test_no_verdict_without_an_answer(make_app: MakeApp, card: str, key: str) -> None:
    """Point 2: nothing highlighted before a pick; space / enter reveal with no verdict and no suggestion."""
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, card)
        lists = [w for w in screen.view.query(".answer") if w.display]
        assert len(lists) == 1 and getattr(lists[0], "highlighted", None) is None
        await pilot.press(key)
        assert screen.view.outcome is not None and screen.view.outcome.correct is None
        result = str(screen.view.query_one("#result").render())
        assert "Not right" not in result and "Right" not in result and "Answer:" in result
        assert not screen.query(".suggested")
        await pilot.press("2")  # the learner grades
        await pilot.pause()
        assert app.conn.execute("SELECT rating FROM review_log ORDER BY id DESC").fetchone() == (2,)


async def test_truefalse_keys(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, "tf")
        await pilot.press("f")
        assert screen.view is not None and screen.view.outcome is not None and screen.view.outcome.correct


async def test_order_items_move_and_check(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, "order")
        view = screen.view
        order = view.query_one(OrderList)
        assert order.items != ["first", "second", "third"]
        # Put them right with the keys: bubble each item into place.
        for target, item in enumerate(["first", "second", "third"]):
            while order.items.index(item) != target:
                order.highlighted = order.items.index(item)
                await pilot.press("K")
        await pilot.press("enter")
        assert view.outcome is not None and view.outcome.correct


async def test_undo_brings_the_card_back_and_removes_the_review(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "3")
        await pilot.pause()
        assert reviews(app) == 1
        await pilot.press("u")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.card is not None
        assert screen.card.card.id == "basic"
        assert reviews(app) == 0


async def test_edit_opens_the_editor_at_the_card_and_reloads(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "editor.log"
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\necho "$@" > {log}\nsed -i "s/capital of France/capital city of France/" "$2"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert log.read_text().split()[0] == "+5"
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert "capital city of France" in str(screen.query_one("#prompt").render())


async def test_edit_of_a_bundled_deck_edits_a_copy_in_the_user_folder(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nsed -i "0,/front: /s/front: .*/front: My own wording?/" "$2"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = make_app(mode="study", bundled=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.card is not None
        bundled = screen.card.deck.path
        original = bundled.read_text(encoding="utf-8")
        await pilot.press("e")
        await pilot.pause()
        copy = tmp_path / "data" / "decks" / bundled.name
        assert copy.exists() and bundled.read_text(encoding="utf-8") == original  # the installed file is untouched
        deck = app.library.find(screen.card.deck.id)
        assert deck is not None and deck.path == copy  # the copy takes the bundled deck's place, same id
        assert not app.library.broken


async def test_suspend_key_takes_the_card_out_and_undo_returns_it(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("@")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.card is not None
        assert screen.card.card.id != "basic"
        assert app.conn.execute("SELECT card_id FROM cards WHERE suspended = 1").fetchall() == [("basic",)]
        await pilot.press("u")
        await pilot.pause()
        assert screen.card is not None and screen.card.card.id == "basic"
        assert app.conn.execute("SELECT COUNT(*) FROM cards WHERE suspended = 1").fetchone()[0] == 0


async def test_order_answer_marks_each_place(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await goto_card(pilot, app, "order")
        order = screen.view.query_one(OrderList)
        await pilot.press("enter")  # the shuffled order, checked as it is
        marks = [str(option.prompt)[0] for option in order.options]
        expected = ["✓" if a == b else "✗" for a, b in zip(order.items, ["first", "second", "third"], strict=True)]
        assert marks == expected and "✗" in marks


async def test_end_shows_summary_then_home(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "3", "q")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = str(app.screen.query_one("#summary-text").render())
        assert "1 answer to 1 card" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_escape_ends_too(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_stats_and_help_keys(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert isinstance(app.screen, StudyScreen)


async def test_command_palette_opens(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


async def test_nothing_due_says_when(make_app: MakeApp) -> None:
    deck = "format: 1\nid: one\ntitle: One\ncards:\n  - {id: a, front: q, back: b}\n"
    app = make_app({"one.yaml": deck}, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "4")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "The next card is due" in str(app.screen.query_one("#summary-text").render())
    again = make_app({"one.yaml": deck}, mode="study")
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = str(again.screen.query_one("#summary-text").render())
        # an Easy new card's review is due from 04:00 of its day (the day start), not at its hour
        assert "All caught up" in text and "The next card is due" in text and "Dec at 04:00" in text


async def test_home_lists_counts_and_broken_decks(make_app: MakeApp) -> None:
    app = make_app({"all.yaml": ALL_TYPES, "bad.yaml": "format: 1\nid: x\n"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        broken = str(app.screen.query_one("#broken").render())
        assert "bad.yaml:1:1: deck: missing field 'title'" in broken
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)


async def test_hostile_deck_is_shown_literally(make_app: MakeApp) -> None:
    app = make_app({"hostile.yaml": HOSTILE}, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        prompt = str(screen.query_one("#prompt").render())
        assert "[@click=app.quit]Click me[/] [b]bold?[/b] [/broken" in prompt
        await pilot.click("#prompt")
        await pilot.press("space")
        await pilot.pause()
        result = str(screen.query_one("#result").render())
        assert "\x1b" not in result and "\x07" not in result
        assert app.is_running  # no action ran
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("space")
        assert app.is_running


async def test_home_hostile_titles_are_literal(make_app: MakeApp) -> None:
    app = make_app({"hostile.yaml": HOSTILE})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#decks")
        cell = table.get_row_at(0)[0]  # type: ignore[attr-defined]
        assert cell.plain == "[bold red]Hostile[/] [@click=app.quit]deck[/]"
        await pilot.click("#decks")
        assert app.is_running


async def test_quiz_of_typed_cards_scores_and_leaves_the_schedule(make_app: MakeApp) -> None:
    deck = (
        "format: 1\nid: q\ntitle: Q\ncards:\n"
        "  - {id: a, type: typed, question: one?, answer: '1'}\n"
        "  - {id: b, type: typed, question: two?, answer: '2'}\n"
        "  - {id: c, type: typed, question: three?, answer: '3'}\n"
    )
    app = make_app({"q.yaml": deck}, mode="quiz", quiz_size=3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        for _ in range(3):
            view = screen.query_one(QuestionView)
            answer = {"one?": "1", "two?": "2", "three?": "3"}[view.question.prompt]
            await pilot.press(answer, "enter", "space")
            await pilot.pause()
        assert "3 / 3" in str(app.screen.query_one("#score").render())
        assert reviews(app) == 0
        assert app.conn.execute("SELECT questions, correct FROM quiz_results").fetchall() == [(3, 3)]


async def test_quiz_basic_cards_become_choices_and_misses_can_be_retried(make_app: MakeApp) -> None:
    app = make_app(bundled=True, mode="quiz", refs=("tech-opening-up-figures",), quiz_size=4)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        kinds = {q.kind for q in screen.questions}
        assert "reveal" not in kinds
        for _ in range(4):
            typed = screen.query_one(QuestionView).question.kind == "typed"
            await pilot.press("enter" if typed else "space", "space")  # no answer given: a miss
            await pilot.pause()
        assert "0 / 4" in str(app.screen.query_one("#score").render())
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, QuizScreen) and len(app.screen.questions) == 4


async def test_theme_choice_is_remembered(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    again = make_app()
    async with again.run_test(size=(80, 24)):
        assert again.theme == "nord"


async def test_stats_screen_shows_the_numbers_and_switches_to_one_deck(make_app: MakeApp) -> None:
    other = "format: 1\nid: other\ntitle: Other\ncards:\n  - {id: x, front: q, back: a}\n"
    app = make_app({"all.yaml": ALL_TYPES, "other.yaml": other})
    study_days(app, 5)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("s")  # the highlighted deck: all-types, the first row
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StatsScreen)

        def shown(panel: str) -> str:
            return str(screen.query_one(panel).render())

        def footer_keys() -> set[str]:
            return {b.binding.description for b in app.active_bindings.values() if b.enabled and b.binding.show}

        assert shown("#stats-summary").startswith("All decks") and "Streak     5 days" in shown("#stats-summary")
        assert shown("#card-counts").endswith("Total            9")  # 8 sub-cards of all-types + 1 of other
        assert "30 days" in shown("#retention") and "This deck" in footer_keys()
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown("#card-counts").endswith("Total            8")
        assert shown("#stats-summary").startswith("Every card type")
        assert "All decks" in footer_keys() and "This deck" not in footer_keys()
        await pilot.press("d")  # and back to all decks
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert shown("#card-counts").endswith("Total            9")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_saving_a_deck_file_reloads_it_live(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(mode="study")
    deck_file = tmp_path / "decks" / "all.yaml"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.card is not None and screen.card.card.id == "basic"

        async def save(text: str) -> None:
            deck_file.write_text(text, encoding="utf-8")
            app._watch_decks()  # what the 1-second timer does
            await app.workers.wait_for_complete()
            await pilot.pause()

        # An edit: the card on screen shows its new text and the session goes on.
        await save(ALL_TYPES.replace("capital of France", "capital city of France"))
        assert "capital city of France" in str(screen.query_one("#prompt").render())
        # An invalid save: the errors are shown, the last good version stays in use.
        await save(ALL_TYPES.replace("back: Paris", "bak: Paris"))
        assert any("still using its last good version" in n.message for n in app._notifications)
        assert "capital city of France" in str(screen.query_one("#prompt").render())
        assert app.library.find("all-types") is not None and not app.library.broken
        # A new card: the home screen counts it.
        await save(ALL_TYPES + "  - {id: extra, front: New?, back: Yes}\n")
        await pilot.press("q", "enter")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#decks", DataTable)
        new_cell = table.get_row("all-types")[1]
        assert str(new_cell) == "9"  # the 8 sub-cards it had, and the new one


async def test_while_typing_an_answer_ctrl_z_undoes_and_the_footer_says_so(make_app: MakeApp) -> None:
    typed = "format: 1\nid: t\ntitle: T\ncards:\n  - {id: a, front: q, back: b}\n"
    typed += "  - {id: t, type: typed, question: How many?, answer: nine}\n"
    app = make_app({"t.yaml": typed}, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.card is not None and screen.card.card.id == "t"
        footer = {b.binding.key for b in app.active_bindings.values() if b.enabled and b.binding.show}
        assert {"ctrl+z", "escape"} <= footer and "u" not in footer
        await pilot.press("u")  # a letter: part of the answer
        assert screen.query_one("#typed", Input).value == "u"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.card is not None and screen.card.card.id == "a" and reviews(app) == 0


async def test_a_cloze_source_that_is_its_own_sentence_is_not_shown_twice(make_app: MakeApp) -> None:
    deck = (
        "format: 1\nid: s\ntitle: S\ncards:\n"
        '  - {id: c, type: cloze, text: "Built in {{c1::1914}}.", source: "Built in 1914."}\n'
        '  - {id: d, type: cloze, text: "Opened in {{c1::1914}}.", source: "It opened to ships in 1914."}\n'
    )
    app = make_app({"s.yaml": deck}, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.view is not None
        assert not screen.view.query_one("#extra").display  # the revealed sentence is the source
        await pilot.press("3", "space")
        assert "It opened to ships in 1914." in str(screen.view.query_one("#extra").render())
