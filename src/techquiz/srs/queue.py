"""What to show next, as Anki does it: learning cards when due, then due reviews (most overdue
first), then new cards; several decks take turns. Pure and in memory: no store, no UI.

Removing a card (a buried sibling, a suspended or undone card) costs O(1) whatever the queue's
size: each queued entry carries a serial, a card's live entry is recorded in `_live`, and entries
that are no longer live are skipped when they come to the head of their list.
"""

from __future__ import annotations

import bisect
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from techquiz.model import DeckQueue, State, StoredCard

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default learn-ahead limit

Entry = tuple[int, StoredCard]  # (serial, card)


@dataclass
class StudyQueue:
    learning: list[tuple[datetime, int, StoredCard]] = field(default_factory=list)  # sorted by (due, serial)
    reviews: dict[str, deque[Entry]] = field(default_factory=dict)
    new: dict[str, deque[Entry]] = field(default_factory=dict)
    front: list[Entry] = field(default_factory=list)  # undone cards, shown first, last in first out
    _live: dict[int, tuple[str, int, StoredCard]] = field(default_factory=dict)  # rowid -> (list, serial, card)
    _sizes: Counter[str] = field(default_factory=Counter)  # live entries per list
    _turn: int = 0
    _serial: int = 0  # also the tie-breaker that keeps equal due times in order

    @classmethod
    def build(cls, queues: dict[str, DeckQueue]) -> StudyQueue:
        queue = cls()
        for deck_id, q in queues.items():
            for card in q.learning:
                queue.add_learning(card)
            queue.reviews[deck_id] = deque((queue._enter("reviews", c), c) for c in q.reviews)
            queue.new[deck_id] = deque((queue._enter("new", c), c) for c in q.new)
        return queue

    # ---- bookkeeping --------------------------------------------------------------------------
    def _enter(self, where: str, card: StoredCard) -> int:
        """Record a new entry as the card's live one (a card is queued once: the newest entry wins)."""
        self._leave(card.rowid)
        self._serial += 1
        self._live[card.rowid] = (where, self._serial, card)
        self._sizes[where] += 1
        return self._serial

    def _leave(self, rowid: int) -> StoredCard | None:
        gone = self._live.pop(rowid, None)
        if gone is None:
            return None
        self._sizes[gone[0]] -= 1
        return gone[2]

    def _alive(self, serial: int, card: StoredCard) -> bool:
        live = self._live.get(card.rowid)
        return live is not None and live[1] == serial

    def _head(self, cards: deque[Entry]) -> Entry | None:
        while cards and not self._alive(*cards[0]):
            cards.popleft()
        return cards[0] if cards else None

    def _learning_head(self) -> tuple[datetime, int, StoredCard] | None:
        while self.learning and not self._alive(self.learning[0][1], self.learning[0][2]):
            self.learning.pop(0)
        return self.learning[0] if self.learning else None

    def _front_head(self) -> Entry | None:
        while self.front and not self._alive(*self.front[-1]):
            self.front.pop()
        return self.front[-1] if self.front else None

    # ---- adding -------------------------------------------------------------------------------
    def add_learning(self, card: StoredCard) -> None:
        assert card.state.due is not None
        serial = self._enter("learning", card)
        bisect.insort(self.learning, (card.state.due, serial, card), key=lambda t: (t[0], t[1]))

    def push_front(self, card: StoredCard) -> None:
        """Show this card next (after an undo)."""
        self.front.append((self._enter("front", card), card))

    def put_back(self, cards: list[StoredCard]) -> None:
        """Return cards that `remove` dropped (an undone answer un-buries its siblings)."""
        for card in reversed(cards):
            state = card.state.state
            if state in (State.LEARNING, State.RELEARNING):
                self.add_learning(card)
            else:
                where, lists = ("new", self.new) if state == State.NEW else ("reviews", self.reviews)
                lists.setdefault(card.key.deck, deque()).appendleft((self._enter(where, card), card))

    # ---- taking -------------------------------------------------------------------------------
    def _take_turn(self, lists: dict[str, deque[Entry]]) -> StoredCard | None:
        decks = [d for d, cards in lists.items() if self._head(cards) is not None]
        if not decks:
            return None
        deck = decks[self._turn % len(decks)]
        self._turn += 1
        return lists[deck].popleft()[1]

    def pop(self, now: datetime) -> StoredCard | None:
        """The next card to show, taken out of the queue (None when nothing is left for now)."""
        card = self._next(now)
        if card is not None:
            self._leave(card.rowid)
        return card

    def _next(self, now: datetime) -> StoredCard | None:
        if self._front_head() is not None:
            return self.front.pop()[1]
        learning = self._learning_head()
        if learning is not None and learning[0] <= now:
            return self.learning.pop(0)[2]
        for lists in (self.reviews, self.new):
            card = self._take_turn(lists)
            if card is not None:
                return card
        if learning is not None and learning[0] <= now + LEARN_AHEAD:
            return self.learning.pop(0)[2]
        return None

    def remove(self, rowids: set[int]) -> list[StoredCard]:
        """Drop cards (buried siblings, a suspended card) from the queue; returns what was dropped."""
        return [card for rowid in rowids if (card := self._leave(rowid)) is not None]

    # ---- counting -----------------------------------------------------------------------------
    def counts(self) -> tuple[int, int, int]:
        """(new, learning, reviews) left; undone cards count as what they are again."""
        front = Counter(card.state.state for serial, card in self.front if self._alive(serial, card))
        return (
            self._sizes["new"] + front[State.NEW],
            self._sizes["learning"] + front[State.LEARNING] + front[State.RELEARNING],
            self._sizes["reviews"] + front[State.REVIEW],
        )
