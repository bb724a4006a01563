"""Writing decks, their scheduling and their review log as an Anki package.

The package is a legacy one (`collection.anki21`, schema 11, note types and decks as JSON), which
every Anki since 2.1 imports and upgrades. The collection says `schedVer: 2`: without it Anki
takes the log for the old V1 scheduler and rewrites learning grades on import. Day numbers count
from the collection's creation day (`crt`, 04:00 local, as techquiz's day), which Anki shifts to
its own collection's days on import.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from techquiz.deck.cards import BasicCard, ClozeCard
from techquiz.deck.model import Deck
from techquiz.interop.flatten import front_back
from techquiz.interop.guid import guid_for
from techquiz.interop.html import html_to_text, text_to_html
from techquiz.interop.notetypes import BASIC_ID, CLOZE_ID, REVERSED_ID, note_types
from techquiz.model import CardState, State
from techquiz.srs import scheduler
from techquiz.store.transfer import CardProgress, LoggedReview

_SCHEMA = """
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
  models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
  ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL,
  left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
  type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
"""
_DECAY = scheduler.curve()[0]  # FSRS's forgetting-curve decay, which Anki keeps beside the memory state
_HISTORY_DAYS = 3650  # crt this far back keeps every day number positive, however overdue a card is
_REVLOG_KIND = {State.NEW: 0, State.LEARNING: 0, State.REVIEW: 1, State.RELEARNING: 2}
_DCONF: dict[str, dict[str, Any]] = {
    "1": {
        "id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": True, "timer": 0,
        "replayq": True, "dyn": False, "desiredRetention": scheduler.DEFAULT_RETENTION,
        "new": {"bury": False, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0], "order": 1,
                "perDay": 20},
        "rev": {"bury": False, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200, "hardFactor": 1.2},
        "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
    }
}  # fmt: skip


@dataclass(frozen=True)
class ExportDeck:
    deck: Deck
    progress: dict[tuple[str, str], CardProgress]
    reviews: Callable[[], Iterable[LoggedReview]]


def _ord(sub: str) -> int:
    if sub == "reverse":
        return 1
    return int(sub[1:]) - 1 if sub.startswith("c") else 0


def _checksum(field: str) -> int:
    text, _ = html_to_text(field)
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)


def _preset(deck: Deck, presets: dict[str, dict[str, Any]]) -> int:
    """The options preset for a deck's settings (Default when it has none), made once per distinct settings."""
    new, reviews = deck.settings.daily_limits()
    retention = deck.settings.desired_retention or scheduler.DEFAULT_RETENTION
    wanted = (new, reviews, retention)
    default = presets["1"]
    if wanted == (default["new"]["perDay"], default["rev"]["perDay"], default["desiredRetention"]):
        return 1
    for key, preset in presets.items():
        if (preset["new"]["perDay"], preset["rev"]["perDay"], preset["desiredRetention"]) == wanted:
            return int(key)
    preset = copy.deepcopy(default)
    preset["id"] = len(presets) + 1
    preset["name"] = f"techquiz: {new} new, {reviews} reviews, retention {retention:g}"
    preset["new"]["perDay"], preset["rev"]["perDay"], preset["desiredRetention"] = wanted
    presets[str(preset["id"])] = preset
    return int(preset["id"])


def _deck_json(did: int, name: str, now_s: int, preset: int = 1) -> dict[str, object]:
    return {
        "id": did, "mod": now_s, "name": name, "usn": -1, "lrnToday": [0, 0], "revToday": [0, 0],
        "newToday": [0, 0], "timeToday": [0, 0], "collapsed": False, "browserCollapsed": False, "desc": "",
        "dyn": 0, "conf": preset, "extendNew": 0, "extendRev": 0,
    }  # fmt: skip


class _Ids:
    """Anki ids are epoch milliseconds by convention, unique per table."""

    def __init__(self, start: int) -> None:
        self.next = start

    def take(self) -> int:
        self.next += 1
        return self.next


def _schedule(
    p: CardProgress | None,
    day_zero: date,
    today: date,
    day_of: Callable[[datetime], date],
    position: int,
    retention: float,
) -> tuple[int, int, int, int, int, int, int, int, str]:
    """(type, queue, due, ivl, factor, reps, lapses, left, data) of one card."""
    s = p.state if p is not None else CardState()
    if s.state == State.NEW or s.due is None:
        queue = -1 if p is not None and p.suspended else 0
        return 0, queue, position, 0, 0, s.reps, s.lapses, 0, "{}"
    assert s.last_review is not None and s.stability is not None and s.difficulty is not None
    due_day = max((day_of(s.due) - day_zero).days, 0)
    days = (s.due - s.last_review).total_seconds() / 86400
    data = {"s": round(s.stability, 4), "d": round(s.difficulty, 3), "dr": retention,
            "decay": round(_DECAY, 4), "lrt": int(s.last_review.timestamp())}  # fmt: skip
    if s.state == State.REVIEW:
        kind, queue, due, ivl, left = 2, 2, due_day, max(round(days), 1), 0
    else:
        steps = scheduler.LEARNING_STEPS if s.state == State.LEARNING else scheduler.RELEARNING_STEPS
        left = max(len(steps) - (s.step or 0), 1)
        kind = 1 if s.state == State.LEARNING else 3
        ivl = 0 if s.state == State.LEARNING else max(round(s.stability), 1)
        if due_day > (today - day_zero).days:
            queue, due = 3, due_day  # a learning step that ends on a later day
        else:
            queue, due = 1, int(s.due.timestamp())
    if p is not None and p.suspended:
        queue = -1
    elif p is not None and p.buried_until is not None and p.buried_until > today.isoformat():
        queue = -2
    return kind, queue, due, ivl, 2500, s.reps, s.lapses, left, json.dumps(data)


def write_package(
    out: Path,
    decks: list[ExportDeck],
    with_history: bool,
    now: datetime,
    day_of: Callable[[datetime], date],
    day_start: Callable[[date], datetime],
) -> tuple[int, int, int, Counter[str]]:
    """Write the package; returns (notes, cards, reviews, flattened card types)."""
    today = day_of(now)
    day_zero = today - timedelta(days=_HISTORY_DAYS)
    now_ms, now_s = int(now.timestamp() * 1000), int(now.timestamp())
    flattened: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="techquiz-export-") as tmp:
        path = Path(tmp) / "collection.anki21"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = OFF")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("BEGIN")
        note_ids, card_ids, deck_ids = _Ids(now_ms), _Ids(now_ms), _Ids(now_ms)
        anki_decks: dict[str, dict[str, object]] = {"1": _deck_json(1, "Default", 0)}
        presets = copy.deepcopy(_DCONF)
        by_name: dict[str, int] = {}
        notes = cards = reviews = 0
        position = 0
        for item in decks:
            parts = [p.strip() for p in item.deck.title.split("::") if p.strip()] or [item.deck.id]
            for depth in range(1, len(parts) + 1):  # parents first, as Anki keeps them
                name = "::".join(parts[:depth])
                if name not in by_name:
                    by_name[name] = deck_ids.take()
                    anki_decks[str(by_name[name])] = _deck_json(by_name[name], name, now_s)
            did = by_name["::".join(parts)]
            anki_decks[str(did)]["conf"] = _preset(item.deck, presets)
            anki_decks[str(did)]["desc"] = text_to_html(item.deck.description or "")
            retention = item.deck.settings.desired_retention or scheduler.DEFAULT_RETENTION
            cids: dict[tuple[str, str], int] = {}
            for card in item.deck.cards:
                if isinstance(card, ClozeCard):
                    mid, fields = CLOZE_ID, [card.text, card.explain or ""]
                else:
                    front, back = front_back(card)
                    if not isinstance(card, BasicCard):
                        flattened[card.type_name] += 1
                    reverse = isinstance(card, BasicCard) and card.reverse
                    mid, fields = (REVERSED_ID if reverse else BASIC_ID), [front, back]
                flds = [text_to_html(f) for f in fields]
                nid = note_ids.take()
                tags = " ".join(t.replace(" ", "_") for t in card.tags)
                conn.execute(
                    "INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
                    (nid, guid_for(item.deck.id, card.id), mid, now_s, f" {tags} " if tags else "",
                     "\x1f".join(flds), html_to_text(flds[0])[0], _checksum(flds[0])),
                )  # fmt: skip
                notes += 1
                for sub in card.subs():
                    cid = card_ids.take()
                    cids[(card.id, sub)] = cid
                    progress = item.progress.get((card.id, sub)) if with_history else None
                    position += 1
                    conn.execute(
                        "INSERT INTO cards VALUES (?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)",
                        (
                            cid,
                            nid,
                            did,
                            _ord(sub),
                            now_s,
                            *_schedule(progress, day_zero, today, day_of, position, retention),
                        ),
                    )
                    cards += 1
            if with_history:
                last_ivl: dict[int, int] = {}
                for r in item.reviews():
                    found = cids.get((r.card_id, r.sub))
                    if found is None:
                        continue
                    cid = found
                    ivl = round(r.interval_days) if r.interval_days >= 1 else -round(r.interval_days * 86400)
                    # FSRS difficulty (1-10) as Anki logs it: shifted into 100-1100.
                    factor = 0 if r.difficulty is None else int(((r.difficulty - 1) / 9 + 0.1) * 1000)
                    row = [int(r.reviewed_at.timestamp() * 1000), cid, r.rating, ivl, last_ivl.get(cid, 0), factor,
                           r.duration_ms, _REVLOG_KIND[r.state_before]]  # fmt: skip
                    while True:  # the id is the answer's millisecond; two answers in one ms get the next free one
                        try:
                            conn.execute("INSERT INTO revlog VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)", row)
                            break
                        except sqlite3.IntegrityError:
                            row[0] += 1
                    last_ivl[cid] = ivl
                    reviews += 1
        offset = now.astimezone().utcoffset() or timedelta(0)
        conf = {
            "schedVer": 2, "sched2021": True, "rollover": 4, "creationOffset": -int(offset.total_seconds() // 60),
            "activeDecks": [1], "curDeck": 1, "newSpread": 0, "collapseTime": 1200, "timeLim": 0, "estTimes": True,
            "dueCounts": True, "curModel": BASIC_ID, "nextPos": position + 1, "sortType": "noteFld",
            "sortBackwards": False, "addToCur": True, "dayLearnFirst": False,
        }  # fmt: skip
        crt = int(day_start(day_zero).timestamp())
        conn.execute(
            "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
            (crt, now_ms, now_ms, json.dumps(conf), json.dumps(note_types()), json.dumps(anki_decks),
             json.dumps(presets)),
        )  # fmt: skip
        conn.execute("COMMIT")
        conn.close()
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, "collection.anki21")
            archive.writestr("media", "{}")
        os.replace(partial, out)
    return notes, cards, reviews, flattened
