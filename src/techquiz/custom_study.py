"""Custom study (Anki's filtered decks): study the cards a search found, in the search's order.

Cards that are due (and new cards) are answered as in any session: scheduled, logged, undoable.
Cards not yet due are a preview, as in Anki: answering them changes nothing in the store, unless
the learner asked to reschedule them, when they are answered like due cards. Daily limits do not
apply: the learner chose these cards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from techquiz.config import day_start
from techquiz.deck.model import Deck
from techquiz.model import DeckQueue, Rating, State, StoredCard
from techquiz.srs.queue import StudyQueue
from techquiz.store import progress
from techquiz.store.backup import BackupPolicy
from techquiz.store.progress import Answered
from techquiz.study import StudySession


class SearchSession(StudySession):
    def __init__(
        self,
        conn: sqlite3.Connection,
        decks: Sequence[Deck],
        clock: Callable[[], datetime],
        rowids: Sequence[int],
        reschedule: bool = False,
        backups: BackupPolicy | None = None,
    ) -> None:
        self.rowids = list(rowids)
        self.reschedule = reschedule
        self.previewed = 0  # answers that changed nothing
        self._previewed: set[int] = set()  # cards previewed: a rebuilt queue leaves them out
        self._scheduled: set[int] = set()  # cards answered for real: back only while in learning steps
        super().__init__(conn, decks, clock, backups)

    def _build_queue(self) -> StudyQueue:
        end = day_start(self.today + timedelta(days=1))
        learning, others, new = [], [], []
        for card in progress.stored_cards(self.conn, self.rowids):
            state = card.state
            in_steps = state.state in (State.LEARNING, State.RELEARNING) and state.due is not None and state.due < end
            # The session rebuilds its queue as it goes; a card done here does not come round again
            # (as in Anki's filtered decks), unless its learning steps bring it back today.
            if card.rowid in self._previewed or (card.rowid in self._scheduled and not in_steps):
                continue
            if state.state == State.NEW:
                new.append(card)
            elif state.state in (State.LEARNING, State.RELEARNING) and state.due is not None and state.due < end:
                learning.append(card)
            else:
                others.append(card)
        return StudyQueue.build({"search": DeckQueue(learning, others, new)})

    def is_preview(self, card: StoredCard) -> bool:
        """Not yet due (and not new): answering it leaves its schedule alone unless rescheduling."""
        due = card.state.due
        end = day_start(self.today + timedelta(days=1))
        return not self.reschedule and card.state.state != State.NEW and due is not None and due >= end

    def answer(self, rating: Rating, duration_ms: int) -> Answered:
        card = self.current()
        if card is not None and self.is_preview(card.stored):
            self._current = None
            self._previewed.add(card.stored.rowid)
            self._answers.append((card.stored.rowid, rating))
            self.previewed += 1
            state = card.stored.state  # nothing written: the answer says so (log_id 0, no change)
            return Answered(0, card.stored.rowid, state, state, (), (False, False))
        done = super().answer(rating, duration_ms)
        self._scheduled.add(done.rowid)
        return done
