"""Quiz mode: N questions, scored, the schedule untouched; results kept for the stats screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from techquiz.config import study_day
from techquiz.srs.questions import Question
from techquiz.store.db import StoreError
from techquiz.store.quiz import record_quiz
from techquiz.tui.widgets.question import QuestionView
from techquiz.tui.widgets.status import status_bar

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp


class QuizScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "check", "Check", key_display="space"),
        Binding("enter", "check", "Check", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "end", "End"),
        Binding("escape", "end", "End", show=False),
    ]

    def __init__(self, questions: list[Question], deck_ids: list[str]) -> None:
        super().__init__()
        self.questions = questions
        self.deck_ids = deck_ids
        self.index = 0
        self.right = 0
        self.misses: list[tuple[Question, str]] = []
        self.view: QuestionView | None = None

    @property
    def tq(self) -> TechquizApp:
        return self.app  # type: ignore[return-value]

    @property
    def answered(self) -> bool:
        return self.view is not None and self.view.outcome is not None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="study"):
            yield from status_bar()
            yield Vertical(id="card-area")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        self.sub_title = "Quiz"
        self.show_question()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept":  # the question view's space / enter once answered
            return self.answered
        if action == "check":
            return not self.answered
        return True

    def _paint_counts(self) -> None:
        self.query_one("#counts", Static).update(
            Content.assemble(("Right ", "dim"), (str(self.right), "bold $success"))
        )

    def show_question(self) -> None:
        if self.index >= len(self.questions):
            self.finish()
            return
        area = self.query_one("#card-area", Vertical)
        area.remove_children()
        self.query_one("#deck-title", Static).update(
            Content.assemble(("Quiz", "bold"), (f"  question {self.index + 1} of {len(self.questions)}", "dim"))
        )
        self._paint_counts()
        self.query_one("#progress", ProgressBar).update(total=len(self.questions), progress=self.index)
        self.view = QuestionView(self.questions[self.index])
        area.mount(self.view)
        self.refresh_bindings()

    @on(QuestionView.Answered)
    def _answered(self, event: QuestionView.Answered) -> None:
        assert self.view is not None
        if event.outcome.correct:
            self.right += 1
        else:
            self.misses.append((self.view.question, event.outcome.given))
        self._paint_counts()
        self.refresh_bindings()

    def action_check(self) -> None:
        """space / enter before answering: check what was given (nothing given is a miss)."""
        if self.view is not None and not self.answered:
            self.view.check()

    def action_accept(self) -> None:
        """space / enter after answering: the next question."""
        self.index += 1
        self.show_question()

    def action_end(self) -> None:
        """End early: the score counts the questions answered so far."""
        self.questions = self.questions[: self.index + (1 if self.answered else 0)]
        self.finish()

    def finish(self) -> None:
        if not self.questions:
            self.tq.back_home()
            return
        self._save()
        self.app.switch_screen(QuizScoreScreen(len(self.questions), self.right, self.misses, self.deck_ids))

    def _save(self) -> None:
        now = self.tq.config.now()
        try:
            record_quiz(self.tq.conn, now, study_day(now), self.deck_ids, len(self.questions), self.right)
        except StoreError as exc:  # the score is still shown; only its place in the stats is lost
            self.notify(f"The quiz result was not saved: {exc}", severity="error", markup=False, timeout=10)


class QuizScoreScreen(Screen[None]):
    """The score, the misses with their right answers, and a retry of the misses."""

    BINDINGS = [
        Binding("enter", "back", "Back to decks"),
        Binding("r", "retry", "Retry misses"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, total: int, right: int, misses: list[tuple[Question, str]], deck_ids: list[str]) -> None:
        super().__init__()
        self.total = total
        self.right = right
        self.misses = misses
        self.deck_ids = deck_ids

    def compose(self) -> ComposeResult:
        parts: list[Content | str | tuple[str, str]] = [
            ("Score  ", "dim"),
            (f"{self.right} / {self.total}", "bold"),
            (f"  ({self.right / self.total:.0%})\n\n", "bold $success"),
        ]
        if self.misses:
            parts.append(("Missed\n", "bold $error"))
            for q, given in self.misses:
                right = " / ".join(q.items) if q.kind == "order" else q.answer  # one line per miss
                parts += ["• ", q.prompt, "\n   ", ("answer: ", "dim"), (right, "bold $success")]
                if given:
                    parts += [("   you: ", "dim"), (given, "$error")]
                parts.append("\n")
        else:
            parts.append(("Every answer right!", "bold"))
        yield Header()
        yield VerticalScroll(Static(Content.assemble(*parts), id="score"))
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        self.sub_title = "Quiz score"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.misses) if action == "retry" else True

    def action_back(self) -> None:
        app: TechquizApp = self.app  # type: ignore[assignment]
        app.back_home()

    def action_retry(self) -> None:
        if self.misses:
            self.app.switch_screen(QuizScreen([q for q, _ in self.misses], self.deck_ids))
