"""`?`: every key, grouped as a learner looks for them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

KEYS = [
    ("Home", [
        ("enter", "study the highlighted deck"), ("a", "study all decks"), ("t", "quiz on the highlighted deck"),
        ("r", "reload the deck files"), ("s", "statistics"), ("q", "quit"),
    ]),
    ("Studying", [
        ("space / enter", "show the answer (no verdict before a pick); then accept the grade"),
        ("1 2 3 4", "Again, Hard, Good, Easy (or click the buttons)"),
        ("a – z", "choices (mixed each time): pick one, or several then enter"),
        ("up/down + enter", "choice, true/false: pick with the arrows"),
        ("t / f", "true/false cards: answer true or false"),
        ("shift+up/down, K/J", "order: move the highlighted item; enter checks"),
        ("h (^t when typing)", "show the card's hint"),
        ("escape when typing", "leave the answer box (i goes back, escape again ends)"),
        ("u", "undo the last answer or suspend (^z when typing)"),
        ("@", "suspend the card (ctrl+p: Unsuspend <deck>)"),
        ("e", "edit the card in $EDITOR at its line, reload"),
        ("q / escape", "end the session (summary, then back)"),
    ]),
    ("Quiz", [("q / escape", "end early: asks first, saved as unfinished")]),
    ("Stats", [
        ("d", "all decks / the highlighted deck"),
        ("o", "fit FSRS to these decks' reviews (kept if better)"),
        ("+ / -", "desired retention of these decks, by 0.01"),
        ("escape", "back"),
    ]),
    ("Everywhere", [
        ("s", "statistics"), ("?", "this help"), ("ctrl+p", "commands: study or quiz a deck, theme"),
        ("ctrl+q", "quit"),
    ]),
]  # fmt: skip


class HelpScreen(ModalScreen[None]):
    # Screen.action_dismiss closes it: escape, q and ? all do.
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        parts: list[Content | str | tuple[str, str]] = []
        for group, keys in KEYS:
            parts.append((f"{group}\n", "bold $accent"))
            for key, what in keys:
                parts.append((f"  {key:<19} ", "bold"))
                parts.append(f"{what}\n")
            parts.append("\n")
        parts.append(("escape closes this help", "dim"))
        with VerticalScroll(id="help"):
            yield Static(Content.assemble(*parts))
        yield Footer(compact=True)  # its own keys, not those of the screen beneath
