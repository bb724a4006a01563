"""Checking what the learner answered, and the grade it suggests (Good when right, Again when not)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from techquiz.model import Rating

_DIGIT_GROUPING = re.compile(r"(?<=\d)[,\u00a0\u202f\u2009' _](?=\d{3}\b)")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Case-, space- and digit-grouping-insensitive form: '1,000 Projects ' -> '1000projects'."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = _DIGIT_GROUPING.sub("", text)
    text = _SPACE.sub("", text)
    return text.rstrip(".!")


def typed_correct(given: str, answer: str, accept: Iterable[str] = ()) -> bool:
    wanted = normalize(given)
    return bool(wanted) and any(wanted == normalize(a) for a in (answer, *accept))


def choice_correct(picked: Iterable[str], answers: Iterable[str]) -> bool:
    return set(picked) == set(answers)


def order_correct(given: Sequence[str], items: Sequence[str]) -> bool:
    return list(given) == list(items)


def suggested(correct: bool) -> Rating:
    return Rating.Good if correct else Rating.Again


@dataclass(frozen=True)
class DiffPart:
    text: str
    kind: str  # "same", "extra" (typed but not in the answer), "missing" (in the answer, not typed)


def diff(given: str, answer: str) -> list[DiffPart]:
    """Character differences between the typed answer and the right one, for marking on screen."""
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(None, given.casefold(), answer.casefold(), autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart(given[a1:a2], "same"))
            continue
        if a2 > a1:
            parts.append(DiffPart(given[a1:a2], "extra"))
        if b2 > b1:
            parts.append(DiffPart(answer[b1:b2], "missing"))
    return parts
