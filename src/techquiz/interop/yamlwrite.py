"""Writing a deck as YAML text: plain scalars where they cannot be misread, JSON-quoted otherwise.

JSON strings are valid YAML double-quoted scalars, except that YAML folds the Unicode line and
paragraph separators inside them, so those two are escaped as well.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _,.'()?!/+-]*")
_LOOKS_TYPED = frozenset("y n yes no on off true false null".split())


def scalar(text: str, flow: bool = False) -> str:
    plain = _PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _LOOKS_TYPED
    if plain and not (flow and "," in text):
        return text
    return json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@dataclass(frozen=True)
class CardOut:
    """One card of a written deck: its fields in the order they are written."""

    id: str
    type: str
    fields: tuple[tuple[str, str | bool], ...]
    tags: tuple[str, ...] = field(default=())


def deck_yaml(
    header: Sequence[str],
    deck_id: str,
    title: str,
    cards: Sequence[CardOut],
    description: str = "",
    settings: Mapping[str, int | float] | None = None,
) -> str:
    out = [*header, "format: 1", f"id: {scalar(deck_id)}", f"title: {scalar(title)}"]
    if description:
        out.append(f"description: {scalar(description)}")
    if settings:
        out.append("settings: {" + ", ".join(f"{name}: {value}" for name, value in settings.items()) + "}")
    out.append("cards:")
    for card in cards:
        out.append(f"  - id: {scalar(card.id)}")
        out.append(f"    type: {card.type}")
        for name, value in card.fields:
            rendered = ("true" if value else "false") if isinstance(value, bool) else scalar(value)
            out.append(f"    {name}: {rendered}")
        if card.tags:
            out.append("    tags: [" + ", ".join(scalar(t, flow=True) for t in card.tags) + "]")
    return "\n".join(out) + "\n"
