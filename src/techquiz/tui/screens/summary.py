"""The end of a session: what was studied, and when the next card is due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from techquiz.study import Summary
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
    CSS_PATH = "study.tcss"
    BINDINGS = [
        Binding("enter", "back", "Back to decks"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "back", "Back", show=False),
        Binding("s", "app.stats", "Stats"),
        Binding("a", "study('ahead')", "Study ahead"),
        Binding("f", "study('forgotten')", "Forgotten"),
        Binding("t", "quiz", "Quiz"),
    ]

    app = getters.app(TechquizApp)

    def __init__(self, summary: Summary, next_due: datetime | None, left: int, decks: Sequence[str] = ()) -> None:
        super().__init__()
        self.summary = summary
        self.next_due = next_due
        self.left = left
        self.decks = tuple(decks)  # the session's decks: what the offers below search
        self.offers: dict[str, tuple[str, int]] = {}  # "ahead" / "forgotten" -> (query, cards)

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="summary"):
            yield Static(id="summary-text")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
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
        parts.append("\n" + describe_due(self.next_due, self.app.config.now()))
        if self.left == 0:
            parts += self._offer_more(self.app)
        self.query_one("#summary-text", Static).update(Content.assemble(*parts))
        self.refresh_bindings()

    def _offer_more(self, app: TechquizApp) -> list[Content | str | tuple[str, str]]:
        """Nothing left today: what else there is (Anki's custom study), with how many cards."""
        from techquiz.search import deck_term

        scope = " or ".join(deck_term(d) for d in self.decks)
        scope = f" ({scope})" if scope else ""
        wanted = {"ahead": f"prop:due>=1 prop:due<=7 -is:suspended{scope}", "forgotten": f"rated:1:1{scope}"}
        for name, query in wanted.items():
            found = len(app.find_cards(query))
            if found:
                self.offers[name] = (query, found)
        parts: list[Content | str | tuple[str, str]] = ["\n\nMore to do:\n"]
        if "ahead" in self.offers:
            count = self.offers["ahead"][1]
            parts += [("  a ", "bold"), f"study ahead: {count} card(s) due in the next 7 days (a preview)\n"]
        if "forgotten" in self.offers:
            count = self.offers["forgotten"][1]
            parts += [("  f ", "bold"), f"the {count} card(s) you forgot today, once more\n"]
        parts += [("  t ", "bold"), "a quiz (your schedule stays as it is)\n"]
        return parts

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "study":
            return parameters[0] in self.offers
        if action == "quiz":
            return self.left == 0
        return True

    def action_study(self, name: str) -> None:
        self.app.start_search_study(self.offers[name][0])

    def action_quiz(self) -> None:
        decks = [d for d in self.app.library.decks if not self.decks or d.id in self.decks]
        self.app.start_quiz(decks)

    def action_back(self) -> None:
        self.app.pop_screen()
