"""A study session: the next card, answering it durably, undo, counts and the grade intervals.

It coordinates the store, the queue, the scheduler and backups, so it sits above all of them.
No UI here: the Textual study screen and the tests drive the same object.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from techquiz.config import day_start, study_day
from techquiz.deck.cards import Card
from techquiz.deck.model import CardKey, Deck
from techquiz.model import LEECH_LAPSES, CardState, Rating, State, StoredCard
from techquiz.srs import parameters, scheduler
from techquiz.srs.questions import Question, shuffle_rng, study_question
from techquiz.srs.queue import StudyQueue
from techquiz.store import progress
from techquiz.store.backup import BackupPolicy
from techquiz.store.progress import Answered

UNDO_DEPTH = 50


@dataclass(frozen=True)
class _Undoable:
    """One step `u` can take back: an answer (with the siblings it buried) or a suspend."""

    stored: StoredCard
    answered: Answered | None  # None: the card was suspended
    dropped: list[StoredCard]  # cards this step took out of the queue, besides the card itself


@dataclass(frozen=True)
class StudyCard:
    """The card on screen: what the store knows, and what the deck file says."""

    stored: StoredCard
    card: Card
    deck: Deck

    @property
    def key(self) -> CardKey:
        return self.stored.key

    @property
    def sub(self) -> str:
        return self.stored.key.sub

    @property
    def state(self) -> CardState:
        return self.stored.state


@dataclass(frozen=True)
class Counts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class Summary:
    """What a session did: `answers` given to `cards` different cards (a card failed comes back in
    its learning steps, so there are more answers than cards), and how many of those cards were
    right the first time they came up."""

    answers: int
    cards: int
    right_first: int
    seconds: float

    @property
    def first_try_rate(self) -> float | None:
        return None if self.cards == 0 else self.right_first / self.cards


class StudySession:
    def __init__(
        self,
        conn: sqlite3.Connection,
        decks: Sequence[Deck],
        clock: Callable[[], datetime],
        backups: BackupPolicy | None = None,
        salt: int | None = None,
    ) -> None:
        self.conn = conn
        self.decks = {d.id: d for d in decks}
        self.clock = clock
        self.backups = backups
        self.warnings: list[str] = []
        self._undo: list[_Undoable] = []
        self._answers: list[tuple[int, Rating]] = []  # (card row, rating), in order: the summary's truth
        # Mixes choices, anew each session (the app passes one from its own generator, seeded in tests).
        self._salt = random.getrandbits(32) if salt is None else salt
        self._started = time.monotonic()
        for deck in decks:
            self.warnings += progress.sync_deck(conn, deck, self.clock())
        self.today = study_day(clock())
        self.scheduling = parameters.scheduling_for(conn, decks)
        self.queue = self._build_queue()
        self._built_at = 0  # answers given when the queue was last read from the store
        self._current: StudyCard | None = None

    def _build_queue(self) -> StudyQueue:
        end = day_start(self.today + timedelta(days=1))
        left = progress.daily_left(self.conn, self.decks.values(), self.today)
        queues = {
            deck_id: progress.deck_queue(self.conn, deck_id, self.today, end, new_left, reviews_left)
            for deck_id, (new_left, reviews_left) in left.items()
        }
        return StudyQueue.build(queues)

    def _scheduling(self, deck_id: str) -> parameters.Scheduling:
        return self.scheduling.get(deck_id, parameters.Scheduling())

    def _roll_over(self) -> None:
        """A session left open past 04:00 starts the new day's queue."""
        today = study_day(self.clock())
        if today != self.today:
            self.today = today
            self.queue = self._build_queue()
            self._current = None

    def current(self) -> StudyCard | None:
        """The card to show now (the same one until it is answered), or None when nothing is left."""
        self._roll_over()
        self._take()
        if self._current is None and self._built_at != len(self._answers):
            # Siblings buried during the session took places under the new-card limit: read the
            # queue again, so "Session complete" never leaves cards that are due now behind.
            self._built_at = len(self._answers)
            self.queue = self._build_queue()
            self._take()
        return self._current

    def _take(self) -> None:
        while self._current is None and (stored := self.queue.pop(self.clock())) is not None:
            card = self._card(stored.key)
            if card is not None:  # else its deck was reloaded without it: skip it
                self._current = StudyCard(stored, card, self.decks[stored.key.deck])

    def question(self) -> Question | None:
        """What the card on screen asks, its choices mixed: the same while it is shown and when an
        undo brings it back, mixed anew each time it comes up again."""
        card = self.current()
        if card is None:
            return None
        return study_question(card.card, card.sub, shuffle_rng(self._salt, card.key, card.state.reps))

    def intervals(self) -> dict[Rating, timedelta]:
        card = self.current()
        if card is None:
            return {}
        chosen = self._scheduling(card.key.deck)
        return scheduler.preview(card.state, self.clock(), chosen.retention, chosen.parameters, seed=card.stored.rowid)

    def answer(self, rating: Rating, duration_ms: int) -> Answered:
        """Grade the current card. Returns once the answer is committed to disk; a card this answer
        made a leech is suspended (`Answered.leeched`), and undo brings it back."""
        card = self.current()
        if card is None:
            raise RuntimeError("no card to answer")
        now = self.clock()
        chosen = self._scheduling(card.key.deck)
        threshold = self.decks[card.key.deck].settings.leech_lapses or LEECH_LAPSES
        done = progress.answer(
            self.conn,
            card.stored.rowid,
            rating,
            now,
            self.today,
            duration_ms,
            lambda before: scheduler.review(
                before, rating, now, chosen.retention, parameters=chosen.parameters, seed=card.stored.rowid
            ),
            threshold,
        )
        self._current = None
        buried = {rowid for rowid, _ in done.buried}
        dropped = self.queue.remove(buried) if buried else []
        after = replace(card.stored, state=done.after)
        end = day_start(self.today + timedelta(days=1))
        learning = done.after.state in (State.LEARNING, State.RELEARNING)
        if learning and not done.leeched and done.after.due and done.after.due < end:
            self.queue.add_learning(after)
        self._push_undo(_Undoable(card.stored, done, dropped))
        self._answers.append((card.stored.rowid, rating))
        if self.backups is not None:
            self.backups.changed()
            self.backups.maybe_backup(self.conn)
        return done

    def _push_undo(self, step: _Undoable) -> None:
        self._undo.append(step)
        del self._undo[:-UNDO_DEPTH]

    def suspend(self) -> StudyCard | None:
        """Suspend the current card (Anki's `@`): it leaves every queue until unsuspended. Undoable."""
        card = self.current()
        if card is None:
            return None
        progress.set_suspended(self.conn, card.stored.rowid, True)
        self._current = None
        self._push_undo(_Undoable(card.stored, None, []))
        return card

    def can_undo(self) -> bool:
        return bool(self._undo)

    def next_undo(self) -> str | None:
        """What `u` would take back: "answer" or "suspend" (None when nothing)."""
        if not self._undo:
            return None
        return "suspend" if self._undo[-1].answered is None else "answer"

    def undo(self) -> StudyCard | None:
        """Take back the last answer or suspend: the card's previous state returns and is shown again."""
        if not self._undo:
            return None
        step = self._undo[-1]
        if step.answered is None:
            progress.set_suspended(self.conn, step.stored.rowid, False)
        else:
            progress.undo(self.conn, step.answered)
            if self._answers:
                self._answers.pop()
        self._undo.pop()
        self.queue.remove({step.stored.rowid})
        self.queue.put_back(step.dropped)  # siblings it buried are due again today
        if self._current is not None:
            self.queue.push_front(self._current.stored)
        self.queue.push_front(step.stored)
        self._current = None
        return self.current()

    def _card(self, key: CardKey) -> Card | None:
        # Looked up when shown: a session on a 100,000-card deck holds only the cards it shows.
        deck = self.decks.get(key.deck)
        return deck.card_for(key) if deck is not None else None

    def reload_scheduling(self) -> None:
        """Take parameters or a desired retention changed since the session started (by the optimizer
        or the stats screen's keys): the next answer and the grade buttons use them."""
        self.scheduling = parameters.scheduling_for(self.conn, list(self.decks.values()))

    def reload_deck(self, deck: Deck) -> None:
        """Take an edited deck file: cards show their new text; removed cards leave the queue.
        The caller has synced the store with it (the app does, for every screen at once)."""
        self.decks[deck.id] = deck
        self.scheduling.update(parameters.scheduling_for(self.conn, [deck]))  # its file may pin other settings now
        current = self._current
        if current is not None and current.key.deck == deck.id:
            card = deck.card_for(current.key)
            self._current = None if card is None else replace(current, card=card, deck=deck)

    def counts(self) -> Counts:
        new, learning, review = self.queue.counts()
        if self._current is not None:
            state = self._current.state.state
            if state == State.NEW:
                new += 1
            elif state == State.REVIEW:
                review += 1
            else:
                learning += 1
        return Counts(new, learning, review)

    def next_due(self) -> datetime | None:
        """When the next card can be studied, as a new session would offer it (None: nothing is
        scheduled, e.g. every card suspended)."""
        today = study_day(self.clock())
        left = progress.daily_left(self.conn, self.decks.values(), today)
        return progress.next_available(self.conn, left, self.clock(), today)

    def summary(self) -> Summary:
        first: dict[int, Rating] = {}
        for rowid, rating in self._answers:
            first.setdefault(rowid, rating)
        right = sum(1 for rating in first.values() if rating != Rating.Again)
        return Summary(len(self._answers), len(first), right, time.monotonic() - self._started)
