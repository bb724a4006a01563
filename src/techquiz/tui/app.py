"""The techquiz Textual app: home, study, quiz, summary, stats and help screens."""

from __future__ import annotations

import gc
import json
import random
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import platformdirs
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen

from techquiz.config import APP_NAME, Config
from techquiz.deck.cache import DeckCache
from techquiz.deck.discovery import DeckWatcher, Library, PendingDeck, assemble, load_library
from techquiz.deck.model import Deck
from techquiz.deck.result import LoadResult
from techquiz.store import db, progress
from techquiz.store.backup import BackupPolicy
from techquiz.tui.literal import plain
from techquiz.tui.palette import AppCommands

if TYPE_CHECKING:  # the session (and the scheduler) load when study starts, not before the home screen
    from techquiz.study import StudySession

StartMode = Literal["home", "study", "quiz"]
# Custom study offered by the palette (and the end screen when nothing is due): Anki's choices.
CUSTOM_STUDY = (
    ("Study ahead", "Review the cards due in the next 7 days (a preview: schedules stay)", "prop:due>=1 prop:due<=7"),
    ("Study the cards forgotten today", "The cards you answered Again today", "rated:1:1"),
    ("Study the hardest cards", "Cards with difficulty above 8", "prop:d>8"),
)
WATCH_SECONDS = 1.0  # how often deck files are checked for saves (a stat per file)
HOME_BUDGET_SECONDS = 1.0  # decks not read by then show as "still loading" while the others work


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "settings.json"


def resume_gc() -> None:
    """After the first paint: start the cyclic GC that `techquiz` paused for the start-up (launch.py).

    What the start-up made (modules, the screen, the decks) lives as long as the app: frozen, later
    collections skip it, which also keeps their pauses out of the answer path. Does nothing when the
    GC was not paused (tests, or an app run by other code)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class TechquizApp(App[int]):
    CSS_PATH = "techquiz.tcss"
    TITLE = "techquiz"
    COMMANDS = {AppCommands}  # Textual's system commands, then the deck commands (literal text, never markup)
    # Under 72 columns the footer leaves out "^p Commands" (ctrl+p still works) so every key shows.
    HORIZONTAL_BREAKPOINTS = [(0, "-cramped"), (72, "-roomy")]
    # Under 24 rows the answer box and the grade buttons lose their borders, so a card's verdict fits.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]
    BINDINGS = [
        Binding("ctrl+p", "command_palette", "Commands", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]
    # Every deck as last loaded. Screens that show decks watch it; it is set only after the store
    # has been synced with it, so their counts include what was just added. always_update: a
    # reload always repaints, without comparing every card of the old and new decks.
    library: var[Library] = var(Library((), ()), always_update=True, init=False)
    # Bumped by a write that changes the counts while the home screen may be showing (an unsuspend
    # from the command palette); a study session's answers reach home when it is shown again.
    store_changes = var(0, init=False)
    # Decks still being read when the home screen's time budget ran out (slow files); home lists
    # them as "still loading" / "too slow" and watches this to update them.
    pending: var[tuple[PendingDeck, ...]] = var((), always_update=True, init=False)

    def __init__(
        self,
        config: Config,
        mode: StartMode = "home",
        deck_refs: tuple[str, ...] = (),
        quiz_size: int = 10,
        library: Library | None = None,
        rng: random.Random | None = None,
        search: str | None = None,
        reschedule: bool = False,
    ) -> None:
        super().__init__()
        self.study_search = search  # `techquiz study --search QUERY [--reschedule]`
        self.reschedule = reschedule
        self.rng = rng or random.Random()  # tests pass a seeded one: order shuffles and quiz picks
        self.config = config
        self.start_mode = mode
        self.deck_refs = deck_refs
        self.quiz_size = quiz_size
        self.deck_cache = DeckCache(config.cache_dir / "decks")
        self.library = library or load_library(config.deck_dirs, cache=self.deck_cache, budget=HOME_BUDGET_SECONDS)
        self.pending = self.library.pending
        self._shown_slow: set[Path] = set()  # pending decks the home screen already calls too slow
        # Every file as last loaded, the last good version kept for files saved with errors.
        self.loaded: dict[Path, LoadResult] = {r.path.resolve(): r for r in self.library.results}
        self.watcher = DeckWatcher(config.deck_dirs, [r.path for r in self.library.results])
        # The integrity check reads the whole store: it runs in a worker once the home screen shows.
        self.conn = db.connect(config.store_path, check=False)
        self.sync_warnings = progress.sync_decks(self.conn, self.library.decks, config.now())
        self.backups = BackupPolicy(config.backup_dir, warn=self._backup_failed)
        self.crash: tuple[Exception, Path] | None = None
        self._load_theme()

    async def on_event(self, event: events.Event) -> None:
        # A typed answer takes its characters as they arrive (TypedAnswer.type_now), so that the
        # enter and the grade typed right after them see the whole answer.
        if isinstance(event, events.Key) and not event.is_forwarded and self.screen_stack:
            type_now = getattr(self.focused, "type_now", None)
            if type_now is not None and type_now(event):
                return
        await super().on_event(event)

    # ---- settings -----------------------------------------------------------------------------
    def _load_theme(self) -> None:
        try:
            theme = json.loads(settings_path().read_text(encoding="utf-8")).get("theme")
        except (OSError, ValueError):
            return
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme

    def _save_theme(self, _theme: object) -> None:
        path = settings_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"theme": self.theme}), encoding="utf-8")
        except OSError:
            self.notify("Could not save the theme choice", severity="warning")

    # ---- start --------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        # Home is the bottom of the stack: composing it directly saves painting a blank screen first.
        from techquiz.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._save_theme)
        self.set_interval(WATCH_SECONDS, self._watch_decks)
        self.set_interval(0.5, self._check_pending)
        self.call_after_refresh(self._check_store)  # after the first paint, in its own thread
        self.call_after_refresh(resume_gc)
        for warning in self.sync_warnings:
            self.notify(plain(warning), severity="warning", markup=False, timeout=8)
        if self.start_mode == "study" and self.study_search is not None:
            self.start_search_study(self.study_search, self.reschedule)
        elif self.start_mode == "study":
            self.start_study(self.chosen_decks())
        elif self.start_mode == "quiz":
            self.start_quiz(self.chosen_decks())

    def chosen_decks(self) -> list[Deck]:
        if not self.deck_refs:
            return list(self.library.decks)
        return [deck for ref in self.deck_refs if (deck := self.library.find(ref)) is not None]

    def reload_library(self) -> None:
        # Every file seen before, broken ones included, so a deck named on the command line stays
        # and a fixed deck comes back.
        library = load_library(
            self.config.deck_dirs, [r.path for r in self.library.results], self.deck_cache, HOME_BUDGET_SECONDS
        )
        self.loaded = {r.path.resolve(): r for r in library.results}
        self.watcher.files = tuple(r.path for r in library.results)
        self.watcher.changes()  # what was just read is not a change to reload again
        for warning in progress.sync_decks(self.conn, library.decks, self.config.now()):
            self.notify(plain(warning), severity="warning", markup=False, timeout=8)
        self.pending = library.pending
        self.library = library  # after the sync, so counts include added cards

    @work(thread=True, group="integrity")
    def _check_store(self) -> None:
        conn = sqlite3.connect(self.config.store_path, timeout=db.BUSY_TIMEOUT_MS / 1000)
        try:
            problem = db.integrity_problem(conn)
        except sqlite3.DatabaseError as exc:
            problem = str(exc)
        finally:
            conn.close()
        if problem is not None:
            self.call_from_thread(self._store_damaged, problem)

    def _backup_failed(self, message: str) -> None:
        # Called from the backup thread: a warning, never a damage report (the answers are saved).
        try:
            self.call_from_thread(self.notify, message, severity="warning", markup=False, timeout=10)
        except RuntimeError:  # the app has already closed: the line goes to the terminal
            print(f"techquiz: warning: {message}", file=sys.stderr)

    def _store_damaged(self, problem: str) -> None:
        # Stop before another write lands on a damaged file; the answers given so far are in it.
        from techquiz.crashlog import write_crash_log

        error = db.CorruptStoreError(db.corrupt_message(self.config.store_path, problem))
        self.crash = (error, write_crash_log(error))
        # After the next refresh: exiting while the first screen is still mounting upsets Textual.
        self.call_after_refresh(self.exit, 1)

    def _check_pending(self) -> None:
        """Decks that were still being read: add those now read; say when one becomes too slow."""
        if not self.pending:
            return
        done = [p for p in self.pending if p.future.done()]
        waiting = tuple(p for p in self.pending if not p.future.done())
        slow = {p.path for p in waiting if p.too_slow()}
        if done or slow != self._shown_slow:
            self._shown_slow = slow
            self.pending = waiting
        if done:
            self._apply_reload([p.future.result() for p in done], [])

    # ---- live reload --------------------------------------------------------------------------
    def _watch_decks(self) -> None:
        changed, gone = self.watcher.changes()
        if changed or gone:
            self._load_changed(changed, gone)

    @work(thread=True, group="deck-reload")
    def _load_changed(self, changed: list[Path], gone: list[Path]) -> None:
        # Parsing is the slow part (a big deck takes a while): off the UI thread.
        results = [self.deck_cache.load(path) for path in changed]
        self.call_from_thread(self._apply_reload, results, gone)

    def _apply_reload(self, results: list[LoadResult], gone: list[Path]) -> None:
        from techquiz.tui.screens.study import StudyScreen

        reloaded = []
        for result in results:
            key = result.path.resolve()
            old = self.loaded.get(key)
            if result.deck is None and old is not None and old.deck is not None:
                lines = "\n".join(str(p) for p in result.errors[:5])
                self.notify(plain(f"{result.path.name} has errors; still using its last good version.\n{lines}"),
                            severity="error", markup=False, timeout=12)  # fmt: skip
                continue
            self.loaded[key] = result
            if result.deck is not None:
                reloaded.append(result.deck)
        for path in gone:
            if self.loaded.pop(path, None) is not None:
                self.notify(plain(f"{path.name} was deleted; its progress is kept"), markup=False)
        library = assemble(self.loaded.values())
        current = {deck.id: deck for deck in library.decks}
        reloaded = [deck for deck in reloaded if current.get(deck.id) is deck]  # not a clashing copy
        for warning in progress.sync_decks(self.conn, reloaded, self.config.now()):
            self.notify(plain(warning), severity="warning", markup=False, timeout=8)
        self.library = library  # after the sync, so counts include added cards
        for screen in self.screen_stack:
            if isinstance(screen, StudyScreen):
                for deck in reloaded:
                    screen.deck_reloaded(deck)
        if reloaded:
            names = ", ".join(deck.title for deck in reloaded)
            self.notify(plain(f"Reloaded {names}"), markup=False, timeout=3)

    # ---- navigation ---------------------------------------------------------------------------
    def start_study(self, decks: list[Deck]) -> None:
        from techquiz.study import StudySession
        from techquiz.tui.screens.study import StudyScreen

        if not decks:
            self.notify("No decks to study", severity="warning")
            return
        session = StudySession(self.conn, decks, self.config.now, self.backups, salt=self.rng.getrandbits(32))
        if session.current() is None:
            self.show_summary(session)
            return
        self.push_screen(StudyScreen(session))

    def start_search_study(self, query: str, reschedule: bool = False) -> None:
        """Custom study of what a search finds: due cards scheduled as usual, the others previewed."""
        from techquiz.custom_study import SearchSession
        from techquiz.search import SearchError
        from techquiz.tui.screens.study import StudyScreen

        try:
            found = self.find_cards(query)
        except SearchError as exc:
            self.notify(f"search {query!r}: {exc}", severity="error", markup=False)
            return
        session = SearchSession(self.conn, list(self.library.decks), self.config.now, found, reschedule, self.backups)
        if session.current() is None:
            self.notify(f"No cards to study: nothing unsuspended matches {query!r}", severity="warning", markup=False)
            return
        self.push_screen(StudyScreen(session))

    def find_cards(self, query: str) -> list[int]:
        """The sub-cards a search finds, most overdue first. Raises SearchError."""
        from techquiz.card_search import CardSearch

        search = CardSearch(self.config.store_path, self.library.decks, self.deck_cache, self.config.now)
        try:
            return search.ids(query, "due")
        finally:
            search.close()

    def action_browse(self, query: str | None = None) -> None:
        from techquiz.search import deck_term
        from techquiz.tui.screens.browse import BrowseScreen

        if isinstance(self.screen, BrowseScreen):
            return
        if query is None:  # home: the highlighted deck; study: the deck of the card on screen
            deck = getattr(self.screen, "selected_deck", None)
            query = deck_term(deck.id) if isinstance(deck, Deck) else ""
        self.push_screen(BrowseScreen(query))

    def start_quiz(self, decks: list[Deck]) -> None:
        from techquiz.srs.questions import build_quiz
        from techquiz.tui.screens.quiz import QuizScreen

        suspended = progress.suspended_keys(self.conn, [d.id for d in decks])
        questions = build_quiz(decks, self.quiz_size, self.rng, leave_out=suspended)
        if not questions:
            self.notify("No cards to quiz on", severity="warning")
            return
        self.push_screen(QuizScreen(questions, [d.id for d in decks]))

    def show_summary(self, session: StudySession) -> None:
        from techquiz.tui.screens.summary import SummaryScreen

        self.back_home()
        left = session.counts().total
        self.push_screen(SummaryScreen(session.summary(), session.next_due(), left, tuple(session.decks)))

    def back_home(self) -> None:
        from techquiz.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()  # home repaints its counts when it is shown again (on_screen_resume)

    def action_stats(self) -> None:
        from techquiz.tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            selected = getattr(self.screen, "selected_deck", None)  # home: highlighted; study: current card's
            self.push_screen(StatsScreen(selected if isinstance(selected, Deck) else None))

    # ---- the memory model ---------------------------------------------------------------------
    def optimize(self, decks: list[Deck]) -> None:
        """Fit these decks' FSRS parameters in a thread (a few hundred ms for a large log), then say
        what was decided and refresh what shows the parameters."""
        if not decks:
            self.notify("No decks to optimize", severity="warning")
            return
        self.notify(f"Fitting FSRS to the reviews of {len(decks)} deck(s)…", timeout=2)
        self._optimize(decks)

    @work(thread=True, exclusive=True, group="optimize")
    def _optimize(self, decks: list[Deck]) -> None:
        from techquiz.optimize import optimize_deck

        conn = db.connect(self.config.store_path, check=False)  # sqlite3 connections stay in their thread
        try:
            outcomes = [optimize_deck(conn, deck, self.config.now()) for deck in decks]
        finally:
            conn.close()
        lines = [o.summary() for o in outcomes if o.reviews]
        unreviewed = len(outcomes) - len(lines)
        if unreviewed:
            lines.append(f"{unreviewed} deck(s) without reviews keep FSRS's default parameters")
        self.call_from_thread(self._optimized, lines)

    def _optimized(self, lines: list[str]) -> None:
        from techquiz.tui.screens.stats import StatsScreen

        self.notify("\n".join(lines), title="Optimize", timeout=12, markup=False)
        self.scheduling_changed()
        for screen in self.screen_stack:
            if isinstance(screen, StatsScreen):
                screen.load()
        self.store_changes += 1  # the home screen watches it: the optimize suggestion goes

    def scheduling_changed(self) -> None:
        """A study session open beneath takes new parameters or a new desired retention at once."""
        from techquiz.tui.screens.study import StudyScreen

        for screen in self.screen_stack:
            if isinstance(screen, StudyScreen):
                screen.session.reload_scheduling()

    def action_help(self) -> None:
        from techquiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Study all decks", "Study every deck", lambda: self.start_study(list(self.library.decks)))
        yield SystemCommand("Stats", "Statistics of your reviews", self.action_stats)
        yield SystemCommand("Browse cards", "Search, inspect and act on any card", lambda: self.action_browse(""))
        for title, help_text, query in CUSTOM_STUDY:
            yield SystemCommand(title, help_text, lambda q=query: self.start_search_study(q))
        yield SystemCommand(
            "Optimize FSRS parameters",
            "Fit each deck's memory model to your reviews; adopted only where it predicts them better",
            lambda: self.optimize(list(self.library.decks)),
        )

    def unsuspend(self, deck_id: str) -> None:
        count = progress.unsuspend_deck(self.conn, deck_id)
        self.store_changes += 1
        self.notify(f"{count} card{'s' if count != 1 else ''} back in study (from the next session)")

    def _handle_exception(self, error: Exception) -> None:
        # Textual would print a traceback with locals on exit; a user gets one line and a log file
        # instead (cli prints it). Headless runs (tests) keep Textual's behaviour so failures surface.
        if self.is_headless:
            super()._handle_exception(error)
            return
        from techquiz.crashlog import write_crash_log

        log = write_crash_log(error)
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError):
            # Damage the open-time check did not reach: the same advice as at open (restore a backup).
            error = db.CorruptStoreError(db.corrupt_message(self.config.store_path, str(error)))
        if self.crash is None:  # the first problem is the one to report (a damaged store stops the app)
            self.crash = (error, log)
        self._return_code = 1
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        self.backups.maybe_backup(self.conn)
        self.backups.wait()
        self.conn.close()
