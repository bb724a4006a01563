"""The card types a deck file can hold, as frozen dataclasses with __slots__ (a big deck has tens of
thousands of cards, and a per-instance __dict__ would double their memory).

A card is studied as one or more sub-cards (`subs()`): a cloze card one per deletion number, a basic
card with `reverse: true` two. `Deck` (deck/model.py) holds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from techquiz.deck import cloze
from techquiz.deck.model import Position


@dataclass(frozen=True, slots=True)
class Card:
    """Fields every card type has."""

    type_name: ClassVar[str] = ""
    id: str
    position: Position
    id_generated: bool = False
    tags: tuple[str, ...] = ()
    hint: str | None = None
    explain: str | None = None
    source: str | None = None

    def subs(self) -> tuple[str, ...]:
        """The sub-card names this card is studied as ('' for a single card)."""
        return ("",)

    def prompt(self, sub: str = "") -> str:
        """The question side, as plain text."""
        raise NotImplementedError

    def answer_text(self, sub: str = "") -> str:
        """The answer side, as plain text."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class BasicCard(Card):
    type_name: ClassVar[str] = "basic"
    front: str = ""
    back: str = ""
    reverse: bool = False

    def subs(self) -> tuple[str, ...]:
        return ("", "reverse") if self.reverse else ("",)

    def prompt(self, sub: str = "") -> str:
        return self.back if sub == "reverse" else self.front

    def answer_text(self, sub: str = "") -> str:
        return self.front if sub == "reverse" else self.back


@dataclass(frozen=True, slots=True)
class ClozeCard(Card):
    type_name: ClassVar[str] = "cloze"
    text: str = ""

    def subs(self) -> tuple[str, ...]:
        return tuple(f"c{n}" for n in cloze.numbers(self.text))

    def number(self, sub: str) -> int:
        return int(sub[1:])

    def prompt(self, sub: str = "") -> str:
        return cloze.render(self.text, self.number(sub), revealed=False)

    def answer_text(self, sub: str = "") -> str:
        return ", ".join(cloze.answers(self.text, self.number(sub)))


@dataclass(frozen=True, slots=True)
class ChoiceCard(Card):
    type_name: ClassVar[str] = "choice"
    question: str = ""
    choices: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    multiple: bool = False  # written with `answers:`: pick all that are right

    def prompt(self, sub: str = "") -> str:
        return self.question

    def answer_text(self, sub: str = "") -> str:
        return ", ".join(self.answers)


@dataclass(frozen=True, slots=True)
class TypedCard(Card):
    type_name: ClassVar[str] = "typed"
    question: str = ""
    answer: str = ""
    accept: tuple[str, ...] = ()

    def prompt(self, sub: str = "") -> str:
        return self.question

    def answer_text(self, sub: str = "") -> str:
        return self.answer


@dataclass(frozen=True, slots=True)
class TrueFalseCard(Card):
    type_name: ClassVar[str] = "truefalse"
    statement: str = ""
    answer: bool = True

    def prompt(self, sub: str = "") -> str:
        return self.statement

    def answer_text(self, sub: str = "") -> str:
        return "True" if self.answer else "False"


@dataclass(frozen=True, slots=True)
class OrderCard(Card):
    type_name: ClassVar[str] = "order"
    question: str = ""
    items: tuple[str, ...] = ()

    def prompt(self, sub: str = "") -> str:
        return self.question

    def answer_text(self, sub: str = "") -> str:
        return "\n".join(f"{i}. {item}" for i, item in enumerate(self.items, 1))


CARD_CLASSES: dict[str, type[Card]] = {
    cls.type_name: cls for cls in (BasicCard, ClozeCard, ChoiceCard, TypedCard, TrueFalseCard, OrderCard)
}


def answer_pool(cards: Iterable[Card]) -> tuple[tuple[str, str], ...]:
    """See `Deck.answer_pool`; also what the deck cache stores beside the cards."""
    pool: list[tuple[str, str]] = []
    for card in cards:
        if isinstance(card, BasicCard):
            pool.append(("basic", card.back))  # its reverse sub-card is left out
        elif isinstance(card, ClozeCard):
            # One scan of the text for all its sub-cards (answer_text scans it once per sub-card).
            by_number: dict[int, list[str]] = {}
            for deletion in cloze.deletions(card.text):
                by_number.setdefault(deletion.number, []).append(deletion.answer)
            pool.extend(("cloze", ", ".join(by_number[n])) for n in sorted(by_number))
    return tuple(pool)
