"""`techquiz export DECK... --anki OUT.apkg | --csv OUT.csv`."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from techquiz.config import Config, day_start, study_day
from techquiz.deck.model import Deck
from techquiz.errors import UserError
from techquiz.interop.flatten import front_back
from techquiz.store.transfer import LoggedReview


def _check_out(target: Path, suffixes: tuple[str, ...]) -> None:
    if target.suffix.lower() not in suffixes:
        raise UserError(f"{target}: the file name should end in {' or '.join(suffixes)}")
    if target.is_dir():
        raise UserError(f"{target} is a folder; give the file to write")
    if not target.parent.is_dir():
        raise UserError(f"{target.parent}: no such folder")


def write_csv(target: Path, decks: Iterable[Deck]) -> int:
    """One row per sub-card (each cloze deletion its own): front, back, tags; tab-separated for .tsv."""
    rows = 0
    partial = target.with_name(target.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t" if target.suffix.lower() == ".tsv" else ",")
        writer.writerow(["front", "back", "tags"])
        for deck in decks:
            for card in deck.cards:
                for sub in card.subs():
                    if sub == "reverse":
                        continue  # the same pair the other way round
                    front, back = (card.prompt(sub), card.answer_text(sub)) if sub else front_back(card)
                    writer.writerow([front, back, " ".join(card.tags)])
                    rows += 1
    os.replace(partial, target)
    return rows


def run(config: Config, decks: list[Deck], target: Path, fmt: str, with_history: bool) -> int:
    if fmt == "csv":
        _check_out(target, (".csv", ".tsv", ".txt"))
        try:
            rows = write_csv(target, decks)
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc.strerror}") from exc
        print(f"Wrote {target}: {rows} rows from {len(decks)} deck(s).")
        return 0
    from techquiz.interop.anki_export import ExportDeck, write_package
    from techquiz.store import db
    from techquiz.store.progress import sync_decks
    from techquiz.store.transfer import deck_progress, deck_reviews

    _check_out(target, (".apkg",))
    conn = db.connect(config.store_path, check=False)
    try:
        sync_decks(conn, decks, config.now())

        def reviews_of(deck_id: str) -> Callable[[], Iterable[LoggedReview]]:
            return lambda: deck_reviews(conn, deck_id)

        items = [
            ExportDeck(d, {(p.card_id, p.sub): p for p in deck_progress(conn, d.id)}, reviews_of(d.id)) for d in decks
        ]
        notes, cards, reviews, flattened = write_package(
            target, items, with_history, config.now(), study_day, day_start
        )
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror}") from exc
    finally:
        conn.close()
    history = f", {reviews} reviews" if with_history else " (no scheduling or history)"
    print(f"Wrote {target}: {len(decks)} deck(s), {notes} notes, {cards} cards{history}.")
    for type_name, count in sorted(flattened.items()):
        print(f"  {count} {type_name} card(s) became Basic notes with the answer on the back")
    return 0
