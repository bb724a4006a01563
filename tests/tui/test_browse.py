"""The browse screen at 80x24: search as you type, the table, Card Info, the actions and their
undo, preview, sorting, custom study from a search, and the end screen's offers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from techquiz.model import Rating
from techquiz.srs import scheduler
from techquiz.store import progress
from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.browse import BrowseScreen, DueDialog, PreviewScreen
from techquiz.tui.screens.study import StudyScreen
from techquiz.tui.screens.summary import SummaryScreen
from techquiz.tui.widgets.card_table import CardTable

from .conftest import ALL_TYPES, HOSTILE, NOW

MakeApp = Callable[..., TechquizApp]
SIZE = (80, 24)
SUBCARDS = 8  # ALL_TYPES: 7 cards, the cloze one has two deletions


async def settle(pilot: Pilot[int], app: TechquizApp) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_browse(pilot: Pilot[int], app: TechquizApp) -> BrowseScreen:
    """Open browse and go from the search box (where it opens) to the table, as enter does."""
    await pilot.press("b")
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, BrowseScreen)
    assert isinstance(screen.focused, Input)
    await pilot.press("enter")
    assert isinstance(screen.focused, CardTable)
    return screen


async def test_browse_opens_in_the_search_box_so_letters_search_and_never_act(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        before = column(app, "due")
        await pilot.press("space", *"def", "@")  # d (due), e (edit), f (forget), @ (suspend) as text
        await pilot.pause(0.2)
        await settle(pilot, app)
        assert screen.query_one("#browse-query", Input).value == 'deck:"all-types" def@'
        assert column(app, "due") == before and column(app, "suspended") == [0] * len(before)
        assert isinstance(app.screen, BrowseScreen)


async def search(pilot: Pilot[int], app: TechquizApp, query: str) -> None:
    box = app.screen.query_one("#browse-query", Input)
    box.focus()
    await pilot.pause()
    box.value = query
    await pilot.pause(0.2)  # the typing pause
    await settle(pilot, app)


def status(app: TechquizApp) -> str:
    return str(app.screen.query_one("#browse-status", Static).render())


def info(app: TechquizApp) -> str:
    return str(app.screen.query_one("#info-card", Static).render())


def table_text(table: CardTable) -> str:
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def column(app: TechquizApp, name: str) -> list[object]:
    return [r[0] for r in app.conn.execute(f"SELECT {name} FROM cards ORDER BY id")]


async def test_b_opens_browse_on_the_highlighted_deck_with_card_info(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot, app)
        assert screen.query_one("#browse-query", Input).value == 'deck:"all-types"'
        table = screen.query_one(CardTable)
        assert len(table.ids) == SUBCARDS and status(app) == f"{SUBCARDS} cards"
        text = table_text(table)
        assert "Deck▲" in text and "What is the capit" in text, text
        assert "What is the capital of France?" in info(app) and "Paris" in info(app)
        assert "File" in info(app) and "all.yaml:5" in info(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, BrowseScreen)


async def test_typing_searches_and_a_bad_query_points_at_its_column(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot, app)
        table = screen.query_one(CardTable)
        await search(pilot, app, "type:cloze or capital")
        assert len(table.ids) == 3 and status(app) == "3 cards"
        await search(pilot, app, "type:cloze prop:ivl>x")
        assert status(app).startswith(" " * 20 + "^") and "prop:ivl needs a number" in status(app)
        assert len(table.ids) == 3  # the last good results stay
        await pilot.press("escape")  # out of the search box first
        assert isinstance(app.screen, BrowseScreen) and app.screen.focused is table


async def test_suspend_and_undo_from_the_browse_screen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(pilot, app)
        await pilot.press("@")
        await settle(pilot, app)
        assert column(app, "suspended")[0] == 1
        assert any("1 card suspended" in n.message for n in app._notifications)
        assert "suspended" in info(app)
        await pilot.press("u")
        await settle(pilot, app)
        assert column(app, "suspended")[0] == 0
        assert any("Undid: 1 card suspended" in n.message for n in app._notifications)


async def test_marked_cards_are_buried_together_and_forgotten(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot, app)
        await pilot.press("space", "space")  # mark the first two (the cursor moves down)
        assert len(screen.query_one(CardTable).marked) == 2
        await pilot.press("minus")
        await settle(pilot, app)
        buried = column(app, "buried_until")
        assert buried[:2] == ["2026-12-02", "2026-12-02"] and buried[2] is None
        assert not screen.query_one(CardTable).marked


async def test_set_due_date_asks_for_the_days(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(pilot, app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DueDialog)
        await pilot.press("x", "enter")
        assert "--due takes days" in str(app.screen.query_one("#due-error", Static).render())
        await pilot.press("backspace", "3", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, BrowseScreen)
        assert column(app, "state")[0] == 2 and column(app, "due")[0] is not None


async def test_enter_previews_the_card_and_space_shows_the_answer(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(pilot, app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        assert "capital of France" in str(app.screen.query_one("#preview-prompt", Static).render())
        await pilot.press("space")
        answer = str(app.screen.query_one("#preview-answer", Static).render())
        assert "Paris" in answer and "on the Seine" in answer
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)


async def test_card_info_shows_the_history_and_a_recall_chart(make_app: MakeApp) -> None:
    app = make_app()
    for days, rating in ((20, Rating.Good), (12, Rating.Good), (2, Rating.Again)):
        moment = NOW - timedelta(days=days)
        progress.answer(app.conn, 1, rating, moment, moment.date(), 6000,
                        lambda before, r=rating, m=moment: scheduler.review(before, r, m, fuzz=False))  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot, app)
        history = str(screen.query_one("#info-history", Static).render())
        assert history.index("Again") < history.index("Good")  # newest first
        assert history.count("Good") == 2 and "6.0s" in history
        assert "First review  2026-11-11" in info(app) and "Latest review 2026-11-29" in info(app)
        # Added when the app synced the deck, at NOW (the history above was put in by hand, earlier).
        assert f"Added         {NOW.astimezone():%Y-%m-%d %H:%M}" in info(app)
        app.conn.execute("UPDATE cards SET added = NULL WHERE id = 2")  # a card from an older store
        chart = str(screen.query_one("#info-chart", Static).render())
        assert chart.startswith("Recall over time █") and chart.endswith("% now")  # 100% at the first review
        assert len(set(chart.split()[3])) > 2  # it falls between reviews
        await pilot.press("down")
        await pilot.pause()
        assert "Not reviewed yet." in str(screen.query_one("#info-history", Static).render())
        assert "Added         not recorded (an older store)" in info(app)


async def test_sorting_by_a_column_and_reversing(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot, app)
        table = screen.query_one(CardTable)
        first = list(table.ids)
        await pilot.press("o")  # deck -> type
        await settle(pilot, app)
        assert table.sort == "type" and "Type▲" in table.render_line(0).text
        types = [r.card_type for r in screen._rows(table.ids)]
        assert types == sorted(types)
        await pilot.press("r")
        await settle(pilot, app)
        assert "Type▼" in table.render_line(0).text
        assert [r.card_type for r in screen._rows(table.ids)] == sorted(types, reverse=True)
        await pilot.click(CardTable, offset=(2, 0))  # the Deck header
        await settle(pilot, app)
        assert table.sort == "deck" and list(table.ids) == first


async def test_the_table_reads_only_the_rows_it_draws(make_app: MakeApp) -> None:
    cards = "".join(f"  - {{id: c{i}, front: 'Question {i}', back: '{i}'}}\n" for i in range(2500))
    app = make_app({"big.yaml": f"format: 1\nid: big\ntitle: Big\ncards:\n{cards}"})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot, app)
        table = screen.query_one(CardTable)
        assert len(table.ids) == 2500
        assert len(table._rows) <= 100  # one page, not 2,500 rows
        await pilot.press("end")
        await pilot.pause()
        assert "Question 2499" in table_text(table)
        assert len(table._rows) <= 200


async def test_deck_text_is_never_markup_in_the_table_or_card_info(make_app: MakeApp) -> None:
    app = make_app({"hostile.yaml": HOSTILE})
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_browse(pilot, app)
        text = table_text(screen.query_one(CardTable))
        assert "[@click=app.quit]Click" in text, text
        assert "[@click=app.quit]Click me[/] [b]bold?[/b] [/broken" in info(app)
        assert app.is_running


async def test_study_a_search_previews_cards_not_yet_due(make_app: MakeApp) -> None:
    app = make_app({"all.yaml": ALL_TYPES})
    later = NOW + timedelta(days=5)
    app.conn.execute("UPDATE cards SET state = 2, stability = 9, difficulty = 5, due = ?, last_review = ? WHERE id = 1",
                     (int(later.timestamp() * 1000), int((NOW - timedelta(days=4)).timestamp() * 1000)))  # fmt: skip
    before = app.conn.execute("SELECT state, due, reps FROM cards WHERE id = 1").fetchone()
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(pilot, app)
        await search(pilot, app, "capital")
        await pilot.press("escape", "S")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        await pilot.press("space", "3")
        await pilot.pause()
        assert app.conn.execute("SELECT state, due, reps FROM cards WHERE id = 1").fetchone() == before
        assert app.conn.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 0


async def test_the_end_screen_offers_study_ahead_the_forgotten_and_a_quiz(make_app: MakeApp) -> None:
    app = make_app()
    soon = int((NOW + timedelta(days=3)).timestamp() * 1000)
    app.conn.execute("UPDATE cards SET state = 2, stability = 5, difficulty = 5, due = ?, last_review = ?",
                     (soon, soon - 5 * 86_400_000))  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")  # study all: nothing is due
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = str(app.screen.query_one("#summary-text", Static).render())
        assert f"study ahead: {SUBCARDS} card(s) due in the next 7 days" in text
        assert "forgot today" not in text and "a quiz" in text
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)


async def test_b_from_study_browses_the_deck_of_the_card(make_app: MakeApp) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_browse(pilot, app)
        assert screen.query_one("#browse-query", Input).value == 'deck:"all-types"'
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)


async def test_a_deck_saved_while_browsing_is_searched_as_saved(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot, app)
        await search(pilot, app, "Lyon")
        assert status(app) == "0 cards"
        deck = tmp_path / "decks" / "all.yaml"
        deck.write_text(ALL_TYPES.replace("back: Paris", "back: Paris (not Lyon)"), encoding="utf-8")
        app.reload_library()
        await settle(pilot, app)
        assert status(app) == "1 card" and len(screen.query_one(CardTable).ids) == 1


async def test_e_edits_the_card_and_the_table_shows_the_new_text(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "editor.log"
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\necho "$@" > {log}\nsed -i "s/capital of France/capital city of France/" "$2"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert log.read_text().split()[0] == "+5"
        assert isinstance(app.screen, BrowseScreen)
        assert "capital city of France" in info(app)
        await search(pilot, app, '"city of france"')
        assert status(app) == "1 card"
