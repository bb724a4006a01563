"""Anki's cloze syntax: `{{c1::answer}}` and `{{c1::answer::hint}}`, one card per number."""

from __future__ import annotations

import re
from dataclasses import dataclass

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


@dataclass(frozen=True)
class Deletion:
    number: int
    answer: str
    hint: str | None


def deletions(text: str) -> list[Deletion]:
    return [Deletion(int(m[1]), m[2], m[3]) for m in CLOZE.finditer(text)]


def numbers(text: str) -> list[int]:
    """The distinct deletion numbers in the text, in ascending order."""
    return sorted({d.number for d in deletions(text)})


def render(text: str, number: int, *, revealed: bool, blank: str = "[...]") -> str:
    """The cloze text for card `number`: its deletions blanked (or shown), all others shown."""

    def replace(match: re.Match[str]) -> str:
        if int(match[1]) != number or revealed:
            return match[2]
        return f"[{match[3]}]" if match[3] else blank

    return CLOZE.sub(replace, text)


def answers(text: str, number: int) -> list[str]:
    return [d.answer for d in deletions(text) if d.number == number]
