"""The home screen's counts follow every change without being repainted by hand: back from a session,
after an unsuspend from the command palette, after a reload of the deck files."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable

from techquiz.store import progress
from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.home import HomeScreen

from ..decktext import basic, deck_yaml

MakeApp = Callable[..., TechquizApp]
THREE = deck_yaml("three", basic("a", "qa", "ba"), basic("b", "qb", "bb"), basic("c", "qc", "bc"), title="Three")


def new_count(app: TechquizApp, deck_id: str = "three") -> str:
    home = app.screen
    assert isinstance(home, HomeScreen)
    return str(home.query_one("#decks", DataTable).get_row(deck_id)[1])


async def test_counts_follow_a_session_an_unsuspend_and_a_reload(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app({"three.yaml": THREE})
    async with app.run_test(size=(80, 24)) as pilot:
        assert new_count(app) == "3"
        await pilot.press("enter", "space", "4", "q", "enter")  # study one card (Easy), end, close the summary
        await pilot.pause()
        assert new_count(app) == "2"
        rowid = app.conn.execute("SELECT id FROM cards WHERE card_id = 'b'").fetchone()[0]
        progress.set_suspended(app.conn, rowid, True)  # as `@` in another session would
        await pilot.press("r")  # reload: the home screen counts it out
        await pilot.pause()
        assert new_count(app) == "1"
        await pilot.press("ctrl+p")
        await pilot.press(*"Unsuspend Three")
        await pilot.press("enter")
        await pilot.pause()
        assert new_count(app) == "2"  # b is back: 2 new (c and b)
        (tmp_path / "decks" / "three.yaml").write_text(THREE + "  - {id: d, front: qd, back: bd}\n", encoding="utf-8")
        await pilot.press("r")
        await pilot.pause()
        assert new_count(app) == "3"


async def test_a_tall_terminal_centres_the_decks(make_app: MakeApp) -> None:
    """At 80 rows the decks are not a small block over 60 blank lines; at 24 they stay at the top."""
    for size, centred in (((80, 24), False), ((160, 80), True)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            home = app.screen.query_one("#home")
            top = app.screen.query_one("#greeting").region.y - home.content_region.y
            bottom = home.content_region.bottom - app.screen.query_one("#deck-info").region.bottom
            if centred:
                assert top > 20 and abs(top - bottom) <= 2
            else:
                assert top == 0


async def test_a_one_card_deck_is_one_card(make_app: MakeApp) -> None:
    app = make_app({"one.yaml": deck_yaml("one", basic("q", "Q?", "A"))})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.screen.query_one(DataTable).move_cursor(row=0)
        await pilot.pause()
        info = str(app.screen.query_one("#deck-info").render())
        assert "  1 card · 0 studied · 0 suspended · 0 leeches" in info


async def test_the_gc_paused_for_start_up_runs_again_after_the_first_paint(make_app: MakeApp) -> None:
    # `techquiz` pauses the cyclic GC while it starts (tui/launch.py); a long session must not run without it.
    app = make_app({"three.yaml": THREE})
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what start-up made is frozen, not collected again and again
    finally:
        gc.unfreeze()  # give the test process its objects back
        gc.enable()


async def test_the_palette_lists_the_app_commands_then_the_deck_commands(make_app: MakeApp) -> None:
    # One provider for both: Textual keeps providers in a set, whose order follows memory addresses,
    # so two providers came in either order from one process to the next (this one may not show it).
    assert len(TechquizApp.COMMANDS) == 1
    app = make_app({"three.yaml": THREE})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one(CommandList)
        titles = [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]
        decks = [i for i, title in enumerate(titles) if title.startswith(("Study Three", "Quiz Three"))]
        assert titles[0] == "Browse cards" and decks and min(decks) > titles.index("Quit")
