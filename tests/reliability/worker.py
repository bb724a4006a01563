"""A child process that studies and says 'ack N' after each answer is committed.

Used by the crash and concurrency tests: python worker.py DATA_DIR DECK_FILE COUNT
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from techquiz.deck.loader import load_deck
from techquiz.model import Rating
from techquiz.store import db
from techquiz.study import StudySession


def main() -> None:
    data, deck_file, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    deck = load_deck(deck_file).deck
    assert deck is not None
    conn = db.connect(data / "progress.sqlite3")
    session = StudySession(conn, [deck], lambda: datetime.now(UTC))
    for n in range(1, count + 1):
        if session.current() is None:
            session = StudySession(conn, [deck], lambda: datetime.now(UTC))
            if session.current() is None:
                break
        session.answer(Rating.Again, 100)
        print(f"ack {n}", flush=True)


if __name__ == "__main__":
    main()
