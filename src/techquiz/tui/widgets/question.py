"""Asking one question and checking the answer, for every card type; shared by study and quiz.

One view stays mounted for a whole session, with one answer widget per card kind (`answers.py`);
`show()` loads the next question into them in place and moves the focus at once, so a key typed
right after a grade already belongs to the next card.

Every key that decides something (a letter that picks, t / f, enter or space that checks or
reveals) is a priority binding here: Textual runs priority bindings as each key arrives, before it
looks at the next key, so a pick and the grade typed after it can never be taken out of order.
Before a pick, enter / space reveal the answer with no verdict (the learner grades, as on a basic
card). When answered the view posts `QuestionView.Answered`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static

from techquiz.deck import cloze
from techquiz.deck.cards import ClozeCard
from techquiz.srs import grading
from techquiz.srs.questions import Question
from techquiz.tui.widgets.answers import LETTERS, TRUE_FALSE, ChoiceList, OrderList, PickAllList, TypedAnswer

NOTES = {
    "reveal": "",
    "choice": "press a letter, or arrows + enter",
    "multiple": "pick every right one: letters (or arrows + space), then enter",
    "truefalse": "press t (true) or f (false)",
    "order": "up/down choose an item, shift+up/down (or K/J) move it, enter checks",
    "typed": "",  # the answer box says it
}
SPACE_JOBS = ("Reveal", "Check", "Pick")
DIFF_STYLES = {"same": "", "extra": "strike $error", "missing": "underline $success"}


@dataclass(frozen=True)
class Outcome:
    """The learner's answer: None for `correct` when nothing was checked (a reveal before any pick)."""

    correct: bool | None
    given: str = ""


class QuestionView(VerticalScroll, can_focus=True):
    BINDINGS = [
        *(Binding(letter, f"pick({i})", show=False, priority=True) for i, letter in enumerate(LETTERS)),
        # Typing, enter is the one way to check (space types a space): the footer says so then.
        Binding("enter", "primary(True)", "Check", key_display="⏎", priority=True),
        Binding("enter", "primary(False)", show=False, priority=True),
        # One key, three jobs: the footer names the one space does now (check_action enables one).
        *(Binding("space", f"space('{job}')", job, priority=True) for job in SPACE_JOBS),
        # Arrows and moves too: as plain bindings of the list they would wait in its queue while a
        # priority enter typed right after them checks the answer first (down, down, enter picked
        # nothing; a fast reorder was checked unmoved).
        Binding("up", "cursor(-1)", show=False, priority=True),
        Binding("down", "cursor(1)", show=False, priority=True),
        Binding("shift+up,K", "move(-1)", show=False, priority=True),
        Binding("shift+down,J", "move(1)", show=False, priority=True),
        Binding("escape", "leave_input", "Leave", key_display="esc"),
        Binding("i", "type", "Type"),
    ]

    class Answered(Message):
        def __init__(self, question: Question, outcome: Outcome) -> None:
            super().__init__()
            self.question = question
            self.outcome = outcome

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.question: Question | None = None
        self.outcome: Outcome | None = None

    # ---- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="prompt")
        yield Static(id="note")
        yield ChoiceList(id="choices", classes="answer")
        yield PickAllList(id="pick-all", classes="answer")
        yield OrderList(id="order", classes="answer")
        yield TypedAnswer(placeholder="Type the answer, then enter", id="typed", classes="answer")
        yield Static(id="hint-line")
        yield Static(id="result")
        yield Static(id="extra")

    def on_mount(self) -> None:
        for widget in self.query(".answer, #hint-line, #result, #extra"):
            widget.display = False

    def _body(self, question: Question) -> Widget:
        if question.kind in ("choice", "truefalse"):
            return self.query_one(PickAllList if question.multiple else ChoiceList)
        if question.kind == "order":
            return self.query_one(OrderList)
        if question.kind == "typed":
            return self.query_one(TypedAnswer)
        return self

    def show(self, question: Question) -> None:
        """Load the next question in place and focus where its answer is given, before returning."""
        self.question, self.outcome = question, None
        self.query_one("#prompt", Static).update(Content(question.prompt))
        note = NOTES["multiple" if question.multiple else question.kind]
        self.query_one("#note", Static).update(Content.styled(note, "dim italic"))
        self.query_one("#note").display = bool(note)
        for widget in self.query(".answer, #hint-line, #result, #extra"):
            widget.display = False
        body = self._body(question)
        if isinstance(body, ChoiceList | PickAllList | OrderList | TypedAnswer):
            body.display = True
            if isinstance(body, TypedAnswer):
                body.load()
            else:
                body.load(question)
        self.scroll_home(animate=False)
        # Directly, not with focus() (which waits for the message queue): the next key must find it.
        self.screen.set_focus(body, scroll_visible=False)

    # ---- state ---------------------------------------------------------------------------------
    @property
    def asking(self) -> bool:
        return self.question is not None and self.outcome is None

    @property
    def hint_shown(self) -> bool:
        return bool(self.query_one("#hint-line").display)

    @property
    def typing(self) -> bool:
        return isinstance(self.screen.focused, Input)

    def _picked(self) -> set[int]:
        if self.question is not None and self.question.multiple:
            return set(self.query_one(PickAllList).selected)
        return set()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        q = self.question
        if q is None or self.outcome is not None:
            return action not in ("pick", "primary", "space", "leave_input", "type", "cursor", "move")
        if action == "pick":
            index = parameters[0]
            assert isinstance(index, int)
            if q.kind == "truefalse":
                return LETTERS[index] in "tf"
            return q.kind == "choice" and index < len(q.choices) and not self.typing
        if action == "space":
            return not self.typing and parameters == (self._space_job(),)  # a space typed is a space
        if action in ("cursor", "move"):  # on the list being answered (not once the focus has left it)
            body = self._body(q)
            return (
                isinstance(body, OptionList)
                and self.screen.focused is body
                and (action == "cursor" or q.kind == "order")
            )
        if action == "leave_input":
            return self.typing
        if action == "primary":  # one of the two enter bindings: the shown one while typing
            return parameters == (self.typing,)
        if action == "type":
            return q.kind == "typed" and not self.typing
        return True

    # ---- picking and checking -------------------------------------------------------------------
    def action_pick(self, index: int) -> None:
        q = self.question
        assert q is not None
        if q.kind == "truefalse":
            self._answer_truefalse(LETTERS[index] == "t")
        elif q.multiple:
            self.query_one(PickAllList).toggle(index)
            self.refresh_bindings()  # the first pick turns space's "Reveal" into "Check"
        else:
            self._finish(Outcome(grading.choice_correct([q.choices[index]], q.correct), q.choices[index]), {index})

    def _space_job(self) -> str:
        """What space does now, as `action_space` decides it: toggle the highlighted choice of a "pick
        all" card, answer with what is given (a highlight, picks, an order, typed text), or reveal."""
        q = self.question
        assert q is not None
        if q.multiple:
            picks = self.query_one(PickAllList)
            return "Pick" if picks.highlighted is not None else ("Check" if picks.selected else "Reveal")
        if q.kind in ("choice", "truefalse"):
            return "Check" if self.query_one(ChoiceList).highlighted is not None else "Reveal"
        if q.kind == "order" or (q.kind == "typed" and self.query_one(TypedAnswer).value.strip()):
            return "Check"
        return "Reveal"

    @on(OptionList.OptionHighlighted)
    def _highlight_moved(self) -> None:
        self.refresh_bindings()  # space's job follows the highlight

    def action_space(self, _job: str) -> None:
        q = self.question
        if q is not None and q.multiple and (index := self.query_one(PickAllList).highlighted) is not None:
            self.query_one(PickAllList).toggle(index)
            self.refresh_bindings()
        else:
            self.action_primary()

    def action_primary(self, _typing: bool = False) -> None:
        """enter: pick the highlighted choice, check what was given, or (nothing given) reveal."""
        q = self.question
        assert q is not None
        if q.kind in ("choice", "truefalse") and not q.multiple:
            index = self.query_one(ChoiceList).highlighted
            if index is None:
                self.reveal()
            elif q.kind == "truefalse":
                self._answer_truefalse(index == 0)
            else:
                self.action_pick(index)
        else:
            self.check()

    @on(OptionList.OptionSelected, "#choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.asking:
            self.query_one(ChoiceList).highlighted = event.option_index
            self.action_primary()

    @on(OptionList.OptionSelected, "#pick-all")
    def _toggled(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click toggles a choice of a "pick all" card
        if self.asking:
            self.query_one(PickAllList).toggle(event.option_index)
            self.refresh_bindings()

    def _answer_truefalse(self, value: bool) -> None:
        assert self.question is not None
        given = TRUE_FALSE[0] if value else TRUE_FALSE[1]
        self._finish(Outcome(given == self.question.answer, given), {0 if value else 1})

    def check(self) -> None:
        """Check what the learner gave; with nothing given, reveal the answer with no verdict."""
        q = self.question
        if q is None or self.outcome is not None:
            return
        if q.kind == "choice" and q.multiple and (picked := self._picked()):
            chosen = [q.choices[i] for i in sorted(picked)]
            self._finish(Outcome(grading.choice_correct(chosen, q.correct), ", ".join(chosen)), picked)
        elif q.kind == "order":
            items = self.query_one(OrderList).items
            self._finish(Outcome(grading.order_correct(items, q.items), " / ".join(items)))
        elif q.kind == "typed" and (given := self.query_one(TypedAnswer).value).strip():
            self._finish(Outcome(grading.typed_correct(given, q.correct[0], q.correct[1:]), given))
        else:
            self.reveal()

    def reveal(self) -> None:
        """Show the answer without a verdict: nothing was given, so the learner grades."""
        if self.asking:
            self._finish(Outcome(None), self._picked())

    def action_cursor(self, delta: int) -> None:
        body = self._body(self.question) if self.question else None
        if isinstance(body, OptionList):
            body.action_cursor_down() if delta > 0 else body.action_cursor_up()

    def action_move(self, delta: int) -> None:
        self.query_one(OrderList).action_move(delta)

    def action_leave_input(self) -> None:
        self.screen.set_focus(self, scroll_visible=False)

    def action_type(self) -> None:
        self.screen.set_focus(self.query_one(TypedAnswer))

    def show_hint(self) -> None:
        if self.question is not None and self.question.hint and self.outcome is None:
            line = self.query_one("#hint-line", Static)
            line.update(Content.assemble(("Hint: ", "bold"), self.question.hint))
            line.display = True

    # ---- the answer ----------------------------------------------------------------------------
    def _finish(self, outcome: Outcome, picked: set[int] | None = None) -> None:
        q = self.question
        assert q is not None
        self.outcome = outcome
        body = self._body(q)
        if isinstance(body, ChoiceList | PickAllList):
            body.mark(q.correct, picked or set())
        elif isinstance(body, OrderList):
            body.mark(q.items)
        elif isinstance(body, TypedAnswer):
            body.disabled = True
        self.query_one("#note").display = False
        result = self.query_one("#result", Static)
        result.update(self._verdict(q, outcome))
        result.display = True
        extra = self.query_one("#extra", Static)
        more = _extra(q)
        extra.update(more)
        extra.display = bool(more.plain)
        self.screen.set_focus(self, scroll_visible=False)
        # Bring the verdict into view: on a small terminal it can be below a long question.
        self.call_after_refresh(result.scroll_visible, animate=False)
        self.post_message(self.Answered(q, outcome))

    @staticmethod
    def _verdict(q: Question, outcome: Outcome) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        if outcome.correct is True:
            parts.append(("✓ Right", "bold $success"))
        elif outcome.correct is False:
            parts.append(("✗ Not right", "bold $error"))
        if q.kind == "typed" and outcome.given.strip() and not outcome.correct:
            parts.append(("\nYou typed: ", "dim"))
            pieces = grading.diff(outcome.given, q.answer)
            if len(pieces) == 1 and pieces[0].kind == "extra":  # another answer: shown as typed
                parts.append((outcome.given, "$error"))
            else:
                for text, kind in grading.marked(pieces):
                    parts.append((text, DIFF_STYLES[kind]))
        parts.append(("\nAnswer: " if parts else "Answer: ", "bold"))
        parts.append((q.answer, "bold $success") if q.kind != "order" else "\n" + q.answer)
        if isinstance(q.card, ClozeCard):
            parts += ["\n", *_cloze_revealed(q.card, q.sub)]
        return Content.assemble(*parts)


def _extra(q: Question) -> Content:
    parts: list[Content | str | tuple[str, str]] = []
    if q.explain:
        parts += [("Why: ", "bold"), q.explain]
    revealed = cloze.reveal_all(q.card.text) if isinstance(q.card, ClozeCard) else None
    if q.source and q.source.strip() != (revealed or "").strip():  # a cloze's own sentence is shown already
        parts += [("\n" if parts else "", ""), ("Source: ", "bold"), (q.source, "italic")]
    return Content.assemble(*parts)


def _cloze_revealed(card: ClozeCard, sub: str) -> list[str | tuple[str, str]]:
    """The whole cloze sentence with this card's deletions highlighted."""
    number = card.number(sub)
    return [
        piece if isinstance(piece, str)
        else (piece.answer, "bold underline $success") if piece.number == number
        else piece.answer
        for piece in cloze.pieces(card.text)
    ]  # fmt: skip
