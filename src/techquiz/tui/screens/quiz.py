"""Quiz mode: N questions, scored, the schedule untouched; results kept for the stats screen."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from techquiz.config import study_day
from techquiz.deck.model import Deck
from techquiz.srs.questions import Question, quiz_question
from techquiz.store.db import transaction
from techquiz.store.timeutil import to_ms
from techquiz.tui.widgets.question import QuestionView
from techquiz.tui.widgets.status import status_bar

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp


def build_quiz(decks: list[Deck], size: int, rng: random.Random | None = None) -> list[Question]:
    rng = rng or random.Random()
    pool = [(deck, card, key) for deck in decks for key, card in deck.subcards() if key.sub != "reverse"]
    chosen = rng.sample(pool, min(size, len(pool)))
    return [quiz_question(card, key.sub, deck, rng) for deck, card, key in chosen]


class QuizScreen(Screen[None]):
    BINDINGS = [
        Binding("space", "primary", "Check", key_display="space"),
        Binding("enter", "primary", "Next", show=False),
        Binding("r", "retry", "Retry misses"),
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
        self.finished = False

    @property
    def tq(self) -> TechquizApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="study"):
            yield from status_bar()
            yield Vertical(id="card-area")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Quiz"
        self.show_question()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.finished and bool(self.misses)
        if action == "accept":
            return self.view is not None and self.view.outcome is not None
        return True

    def show_question(self) -> None:
        area = self.query_one("#card-area", Vertical)
        area.remove_children()
        if self.index >= len(self.questions):
            self.show_score()
            return
        q = self.questions[self.index]
        self.query_one("#deck-title", Static).update(
            Content.assemble(("Quiz", "bold"), (f"  question {self.index + 1} of {len(self.questions)}", "dim"))
        )
        self.query_one("#counts", Static).update(
            Content.assemble(("Right ", "dim"), (str(self.right), "bold $success"))
        )
        self.query_one("#progress", ProgressBar).update(total=len(self.questions), progress=self.index)
        self.view = QuestionView(q)
        area.mount(self.view)
        self.refresh_bindings()

    @on(QuestionView.Answered)
    def _answered(self, event: QuestionView.Answered) -> None:
        assert self.view is not None
        if event.outcome.correct:
            self.right += 1
        else:
            self.misses.append((self.view.question, event.outcome.given))
        self.query_one("#counts", Static).update(
            Content.assemble(("Right ", "dim"), (str(self.right), "bold $success"))
        )
        self.refresh_bindings()

    def action_accept(self) -> None:
        self.action_primary()

    def action_primary(self) -> None:
        if self.finished:
            self.tq.back_home()
            return
        if self.view is None:
            return
        if self.view.outcome is None:
            self.view.check() if self.view.question.kind in ("typed", "choice", "order") else self.view.reveal()
            return
        self.index += 1
        self.show_question()

    def action_end(self) -> None:
        if self.finished or (self.index == 0 and (self.view is None or self.view.outcome is None)):
            self.tq.back_home()
            return
        answered = self.index + (1 if self.view is not None and self.view.outcome is not None else 0)
        self.questions = self.questions[:answered]
        self.index = answered
        self.show_question()

    def show_score(self) -> None:
        self.finished = True
        total = len(self.questions)
        self._save(total)
        area = self.query_one("#card-area", Vertical)
        parts: list[Content | str | tuple[str, str]] = [
            ("Score  ", "dim"),
            (f"{self.right} / {total}", "bold"),
            (f"  ({self.right / total:.0%})\n\n" if total else "\n\n", "bold $success"),
        ]
        if self.misses:
            parts.append(("Missed\n", "bold $error"))
            for q, given in self.misses:
                parts += ["• ", (q.prompt, ""), "\n   ", ("answer: ", "dim"), (q.answer, "bold $success")]
                if given:
                    parts += [("   you: ", "dim"), (given, "$error")]
                parts.append("\n")
            parts.append(("\nr retries the misses · enter goes back", "dim"))
        else:
            parts.append(("Every answer right!  enter goes back", "bold"))
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=total)
        area.mount(VerticalScroll(Static(Content.assemble(*parts), id="score")))
        self.refresh_bindings()

    def _save(self, total: int) -> None:
        if total == 0:
            return
        now = self.tq.config.now()
        transaction(
            self.tq.conn,
            lambda c: c.execute(
                "INSERT INTO quiz_results (taken_at, day, decks, questions, correct) VALUES (?, ?, ?, ?, ?)",
                (to_ms(now), study_day(now).isoformat(), ",".join(self.deck_ids), total, self.right),
            ),
        )

    def action_retry(self) -> None:
        if not (self.finished and self.misses):
            return
        questions = [q for q, _ in self.misses]
        self.app.switch_screen(QuizScreen(questions, self.deck_ids))
