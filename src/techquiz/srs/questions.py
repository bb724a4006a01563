"""What the learner is asked, independent of the screen: one `Question` per sub-card, for study or quiz.

Study asks each card as written, its choices mixed each time it is shown. A quiz turns basic and
cloze cards into multiple choice, with distractors drawn from the answers of other cards of the same
deck that do not give the answer away.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence, Set
from dataclasses import dataclass, replace
from typing import Literal

from techquiz.deck.cards import Card, ChoiceCard, OrderCard, TrueFalseCard, TypedCard
from techquiz.deck.model import CardKey, Deck
from techquiz.srs.distractors import DistractorIndex

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


_GROUPED = re.compile(r"^\d{1,3}(?:([,\u00a0\u202f\u2009' _])\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


def _digits(text: str) -> tuple[str, str, str | None] | None:
    """A plain number as (whole digits, decimals, grouping separator), or None for anything else."""
    if grouped := _GROUPED.match(text):
        whole = text[: len(text) - len(grouped.group(2) or "")]
        return whole.replace(grouped.group(1), ""), grouped.group(2) or "", grouped.group(1)
    if plain := _PLAIN.match(text):
        return text[: len(text) - len(plain.group(1) or "")], plain.group(1) or "", None
    return None


def _like(candidate: str, right: str) -> str:
    """A number written with the right answer's digit grouping ("1,500" next to "1,000", "1500" next
    to "1000"): a comma only the right answer has would give it away. An answer under 1000 shows no
    grouping to follow, so the candidate stays as written. The normalized form is unchanged, so the
    index's rule (never the right answer written differently) still holds."""
    number, model = _digits(candidate), _digits(right)
    if number is None or model is None or (model[2] is None and len(model[0]) < 4):
        return candidate
    whole, decimals, _ = number
    if model[2] is not None:
        whole = f"{int(whole):,}".replace(",", model[2])
    return whole + decimals


def quiz_question(
    card: Card, sub: str, deck: Deck, rng: random.Random, distractors: DistractorIndex | None = None
) -> Question:
    """Basic and cloze cards become multiple choice when the deck has enough other answers
    (`distractors`: the deck's index, when a quiz asks several of its cards)."""
    base = study_question(card, sub, rng)
    if base.kind != "reveal":
        return base
    right = base.answer
    index = distractors or DistractorIndex(deck.answer_pool())
    wrong = index.pick(card.type_name, base.prompt, right, QUIZ_CHOICES - 1, rng)
    if wrong is None:
        return Question("typed", base.prompt, right, card, sub, correct=(right,))
    wrong = [_like(answer, right) for answer in wrong]
    return Question("choice", base.prompt, right, card, sub, _mixed([right, *wrong], rng), (right,))


def build_quiz(
    decks: Sequence[Deck], size: int, rng: random.Random | None = None, leave_out: Set[CardKey] = frozenset()
) -> list[Question]:
    """`size` questions drawn from these decks (reverse cards left out: they ask a basic card again;
    `leave_out` holds the suspended cards, which stay out of a quiz as they do of study)."""
    rng = rng or random.Random()
    # Sub-card ids, then only the chosen cards: a cached deck reads what a quiz may ask and the
    # answers it draws from without building its cards (a quiz on 100,000 cards loaded them all:
    # 5 s and 66 MB). Suspended cards are few: they are matched by (card, sub) per deck.
    out: dict[str, set[tuple[str, str]]] = {}
    for key in leave_out:
        out.setdefault(key.deck, set()).add((key.card, key.sub))
    pool = [
        (deck, pair)
        for deck in decks
        for pair in deck.quiz_subcards()
        if deck.id not in out or pair not in out[deck.id]
    ]
    chosen = rng.sample(pool, min(size, len(pool)))
    indexes: dict[int, DistractorIndex] = {}  # one per deck, built once for all its questions
    questions = []
    for deck, (card_id, sub) in chosen:
        card = deck.card(card_id)
        if card is None:  # only if the file changed under a cached deck since it was read
            continue
        index = indexes.get(id(deck))
        if index is None:
            index = indexes[id(deck)] = DistractorIndex(deck.answer_pool())
        questions.append(quiz_question(card, sub, deck, rng, index))
    return questions
