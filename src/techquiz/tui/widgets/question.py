"""Asking one question and checking the answer, for every card type; shared by study and quiz.

Keys while asking: letters pick choices, up/down move, enter picks or checks, t/f answer true or
false, shift+up/down (or K/J) move an order item. `reveal()` shows the answer without one, which
counts as not knowing. When answered it posts `QuestionView.Answered`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from techquiz.deck import cloze
from techquiz.deck.model import ClozeCard
from techquiz.srs import grading
from techquiz.srs.questions import Question

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Outcome:
    """The learner's answer: None for `correct` when nothing was checked (a plain reveal)."""

    correct: bool | None
    given: str = ""


class QuestionView(VerticalScroll, can_focus=True):
    # After the answer, space / enter go to the screen's `accept` (its check_action enables it
    # only then); before it, they fall through to the screen's own `reveal` binding.
    BINDINGS = [
        Binding("space", "screen.accept", "Next"),
        Binding("enter", "screen.accept", "Next", show=False),
    ]

    class Answered(Message):
        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question
        self.cursor = 0
        self.picked: set[int] = set()
        self.order = list(question.shuffled)
        self.outcome: Outcome | None = None

    # ---- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(Content(q.prompt), id="prompt")
        if q.kind == "typed":
            yield Input(placeholder="Type the answer, then enter", id="typed")
        elif q.kind != "reveal":
            yield Static(id="options")
        yield Static(id="hint-line")
        yield Static(id="result")
        yield Static(id="extra")

    def on_mount(self) -> None:
        self._paint_options()
        self.query_one("#result").display = False
        self.query_one("#extra").display = False
        self.query_one("#hint-line").display = False
        if self.question.kind == "typed":
            self.query_one(Input).focus()
        else:
            self.focus()

    def _paint_options(self) -> None:
        q = self.question
        if q.kind in ("reveal", "typed"):
            return
        parts: list[Content | str | tuple[str, str]] = []
        if q.kind == "choice":
            note = "pick every right one (letters), then space" if q.multiple else "press a letter, or arrows + enter"
            parts.append((f"{note}\n", "dim italic"))
            for i, choice in enumerate(q.choices):
                parts.append(self._option_line(i, f"{LETTERS[i]}) ", choice, i in self.picked))
        elif q.kind == "truefalse":
            parts.append(("press t (true) or f (false)\n", "dim italic"))
            for i, label in enumerate(("True", "False")):
                parts.append(self._option_line(i, f"{label[0].lower()}) ", label, False))
        else:
            parts.append(("up/down choose an item, shift+up/down (or K/J) move it, enter checks\n", "dim italic"))
            for i, item in enumerate(self.order):
                parts.append(self._option_line(i, f"{i + 1}. ", item, False))
        self.query_one("#options", Static).update(Content.assemble(*parts).rstrip())

    def _option_line(self, index: int, label: str, text: str, picked: bool) -> Content:
        answered = self.outcome is not None
        q = self.question
        style = ""
        mark = "[x] " if picked else ("[ ] " if q.kind == "choice" and q.multiple else "")
        if answered and q.kind == "choice":
            right = q.choices[index] in q.correct
            style = "bold $success" if right else ("$error" if picked else "dim")
        elif answered and q.kind == "order":
            # Mark each place the learner got right or wrong, so the answer below reads as a correction.
            right = self.order[index] == q.items[index]
            mark = "✓ " if right else "✗ "
            style = "$success" if right else "$error"
        elif index == self.cursor and not answered:
            style = "reverse"
        return Content.assemble((mark + label, style or ""), (text, style or ""), "\n")

    # ---- input ---------------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if self.outcome is not None:
            return
        q = self.question
        key = event.key
        handled = True
        if q.kind == "choice" and len(key) == 1 and key in LETTERS[: len(q.choices)]:
            self._pick(LETTERS.index(key))
        elif q.kind == "truefalse" and key in ("t", "f"):
            self._answer_truefalse(key == "t")
        elif q.kind in ("choice", "truefalse", "order") and key in ("up", "down"):
            count = len(q.choices) if q.kind == "choice" else (2 if q.kind == "truefalse" else len(self.order))
            self.cursor = (self.cursor + (1 if key == "down" else -1)) % count
            self._paint_options()
        elif q.kind == "order" and key in ("shift+up", "shift+down", "K", "J"):
            self._move_item(-1 if key in ("shift+up", "K") else 1)
        elif key == "enter" and q.kind in ("choice", "truefalse", "order"):
            self._enter()
        else:
            handled = False
        if handled:
            event.stop()
            event.prevent_default()

    def _pick(self, index: int) -> None:
        if self.question.multiple:
            self.picked ^= {index}
            self.cursor = index
            self._paint_options()
        else:
            self.picked = {index}
            self.check()

    def _enter(self) -> None:
        q = self.question
        if q.kind == "truefalse":
            self._answer_truefalse(self.cursor == 0)
        elif q.kind == "choice":
            self._pick(self.cursor)
        else:
            self.check()

    def _answer_truefalse(self, value: bool) -> None:
        self.picked = {0 if value else 1}
        self._finish(Outcome(("True" if value else "False") == self.question.answer, "True" if value else "False"))

    def _move_item(self, delta: int) -> None:
        target = self.cursor + delta
        if 0 <= target < len(self.order):
            self.order[self.cursor], self.order[target] = self.order[target], self.order[self.cursor]
            self.cursor = target
            self._paint_options()

    @on(Input.Submitted, "#typed")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        self._check_typed(event.value)

    def _check_typed(self, given: str) -> None:
        if self.outcome is None:
            q = self.question
            self._finish(Outcome(grading.typed_correct(given, q.correct[0], q.correct[1:]), given))

    # ---- answering -----------------------------------------------------------------------------
    def check(self) -> None:
        """Check what the learner gave (space on a multiple choice, enter elsewhere)."""
        q = self.question
        if q.kind == "choice":
            picked = [q.choices[i] for i in sorted(self.picked)]
            self._finish(Outcome(grading.choice_correct(picked, q.correct), ", ".join(picked)))
        elif q.kind == "order":
            self._finish(Outcome(grading.order_correct(self.order, q.items), " / ".join(self.order)))
        elif q.kind == "typed":
            self._check_typed(self.query_one(Input).value)
        else:
            self.reveal()

    def reveal(self) -> None:
        """Show the answer. On a card that wanted an answer, giving none counts as not knowing."""
        if self.outcome is None:
            self._finish(Outcome(None if self.question.kind == "reveal" else False))

    def show_hint(self) -> None:
        if self.question.hint and self.outcome is None:
            line = self.query_one("#hint-line", Static)
            line.update(Content.assemble(("Hint: ", "bold"), self.question.hint))
            line.display = True

    def _finish(self, outcome: Outcome) -> None:
        self.outcome = outcome
        q = self.question
        if q.kind == "typed":
            self.query_one(Input).disabled = True
        self._paint_options()
        parts: list[Content | str | tuple[str, str]] = []
        if outcome.correct is True:
            parts.append(("✓ Right", "bold $success"))
        elif outcome.correct is False:
            parts.append(("✗ Not right", "bold $error"))
        if q.kind == "typed" and outcome.given.strip() and not outcome.correct:
            parts.append(("\nYou typed: ", "dim"))
            for piece in grading.diff(outcome.given, q.answer):
                style = {"same": "", "extra": "strike $error", "missing": "underline $success"}[piece.kind]
                parts.append((piece.text, style))
        parts.append(("\nAnswer: " if parts else "Answer: ", "bold"))
        parts.append((q.answer, "bold $success") if q.kind != "order" else "\n" + q.answer)
        if isinstance(q.card, ClozeCard):
            parts += ["\n", *_cloze_revealed(q.card, q.sub)]
        result = self.query_one("#result", Static)
        result.update(Content.assemble(*parts))
        result.display = True
        extra_parts: list[Content | str | tuple[str, str]] = []
        if q.explain:
            extra_parts += [("Why: ", "bold"), q.explain]
        revealed = cloze.reveal_all(q.card.text) if isinstance(q.card, ClozeCard) else None
        if q.source and q.source.strip() != (revealed or "").strip():  # a cloze's own sentence is shown already
            extra_parts += [("\n" if extra_parts else "", ""), ("Source: ", "bold"), (q.source, "italic")]
        if extra_parts:
            extra = self.query_one("#extra", Static)
            extra.update(Content.assemble(*extra_parts))
            extra.display = True
        self.focus()
        # Bring the verdict into view: on a small terminal it can be below a long question.
        self.call_after_refresh(result.scroll_visible, animate=False)
        self.post_message(self.Answered(outcome))


def _cloze_revealed(card: ClozeCard, sub: str) -> list[str | tuple[str, str]]:
    """The whole cloze sentence with this card's deletions highlighted."""
    number = card.number(sub)
    parts: list[str | tuple[str, str]] = []
    last = 0
    for deletion in cloze.deletions(card.text):
        parts.append(card.text[last : deletion.start])
        parts.append((deletion.answer, "bold underline $success") if deletion.number == number else deletion.answer)
        last = deletion.end
    parts.append(card.text[last:])
    return parts
