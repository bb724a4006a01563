"""A narrow terminal (a phone through `techquiz serve`, a split pane): every grade stays on screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Button

from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.study import StudyScreen


@pytest.mark.parametrize("width", [44, 53, 59])
async def test_every_grade_button_fits_and_takes_a_click(make_app: Callable[..., TechquizApp], width: int) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(width, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.has_class("-narrow")
        await pilot.press("space")
        buttons = list(screen.query(".grade").results(Button))
        assert len(buttons) == 4
        for button in buttons:
            region = button.region
            assert region.x >= 0 and region.right <= width, f"{button.id} is cut off at {width} columns"
            assert region.width >= len(str(button.label)), f"{button.id}'s label is cut at {width} columns"
        first = screen.card
        await pilot.click("#grade-3")
        await pilot.pause()
        assert app.conn.execute("SELECT rating FROM review_log").fetchall() == [(3,)]
        assert screen.card is not first


async def test_a_wide_terminal_keeps_the_grades_in_one_row(make_app: Callable[..., TechquizApp]) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        screen = app.screen
        assert not screen.has_class("-narrow")
        rows = {button.region.y for button in screen.query(".grade").results(Button)}
        assert len(rows) == 1
