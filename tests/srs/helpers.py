"""Building decks and sessions in tests, with a clock the test moves."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck
from techquiz.store import db

from ..decktext import basic, deck_yaml

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = field(default=START)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def basic_deck(path: Path, deck_id: str = "d", cards: int = 30, new_per_day: int | None = None) -> Deck:
    settings = {"settings": {"new_per_day": new_per_day}} if new_per_day is not None else {}
    path.write_text(
        deck_yaml(deck_id, *(basic(f"c{i}", f"q{i}", f"a{i}") for i in range(cards)), **settings), encoding="utf-8"
    )
    result = load_deck(path)
    assert result.deck is not None, result.problems
    return result.deck


def open_store(tmp_path: Path) -> sqlite3.Connection:
    return db.connect(tmp_path / "data" / "progress.sqlite3")
