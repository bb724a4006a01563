"""What the learner is asked, independent of the screen: one `Question` per sub-card, for study or quiz.

Study asks each card as written, its choices mixed each time it is shown. A quiz turns basic and
cloze cards into multiple choice, with distractors drawn from the answers of other cards of the same
deck that do not give the answer away.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence, Set
from dataclasses import dataclass, replace
from typing import Literal

from techquiz.deck.model import (
    BasicCard,
    Card,
    CardKey,
    ChoiceCard,
    ClozeCard,
    Deck,
    OrderCard,
    TrueFalseCard,
    TypedCard,
)
from techquiz.srs import grading

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
    """Another order than the file's (an order card shown in its right order asks nothing)."""
    if len(set(items)) < 2:
        return tuple(items)
    out = list(items)
    while out == list(items):
        rng.shuffle(out)
    return tuple(out)


def _mixed(items: Sequence[str], rng: random.Random) -> tuple[str, ...]:
    """Choices in a random order: in file order a learner learns positions ("pick all" cards list
    their right answers first)."""
    out = list(items)
    rng.shuffle(out)
    return tuple(out)


def shuffle_rng(salt: int, key: CardKey, reps: int) -> random.Random:
    """The generator for one showing of a card: the same while it is on screen and when an undo
    brings it back (same reps), another one each time it comes up again."""
    return random.Random(f"{salt}|{key}|{reps}")


def study_question(card: Card, sub: str, rng: random.Random | None = None) -> Question:
    rng = rng or random.Random()
    prompt, answer = card.prompt(sub), card.answer_text(sub)
    if isinstance(card, ChoiceCard):
        choices = _mixed(card.choices, rng)
        return Question("choice", prompt, answer, card, sub, choices, card.answers, multiple=card.multiple)
    if isinstance(card, TypedCard):
        return Question("typed", prompt, answer, card, sub, correct=(card.answer, *card.accept))
    if isinstance(card, TrueFalseCard):
        return Question("truefalse", prompt, answer, card, sub, correct=(answer,))
    if isinstance(card, OrderCard):
        return Question("order", prompt, answer, card, sub, items=card.items, shuffled=_shuffled(card.items, rng))
    return Question("reveal", prompt, answer, card, sub)


def reshuffled(question: Question, rng: random.Random) -> Question:
    """The same question with its choices (or order items) mixed again, for a retry."""
    if question.kind == "choice":
        return replace(question, choices=_mixed(question.choices, rng))
    if question.kind == "order":
        return replace(question, shuffled=_shuffled(question.items, rng))
    return question


_NUMBER = re.compile(r"^[\d\s.,:%/+-]+$")


def _shape(text: str) -> tuple[bool, bool, int]:
    """What makes an answer look like the others: a number or words, a capital, how many words."""
    return bool(_NUMBER.match(text)), text[:1].isupper(), min(len(text.split()), 4)


def _unlike(candidate: str, right: str) -> tuple[int, int]:
    """How far a distractor looks from the right answer (smaller is closer): a distractor of another
    shape or length leaves the right answer the odd one out."""
    a, b = _shape(candidate), _shape(right)
    mismatch = 3 * (a[0] != b[0]) + (a[1] != b[1]) + abs(a[2] - b[2])
    return mismatch, round(2 * abs(math.log((len(candidate) + 1) / (len(right) + 1))))  # 0 within ~30%


def _in_prompt(candidate: str, prompt: str) -> bool:
    """Whether the question shows this text (a word of it, or a cloze sibling's answer left visible)."""
    return re.search(rf"(?<!\w){re.escape(candidate.casefold())}(?!\w)", prompt.casefold()) is not None


def _distractors(card: Card, sub: str, right: str, deck: Deck, rng: random.Random) -> list[str] | None:
    """Wrong answers from the deck's other basic and cloze answers, none of which gives the answer
    away: never one the question shows, never the same answer written differently, and the closest
    in type (a cloze's answers look like other clozes'), shape and length first. None when the deck
    has too few."""
    prompt = card.prompt(sub)
    taken = {grading.normalize(right)}
    ranked: list[tuple[tuple[int, int, int], str]] = []
    for candidate in deck.cards:
        if not isinstance(candidate, BasicCard | ClozeCard):
            continue
        other_type = int(type(candidate) is not type(card))
        for candidate_sub in candidate.subs():
            answer = candidate.answer_text(candidate_sub)
            norm = grading.normalize(answer)
            if candidate_sub == "reverse" or not norm or norm in taken or _in_prompt(answer, prompt):
                continue
            taken.add(norm)
            ranked.append(((other_type, *_unlike(answer, right)), answer))
    wanted = QUIZ_CHOICES - 1
    if len(ranked) < wanted:
        return None
    ranked.sort(key=lambda pair: pair[0])
    # Every candidate as close as the closest `wanted`, so that each quiz draws other distractors.
    cut = ranked[wanted - 1][0]
    return rng.sample([answer for rank, answer in ranked if rank <= cut], wanted)


def quiz_question(card: Card, sub: str, deck: Deck, rng: random.Random) -> Question:
    """Basic and cloze cards become multiple choice when the deck has enough other answers."""
    base = study_question(card, sub, rng)
    if base.kind != "reveal":
        return base
    right = base.answer
    wrong = _distractors(card, sub, right, deck, rng)
    if wrong is None:
        return Question("typed", base.prompt, right, card, sub, correct=(right,))
    return Question("choice", base.prompt, right, card, sub, _mixed([right, *wrong], rng), (right,))


def build_quiz(
    decks: Sequence[Deck], size: int, rng: random.Random | None = None, leave_out: Set[CardKey] = frozenset()
) -> list[Question]:
    """`size` questions drawn from these decks (reverse cards left out: they ask a basic card again;
    `leave_out` holds the suspended cards, which stay out of a quiz as they do of study)."""
    rng = rng or random.Random()
    pool = [
        (deck, card, key)
        for deck in decks
        for key, card in deck.subcards()
        if key.sub != "reverse" and key not in leave_out
    ]
    chosen = rng.sample(pool, min(size, len(pool)))
    return [quiz_question(card, key.sub, deck, rng) for deck, card, key in chosen]
