"""The command palette's commands: Textual's system commands, then the deck commands (study, quiz,
unsuspend a deck), built from literal text.

Textual's system-command provider passes each name through its fuzzy matcher's highlighter and
each help line through the markup parser, so a deck title there is markup. These hits are built
with `literal` instead, and help text is escaped. One provider yields both, in that order: the
palette takes its providers from a set, so two of them listed in either order from run to run.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits
from textual.system_commands import SystemCommandsProvider

from techquiz.deck.text import clean
from techquiz.store import progress
from techquiz.tui.literal import escaped, highlighted, literal

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp

Command = tuple[str, str, Callable[[], object]]


class AppCommands(SystemCommandsProvider):
    @property
    def tq(self) -> TechquizApp:
        return self.app  # type: ignore[return-value]

    def commands(self) -> list[Command]:
        app = self.tq
        out: list[Command] = []
        for deck in app.library.decks:
            out.append((f"Study {deck.title}", f"Study the deck {deck.id}", partial(app.start_study, [deck])))
            out.append((f"Quiz {deck.title}", f"A quiz on the deck {deck.id}", partial(app.start_quiz, [deck])))
        titles = {deck.id: deck.title for deck in app.library.decks}
        for deck_id, count in progress.suspended_counts(app.conn).items():
            if deck_id in titles:
                out.append(
                    (
                        f"Unsuspend {titles[deck_id]}",
                        f"Bring back the {count} suspended card{'s' if count != 1 else ''} of {deck_id}",
                        partial(app.unsuspend, deck_id),
                    )
                )
        return out

    async def discover(self) -> Hits:
        async for hit in super().discover():
            yield hit
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(literal(name), callback, text=clean(name), help=escaped(help_text))

    async def search(self, query: str) -> Hits:
        async for hit in super().search(query):
            yield hit
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(clean(name))
            if score > 0:
                yield Hit(score, highlighted(matcher, name), callback, text=clean(name), help=escaped(help_text))
