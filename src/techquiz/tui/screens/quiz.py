"""Quiz mode: N questions, scored, the schedule untouched; results kept for the stats screen."""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from techquiz.config import study_day
from techquiz.srs.questions import Question, reshuffled
from techquiz.store.db import StoreError
from techquiz.store.quiz import record_quiz
from techquiz.tui.app import TechquizApp
from techquiz.tui.widgets.question import Outcome, QuestionView
from techquiz.tui.widgets.status import status_bar


def score_style(right: int, total: int) -> str:
    """The score's colour follows the score: green from 80%, amber from 50%, red below."""
    share = right / total if total else 0.0
    return "bold $success" if share >= 0.8 else ("bold $warning" if share >= 0.5 else "bold $error")


class EndQuizScreen(ModalScreen[bool]):
    """Asked before a quiz ends early: an escape too many must not throw the quiz away."""

    CSS_PATH = "study.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "End the quiz"),
        Binding("n,escape", "answer(False)", "Carry on", key_display="n"),
    ]

    def __init__(self, answered: int, total: int) -> None:
        super().__init__()
        self.answered = answered
        self.total = total

    def compose(self) -> ComposeResult:
        saved = (
            f"It is saved as unfinished: {self.answered} of {self.total} answered."
            if self.answered
            else "Nothing is saved: no question was answered."
        )
        with Vertical(id="confirm"):
            yield Static(Content.assemble(("End the quiz now?\n\n", "bold"), saved, "\n\n",
                                          ("y", "bold"), " end  ·  ", ("n", "bold"), " carry on"))  # fmt: skip
        yield Footer(compact=True)

    def action_answer(self, end: bool) -> None:
        self.dismiss(end)


class QuizScreen(Screen[None]):
    CSS_PATH = "study.tcss"
    # Accepting is a priority binding for the same reason as in study: the next question is shown and
    # focused before the next key is read.
    BINDINGS = [
        Binding("space", "accept", "Next", priority=True),
        Binding("enter", "accept", "Next", show=False, priority=True),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "end", "End"),
        Binding("escape", "end", "End", show=False),
    ]

    app = getters.app(TechquizApp)

    def __init__(self, questions: list[Question], deck_ids: list[str]) -> None:
        super().__init__()
        self.questions = questions
        self.deck_ids = deck_ids
        self.index = 0
        self.results: list[tuple[Question, Outcome]] = []
        self.view = QuestionView(id="question")

    @property
    def answered(self) -> bool:
        return self.view.outcome is not None

    @property
    def right(self) -> int:
        return sum(1 for _, outcome in self.results if outcome.correct)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="study"):
            yield from status_bar()
            with Vertical(id="card-area"):
                yield self.view
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        self.sub_title = "Quiz"
        self.show_question()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept":
            return self.answered
        return True

    def _paint_counts(self) -> None:
        self.query_one("#counts", Static).update(
            Content.assemble(("Right ", "dim"), (str(self.right), "bold $success"))
        )

    def show_question(self) -> None:
        if self.index >= len(self.questions):
            self.finish()
            return
        self.query_one("#deck-title", Static).update(
            Content.assemble(("Quiz", "bold"), (f"  question {self.index + 1} of {len(self.questions)}", "dim"))
        )
        self._paint_counts()
        self.query_one("#progress", ProgressBar).update(total=len(self.questions), progress=self.index)
        self.view.show(self.questions[self.index])
        self.refresh_bindings()

    def on_question_view_answered(self) -> None:
        self.refresh_bindings()

    def _record_current(self) -> None:
        """Keep the answer on screen (once): read from the view, not from a message that may come late."""
        question, outcome = self.view.question, self.view.outcome
        if question is not None and outcome is not None and len(self.results) == self.index:
            self.results.append((question, outcome))

    def action_accept(self) -> None:
        """space / enter after answering: the next question."""
        self._record_current()
        self.index += 1
        self.show_question()

    def action_end(self) -> None:
        """End early, after asking: the score counts the questions answered, saved as unfinished."""
        self._record_current()
        if len(self.results) >= len(self.questions):
            self.finish()
            return

        def decided(end: bool | None) -> None:
            if end:
                self.finish()

        self.app.push_screen(EndQuizScreen(len(self.results), len(self.questions)), decided)

    def finish(self) -> None:
        if not self.results:
            self.app.back_home()
            return
        self._save()
        misses = [(q, o.given) for q, o in self.results if not o.correct]
        self.app.switch_screen(QuizScoreScreen(len(self.results), self.right, misses, self.deck_ids,
                                               len(self.questions)))  # fmt: skip

    def _save(self) -> None:
        now = self.app.config.now()
        try:
            record_quiz(self.app.conn, now, study_day(now), self.deck_ids, len(self.results), self.right,
                        planned=len(self.questions))  # fmt: skip
        except StoreError as exc:  # the score is still shown; only its place in the stats is lost
            self.notify(f"The quiz result was not saved: {exc}", severity="error", markup=False, timeout=10)


class QuizScoreScreen(Screen[None]):
    """The score, the misses with their right answers, and a retry of the misses."""

    CSS_PATH = "study.tcss"
    BINDINGS = [
        Binding("enter", "back", "Back to decks"),
        Binding("r", "retry", "Retry misses"),
        Binding("escape", "back", "Back", show=False),
        Binding("q", "back", "Back", show=False),
    ]

    app = getters.app(TechquizApp)

    def __init__(
        self, total: int, right: int, misses: list[tuple[Question, str]], deck_ids: list[str], planned: int
    ) -> None:
        super().__init__()
        self.total = total
        self.right = right
        self.misses = misses
        self.deck_ids = deck_ids
        self.planned = planned

    def compose(self) -> ComposeResult:
        style = score_style(self.right, self.total)
        parts: list[Content | str | tuple[str, str]] = [
            ("Score  ", "dim"),
            (f"{self.right} / {self.total}", style),
            (f"  ({self.right / self.total:.0%})", style),
        ]
        if self.total < self.planned:
            parts.append((f"  ended early: {self.total} of {self.planned} questions answered", "dim"))
        parts.append("\n\n")
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
        self.app.back_home()

    def action_retry(self) -> None:
        if self.misses:
            questions = [reshuffled(q, self.app.rng) for q, _ in self.misses]  # choices mixed again
            self.app.switch_screen(QuizScreen(questions, self.deck_ids))
