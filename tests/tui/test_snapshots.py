"""Snapshots at 80x24 with a fixed clock and seeded shuffles: what a learner sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from techquiz.tui.app import TechquizApp

from .conftest import HOSTILE, study_days

MakeApp = Callable[..., TechquizApp]
SIZE = (80, 24)


def test_home(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app(bundled=True), terminal_size=SIZE)


def test_home_with_a_broken_deck(
    snap_compare: Any, make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # errors name files relative to the working folder
    app = make_app(
        {"hostile.yaml": HOSTILE, "bad.yaml": "format: 1\nid: bad\ntitle: Bad\ncards:\n  - {id: a, front: q}\n"}
    )
    assert snap_compare(app, terminal_size=SIZE)


# The keys that bring each card type to the front; answering Easy moves past the ones before.
SKIP = {"basic": [], "cloze": ["space", "4"], "choice": ["space", "4"] * 3}


@pytest.mark.parametrize("card", ["basic", "cloze", "choice"])
@pytest.mark.parametrize("side", ["front", "back"])
def test_study_card(snap_compare: Any, make_app: MakeApp, card: str, side: str) -> None:
    press = SKIP[card] + (["space"] if side == "back" else [])
    assert snap_compare(make_app(mode="study"), press=press, terminal_size=SIZE)


@pytest.mark.parametrize("side", ["front", "back"])
def test_study_typed_card(snap_compare: Any, make_app: MakeApp, side: str) -> None:
    deck = (
        "format: 1\nid: t\ntitle: Typed\ncards:\n  - {id: t, type: typed, question: How many centres?, answer: nine}\n"
    )
    press = ["n", "i", "e", "n", "enter"] if side == "back" else []
    assert snap_compare(make_app({"t.yaml": deck}, mode="study"), press=press, terminal_size=SIZE)


def test_study_order_and_truefalse(snap_compare: Any, make_app: MakeApp) -> None:
    deck = (
        "format: 1\nid: o\ntitle: Order\ncards:\n"
        "  - {id: o, type: order, question: Put in order, items: [first, second, third]}\n"
    )
    assert snap_compare(make_app({"o.yaml": deck}, mode="study"), press=["down"], terminal_size=SIZE)


def test_quiz_score(snap_compare: Any, make_app: MakeApp) -> None:
    deck = (
        "format: 1\nid: q\ntitle: Q\ncards:\n"
        "  - {id: a, type: truefalse, statement: One is odd, answer: true}\n"
        "  - {id: b, type: truefalse, statement: Two is odd, answer: false}\n"
    )
    app = make_app({"q.yaml": deck}, mode="quiz", quiz_size=2)
    assert snap_compare(app, press=["t", "space", "t", "space"], terminal_size=SIZE)


def test_summary(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app(mode="study"), press=["space", "3", "space", "1", "q"], terminal_size=SIZE)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_stats_screen(snap_compare: Any, make_app: MakeApp, size: tuple[int, int]) -> None:
    app = make_app()
    study_days(app, 12)

    async def open_stats(pilot: Any) -> None:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, run_before=open_stats, terminal_size=size)
