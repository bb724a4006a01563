"""Deck files for tests, built from values instead of inline YAML strings.

Each card is written as a one-line flow mapping through `json.dumps` (YAML reads JSON), so a test
says what it means (`basic("a", "q", "b")`) and quoting is never the thing under test. Tests of the
loader's error positions keep their exact YAML text: there the layout is the point.
"""

from __future__ import annotations

import json
from typing import Any

Card = dict[str, Any]


def basic(card_id: str | None, front: str, back: str, **extra: Any) -> Card:
    return _card(card_id, {"front": front, "back": back}, extra)


def cloze(card_id: str | None, text: str, **extra: Any) -> Card:
    return _card(card_id, {"type": "cloze", "text": text}, extra)


def choice(card_id: str | None, question: str, choices: list[str], answer: str, **extra: Any) -> Card:
    return _card(card_id, {"type": "choice", "question": question, "choices": choices, "answer": answer}, extra)


def typed(card_id: str | None, question: str, answer: str, **extra: Any) -> Card:
    return _card(card_id, {"type": "typed", "question": question, "answer": answer}, extra)


def truefalse(card_id: str | None, statement: str, answer: bool, **extra: Any) -> Card:
    return _card(card_id, {"type": "truefalse", "statement": statement, "answer": answer}, extra)


def order(card_id: str | None, question: str, items: list[str], **extra: Any) -> Card:
    return _card(card_id, {"type": "order", "question": question, "items": items}, extra)


def _card(card_id: str | None, fields: Card, extra: Card) -> Card:
    return ({"id": card_id} if card_id is not None else {}) | fields | extra


def deck_yaml(deck_id: str, *cards: Card, title: str | None = None, **top: Any) -> str:
    """A deck file's text: `format`, `id`, `title` (default: the id), any other top-level keys, the cards."""
    lines = ["format: 1", f"id: {json.dumps(deck_id)}", f"title: {json.dumps(title or deck_id)}"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in top.items()]
    lines.append("cards:")
    lines += [f"  - {json.dumps(card, ensure_ascii=False)}" for card in cards]
    return "\n".join(lines) + "\n"
