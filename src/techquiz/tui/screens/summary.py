"""The end of a session: what was studied, and when the next card is due."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from techquiz.study import Summary

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp


def describe_due(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "No card is scheduled: every card is suspended, or the decks are empty."
    local = moment.astimezone()
    minutes = (moment - now).total_seconds() / 60
    if minutes < 1:
        return "The next card is due now."
    if minutes < 60:
        return f"The next card is due in {round(minutes)} minute(s), at {local:%H:%M}."
    if moment.astimezone().date() == now.astimezone().date():
        return f"The next card is due today at {local:%H:%M}."
    return f"The next card is due {local:%a %d %b} at {local:%H:%M}."


class SummaryScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "back", "Back to decks"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "back", "Back", show=False),
        Binding("s", "app.stats", "Stats"),
    ]

    def __init__(self, summary: Summary, next_due: datetime | None, left: int) -> None:
        super().__init__()
        self.summary = summary
        self.next_due = next_due
        self.left = left

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="summary"):
            yield Static(id="summary-text")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        app: TechquizApp = self.app  # type: ignore[assignment]
        s = self.summary
        parts: list[Content | str | tuple[str, str]] = []
        if s.answers == 0:
            parts.append(("All caught up!\n\n", "bold $success"))
            parts.append("There is nothing to study right now.\n")
        else:
            parts.append(("Session complete\n\n" if self.left == 0 else "Session ended\n\n", "bold"))
            minutes = round(s.seconds / 60)
            spent = "under a minute" if s.seconds < 60 else f"{minutes} min"
            first = f"{s.right_first} of {s.cards} card{'s' if s.cards != 1 else ''}"
            if s.first_try_rate is not None:
                first += f" ({s.first_try_rate:.0%})"
            answers = (
                f"{s.answers} answer{'s' if s.answers != 1 else ''} to {s.cards} card{'s' if s.cards != 1 else ''}"
            )
            parts += [
                ("Studied        ", "dim"), (f"{answers}\n", "bold"),
                ("Time           ", "dim"), (f"{spent}\n", "bold"),
                ("Right first    ", "dim"), (f"{first}\n", "bold"),
            ]  # fmt: skip
            if self.left:
                parts.append(("Still to study ", "dim"))
                parts.append((f"{self.left}\n", "bold"))
        parts.append("\n" + describe_due(self.next_due, app.config.now()))
        self.query_one("#summary-text", Static).update(Content.assemble(*parts))

    def action_back(self) -> None:
        self.app.pop_screen()
