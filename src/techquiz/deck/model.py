"""The deck model: what a loaded deck file holds, as frozen dataclasses with source positions.
The card types are in `deck/cards.py`: a start from the cache builds no card, and leaving their
classes out of start-up saves ~4 ms of generated dataclass code before the first paint.

Keys and positions use __slots__: a big deck has tens of thousands of each, and a per-instance
__dict__ would double their memory.

A deck file lists *cards*; a card is studied as one or more *sub-cards* (Anki's note/card split): a
cloze card gives one sub-card per deletion number, a basic card with `reverse: true` gives two.
Progress is keyed by `CardKey(deck, card, sub)`, so editing a card's text keeps its progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from techquiz.deck.cards import Card


@dataclass(frozen=True, slots=True, order=True)
class CardKey:
    deck: str
    card: str
    sub: str = ""

    def __str__(self) -> str:
        return f"{self.deck}/{self.card}" + (f"#{self.sub}" if self.sub else "")


@dataclass(frozen=True, slots=True)
class Position:
    path: Path
    line: int  # 1-based
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200


@dataclass(frozen=True, slots=True)
class Settings:
    new_per_day: int | None = None
    reviews_per_day: int | None = None
    desired_retention: float | None = None
    fsrs_parameters: tuple[float, ...] | None = None  # pinned FSRS weights: they win over a fitted set
    leech_lapses: int | None = None

    def daily_limits(self) -> tuple[int, int]:
        """(new cards, reviews) per day: the deck's own, or the defaults."""
        new = DEFAULT_NEW_PER_DAY if self.new_per_day is None else self.new_per_day
        reviews = DEFAULT_REVIEWS_PER_DAY if self.reviews_per_day is None else self.reviews_per_day
        return new, reviews


@dataclass(frozen=True)
class DeckSource:
    publisher: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    path: Path
    cards: tuple[Card, ...]
    id_position: Position
    description: str | None = None
    source: DeckSource | None = None
    tags: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)

    def subcards(self) -> tuple[tuple[CardKey, Card], ...]:
        """Every sub-card of the deck with its key, in file order."""
        return self._subcards

    @cached_property
    def _subcards(self) -> tuple[tuple[CardKey, Card], ...]:
        # Computed once per loaded deck: cloze numbers come from a regex over each card's text, and
        # counts, sync, sessions and stats all ask for the sub-cards.
        return tuple((CardKey(self.id, card.id, sub), card) for card in self.cards for sub in card.subs())

    def quiz_subcards(self) -> tuple[tuple[str, str], ...]:
        """(card id, sub) of the sub-cards a quiz can ask, in file order: all but reverse ones (they
        ask a basic card again). A cached deck reads them without building a card (nor a key each)."""
        return tuple((key.card, key.sub) for key, _ in self.subcards() if key.sub != "reverse")

    def card_ids(self) -> tuple[str, ...]:
        """Every card's id, in file order; a cached deck reads them without building a card (every
        card has a sub-card a quiz can ask: only a basic card's reverse is left out of those)."""
        return tuple(dict.fromkeys(card for card, _ in self.quiz_subcards()))

    def answer_pool(self) -> tuple[tuple[str, str], ...]:
        """(card type, answer) of every basic and cloze sub-card but reverse ones, in file order:
        what a quiz draws its distractors from. A cached deck reads it without building a card."""
        from techquiz.deck.cards import answer_pool

        return answer_pool(self.cards)

    def card(self, card_id: str) -> Card | None:
        """One card by id (a cached deck fetches just that card, not the whole deck)."""
        return self._by_id.get(card_id)

    def card_for(self, key: CardKey) -> Card | None:
        """The card a sub-card key names, if the deck still has it with that sub-card."""
        card = self.card(key.card)
        return card if card is not None and key.sub in card.subs() else None

    @cached_property
    def _by_id(self) -> dict[str, Card]:
        return {card.id: card for card in self.cards}

    @cached_property
    def subcard_count(self) -> int:
        return len(self.subcards())

    @cached_property
    def fingerprint(self) -> str:
        """What the store must match: every sub-card's id and type (text edits do not change it)."""
        import hashlib  # here: it loads OpenSSL (~1 ms); a cached deck has its fingerprint stored

        digest = hashlib.sha1()
        for key, card in self.subcards():
            digest.update(f"{key.card}\t{key.sub}\t{card.type_name}\n".encode())
        return digest.hexdigest()
