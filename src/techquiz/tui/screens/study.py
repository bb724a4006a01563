"""The study screen: one card at a time, Anki's keys, every answer on disk before the next card."""

from __future__ import annotations

import time

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, ProgressBar, Static

from techquiz.deck.model import Deck
from techquiz.model import Rating
from techquiz.srs import grading, scheduler
from techquiz.store.db import StoreError
from techquiz.store.progress import UndoError
from techquiz.study import StudyCard, StudySession
from techquiz.tui import editor
from techquiz.tui.app import TechquizApp
from techquiz.tui.widgets.question import QuestionView
from techquiz.tui.widgets.status import status_bar

GRADES = ((Rating.Again, "Again"), (Rating.Hard, "Hard"), (Rating.Good, "Good"), (Rating.Easy, "Easy"))


class StudyScreen(Screen[None]):
    CSS_PATH = "study.tcss"  # read when first shown: techquiz.tcss has only what start-up paints
    # Grades and accepting are priority bindings: they run as the key arrives, and the next card is
    # shown and focused before the next key is looked at, so letters typed right after a grade go to
    # the next card and never trigger e, @, s or u here (see QuestionView for the answering keys).
    # A phone in a browser (`techquiz serve`) or a split terminal gives about 50 columns: under 60 the
    # screen gets the -narrow class and techquiz.tcss stacks the grade buttons two by two (from 60
    # columns four fit in a row); under 72 the footer leaves out ^p, as the app's -cramped does.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-cramped"), (72, "-wide")]
    BINDINGS = [
        Binding("space", "accept", "Next", priority=True),
        Binding("enter", "accept", "Next", show=False, priority=True),
        Binding("1", "grade(1)", "Again", show=False, priority=True),
        Binding("2", "grade(2)", "Hard", show=False, priority=True),
        Binding("3", "grade(3)", "Good", show=False, priority=True),
        Binding("4", "grade(4)", "Easy", show=False, priority=True),
        Binding("u", "undo", "Undo"),
        Binding("e", "edit", "Edit"),
        Binding("at", "suspend", "Suspend", key_display="@"),
        Binding("h", "hint(False)", "Hint"),
        Binding("s", "app.stats", "Stats"),
        Binding("b", "app.browse", "Browse", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "end", "End"),
        # While an answer is typed, letters go into it (as in Anki): these keys still work, and the
        # footer shows them only then. Escape first leaves the answer box (QuestionView), then ends.
        Binding("ctrl+t", "hint(True)", "Hint", key_display="^t"),
        Binding("ctrl+z", "undo", "Undo", key_display="^z"),
        Binding("escape", "end", "End", show=False),
    ]

    app = getters.app(TechquizApp)

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session
        self.card: StudyCard | None = None
        self.view = QuestionView(id="question")
        self.shown_at = time.monotonic()
        self.suggested: Rating | None = None
        self.answered_count = 0
        self._binding_state: tuple[object, ...] = ()

    @property
    def selected_deck(self) -> Deck | None:
        """The deck of the card on screen, for the stats screen's `d`."""
        return self.card.deck if self.card else None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="study"):
            yield from status_bar()
            with Vertical(id="card-area"):
                yield self.view
            with Horizontal(id="grades"):
                for rating, label in GRADES:
                    yield Button(label, id=f"grade-{int(rating)}", classes=f"grade grade-{label.lower()}")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        self.title = "techquiz"
        self.sub_title = "Study"
        for warning in self.session.warnings:
            self.notify(warning, severity="warning", markup=False, timeout=8)
        self.show_card()

    # ---- showing ------------------------------------------------------------------------------
    def show_card(self) -> None:
        """The next card, loaded into the mounted view and focused before this returns."""
        self.card = self.session.current()
        question = self.session.question()
        self.suggested = None
        if self.card is None or question is None:
            self.app.show_summary(self.session)
            return
        self.view.show(question)
        self.shown_at = time.monotonic()
        self.query_one("#grades").display = False
        self._paint_status()
        self._sync_bindings()

    def _sync_bindings(self) -> None:
        """Refresh the footer only when what the keys do has changed (a refresh recomposes it)."""
        question = self.view.question
        hint = bool(question and question.hint and not self.view.hint_shown)
        state = (self.answered, self.view.typing, hint, self.session.can_undo())
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    def _paint_status(self) -> None:
        counts = self.session.counts()
        card = self.card
        title = card.deck.title if card else ""
        kind = card.card.type_name if card else ""
        # The card type first: a long deck title is cut at the end, and the type says how to answer.
        self.query_one("#deck-title", Static).update(Content.assemble((f"{kind}  ", "dim"), (title, "bold")))
        self.query_one("#counts", Static).update(
            Content.assemble(
                ("New ", "dim"),
                (str(counts.new), "bold $primary"),
                ("  Learning ", "dim"),
                (str(counts.learning), "bold $warning"),
                ("  Due ", "dim"),
                (str(counts.review), "bold $success"),
            )
        )
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=self.answered_count + counts.total, progress=self.answered_count)

    def _show_grades(self) -> None:
        assert self.card is not None
        intervals = self.session.intervals()
        for rating, label in GRADES:
            button = self.query_one(f"#grade-{int(rating)}", Button)
            when = scheduler.format_interval(intervals[rating]) if rating in intervals else ""
            button.label = Content.assemble((f"{int(rating)} ", "dim"), (label, "bold"), f" {when}")
            button.set_class(rating == self.suggested, "suggested")
        self.query_one("#grades").display = True
        self._sync_bindings()

    # ---- phases -------------------------------------------------------------------------------
    @property
    def answered(self) -> bool:
        return self.view.outcome is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("grade", "accept"):
            return self.answered
        typing = self.view.typing
        if action == "hint":
            # h while answering by letters; in the answer box ctrl+t, a key that does not type
            question = self.view.question
            hint = bool(question and question.hint and not self.answered and not self.view.hint_shown)
            return hint and parameters == (typing,)  # once shown, h would do nothing: not offered
        if action == "undo":
            return self.session.can_undo()
        if action == "suspend" and typing:
            return False  # "@" goes into the typed answer; the footer must not promise otherwise
        if action in ("edit", "suspend"):
            return self.card is not None
        return True

    @on(QuestionView.Answered)
    def _answered(self, event: QuestionView.Answered) -> None:
        if event.question is not self.view.question:
            return  # graded and gone already (a fast key): the next card is on screen
        correct = event.outcome.correct
        self.suggested = None if correct is None else grading.suggested(correct)
        self._show_grades()

    def on_descendant_focus(self) -> None:
        self._sync_bindings()  # leaving or entering the answer box changes what keys do

    def action_accept(self) -> None:
        """space / enter after answering: the suggested grade, or Good as in Anki."""
        self.action_grade(int(self.suggested or Rating.Good))

    def action_grade(self, rating: int) -> None:
        if not self.answered or self.card is None:
            return
        duration = int((time.monotonic() - self.shown_at) * 1000)
        try:
            done = self.session.answer(Rating(rating), duration)  # committed before the next card shows
        except StoreError as exc:  # not saved: the card stays, so the answer can be given again
            self.notify(str(exc), severity="error", markup=False, timeout=10)
            return
        self.answered_count += 1
        if done.leeched:
            self.notify(
                f"Leech: forgotten {done.after.lapses} times, so it is suspended and tagged. Rewrite it, or "
                "unsuspend it from the command palette (u undoes)",
                severity="warning",
                timeout=8,
            )
        self.show_card()

    @on(Button.Pressed, ".grade")
    def _grade_clicked(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_grade(int(event.button.id.rsplit("-", 1)[1]))

    def action_undo(self) -> None:
        what = self.session.next_undo()
        try:
            undone = self.session.undo()
        except (StoreError, UndoError) as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return
        if undone is not None:
            if what == "answer":
                self.answered_count = max(self.answered_count - 1, 0)
            self.notify(f"Undid the last {what}", timeout=2)
        self.show_card()

    def deck_reloaded(self, deck: Deck) -> None:
        """A deck file was saved: carry on with its new text (the card on screen too, if unanswered)."""
        if deck.id not in self.session.decks:
            return
        self.session.reload_deck(deck)
        if not self.answered:
            self.show_card()

    def action_suspend(self) -> None:
        try:
            card = self.session.suspend()
        except StoreError as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=8)
            return
        if card is not None:
            self.notify("Suspended: it stays out of study until you unsuspend it (u undoes)", timeout=4)
        self.show_card()

    def action_hint(self, _typing: bool) -> None:
        self.view.show_hint()
        self._sync_bindings()

    def action_end(self) -> None:
        self.app.show_summary(self.session)

    def action_edit(self) -> None:
        """Open the card's deck file in $EDITOR at the card's line, then reload the deck."""
        if self.card is None:
            return
        if self.app.is_web:  # `techquiz serve`: the editor would open on the serving computer, unseen
            self.notify("Editing a deck needs techquiz in a terminal on the computer that keeps it.", markup=False)
            return
        deck = self.card.deck
        position = self.card.card.position
        path = editor.editable_path(self.app, deck.path)
        if path is None:
            return
        try:
            editor.edit(self.app, path, position.line)
        except editor.EditorError as exc:  # the app is back; the deck is reloaded all the same
            self.notify(f"{exc}", severity="error", markup=False, timeout=10)
        self.app.reload_library()
        result = self.app.library.result_for(path)
        if result is None or result.deck is None:
            lines = "\n".join(str(p) for p in result.errors[:5]) if result else f"{path} is gone"
            self.notify(f"The deck has errors; keeping the last good version.\n{lines}", severity="error",
                        markup=False, timeout=10)  # fmt: skip
            return
        self.session.reload_deck(result.deck)
        self.show_card()
