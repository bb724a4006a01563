"""The home screen: the decks with new / learning / due counts, and the broken ones with why."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.widgets.data_table import ColumnKey

from techquiz.deck.model import Deck
from techquiz.store.deck_fsrs import due_for_optimizing
from techquiz.store.overview import deck_counts, deck_progress
from techquiz.tui.app import TechquizApp
from techquiz.tui.literal import cell, plain


def optimize_suggestion(conn: sqlite3.Connection, decks: Sequence[Deck]) -> str | None:
    """A line for decks with many reviews since FSRS was last fitted to them (as Anki suggests monthly)."""
    due = due_for_optimizing(conn, decks)
    if not due:
        return None
    deck, count = max(due, key=lambda pair: pair[1])
    others = f" and {len(due) - 1} more deck(s)" if len(due) > 1 else ""
    return f"{deck.title}{others}: {count} new reviews since FSRS was last fitted; optimize in stats (s, o)."


def _short(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class DeckTable(DataTable[Text]):
    # DataTable's own enter binding is hidden; show it, since enter is how a deck is studied.
    BINDINGS = [Binding("enter", "select_cursor", "Study")]


class HomeScreen(Screen[None]):
    # From 40 rows the decks sit in the middle of the screen rather than over 30 blank lines, and
    # the highlighted deck's description gets more lines (techquiz.tcss).
    VERTICAL_BREAKPOINTS = [(0, "-low"), (40, "-high")]
    BINDINGS = [
        Binding("a", "study_all", "Study all"),
        Binding("t", "quiz", "Quiz"),
        Binding("s", "app.stats", "Stats"),
        Binding("b", "app.browse", "Browse"),
        Binding("r", "reload", "Reload", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    app = getters.app(TechquizApp)
    _shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(id="greeting")
            yield DeckTable(id="decks", cursor_type="row", zebra_stripes=True)
            yield Static(id="deck-info")
            yield Static(id="broken")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        # The deck column takes what the counts leave (padding 4, three counts with their cell
        # padding 22), so no count is cut off at 60 columns and a wide terminal shows long titles.
        table = self.query_one(DataTable)
        column = table.columns.get(ColumnKey("deck"))
        if column is not None and self.size.width:
            longest = max((len(d.title) for d in self.app.library.decks), default=16)
            column.auto_width = False
            column.width = min(max(self.size.width - 30, 16), max(longest, len("All decks")))
            table.refresh(layout=True)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_info()

    def _show_info(self) -> None:
        """What the highlighted deck is about, under the table (a big terminal has the room)."""
        info = self.query_one("#deck-info", Static)
        decks = self._decks()
        deck = decks[0] if len(decks) == 1 else None
        if deck is None:
            count = sum(d.subcard_count for d in decks)
            info.update(Content.assemble(("All decks", "bold"), (f"  {len(decks)} decks, {count} cards", "dim")))
            return
        parts: list[Content | str | tuple[str, str]] = [
            (deck.title, "bold"),
            (f"  {_count(deck.subcard_count, 'card')}", "dim"),
        ]
        studied, suspended, leeches = deck_progress(self.app.conn, deck.id)
        parts.append((f" · {studied} studied · {suspended} suspended · {_count(leeches, 'leech', 'leeches')}", "dim"))
        if deck.description:
            parts += ["\n", deck.description]
        source = deck.source
        if source is not None:
            said = " · ".join(x for x in (source.publisher, source.title, source.date) if x)
            parts += ["\n", ("Source: ", "dim"), said]
            if source.url:
                parts += ["\n", (source.url, "dim")]
        info.update(Content.assemble(*parts))

    def on_mount(self) -> None:
        self.sub_title = "Decks"
        table = self.query_one(DataTable)
        table.add_column("Deck", key="deck")
        table.add_column(Text("New", justify="right"), key="new")
        table.add_column(Text("Learn", justify="right"), key="learning")
        table.add_column(Text("Due", justify="right"), key="due")
        self.refresh_decks()
        table.focus()
        # A reload (a saved file, `r`) or an unsuspend repaints the counts; so does coming back here.
        self.watch(self.app, "library", self._counts_changed, init=False)
        self.watch(self.app, "store_changes", self._counts_changed, init=False)
        self.watch(self.app, "pending", self._counts_changed, init=False)  # a slow deck: loading, too slow

    def _counts_changed(self, _new: object) -> None:
        self.refresh_decks()

    def on_screen_resume(self) -> None:
        if self._shown:  # the first showing follows on_mount, which filled the table
            self.refresh_decks()  # back from a session, a quiz, the command palette
        self._shown = True

    def refresh_decks(self) -> None:
        table = self.query_one(DataTable)
        selected = table.cursor_row
        table.clear()
        rows = deck_counts(self.app.conn, self.app.library, self.app.config.now())
        totals = [0, 0, 0]
        for row in rows:
            values = (row["new"], row["learning"], row["due_today"])
            styles = ("bold blue", "bold red", "bold green")
            table.add_row(
                cell(row["title"]),
                *(Text(str(v), style=s if v else "dim", justify="right") for v, s in zip(values, styles, strict=True)),
                key=row["id"],
            )
            totals = [t + v for t, v in zip(totals, values, strict=True)]
        if len(rows) > 1:
            total_cells = (Text(str(v), style="bold", justify="right") for v in totals)
            table.add_row(Text("All decks", style="bold"), *total_cells, key="*all*")
        for pending in self.app.pending:  # a slow deck never holds up the others: it is shown as such
            state = "too slow: still reading" if pending.too_slow() else "still loading…"
            table.add_row(cell(f"{pending.path.name} ({state})", style="dim"), *(cell("…", justify="right"),) * 3,
                          key=f"pending:{pending.path}")  # fmt: skip
        if rows:
            table.move_cursor(row=min(selected, len(rows) - 1))
        self._fit_columns()
        self.query_one("#deck-info").display = bool(rows)
        if rows:
            self._show_info()
        due = totals[0] + totals[1] + totals[2]
        greeting = (
            f"{due} card(s) to study today. Enter studies the highlighted deck, a studies them all."
            if due
            else "Nothing due right now: come back later, or take a quiz (t)."
        )
        due_fit = optimize_suggestion(self.app.conn, self.app.library.decks)
        if due_fit and rows:
            greeting += "\n" + due_fit
        if not rows:  # while every deck is still being read there are decks, just none to show yet
            greeting = "Reading the deck files…" if self.app.pending else "No decks found."
        self.query_one("#greeting", Static).update(Content(greeting))
        broken = self.app.library.broken
        panel = self.query_one("#broken", Static)
        panel.display = bool(broken)
        if broken:
            parts: list[Content | str | tuple[str, str]] = [
                (f"{len(broken)} deck file(s) could not be loaded:\n", "bold $error")
            ]
            for result in broken:
                for problem in result.errors[:5]:
                    where = plain(_short(problem.path))
                    parts.append(f"{where}:{problem.line}:{problem.column}: {problem.message}\n")
                if len(result.errors) > 5:
                    more = f"  … and {len(result.errors) - 5} more (techquiz validate {plain(str(result.path))})\n"
                    parts.append((more, "dim"))
            panel.update(Content.assemble(*parts))

    def _selected(self) -> list[str]:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return []
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key == "*all*" or key is None:
            return [d.id for d in self.app.library.decks]
        if key.startswith("pending:"):  # not read yet: nothing to study
            return []
        return [key]

    @property
    def selected_deck(self) -> Deck | None:
        """The highlighted deck (None on the "all decks" row), for the stats screen's `d`."""
        decks = self._decks()
        return decks[0] if len(decks) == 1 else None

    def _decks(self) -> list[Deck]:
        ids = self._selected()
        return [d for d in self.app.library.decks if d.id in ids]

    def action_study(self) -> None:
        self.app.start_study(self._decks())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study()

    def action_study_all(self) -> None:
        self.app.start_study(list(self.app.library.decks))

    def action_quiz(self) -> None:
        self.app.start_quiz(self._decks())

    def action_reload(self) -> None:
        self.app.reload_library()
        self.notify("Decks reloaded", timeout=2)


def _count(n: int, one: str, many: str = "") -> str:
    """ "1 card", "2 cards": a one-card deck said "1 cards"."""
    return f"{n} {one if n == 1 else many or one + 's'}"
