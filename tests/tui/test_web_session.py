"""The app as `techquiz serve` runs it for a browser (Textual's web driver)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App

from techquiz.tui.app import TechquizApp


@pytest.fixture
def editor_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR is a script that leaves this file behind when it runs."""
    marker = tmp_path / "editor-ran"
    editor = tmp_path / "editor.sh"
    editor.write_text(f"#!/bin/sh\ntouch '{marker}'\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    return marker


async def test_e_does_not_start_an_editor_on_the_serving_computer(
    make_app: Callable[..., TechquizApp], editor_ran: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(App, "is_web", property(lambda self: True))
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        notes = [str(note.message) for note in app._notifications]
    assert any("Editing a deck needs techquiz in a terminal" in note for note in notes)
    assert not editor_ran.exists()


async def test_in_a_terminal_e_runs_the_editor(make_app: Callable[..., TechquizApp], editor_ran: Path) -> None:
    app = make_app(mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
    assert editor_ran.exists()
