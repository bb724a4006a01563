"""The line above a card, shared by study and quiz: title, counts and a progress bar."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


def status_bar() -> ComposeResult:
    yield Horizontal(Static(id="deck-title"), Static(id="counts"), id="status")
    yield ProgressBar(id="progress", show_eta=False)
