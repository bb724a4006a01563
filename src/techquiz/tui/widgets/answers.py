"""One small widget per way of answering, on Textual's own selection widgets.

Each is mounted once by `QuestionView` and loaded with the next question in place (no remount per
card). They only show and navigate; picking and checking are the view's, so that every key that
decides something runs in one place (see `QuestionView`).
"""

from __future__ import annotations

from collections.abc import Collection

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from techquiz.srs.questions import Question

LETTERS = "abcdefghijklmnopqrstuvwxyz"
TRUE_FALSE = ("True", "False")


def _marked(label: str, text: str, right: bool, picked: bool) -> Content:
    """An option once answered: a mark that reads without colour, and the colour too."""
    if right:
        return Content.assemble(("✓ " + label, "bold $success"), (text, "bold $success"))
    if picked:
        return Content.assemble(("✗ " + label, "$error"), (text, "$error"))
    return Content.assemble(("  " + label, "dim"), (text, "dim"))


class ChoiceList(OptionList):
    """One answer among several (a choice card, or True / False): a letter, or arrows + enter.
    Nothing is highlighted until the learner moves, so nothing looks picked before a pick."""

    def load(self, question: Question) -> None:
        self.labels = self._labels(question)
        self.set_options(Option(Content.assemble(label, text)) for label, text in self.labels)

    @staticmethod
    def _labels(question: Question) -> list[tuple[str, str]]:
        if question.kind == "truefalse":
            return [("t) ", "True"), ("f) ", "False")]
        return [(f"{LETTERS[i]}) ", choice) for i, choice in enumerate(question.choices)]

    def mark(self, right: Collection[str], picked: Collection[int]) -> None:
        self.set_options(
            Option(_marked(label, text, text in right, i in picked)) for i, (label, text) in enumerate(self.labels)
        )


class PickAllList(OptionList):
    """Every right answer of a "pick all" card: letters (or arrows + space) toggle, enter checks.
    Picks show as [x] / [ ], so they read without colour (a SelectionList shows them by colour only)."""

    def load(self, question: Question) -> None:
        self.labels = [(f"{LETTERS[i]}) ", choice) for i, choice in enumerate(question.choices)]
        self.selected: set[int] = set()
        self.set_options(Option(self._prompt(i)) for i in range(len(self.labels)))

    def _prompt(self, index: int) -> Content:
        label, text = self.labels[index]
        return Content.assemble(("[x] " if index in self.selected else "[ ] ", "bold"), label, text)

    def toggle(self, index: int) -> None:
        self.selected ^= {index}
        self.replace_option_prompt_at_index(index, self._prompt(index))

    def mark(self, right: Collection[str], picked: Collection[int]) -> None:
        self.set_options(
            Option(
                Content.assemble("[x] " if i in picked else "[ ] ", _marked(label, text, text in right, i in picked))
            )
            for i, (label, text) in enumerate(self.labels)
        )


class OrderList(OptionList):
    """Items to put in order: up/down choose one, shift+up/down (or K/J) move it."""

    BINDINGS = [
        Binding("shift+up,K", "move(-1)", "Move up", show=False),
        Binding("shift+down,J", "move(1)", "Move down", show=False),
    ]

    def load(self, question: Question) -> None:
        self.items = list(question.shuffled)
        self.answered = False
        self._paint()
        self.highlighted = 0

    def _paint(self, right: tuple[str, ...] = ()) -> None:
        keep = self.highlighted
        options = []
        for i, item in enumerate(self.items):
            if right:  # each place marked right or wrong, so the answer below reads as a correction
                ok = item == right[i]
                options.append(Option(Content.assemble((("✓ " if ok else "✗ ") + f"{i + 1}. " + item,
                                                         "$success" if ok else "$error"))))  # fmt: skip
            else:
                options.append(Option(Content.assemble(f"{i + 1}. ", item)))
        self.set_options(options)
        self.highlighted = None if right else keep

    def action_move(self, delta: int) -> None:
        index = self.highlighted
        if self.answered or index is None or not 0 <= index + delta < len(self.items):
            return
        self.items[index], self.items[index + delta] = self.items[index + delta], self.items[index]
        self._paint()
        self.highlighted = index + delta

    def mark(self, right: tuple[str, ...]) -> None:
        self.answered = True
        self._paint(right)


class TypedAnswer(Input):
    """The typed answer. Escape leaves it (then e, @ and s work, and a second escape ends)."""

    def load(self) -> None:
        self.disabled = False
        self.value = ""

    def type_now(self, event: events.Key) -> bool:
        """Take a typed character (or backspace) as the key arrives, not later from this widget's
        queue: an enter typed right after it (a priority binding, run at once) must find it in the
        answer. The app calls this before dispatching the key; False: dispatch it as usual."""
        if self.disabled:
            return False
        if event.is_printable:
            assert event.character is not None
            if self.selection.is_empty:
                self.insert_text_at_cursor(event.character)
            else:
                self.replace(event.character, *self.selection)
            return True
        if event.key == "backspace":
            self.action_delete_left()
            return True
        return False
