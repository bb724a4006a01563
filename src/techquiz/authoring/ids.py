"""Readable card ids, and writing them into a deck file that lacks some (`validate --add-ids`).

The file is edited as text at the positions the loader reports, so everything else in it (comments,
quoting, blank lines, key order) stays byte for byte as the author wrote it. That is the one
round-trip edit techquiz needs, so it does not need a round-trip YAML library.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck
from techquiz.deck.result import read_deck_text
from techquiz.errors import UserError

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    (
        "a an the of and or in on at to for by with from as is are was were be been it its this that these "
        "those what which who whom whose when where why how does do did has have had than then there their "
        "into about s t according article"
    ).split()
)
MAX_SLUG = 40


def slug(text: str, max_length: int = MAX_SLUG) -> str:
    """'How many international technology transfer centres?' -> 'many-international-technology-transfer'."""
    words = _WORD.findall(text.casefold())
    meaningful = [w for w in words if w not in _STOP] or words
    out = ""
    for word in meaningful:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_length:
            break
        out = candidate
    if not meaningful:
        return ""
    return out or meaningful[0][:max_length]


def unique(base: str, taken: set[str], fallback: str) -> str:
    """`base` (or `fallback` when empty), with -2, -3... until no card uses it; recorded in `taken`."""
    base = base or fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class AddedId:
    line: int
    old: str  # the auto- id the loader gave the card, which its progress is stored under
    new: str


def add_ids(path: Path, removed_ids: Callable[[str], set[str]] = lambda deck_id: set()) -> list[AddedId]:
    """Write an id into every card of `path` that lacks one. Returns what was added (nothing when none
    were missing). Raises UserError, changing nothing, when the deck has errors or when a new id is
    one a removed card had (`removed_ids(deck id)`): that card's history would come back on this one."""
    text, problem = read_deck_text(path)
    if text is None:
        raise UserError(str(problem))
    result = load_deck(path, text)
    if result.deck is None:
        raise UserError("\n".join(str(p) for p in result.errors) + "\nfix these first; the file was not changed")
    deck = result.deck
    taken = {card.id for card in deck.cards if not card.id_generated}
    added = [
        AddedId(card.position.line, card.id, unique(slug(card.prompt(card.subs()[0])), taken, f"card-{index}"))
        for index, card in enumerate(deck.cards, 1)
        if card.id_generated
    ]
    if not added:
        return []
    reused = removed_ids(deck.id)
    clashes = [item for item in added if item.new in reused]
    if clashes:
        lines = [f"{path}:{item.line}: the id '{item.new}' belonged to a card since removed from the deck; its "
                 "history would come back on this card" for item in clashes]  # fmt: skip
        lines.append("give these cards an id of your own (id: ...) and run again; the file was not changed")
        raise UserError("\n".join(lines))
    positions = {card.id: (card.position.line, card.position.column) for card in deck.cards}
    lines = text.splitlines(keepends=True)
    for item in sorted(added, key=lambda a: positions[a.old], reverse=True):  # bottom up: offsets stay valid
        line, column = positions[item.old]
        row = lines[line - 1]
        at = column - 1
        if row[at : at + 1] == "{":  # flow mapping: {front: ..., back: ...}
            lines[line - 1] = f"{row[: at + 1]}id: {item.new}, {row[at + 1 :].lstrip(' ')}"
        else:  # block mapping: the new key goes first, at the column of the card's first key
            lines[line - 1] = f"{row[:at]}id: {item.new}\n{' ' * at}{row[at:]}"
    new_text = "".join(lines)
    check = load_deck(path, new_text)
    if check.deck is None or any(card.id_generated for card in check.deck.cards):
        raise UserError(f"{path}: could not add ids safely to this layout; the file was not changed")
    try:
        write_atomically(path, new_text)
    except OSError as exc:
        raise UserError(f"{path}: could not write the ids ({exc.strerror or exc}); the file was not changed") from exc
    return added


def write_atomically(path: Path, text: str) -> None:
    """Replace the file's text in one rename: a full disk or a kill leaves the old file whole, never
    a file cut mid-card. The new file keeps the old one's permissions."""
    mode = path.stat().st_mode & 0o7777
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def removed_card_ids(conn: sqlite3.Connection, deck_id: str) -> set[str]:
    """Ids of cards the store remembers for this deck that are no longer in its file."""
    rows = conn.execute("SELECT DISTINCT card_id FROM cards WHERE deck_id = ? AND in_deck = 0", (deck_id,))
    return {row[0] for row in rows}


def carry_progress(conn: sqlite3.Connection, deck: Deck, added: Iterable[AddedId]) -> int:
    """Move progress kept under the old auto- ids to the new ids, so adding ids resets nothing."""
    from techquiz.store.db import transaction

    def work(conn: sqlite3.Connection) -> int:
        moved = 0
        for item in added:
            clash = conn.execute(
                "SELECT 1 FROM cards WHERE deck_id = ? AND card_id = ?", (deck.id, item.new)
            ).fetchone()
            if clash is None:
                rows = conn.execute(
                    "UPDATE cards SET card_id = ? WHERE deck_id = ? AND card_id = ?", (item.new, deck.id, item.old)
                ).rowcount
                moved += rows > 0  # a cloze card has a row per deletion: count the card once
        conn.execute("DELETE FROM deck_sync WHERE deck_id = ?", (deck.id,))  # re-sync next time
        return moved

    return transaction(conn, work)
