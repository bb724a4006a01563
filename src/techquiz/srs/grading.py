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
# A hyphen (or dash) between two word characters reads like a space: "twenty-nine" = "twenty nine".
_HYPHENS = "-\u2010\u2011\u2012\u2013"
_JOINING_HYPHEN = re.compile(rf"(?<=\w)[{_HYPHENS}](?=\w)")


def normalize(text: str) -> str:
    """Case-, space-, hyphen- and digit-grouping-insensitive form: '1,000 Projects ' -> '1000projects',
    'One-third' -> 'onethird'."""
    # NFKC leaves ASCII as it is and casefold is lower there: skipping them halves a quiz's pool build.
    text = text.lower().strip() if text.isascii() else unicodedata.normalize("NFKC", text).casefold().strip()
    text = _DIGIT_GROUPING.sub("", text)
    text = _JOINING_HYPHEN.sub(" ", text)
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


LIKENESS = 0.5  # below this share of matching characters, the typed answer is shown whole


def _fold(character: str) -> str:
    """One character as checking sees it: a hyphen is a space, case does not count."""
    return " " if character.isspace() or character in _HYPHENS else character.casefold()


def diff(given: str, answer: str) -> list[DiffPart]:
    """Character differences between the typed answer and the right one, for marking on screen
    (see `marked` for the marks that read without colour)."""
    parts: list[DiffPart] = []
    # Folded a character at a time, so that indexes stay those of the texts ('ß' folds to two).
    folded_given, folded_answer = [_fold(c) for c in given], [_fold(c) for c in answer]
    matcher = difflib.SequenceMatcher(None, folded_given, folded_answer, autojunk=False)
    if matcher.ratio() < LIKENESS:  # another answer, not a misspelling: marks would be noise
        return [DiffPart(given, "extra")]
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart(given[a1:a2], "same"))
            continue
        if a2 > a1:
            parts.append(DiffPart(given[a1:a2], "extra"))
        if b2 > b1:
            parts.append(DiffPart(answer[b1:b2], "missing"))
    return parts


MARKS = {"same": ("", ""), "extra": ("[-", "-]"), "missing": ("[+", "+]")}


def marked(parts: Sequence[DiffPart]) -> list[tuple[str, str]]:
    """The diff as (text, kind) pieces with wdiff's marks around each difference, so that
    'colr' against 'colour' reads 'col[+ou+]r' on a terminal without colour, or to a colour-blind eye."""
    out = []
    for part in parts:
        opening, closing = MARKS[part.kind]
        out.append((f"{opening}{part.text}{closing}", part.kind))
    return out
