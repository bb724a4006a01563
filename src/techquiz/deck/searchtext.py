"""What a card offers to search and to the browse table, as plain columns beside its pickled form.

Free-text search runs in SQL over these columns, so it never unpickles a card; the browse table
and `techquiz cards` read the first lines of the question and the answer from them too.
"""

from __future__ import annotations

import json
from dataclasses import fields

from techquiz.deck import cloze
from techquiz.deck.model import Card, ClozeCard, Deck

INDEX_COLUMNS = "card_id, question, answer, text, tags, tag_list"
FIELD_SEPARATOR = "\x1f"  # between fields in `text`: a search never matches across two fields
_NOT_TEXT = {"id", "position", "id_generated", "tags"}


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def card_text(card: Card) -> str:
    """Every text field of the card, lower-cased (search is case-insensitive), one per part."""
    parts: list[str] = []
    for f in fields(card):
        if f.name in _NOT_TEXT:
            continue
        value = getattr(card, f.name)
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
    """The values of INDEX_COLUMNS for one card (the tags twice: for LIKE, and as a JSON array).
    The question of a cloze card is its raw text: each sub-card blanks its own deletion when
    shown (see `front`)."""
    question = card.text if isinstance(card, ClozeCard) else card.prompt("")
    answer = "" if isinstance(card, ClozeCard) else first_line(card.answer_text(""))
    tags = tag_text(deck, card)
    return card.id, first_line(question), answer, card_text(card), tags, json.dumps(tags.split(), ensure_ascii=False)


def front(card_type: str, sub: str, question: str, answer: str) -> str:
    """The first line of what a sub-card asks, from the indexed columns."""
    if card_type == "cloze" and sub.startswith("c") and sub[1:].isdigit():
        return cloze.render(question, int(sub[1:]), revealed=False)
    return answer if sub == "reverse" else question
