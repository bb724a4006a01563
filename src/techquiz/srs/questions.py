"""What the learner is asked, independent of the screen: one `Question` per sub-card, for study or quiz.

Study asks each card as written. A quiz turns basic and cloze cards into multiple choice, with
distractors drawn from the answers of other cards of the same deck.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from techquiz.deck.model import BasicCard, Card, ChoiceCard, ClozeCard, Deck, OrderCard, TrueFalseCard, TypedCard

Kind = Literal["reveal", "choice", "typed", "truefalse", "order"]
QUIZ_CHOICES = 4


@dataclass(frozen=True)
class Question:
    kind: Kind
    prompt: str
    answer: str  # the right answer, as shown after answering
    card: Card
    sub: str = ""
    choices: tuple[str, ...] = ()
    correct: tuple[str, ...] = ()  # right choices; for typed, the answer and what else is accepted
    multiple: bool = False
    items: tuple[str, ...] = ()  # order: the right order
    shuffled: tuple[str, ...] = ()  # order: as first shown

    @property
    def explain(self) -> str | None:
        return self.card.explain

    @property
    def source(self) -> str | None:
        return self.card.source

    @property
    def hint(self) -> str | None:
        return self.card.hint


def _shuffled(items: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    if len(set(items)) < 2:
        return tuple(items)
    out = list(items)
    while out == list(items):
        rng.shuffle(out)
    return tuple(out)


def study_question(card: Card, sub: str, rng: random.Random | None = None) -> Question:
    rng = rng or random.Random()
    prompt, answer = card.prompt(sub), card.answer_text(sub)
    if isinstance(card, ChoiceCard):
        return Question("choice", prompt, answer, card, sub, card.choices, card.answers, multiple=card.multiple)
    if isinstance(card, TypedCard):
        return Question("typed", prompt, answer, card, sub, correct=(card.answer, *card.accept))
    if isinstance(card, TrueFalseCard):
        return Question("truefalse", prompt, answer, card, sub, correct=(answer,))
    if isinstance(card, OrderCard):
        return Question("order", prompt, answer, card, sub, items=card.items, shuffled=_shuffled(card.items, rng))
    return Question("reveal", prompt, answer, card, sub)


def _distractors(card: Card, right: str, deck: Deck, rng: random.Random) -> list[str] | None:
    """Wrong answers from the deck's other basic and cloze cards, the same type as `card` first
    (a cloze's answers look like other clozes'). None when the deck has too few."""
    same: dict[str, None] = {}
    other: dict[str, None] = {}
    for candidate in deck.cards:
        if not isinstance(candidate, BasicCard | ClozeCard):
            continue
        bucket = same if type(candidate) is type(card) else other
        for sub in candidate.subs():
            answer = candidate.answer_text(sub)
            if sub != "reverse" and answer != right:
                bucket[answer] = None
    wanted = QUIZ_CHOICES - 1
    picks = rng.sample(list(same), min(wanted, len(same)))
    rest = [a for a in other if a not in picks]
    if len(picks) + len(rest) < wanted:
        return None
    return picks + rng.sample(rest, wanted - len(picks))


def quiz_question(card: Card, sub: str, deck: Deck, rng: random.Random) -> Question:
    """Basic and cloze cards become multiple choice when the deck has enough other answers."""
    base = study_question(card, sub, rng)
    if base.kind != "reveal":
        return base
    right = base.answer
    wrong = _distractors(card, right, deck, rng)
    if wrong is None:
        return Question("typed", base.prompt, right, card, sub, correct=(right,))
    choices = [right, *wrong]
    rng.shuffle(choices)
    return Question("choice", base.prompt, right, card, sub, tuple(choices), (right,))


def build_quiz(decks: Sequence[Deck], size: int, rng: random.Random | None = None) -> list[Question]:
    """`size` questions drawn from these decks (reverse cards left out: they ask a basic card again)."""
    rng = rng or random.Random()
    pool = [(deck, card, key) for deck in decks for key, card in deck.subcards() if key.sub != "reverse"]
    chosen = rng.sample(pool, min(size, len(pool)))
    return [quiz_question(card, key.sub, deck, rng) for deck, card, key in chosen]
