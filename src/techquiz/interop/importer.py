"""`techquiz import FILE`: read everything first, write only when all of it is sound.

The package (or text file) is read and every deck converted and validated in memory; a damaged
or foreign file stops here with one line and nothing written. Then the deck files are written
(each replaced atomically) and each deck's progress goes to the store in one transaction.

An Anki deck that is one of the user's own decks coming back (exported with `techquiz export`,
studied in Anki) is recognized by its notes' guids: its answers go to that deck, whose file is
the user's and is left as it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from techquiz.config import Config, day_start, study_day
from techquiz.deck.cache import DeckCache
from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck
from techquiz.deck.result import MAX_FILE_BYTES
from techquiz.deck.text import strip_controls
from techquiz.errors import UserError
from techquiz.interop.anki import PlannedDeck, Tally, card_histories, plan_decks
from techquiz.interop.guid import guid_for
from techquiz.interop.package import AnkiPackage
from techquiz.interop.text import read_text_deck
from techquiz.interop.yamlwrite import deck_yaml
from techquiz.store.transfer import ImportedCard

MARKER = "# Imported by `techquiz import`"
_BIG_FILE = 5_000_000  # bytes: from here an import takes seconds, and says what it is doing
_BIG_DECK = 5_000  # cards
ANKI_SUFFIXES = (".apkg", ".colpkg")


@dataclass
class DeckReport:
    id: str
    title: str
    path: Path
    cards: int
    reviews: int = 0
    file_kept: bool = False  # an own deck back from Anki: its file is the user's, left as it is


@dataclass
class ImportReport:
    source: Path
    kind: str
    decks: list[DeckReport] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "format": self.kind,
            "decks": [
                {
                    "id": d.id,
                    "title": d.title,
                    "file": str(d.path),
                    "cards": d.cards,
                    "reviews": d.reviews,
                    "file_kept": d.file_kept,
                }
                for d in self.decks
            ],
            "cards": sum(d.cards for d in self.decks),
            "reviews": sum(d.reviews for d in self.decks),
            "skipped": {reason: count for reason, count in self.tally.skipped.items() if count},
            "flattened_note_types": dict(self.tally.flattened),
            "media_left_out": self.tally.media,
        }


@dataclass
class _Prepared:
    path: Path
    text: str
    deck: Deck
    planned: PlannedDeck | None
    returning: dict[str, str] | None = None  # an own deck back from Anki: its card id per imported card id


def _exported_guids(decks: Iterable[Deck]) -> dict[str, tuple[Deck, str]]:
    """The Anki note guid each card of the user's own decks is exported with (`guid_for`), and the
    deck and card it is. Decks `techquiz import` wrote are left out: importing those again rewrites them."""
    owners: dict[str, tuple[Deck, str]] = {}
    for deck in decks:
        with contextlib.suppress(OSError):  # an unreadable file is not one to match
            if MARKER not in _head(deck.path):
                for card_id in deck.card_ids():
                    owners.setdefault(guid_for(deck.id, card_id), (deck, card_id))
    return owners


def _head(path: Path) -> str:
    """The start of a deck file, where `techquiz import` puts its MARKER line."""
    with path.open(encoding="utf-8", errors="replace") as file:
        return file.read(2000)


def _returning(plan: PlannedDeck, owners: dict[str, tuple[Deck, str]]) -> tuple[Deck, dict[str, str]] | None:
    """The own deck every recognized note of this Anki deck comes from, with the card id of each;
    None when none is recognized, or they come from several decks (then it imports as a new deck)."""
    found = {
        note.card_id: owners[guid] for note in plan.notes.values() if (guid := guid_for("", note.card_id)) in owners
    }
    homes = {deck.id for deck, _ in found.values()}
    if len(homes) != 1:
        return None
    home = next(iter(found.values()))[0]
    return home, {imported: card for imported, (_, card) in found.items()}


def _into_own_deck(
    cards: Iterable[ImportedCard], ids: dict[str, str], deck_id: str, tally: Tally
) -> Iterator[ImportedCard]:
    """The imported cards under their own deck's card ids; notes added in Anki have no place in
    the user's file, so they (and their reviews) are counted out."""
    for card in cards:
        own = ids.get(card.card_id)
        if own is None:
            tally.skipped[f"cards added in Anki that {deck_id}'s file does not have"] += 1
            tally.skipped["reviews of cards left out"] += len(card.reviews)
            continue
        yield replace(card, card_id=own)


def _file_for(folder: Path, deck_id: str) -> Path:
    return folder / (deck_id.replace("::", "__") + ".yaml")


def _source_name(source: Path) -> str:
    return strip_controls(source.name.replace("\n", " "))[0]


def _header(config: Config, source: Path) -> list[str]:
    from techquiz.authoring.starter import schema_line

    return [
        schema_line(config),
        f"{MARKER} from {_source_name(source)}: importing it again rewrites this file.",
        "",
    ]


def _check_target(path: Path, deck_id: str, others: dict[str, Path], source: Path) -> None:
    if path.exists():
        try:
            head = _head(path)
        except OSError as exc:
            raise UserError(f"{path}: cannot read: {exc.strerror}") from exc
        if MARKER not in head:
            raise UserError(
                f"{path} exists and was not written by `techquiz import`; it is left alone (use --into DIR)"
            )
        # An Anki deck is updated by any package of it (its cards are its notes' guids), a card list by
        # any list; but a CSV whose name matches an Anki deck's ("french.csv", deck "French") would
        # replace that deck's cards, orphaning their progress: that takes deleting the file first.
        found = re.search(re.escape(MARKER) + r" from (.*): importing it again rewrites this file", head)
        earlier = found.group(1) if found else ""
        if _is_anki_name(earlier) != _is_anki_name(source.name):
            raise UserError(
                f"{path} was imported from {earlier or 'another file'}, not {_source_name(source)}; it is left "
                "alone (use --into DIR, or delete that deck file first to replace it)"
            )

    elsewhere = others.get(deck_id)
    if elsewhere is not None and elsewhere.resolve() != path.resolve():
        raise UserError(
            f"a deck with the id '{deck_id}' already exists in {elsewhere}; import into its folder with --into "
            "or change that deck's id"
        )


def _is_anki_name(name: str) -> bool:
    return name.lower().endswith((*ANKI_SUFFIXES, ".zip"))


def _prepare(path: Path, text: str, title: str, split: str) -> Deck:
    """`split` says how to make the source smaller: subdecks in Anki, or several files for a card list."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise UserError(
            f"the deck '{title}' would be {len(text.encode()) / 1e6:.1f} MB; decks are limited to 10 MB "
            f"({split} and import again)"
        )
    result = load_deck(path, text)
    if result.deck is None or result.errors:  # a bug in the converter, never the user's file
        raise RuntimeError("import produced an invalid deck: " + "; ".join(str(p) for p in result.errors[:3]))
    return result.deck


def _back_up(conn: sqlite3.Connection, config: Config, now: datetime) -> None:
    """An import rewrites card states: the progress there was before it is kept as a backup."""
    from techquiz.store import backup
    from techquiz.store.transfer import has_history

    if not has_history(conn):
        return
    try:
        backup.make_backup(conn, backup.backup_dir_for(config.store_path), now=now, reason="before-import")
    except (OSError, sqlite3.Error) as exc:
        reason = backup.failure_reason(exc)
        raise UserError(
            f"could not back up the progress store before importing ({reason}); nothing was imported"
        ) from exc


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from exc


def import_file(
    config: Config, source: Path, into: Path | None, progress: Callable[[str], None] = lambda _: None
) -> ImportReport:
    """Import the file; `progress` hears about the slow steps of a big import."""
    from techquiz.deck.discovery import load_library
    from techquiz.store import db
    from techquiz.store.progress import sync_deck
    from techquiz.store.transfer import import_progress

    if source.is_dir():
        raise UserError(f"{source} is a folder; import one file (.apkg, .colpkg, .csv, .tsv or .txt)")
    if not source.is_file():
        raise UserError(f"{source}: no such file")
    folder = into or config.user_decks_dir
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    library = load_library(config.deck_dirs, cache=DeckCache(config.cache_dir / "decks"))
    others = {d.id: d.path for d in library.decks}
    is_anki = source.suffix.lower() in ANKI_SUFFIXES or zipfile.is_zipfile(source)
    report = ImportReport(source, "anki" if is_anki else "text")
    prepared: list[_Prepared] = []
    package = AnkiPackage(source) if is_anki else None
    try:
        if package is not None:
            report.kind = package.collection_name.removeprefix("collection.")
            if source.stat().st_size >= _BIG_FILE:
                progress(f"reading {strip_controls(source.name)[0]} ({source.stat().st_size / 1e6:.0f} MB)")
            plans = plan_decks(package, report.tally)
            if not plans:
                raise UserError(f"{source}: no notes to import")
            header = _header(config, source)
            owners = _exported_guids(library.decks)
            for plan in plans:
                back = _returning(plan, owners)
                if back is not None:
                    home, ids = back
                    prepared.append(_Prepared(home.path, "", home, plan, ids))
                    continue
                path = _file_for(folder, plan.id)
                _check_target(path, plan.id, others, source)
                text = deck_yaml(header, plan.id, plan.title, plan.cards, plan.description, plan.settings)
                deck = _prepare(path, text, plan.title, "split it in Anki into subdecks")
                prepared.append(_Prepared(path, text, deck, plan))
        else:
            text_deck = read_text_deck(source)
            report.tally.skipped.update(text_deck.skipped)
            report.tally.media = text_deck.media
            path = _file_for(folder, text_deck.id)
            _check_target(path, text_deck.id, others, source)
            text = deck_yaml(_header(config, source), text_deck.id, text_deck.title, text_deck.cards)
            deck = _prepare(path, text, text_deck.title, "split the file into several")
            prepared.append(_Prepared(path, text, deck, None))
        now = config.now()
        conn = db.connect(config.store_path)  # before any file is written: a damaged store stops here too
        try:
            _back_up(conn, config, now)
            for item in prepared:
                if item.returning is None:
                    _write(item.path, item.text)
            for item in prepared:
                entry = DeckReport(
                    item.deck.id, item.deck.title, item.path, len(item.deck.cards), file_kept=item.returning is not None
                )
                if package is not None and item.planned is not None:
                    if len(item.deck.cards) >= _BIG_DECK:
                        progress(f"replaying the review history of {item.deck.id} ({len(item.deck.cards):,} cards)")
                    cards = card_histories(package, item.planned, report.tally, study_day, day_start, study_day(now))
                    if item.returning is not None:
                        cards = _into_own_deck(cards, item.returning, item.deck.id, report.tally)
                    _, entry.reviews = import_progress(conn, item.deck, cards, now)
                else:
                    sync_deck(conn, item.deck, now)
                report.decks.append(entry)
        finally:
            conn.close()
    finally:
        if package is not None:
            package.close()
    return report


_KINDS = {
    "text": "text file",
    "anki21b": "Anki package, current format",
    "anki21": "Anki package, legacy format",
    "anki2": "Anki package, oldest format",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def run(config: Config, source: Path, into: Path | None, as_json: bool) -> int:
    report = import_file(config, source, into, lambda step: print(f"techquiz: {step}...", file=sys.stderr, flush=True))
    if as_json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        return 0
    data = report.as_json()
    name, kind = _source_name(source), _KINDS.get(report.kind, report.kind)
    history = report.kind != "text"  # a card list has no reviews to speak of
    reviews = f", {_plural(data['reviews'], 'review')}" if history else ""
    print(f"Imported {name} ({kind}): {_plural(len(report.decks), 'deck')}, {_plural(data['cards'], 'card')}{reviews}.")
    for d in report.decks:
        reviews = f", {_plural(d.reviews, 'review')}" if history else ""
        kept = " (your deck, back from Anki: its answers added, the file kept as it is)" if d.file_kept else ""
        print(f"  {d.id}: {_plural(d.cards, 'card')}{reviews} -> {d.path}{kept}")
    for reason, count in sorted(report.tally.skipped.items()):
        if count:
            print(f"Skipped {count}: {reason}")
    for name, count in sorted(report.tally.flattened.items()):
        print(f"Made basic from their first two fields: {_plural(count, 'note')} of type '{strip_controls(name)[0]}'")
    if report.tally.media:
        print(f"Left out {_plural(report.tally.media, 'media reference')} (images, sounds): cards are plain text")
    if into is not None and into.resolve() not in {d.resolve() for d in config.deck_dirs}:
        print(f"{into} is not one of your deck folders: study these with `techquiz --decks {into} study`")
    return 0
