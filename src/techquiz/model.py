"""The plain types shared by the store and the scheduler: no imports of either, so both can use them.

`State` keeps NEW apart from FSRS's Learning (FSRS has no "new" state) so that queues and daily limits
can tell never-seen cards from cards in their learning steps. `Rating` has FSRS's (and Anki's) values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from techquiz.deck.model import CardKey

LEECH_LAPSES = 8  # as in Anki: a card forgotten this often is a leech
MATURE_DAYS = 21  # a review card whose interval is at least this is mature (as in Anki)


class State(IntEnum):
    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


class Rating(IntEnum):
    Again = 1
    Hard = 2
    Good = 3
    Easy = 4


@dataclass(frozen=True)
class CardState:
    """What scheduling knows about one sub-card."""

    state: State = State.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class StoredCard:
    """A sub-card as the store holds it: its row id, its key and its scheduling state."""

    rowid: int
    key: CardKey
    state: CardState


@dataclass(frozen=True)
class DeckQueue:
    """What one deck offers today, read once when a session starts."""

    learning: list[StoredCard]
    reviews: list[StoredCard]
    new: list[StoredCard]
