from __future__ import annotations

from datetime import UTC, datetime, timedelta

from techquiz.deck.model import CardKey
from techquiz.model import CardState, DeckQueue, State, StoredCard
from techquiz.srs.queue import StudyQueue

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def card(rowid: int, state: State = State.NEW, due: datetime | None = None) -> StoredCard:
    return StoredCard(rowid, CardKey("d", f"c{rowid}"), CardState(state=state, due=due))


def drain(queue: StudyQueue) -> list[int]:
    out = []
    while (c := queue.pop(NOW + timedelta(days=1))) is not None:
        out.append(c.rowid)
    return out


def test_removed_cards_are_skipped_and_counted_out_and_can_come_back() -> None:
    new = [card(i) for i in range(1, 6)]
    reviews = [card(i, State.REVIEW, NOW) for i in range(6, 9)]
    queue = StudyQueue.build({"d": DeckQueue([], reviews, new)})
    assert queue.counts() == (5, 0, 3)
    dropped = queue.remove({2, 4, 7, 99})
    assert sorted(c.rowid for c in dropped) == [2, 4, 7]
    assert queue.counts() == (3, 0, 2)
    queue.put_back(dropped)
    assert queue.counts() == (5, 0, 3)
    assert sorted(drain(queue)) == list(range(1, 9))  # each once


def test_a_card_queued_again_is_shown_once_from_its_newest_place() -> None:
    first = card(1, State.LEARNING, NOW + timedelta(minutes=5))
    queue = StudyQueue.build({"d": DeckQueue([first], [], [card(2)])})
    queue.remove({1})
    queue.push_front(first)  # an undo brings it to the front
    assert queue.pop(NOW) == first
    queue.add_learning(card(1, State.LEARNING, NOW + timedelta(minutes=10)))  # answered again
    assert queue.counts() == (1, 1, 0)
    assert drain(queue) == [1, 2]  # due learning first; the stale entry of card 1 is never shown
