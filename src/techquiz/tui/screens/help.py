"""`?`: every key, grouped as a learner looks for them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

KEYS = [
    ("Home", [
        ("enter", "study the highlighted deck"), ("a", "study all decks"), ("t", "quiz on the highlighted deck"),
        ("b", "browse the highlighted deck's cards"), ("r", "reload the deck files"), ("s", "statistics"),
        ("q", "quit"),
    ]),
    ("Studying", [
        ("space / enter", "check what is given, or reveal; then accept the grade"),
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
        ("b", "browse the cards of this deck"),
        ("q / escape", "end the session (summary, then back)"),
    ]),
    ("Browse (b)", [
        ("/", "edit the search; enter or esc: back to the table"),
        ("space", "mark the card; actions then apply to the marked ones"),
        ("enter", "preview the card (space shows the answer)"),
        ("@  -  f  d", "suspend/unsuspend, bury, forget, set the due date"),
        ("u", "undo the latest card action"), ("e", "edit the card in $EDITOR"),
        ("o / r", "sort by the next column / reverse (or click a heading)"),
        ("S / R", "study this search (preview / reschedule)"),
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
    CSS_PATH = "help.tcss"
    # Screen.action_dismiss closes it: escape, q and ? all do.
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        # One row per key, the key in its own column: a description that wraps (80 columns and
        # less) stays indented under itself instead of running back under the keys.
        with VerticalScroll(id="help"):
            for group, keys in KEYS:
                yield Static(Content.styled(group, "bold $accent"), classes="help-group")
                for key, what in keys:
                    with Horizontal(classes="help-row"):
                        yield Static(Content.styled(key, "bold"), classes="help-key")
                        yield Static(what, classes="help-what")
            yield Static(Content.styled("escape closes this help", "dim"), classes="help-group")
        yield Footer(compact=True)  # its own keys, not those of the screen beneath
