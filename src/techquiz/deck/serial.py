"""Deck headers, problems and quiz pools as JSON data for the parsed-deck cache: data in, data out,
no code. A pickle would run whatever a (tampered) cache file says when it is loaded; these rows can
only ever become the dataclasses of deck/model.py. Cards have their rows in deck/card_rows.py.

Anything that does not decode (a damaged or foreign row) raises ValueError; the cache treats that
as a miss and reads the deck file instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from techquiz.deck.model import Deck, DeckSource, Position, Settings
from techquiz.deck.result import Problem

# One encoder for every row (card rows too): json.dumps with options builds a new one per call.
ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def header_row(problems: tuple[Problem, ...], deck: Deck | None) -> str:
    """What the home screen and the store sync need without building a card: the deck's own fields,
    its sub-card count and fingerprint, and the file's problems."""
    summary = None
    if deck is not None:
        summary = {
            "id": deck.id,
            "title": deck.title,
            "id_position": [deck.id_position.line, deck.id_position.column],
            "description": deck.description,
            "source": None if deck.source is None else vars(deck.source),
            "tags": deck.tags,
            "settings": [
                deck.settings.new_per_day,
                deck.settings.reviews_per_day,
                deck.settings.desired_retention,
                deck.settings.fsrs_parameters,
            ],
            "subcard_count": deck.subcard_count,
            "fingerprint": deck.fingerprint,
        }
    rows = [[p.line, p.column, p.message, p.severity] for p in problems]
    return json.dumps({"problems": rows, "deck": summary}, ensure_ascii=False, separators=(",", ":"))


def _settings(new: int | None, reviews: int | None, retention: float | None, weights: list[float] | None) -> Settings:
    return Settings(new, reviews, retention, None if weights is None else tuple(float(w) for w in weights))


def header_from_row(row: str | bytes, path: Path) -> tuple[tuple[Problem, ...], dict[str, Any] | None]:
    """The problems and the deck's fields (all but its cards) as Deck's constructor takes them."""
    try:
        data = json.loads(row)
        problems = tuple(Problem(path, line, col, text, severity) for line, col, text, severity in data["problems"])
        if any(p.severity not in ("error", "warning") for p in problems):
            raise ValueError("unknown severity")
        summary = data["deck"]
        if summary is None:
            return problems, None
        source = summary["source"]
        fields_ = {
            "id": str(summary["id"]),
            "title": str(summary["title"]),
            "path": path,
            "id_position": Position(path, *summary["id_position"]),
            "description": summary["description"],
            "source": None if source is None else DeckSource(**source),
            "tags": tuple(summary["tags"]),
            "settings": _settings(*summary["settings"]),
            "subcard_count": int(summary["subcard_count"]),
            "fingerprint": str(summary["fingerprint"]),
        }
        return problems, fields_
    except (TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"not a cache header: {exc}") from exc


def pool_rows(keys: Sequence[tuple[str, str]], answers: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """A deck's quiz pool as two JSON rows, each two parallel arrays of strings (checked and decoded
    much faster than an array of pairs): [[card ids], [subs]] and [[card types], [answers]]."""
    return ENCODE([[k[0] for k in keys], [k[1] for k in keys]]), ENCODE(
        [[a[0] for a in answers], [a[1] for a in answers]]
    )


def pool_from_rows(
    keys: str | bytes, answers: str | bytes
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """The pool `pool_rows` wrote, as pairs again; ValueError when a row is not one (damaged or foreign)."""
    pairs = []
    for row in (keys, answers):
        data = json.loads(row)
        if not (
            isinstance(data, list)
            and len(data) == 2
            and all(isinstance(column, list) for column in data)
            and len(data[0]) == len(data[1])
            and set(map(type, data[0] + data[1])) <= {str}
        ):
            raise ValueError("not a quiz pool row")
        pairs.append(tuple(zip(data[0], data[1], strict=True)))
    return pairs[0], pairs[1]
