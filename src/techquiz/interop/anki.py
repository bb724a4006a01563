"""Anki notes as techquiz cards, and Anki cards with their history as techquiz progress.

Basic -> basic; a two-template note ("and reversed") -> basic with `reverse: true` (card ord 1 is
the reverse sub-card); Cloze -> cloze (card ord n is sub-card c{n+1}); any other note type ->
basic from its first two fields. One techquiz deck per Anki deck (filtered decks give their cards
back to their home decks); a note lives in the deck of its first card.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from techquiz.deck import cloze
from techquiz.deck.model import DEFAULT_NEW_PER_DAY, DEFAULT_REVIEWS_PER_DAY
from techquiz.deck.text import strip_controls
from techquiz.interop import guid
from techquiz.interop.html import html_to_text
from techquiz.interop.package import AnkiPackage, DeckOptions, NoteType
from techquiz.interop.replay import AnkiCard, RevlogRow, final_state, replay
from techquiz.interop.yamlwrite import CardOut
from techquiz.srs import scheduler
from techquiz.store.transfer import ImportedCard

_SLUG = re.compile(r"[^a-z0-9]+")
_CLOZE_FIELD = re.compile(r"\{\{cloze:([^}]+)\}\}")
MAX_ID = 100


@dataclass(frozen=True, slots=True)
class NoteMap:
    """How one note's Anki cards map to the sub-cards of its techquiz card."""

    card_id: str
    kind: str  # basic, reverse, cloze
    numbers: frozenset[int] = frozenset()

    def sub(self, ord_: int) -> str | None:
        if self.kind == "cloze":
            return f"c{ord_ + 1}" if ord_ + 1 in self.numbers else None
        if ord_ == 0:
            return ""
        return "reverse" if self.kind == "reverse" and ord_ == 1 else None


@dataclass
class Tally:
    """What an import did and did not bring in, for the report."""

    skipped: Counter[str] = field(default_factory=Counter)
    flattened: Counter[str] = field(default_factory=Counter)  # other note types made basic, by name
    media: int = 0  # media references left out of card text


@dataclass
class PlannedDeck:
    anki_id: int
    id: str
    title: str
    cards: list[CardOut]
    notes: dict[int, NoteMap]
    description: str = ""
    settings: dict[str, int | float] = field(default_factory=dict)

    @property
    def retention(self) -> float:
        return float(self.settings.get("desired_retention", scheduler.DEFAULT_RETENTION))


def deck_settings(options: DeckOptions) -> dict[str, int | float]:
    """The preset's daily limits and desired retention, where they differ from techquiz's defaults
    (and within the ranges a deck file allows)."""
    out: dict[str, int | float] = {}
    if options.new_per_day is not None and options.new_per_day != DEFAULT_NEW_PER_DAY:
        out["new_per_day"] = min(max(options.new_per_day, 0), 9999)
    if options.reviews_per_day is not None and options.reviews_per_day != DEFAULT_REVIEWS_PER_DAY:
        out["reviews_per_day"] = min(max(options.reviews_per_day, 0), 99999)
    if options.desired_retention:
        retention = round(min(max(options.desired_retention, 0.7), 0.99), 2)
        if retention != scheduler.DEFAULT_RETENTION:
            out["desired_retention"] = retention
    return out


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.casefold()).strip("-")


def deck_id_for(name: str, anki_id: int) -> str:
    """'Lang::French verbs' -> 'lang::french-verbs' (the hierarchy kept, each level a slug)."""
    parts = [_slug(part) or "deck" for part in name.split("::")]
    out = "::".join(parts)
    if not re.fullmatch(r"[a-z0-9].*", out):
        out = f"deck-{anki_id}"
    return out[:MAX_ID].rstrip(":-") or f"deck-{anki_id}"


def _fields(flds: str, tally: Tally) -> list[str]:
    out = []
    for raw in flds.split("\x1f"):
        text, media = html_to_text(raw)
        tally.media += media
        out.append(text)
    return out


def _convert(
    note_type: NoteType | None, note_guid: str, tags: str, flds: str, ords: set[int], tally: Tally
) -> tuple[CardOut, NoteMap] | None:
    card_id = guid.card_id(note_guid)
    tag_list = tuple(t for t in tags.split() if t)
    if note_type is None:
        tally.skipped["notes whose note type is missing"] += 1
        return None
    if "image-occlusion" in flds or "occlusion" in note_type.name.casefold():
        tally.skipped["image occlusion notes (they need the image)"] += 1
        return None
    values = _fields(flds, tally)
    if note_type.cloze:
        names = _CLOZE_FIELD.findall(note_type.templates[0]) if note_type.templates else []
        index = note_type.fields.index(names[0]) if names and names[0] in note_type.fields else 0
        text = values[index] if index < len(values) else ""
        numbers = frozenset(cloze.numbers(text))
        if not numbers:
            tally.skipped["cloze notes without a deletion once HTML is removed"] += 1
            return None
        extra = [v for i, v in enumerate(values) if i != index and v]
        fields: list[tuple[str, str | bool]] = [("text", text)]
        if extra:
            fields.append(("explain", extra[0]))
        return CardOut(card_id, "cloze", tuple(fields), tag_list), NoteMap(card_id, "cloze", numbers)
    if len(values) < 2 or not values[0] or not values[1]:
        tally.skipped["notes with an empty front or back once HTML and media are removed"] += 1
        return None
    templates = len(note_type.templates)
    reverse = templates == 2 and 1 in ords
    if templates > 2 or len(note_type.fields) > (3 if templates == 2 else 2):
        tally.flattened[note_type.name] += 1
    fields = [("front", values[0]), ("back", values[1])]
    if reverse:
        fields.append(("reverse", True))
    return CardOut(card_id, "basic", tuple(fields), tag_list), NoteMap(card_id, "reverse" if reverse else "basic")


def _home_decks(package: AnkiPackage) -> None:
    """A temporary table: each note's deck, the (home) deck of its first card."""
    conn = package.conn
    conn.execute("CREATE TEMP TABLE home (nid INTEGER PRIMARY KEY, did INTEGER NOT NULL)")
    conn.execute(
        "INSERT INTO home SELECT nid, did FROM (SELECT nid, CASE WHEN odid != 0 THEN odid ELSE did END AS did, "
        "MIN(ord) FROM cards GROUP BY nid)"
    )
    conn.execute("CREATE INDEX temp.home_did ON home (did)")


def plan_decks(package: AnkiPackage, tally: Tally) -> list[PlannedDeck]:
    """Every deck with notes, its cards converted (nothing written yet)."""
    _home_decks(package)
    conn = package.conn
    tally.skipped["notes without cards"] += conn.execute(
        "SELECT COUNT(*) FROM notes WHERE id NOT IN (SELECT nid FROM home)"
    ).fetchone()[0]
    planned: list[PlannedDeck] = []
    taken: set[str] = set()
    dids = [r[0] for r in conn.execute("SELECT DISTINCT did FROM home")]
    named = sorted((strip_controls(package.decks.get(did, (f"Deck {did}", False))[0])[0], did) for did in dids)
    for name, did in named:
        deck_id = base = deck_id_for(name, did)
        n = 2
        while deck_id in taken:
            deck_id, n = f"{base}-{n}", n + 1
        taken.add(deck_id)
        options = package.options.get(did, DeckOptions())
        description, media = html_to_text(options.description)
        tally.media += media
        deck = PlannedDeck(did, deck_id, name, [], {}, description, deck_settings(options))
        rows = conn.execute(
            "SELECT n.id, n.guid, n.mid, n.tags, n.flds, (SELECT group_concat(ord) FROM cards WHERE nid = n.id) "
            "FROM home h JOIN notes n ON n.id = h.nid WHERE h.did = ? ORDER BY n.id",
            (did,),
        )
        for nid, note_guid, mid, tags, flds, ords in rows:
            converted = _convert(
                package.note_types.get(mid), note_guid, tags, flds, {int(o) for o in str(ords).split(",")}, tally
            )
            if converted is not None:
                deck.cards.append(converted[0])
                deck.notes[nid] = converted[1]
        if deck.cards:
            planned.append(deck)
    return planned


def _created(anki_id: int) -> datetime | None:
    """An Anki card id is the epoch ms it was created at (its Card Info's "Added"); ids that are not
    a plausible time (hand-made collections) give no date rather than a wrong one."""
    if not _FIRST_ANKI_MS <= anki_id < _YEAR_2100_MS:
        return None
    return datetime.fromtimestamp(anki_id / 1000, UTC)


_FIRST_ANKI_MS = 1_136_073_600_000  # 2006-01-01: before Anki's first release
_YEAR_2100_MS = 4_102_444_800_000


def card_histories(
    package: AnkiPackage,
    deck: PlannedDeck,
    tally: Tally,
    day_of: Callable[[datetime], date],
    day_start: Callable[[date], datetime],
    today: date,
) -> Iterator[ImportedCard]:
    """Each Anki card of the deck's notes with its replayed history, streamed from the collection."""
    rows = package.conn.execute(
        "SELECT c.id, c.nid, c.ord, c.type, c.queue, c.due, c.ivl, c.reps, c.lapses, c.odue, c.odid, c.data, "
        "r.id, r.ease, r.factor, r.time, r.type "
        "FROM home h JOIN cards c ON c.nid = h.nid LEFT JOIN revlog r ON r.cid = c.id "
        "WHERE h.did = ? ORDER BY c.id, r.id",
        (deck.anki_id,),
    )
    tomorrow = (today + timedelta(days=1)).isoformat()
    seen: set[tuple[str, str]] = set()
    for _, group in itertools.groupby(rows, key=lambda r: r[0]):
        first, *rest = group
        note = deck.notes.get(first[1])
        sub = note.sub(first[2]) if note is not None else None
        revlog = [RevlogRow(*r[12:]) for r in (first, *rest) if r[12] is not None]
        if note is None or sub is None or (note.card_id, sub) in seen:
            tally.skipped["reviews of notes or cards left out"] += len(revlog)
            continue
        seen.add((note.card_id, sub))
        card = AnkiCard(*first[3:12])
        replayed, reviews = replay(revlog, package.sched_v1, day_of, tally.skipped, deck.retention)
        state = final_state(replayed, card, package.day_zero, day_start)
        yield ImportedCard(
            note.card_id,
            sub,
            state,
            card.queue == -1,
            tomorrow if card.queue in (-2, -3) else None,
            tuple(reviews),
            _created(first[0]),
        )
