"""What a card offers to search and to the browse table, as plain columns beside its pickled form.

Free-text search runs in SQL over these columns, so it never unpickles a card; the browse table
and `techquiz cards` read the first line each sub-card asks from them too.
"""

from __future__ import annotations

import json
from dataclasses import fields

from techquiz.deck.cards import Card, ClozeCard
from techquiz.deck.model import Deck

INDEX_COLUMNS = "card_id, question, fronts, text, tags, tag_list"
FIELD_SEPARATOR = "\x1f"  # between fields in `text`: a search never matches across two fields
_NOT_TEXT = {"id", "position", "id_generated", "tags"}
# Per card class, its text fields (dataclasses.fields per card cost ~0.1 s of a 100,000-card parse).
_TEXT_FIELDS: dict[type[Card], tuple[str, ...]] = {}
# json.dumps with an option builds an encoder per call: one, with the same output, for every row.
_DUMPS = json.JSONEncoder(ensure_ascii=False).encode


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def card_text(card: Card) -> str:
    """Every text field of the card, lower-cased (search is case-insensitive), one per part."""
    parts: list[str] = []
    names = _TEXT_FIELDS.get(type(card))
    if names is None:
        names = _TEXT_FIELDS[type(card)] = tuple(f.name for f in fields(card) if f.name not in _NOT_TEXT)
    for name in names:
        value = getattr(card, name)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, tuple):
            parts.extend(v for v in value if isinstance(v, str))
    return FIELD_SEPARATOR.join(parts).lower()


def tag_text(deck: Deck, card: Card) -> str:
    """The card's tags and its deck's, lower-cased, each between spaces (` a b `) for LIKE '% a %'."""
    tags = dict.fromkeys(t.lower() for t in (*deck.tags, *card.tags))
    return f" {' '.join(tags)} " if tags else ""


def index_row(deck: Deck, card: Card) -> tuple[str, str, str, str, str, str]:
    """The values of INDEX_COLUMNS for one card: the tags twice (for LIKE, and as a JSON array), and
    the first line each sub-card asks (`fronts`, by sub-card name; the unnamed one is `question`), so
    neither a screen nor `cards --json` renders a cloze deletion per row. A cloze card's `question`
    is its raw text: what sorting by the front uses."""
    question = card.text if isinstance(card, ClozeCard) else card.prompt("")
    fronts = {sub: first_line(card.prompt(sub)) for sub in card.subs() if sub}
    tags = tag_text(deck, card)
    return (
        card.id,
        first_line(question),
        _DUMPS(fronts),
        card_text(card),
        tags,
        _DUMPS(tags.split()),
    )
