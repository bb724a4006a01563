"""The stats screen's summary reads as English for one and for many."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.stats import StatsScreen

from .conftest import NOW


async def test_one_review_today_is_one_review(make_app: Callable[..., TechquizApp]) -> None:
    deck = "format: 1\nid: d\ntitle: D\ncards:\n  - {id: a, front: q1, back: a1}\n  - {id: b, front: q2, back: a2}\n"
    app = make_app({"d.yaml": deck}, mode="study", refs=("d",), now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "3", "s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        summary = str(app.screen.query_one("#stats-summary", Static).render())
        assert "1 review · " in summary
