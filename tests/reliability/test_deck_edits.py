"""What editing a deck file does to the progress stored for it."""

from __future__ import annotations

from pathlib import Path

from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck
from techquiz.model import Rating
from techquiz.store.timeutil import to_ms
from techquiz.study import StudySession

from ..srs.helpers import Clock, open_store

HEAD = "format: 1\nid: {id}\ntitle: Edits\ncards:\n"
CARDS = "  - {id: a, front: question a, back: answer a}\n  - {id: b, front: question b, back: answer b}\n"


def _deck(path: Path, text: str) -> Deck:
    path.write_text(text, encoding="utf-8")
    deck = load_deck(path).deck
    assert deck is not None
    return deck


def test_every_kind_of_deck_edit(tmp_path: Path) -> None:
    path = tmp_path / "edits.yaml"
    conn, clock = open_store(tmp_path), Clock()
    session = StudySession(conn, [_deck(path, HEAD.format(id="edits") + CARDS)], clock)
    session.answer(Rating.Easy, 1000)
    session.answer(Rating.Easy, 1000)

    def state(card: str, deck: str = "edits") -> tuple[int, int]:
        row = conn.execute(
            "SELECT c.state, COUNT(r.id) FROM cards c LEFT JOIN review_log r ON r.card = c.id "
            "WHERE c.deck_id = ? AND c.card_id = ? GROUP BY c.id",
            (deck, card),
        ).fetchone()
        return (row[0], row[1])

    def added(card: str) -> int:
        return int(
            conn.execute("SELECT added FROM cards WHERE deck_id = 'edits' AND card_id = ?", (card,)).fetchone()[0]
        )

    first_seen = to_ms(clock.now)
    assert added("a") == added("b") == first_seen  # Anki's "added": when the store first saw the card
    clock.advance(days=3)
    # Text edited: progress kept.
    edited = HEAD.format(id="edits") + CARDS.replace("question a", "question a reworded")
    assert StudySession(conn, [_deck(path, edited)], clock).warnings == []
    assert state("a") == (2, 1)
    # Card removed, then restored: its history comes back with it.
    StudySession(conn, [_deck(path, HEAD.format(id="edits") + CARDS.splitlines(True)[1])], clock)
    assert conn.execute("SELECT in_deck FROM cards WHERE card_id = 'a'").fetchone()[0] == 0
    StudySession(conn, [_deck(path, edited)], clock)
    assert state("a") == (2, 1)
    # Type changed: progress starts over (history kept), with a warning that says so.
    retyped = edited.replace(
        "{id: b, front: question b, back: answer b}", "{id: b, type: typed, question: q, answer: x}"
    )
    warnings = StudySession(conn, [_deck(path, retyped)], clock).warnings
    assert any("changed type from basic to typed" in w and "starts over" in w for w in warnings)
    assert state("b") == (0, 1)
    assert added("a") == added("b") == first_seen  # edited, removed and restored, retyped: still added then
    StudySession(conn, [_deck(path, retyped + "  - {id: c, front: question c, back: answer c}\n")], clock)
    assert added("c") == to_ms(clock.now)
    # Deck id changed: explained once; the old id's progress is kept and returns with the old id.
    renamed = retyped.replace("id: edits", "id: edits-2", 1)
    warnings = StudySession(conn, [_deck(path, renamed)], clock).warnings
    assert len(warnings) == 1 and "deck id changed from 'edits' to 'edits-2'" in warnings[0]
    assert "comes back if you change the id back" in warnings[0] and warnings[0].startswith(f"{path}:2:5: ")
    assert state("a", "edits-2") == (0, 0)
    assert StudySession(conn, [_deck(path, renamed)], clock).warnings == []  # said once
    assert StudySession(conn, [_deck(path, retyped)], clock).counts().new == 1  # back: only b is new
    assert state("a") == (2, 1)
