"""Building decks and sessions in tests, with a clock the test moves."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck
from techquiz.store import db

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = field(default=START)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def basic_deck(path: Path, deck_id: str = "d", cards: int = 30, new_per_day: int | None = None) -> Deck:
    settings = f"settings: {{new_per_day: {new_per_day}}}\n" if new_per_day is not None else ""
    lines = [f"format: 1\nid: {deck_id}\ntitle: {deck_id}\n{settings}cards:\n"]
    lines += [f"  - {{id: c{i}, front: 'q{i}', back: 'a{i}'}}\n" for i in range(cards)]
    path.write_text("".join(lines), encoding="utf-8")
    result = load_deck(path)
    assert result.deck is not None, result.problems
    return result.deck


def open_store(tmp_path: Path) -> sqlite3.Connection:
    return db.connect(tmp_path / "data" / "progress.sqlite3")
