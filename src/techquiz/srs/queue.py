"""What to show next, as Anki does it: learning cards when due, then due reviews (most overdue
first), then new cards; several decks take turns. Pure and in memory: no store, no UI."""

from __future__ import annotations

import bisect
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from techquiz.srs.scheduler import State
from techquiz.store.progress import DeckQueue, StoredCard

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default learn-ahead limit


@dataclass
class StudyQueue:
    learning: list[tuple[datetime, int, StoredCard]] = field(default_factory=list)  # sorted by due
    reviews: dict[str, deque[StoredCard]] = field(default_factory=dict)
    new: dict[str, deque[StoredCard]] = field(default_factory=dict)
    front: list[StoredCard] = field(default_factory=list)  # undone cards, shown first, last in first out
    _turn: int = 0
    _counter: int = 0  # tie-breaker so equal due times keep their order

    @classmethod
    def build(cls, queues: dict[str, DeckQueue]) -> StudyQueue:
        queue = cls()
        for deck_id, q in queues.items():
            for card in q.learning:
                queue.add_learning(card)
            queue.reviews[deck_id] = deque(q.reviews)
            queue.new[deck_id] = deque(q.new)
        return queue

    def add_learning(self, card: StoredCard) -> None:
        assert card.state.due is not None
        self._counter += 1
        bisect.insort(self.learning, (card.state.due, self._counter, card), key=lambda t: (t[0], t[1]))

    def push_front(self, card: StoredCard) -> None:
        """Show this card next (after an undo)."""
        self.front.append(card)

    def _take_turn(self, lists: dict[str, deque[StoredCard]], pop: bool) -> StoredCard | None:
        decks = [d for d, cards in lists.items() if cards]
        if not decks:
            return None
        deck = decks[self._turn % len(decks)]
        if pop:
            self._turn += 1
            return lists[deck].popleft()
        return lists[deck][0]

    def peek(self, now: datetime) -> StoredCard | None:
        return self._next(now, pop=False)

    def pop(self, now: datetime) -> StoredCard | None:
        return self._next(now, pop=True)

    def _next(self, now: datetime, pop: bool) -> StoredCard | None:
        if self.front:
            return self.front.pop() if pop else self.front[-1]
        if self.learning and self._due(self.learning[0], now):
            return self.learning.pop(0)[2] if pop else self.learning[0][2]
        for lists in (self.reviews, self.new):
            card = self._take_turn(lists, pop)
            if card is not None:
                return card
        if self.learning and self._due(self.learning[0], now + LEARN_AHEAD):
            return self.learning.pop(0)[2] if pop else self.learning[0][2]
        return None

    @staticmethod
    def _due(entry: tuple[datetime, int, StoredCard], moment: datetime) -> bool:
        return entry[0] <= moment

    def remove(self, rowids: set[int]) -> list[StoredCard]:
        """Drop cards (buried siblings, a suspended card) from the queue; returns what was dropped."""
        dropped = [c for c in self.front if c.rowid in rowids]
        dropped += [e[2] for e in self.learning if e[2].rowid in rowids]
        self.front = [c for c in self.front if c.rowid not in rowids]
        self.learning = [e for e in self.learning if e[2].rowid not in rowids]
        for lists in (self.reviews, self.new):
            for deck, cards in lists.items():
                dropped += [c for c in cards if c.rowid in rowids]
                lists[deck] = deque(c for c in cards if c.rowid not in rowids)
        return dropped

    def put_back(self, cards: list[StoredCard]) -> None:
        """Return cards that `remove` dropped (an undone answer un-buries its siblings)."""
        for card in reversed(cards):
            state = card.state.state
            if state in (State.LEARNING, State.RELEARNING):
                self.add_learning(card)
            else:
                lists = self.new if state == State.NEW else self.reviews
                lists.setdefault(card.key.deck, deque()).appendleft(card)

    def counts(self) -> tuple[int, int, int]:
        """(new, learning, reviews) left; undone cards count as what they are again."""
        front = Counter(card.state.state for card in self.front)
        return (
            sum(len(c) for c in self.new.values()) + front[State.NEW],
            len(self.learning) + front[State.LEARNING] + front[State.RELEARNING],
            sum(len(c) for c in self.reviews.values()) + front[State.REVIEW],
        )

    def next_learning_due(self) -> datetime | None:
        return self.learning[0][0] if self.learning else None
