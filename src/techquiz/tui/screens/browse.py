"""Browse (Anki's Browser): a search box, every matching card in a table, Card Info for the
highlighted one, and the actions of `techquiz cards` on the highlighted or marked cards.

Searches run in a worker thread: typing never waits for SQL, and a newer search interrupts an older
one. The table draws only the rows on screen (widgets/card_table.py), so 100,000 matches open as
fast as ten.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from techquiz.card_search import CardRow, CardSearch, retrievability_curve
from techquiz.config import study_day
from techquiz.deck.model import CardKey
from techquiz.errors import TechquizError
from techquiz.model import CardState, Rating
from techquiz.search import SearchError
from techquiz.srs import scheduler
from techquiz.srs.scheduler import curve
from techquiz.store import card_actions
from techquiz.store.card_actions import DueDays
from techquiz.tui import editor
from techquiz.tui.app import TechquizApp
from techquiz.tui.widgets.card_info import CardDetails, CardInfo
from techquiz.tui.widgets.card_table import COLUMNS, CardTable

TYPING_PAUSE = 0.12  # seconds of no typing before a search starts
WIDE = 140  # from this many columns, Card Info sits beside the table


class DueDialog(ModalScreen[DueDays | None]):
    """Anki's "set due date": ask for the days."""

    CSS_PATH = "browse.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(id="due-dialog"):
            yield Static(Content(f"Set the due date of {self.count} card{'s' if self.count != 1 else ''}"))
            yield Static(Content.styled("0 = today, 3 = in three days, 3-7 = a random day in that range", "dim"))
            yield Input(placeholder="days", id="due-days")
            yield Static(id="due-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(DueDays.parse(event.value))
        except ValueError as exc:
            self.query_one("#due-error", Static).update(Content.styled(str(exc), "$error"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PreviewScreen(ModalScreen[None]):
    """`enter`: the card as a learner sees it; space shows the answer."""

    CSS_PATH = "browse.tcss"
    BINDINGS = [
        Binding("space", "reveal", "Answer"),
        Binding("escape", "dismiss", "Close"),
        Binding("enter", "dismiss", "Close", show=False),
    ]

    def __init__(self, prompt: str, answer: str, extra: str) -> None:
        super().__init__()
        self.prompt, self.answer, self.extra = prompt, answer, extra

    def compose(self) -> ComposeResult:
        with Vertical(id="preview"):
            yield Static(Content.styled(self.prompt, "bold"), id="preview-prompt")
            yield Static(id="preview-answer")
        yield Footer(compact=True)

    def action_reveal(self) -> None:
        parts: list[Content | str | tuple[str, str]] = [(self.answer, "$success")]
        if self.extra:
            parts += ["\n\n", (self.extra, "dim")]
        self.query_one("#preview-answer", Static).update(Content.assemble(*parts))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class BrowseScreen(Screen[None]):
    CSS_PATH = "browse.tcss"
    BINDINGS = [
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("enter", "preview", "Preview", key_display="⏎"),
        Binding("at", "toggle_suspend", "Suspend", key_display="@"),
        Binding("minus", "act('bury')", "Bury", key_display="-", show=False),
        Binding("f", "act('forget')", "Forget", show=False),
        Binding("d", "set_due", "Due"),
        Binding("u", "undo", "Undo"),
        Binding("e", "edit", "Edit"),
        Binding("o", "sort", "Sort", show=False),
        Binding("r", "reverse", "Reverse", show=False),
        Binding("S", "study(False)", "Study"),
        Binding("R", "study(True)", "Study+resched.", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
        Binding("escape", "back", "Back", key_display="esc"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.search: CardSearch | None = None
        self.query_text = query
        self._timer: Timer | None = None
        self._opening = threading.Lock()  # two searches in a row must not both open the search

    app = getters.app(TechquizApp)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="browse"):
            yield Input(self.initial_query,
                        placeholder="search: deck:ID tag:T is:due prop:ivl>=10 …  (enter: to the table)",
                        id="browse-query", compact=True, select_on_focus=False)  # fmt: skip
            yield Static(id="browse-status")
            with Horizontal(id="browse-body"):
                yield CardTable(self._rows, self.app.config.now, id="browse-table")
                yield CardInfo(id="browse-info")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        # As in Anki's browser, the search box has the keys first: letters typed on opening are a
        # search, never an action (d, e, f, @); enter or escape moves to the table.
        box = self.query_one("#browse-query", Input)
        box.focus()
        box.cursor_position = len(box.value)
        self._status(Content.styled("Searching…", "dim"))
        self.run_search(keep=None)
        self.watch(self.app, "library", self.decks_changed, init=False)

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")

    def on_unmount(self) -> None:
        if self.search is not None:
            self.search.interrupt()
            self.search.close()

    # ---- searching ------------------------------------------------------------------------------
    def _rows(self, rowids: Sequence[int]) -> list[CardRow]:
        return self.search.rows_by_id(rowids) if self.search is not None else []

    def _status(self, content: Content) -> None:
        self.query_one("#browse-status", Static).update(content)

    @on(Input.Changed, "#browse-query")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TYPING_PAUSE, lambda: self.run_search(keep=None))

    @on(Input.Submitted, "#browse-query")
    def _submitted(self) -> None:
        self.query_one(CardTable).focus()

    def run_search(self, keep: int | None) -> None:
        """Search again (the query, the sort or the cards changed); the cursor stays on `keep`."""
        if self.search is not None:
            self.search.interrupt()  # an older search still running is of no use now
        table = self.query_one(CardTable)
        self._search(self.query_text, table.sort, table.descending, keep)

    @work(thread=True, exclusive=True, group="browse-search")
    def _search(self, query: str, sort: str, descending: bool, keep: int | None) -> None:
        worker = get_current_worker()
        with self._opening:  # opened here: indexing decks without a cache entry takes a moment
            if self.search is None:
                app = self.app
                self.search = CardSearch(app.config.store_path, app.library.decks, app.deck_cache, app.config.now)
            search = self.search
        try:
            ids = search.ids(query, sort, descending)
        except SearchError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, query, exc)
            return
        except sqlite3.Error:
            return  # interrupted by a newer search, or closed as the decks reloaded: a newer one follows
        if not worker.is_cancelled:
            self.app.call_from_thread(self._found, query, ids, keep)

    def _failed(self, query: str, error: SearchError) -> None:
        if query != self.query_text:
            return
        self.query_one("#browse-query").add_class("-invalid")
        pointer = " " * (error.column - 1) + "^"
        self._status(Content.assemble((f"{pointer} ", "bold $error"), (error.message, "$error")))

    def _found(self, query: str, ids: list[int], keep: int | None) -> None:
        if query != self.query_text:
            return
        self.query_one("#browse-query").remove_class("-invalid")
        table = self.query_one(CardTable)
        table.show(ids, keep)
        marked = f", {len(table.marked)} marked" if table.marked else ""
        self._status(Content.styled(f"{len(ids):,} card{'s' if len(ids) != 1 else ''}{marked}", "dim"))
        self._show_info(table.current)

    # ---- card info ------------------------------------------------------------------------------
    @on(CardTable.Highlighted)
    def _highlighted(self, event: CardTable.Highlighted) -> None:
        self._show_info(event.rowid)

    def _details(self, rowid: int | None) -> CardDetails | None:
        if rowid is None or self.search is None:
            return None
        rows = self.search.rows_by_id([rowid])
        if not rows:
            return None
        row = rows[0]
        deck = self.app.library.find(row.deck_id)
        card = deck.card_for(CardKey(row.deck_id, row.card_id, row.sub)) if deck is not None else None
        history = self.search.history(rowid)
        deck_curve = self.search.curves.get(row.deck_id, curve())
        return CardDetails(row, card, deck, history, retrievability_curve(history, self.app.config.now(), deck_curve))

    def _show_info(self, rowid: int | None) -> None:
        self.query_one(CardInfo).show(self._details(rowid), self.app.config.now())

    # ---- keys -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing in the search box, its letters are search text, not actions.
        return not (isinstance(self.focused, Input) and action not in ("back", "focus_search"))

    def action_focus_search(self) -> None:
        self.query_one("#browse-query", Input).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(CardTable).focus()
            return
        self.app.pop_screen()

    def action_sort(self) -> None:
        table = self.query_one(CardTable)
        keys = [c.key for c in COLUMNS]
        table.set_sort(keys[(keys.index(table.sort) + 1) % len(keys)])

    def action_reverse(self) -> None:
        table = self.query_one(CardTable)
        table.set_sort(table.sort)

    @on(CardTable.SortChanged)
    def _sorted(self) -> None:
        self.run_search(keep=self.query_one(CardTable).current)

    def action_preview(self) -> None:
        details = self._details(self.query_one(CardTable).current)
        if details is None or details.card is None:
            return
        card, sub = details.card, details.row.sub
        extra = "\n".join(x for x in (card.explain, card.source) if x)
        self.app.push_screen(PreviewScreen(card.prompt(sub), card.answer_text(sub), extra))

    def _apply(self, action: str, due: DueDays | None = None) -> None:
        table = self.query_one(CardTable)
        chosen = table.chosen()
        if not chosen:
            return
        now = self.app.config.now()
        first = scheduler.review(CardState(), Rating.Good, now, fuzz=False)
        try:
            message = card_actions.apply(self.app.conn, chosen, action, now, study_day(now), due, first)
        except TechquizError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        table.marked.clear()
        self.app.store_changes += 1  # the home screen's counts follow
        self.notify(f"{message} (u undoes)", markup=False, timeout=4)
        self._changed(table.current)

    def _changed(self, keep: int | None) -> None:
        self.query_one(CardTable).forget_rows()
        self.run_search(keep=keep)

    def action_act(self, action: str) -> None:
        self._apply(action)

    def action_toggle_suspend(self) -> None:
        """As Anki's toggle: unsuspend when every chosen card is suspended, else suspend."""
        table = self.query_one(CardTable)
        rows = self._rows(table.chosen())
        self._apply("unsuspend" if rows and all(r.suspended for r in rows) else "suspend")

    def action_set_due(self) -> None:
        count = len(self.query_one(CardTable).chosen())
        if count:
            self.app.push_screen(DueDialog(count), lambda due: self._apply("due", due) if due else None)

    def action_undo(self) -> None:
        try:
            message = card_actions.undo_last(self.app.conn)
        except TechquizError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if message is None:
            self.notify("Nothing to undo", timeout=2)
            return
        self.app.store_changes += 1
        self.notify(f"Undid: {message}", markup=False, timeout=4)
        self._changed(self.query_one(CardTable).current)

    def action_edit(self) -> None:
        details = self._details(self.query_one(CardTable).current)
        if details is None or details.card is None:
            return
        if self.app.is_web:  # `techquiz serve`: the editor would open on the serving computer, unseen
            self.notify("Editing a deck needs techquiz in a terminal on the computer that keeps it.", markup=False)
            return
        path = editor.editable_path(self.app, details.card.position.path)
        if path is None:
            return
        try:
            editor.edit(self.app, path, details.card.position.line)
        except editor.EditorError as exc:  # the app is back; the decks are reloaded all the same
            self.notify(f"{exc}", severity="error", markup=False, timeout=10)
        self.app.reload_library()  # sets app.library: decks_changed follows
        result = self.app.library.result_for(path)
        if result is None or result.deck is None:
            lines = "\n".join(str(p) for p in result.errors[:5]) if result else f"{path} is gone"
            self.notify(f"The deck has errors; keeping the last good version.\n{lines}", severity="error",
                        markup=False, timeout=10)  # fmt: skip

    def decks_changed(self, _library: object = None) -> None:
        """Deck files were reloaded (an edit, a save seen by the watcher): search the decks as now
        loaded, their text included."""
        if self.search is not None:
            self.search.interrupt()
            self.search.close()
            self.search = None
        self._changed(self.query_one(CardTable).current)

    def action_study(self, reschedule: bool) -> None:
        self.app.start_search_study(self.query_text, reschedule)
