"""Cards as JSON rows for the parsed-deck cache: data in, data out, no code (see deck/serial.py).

A card row is a JSON array in its class's field order, the type name first and the position as
[line, column] (the file is the entry's own path):

    ["basic", "capital-fr", [12, 5], false, [], null, null, null, "Capital of France?", "Paris", true]

Anything that does not decode into a card (a damaged or foreign row) raises ValueError. Apart from
deck/serial.py because the home screen reads headers only and should not load the card classes.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from techquiz.deck.cards import CARD_CLASSES, Card
from techquiz.deck.model import Position
from techquiz.deck.serial import ENCODE

# Per card class: its fields in order, and which of them are tuples (JSON gives lists back).
_FIELDS = {name: tuple(f.name for f in fields(cls)) for name, cls in CARD_CLASSES.items()}
_TUPLES = {
    name: tuple(i for i, f in enumerate(fields(cls)) if str(f.type).startswith("tuple"))
    for name, cls in CARD_CLASSES.items()
}
_POSITION = 1  # every card's second field (after id)


def card_row(card: Card) -> str:
    values: list[Any] = [getattr(card, name) for name in _FIELDS[card.type_name]]
    values[_POSITION] = [card.position.line, card.position.column]
    return ENCODE([card.type_name, *values])


def card_from_row(row: str | bytes, path: Path) -> Card:
    try:
        kind, *values = json.loads(row)
        if len(values) != len(_FIELDS[kind]):
            raise ValueError(f"a {kind} card has {len(_FIELDS[kind])} fields, not {len(values)}")
        line, column = values[_POSITION]
        values[_POSITION] = Position(path, line, column)
        for i in _TUPLES[kind]:
            values[i] = tuple(values[i])
        return CARD_CLASSES[kind](*values)
    except (TypeError, KeyError, IndexError) as exc:  # JSONDecodeError is a ValueError already
        raise ValueError(f"not a card row: {exc}") from exc
