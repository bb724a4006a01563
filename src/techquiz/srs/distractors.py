"""A quiz's distractors: wrong answers from the deck's other basic and cloze answers, none of which
gives the answer away: never one the question shows, never the same answer written differently, and
the closest in type (a cloze's answers look like other clozes'), shape and length first.

The rule asks, for each question, for the candidates ranked by closeness. Ranking every answer of a
100,000-card deck for each question took seconds, so a `DistractorIndex` is built once per deck (from
`Deck.answer_pool`, which a cached deck reads without building a card) and groups the answers by
what the rank depends on: card type, shape and length. A question then ranks a few hundred groups,
not the answers, checks only the candidates it looks at, and draws from the closest groups.
"""

from __future__ import annotations

import bisect
import math
import random
import re
from collections.abc import Iterable

from techquiz.srs import grading

_NUMBER = re.compile(r"^[\d\s.,:%/+-]+$")


def _shape(text: str) -> tuple[bool, bool, int]:
    """What makes an answer look like the others: a number or words, a capital, how many words."""
    return bool(_NUMBER.match(text)), text[:1].isupper(), min(len(text.split()), 4)


def _in_prompt(candidate: str, prompt: str) -> bool:
    """Whether the question shows this text (a word of it, or a cloze sibling's answer left visible)."""
    return re.search(rf"(?<!\w){re.escape(candidate.casefold())}(?!\w)", prompt.casefold()) is not None


# A candidate: its text, its normalized form, and the same answer as written differently earlier
# in the deck (plain tuples: an index holds one per answer of the deck).
_Entry = tuple[str, str, tuple[str, ...]]


class DistractorIndex:
    """A deck's candidate answers grouped by (card type, shape, length); see the module docstring."""

    def __init__(self, pool: Iterable[tuple[str, str]]) -> None:
        variants: dict[str, list[str]] = {}
        # (type, shape, length) -> entries in deck order
        self._cells: dict[tuple[str, tuple[bool, bool, int], int], list[_Entry]] = {}
        normalize, cells = grading.normalize, self._cells
        for type_name, answer in pool:
            norm = normalize(answer)
            if not norm:
                continue
            seen = variants.get(norm)
            if seen is None:
                variants[norm] = [answer]
                earlier: tuple[str, ...] = ()
            elif answer in seen:
                continue  # the very same text again: it could never be picked after the first
            else:
                earlier = tuple(seen)
                seen.append(answer)
            key = (type_name, _shape(answer), len(answer))
            cell = cells.get(key)
            if cell is None:
                cells[key] = [(answer, norm, earlier)]
            else:
                cell.append((answer, norm, earlier))

    def pick(self, card_type: str, prompt: str, right: str, wanted: int, rng: random.Random) -> list[str] | None:
        """`wanted` distractors for a `card_type` card asking `prompt` with the answer `right`, drawn
        among every candidate as close as the closest `wanted` (so that each quiz draws other ones);
        None when the deck has too few."""
        close = self._closest(card_type, prompt, right, wanted)
        if close is None:
            return None
        sizes = [len(cell) for cell in close]
        ends = [sum(sizes[: i + 1]) for i in range(len(sizes))]
        total = ends[-1] if ends else 0
        picks: list[str] = []
        seen: set[int] = set()
        # Uniform draws without replacement among the close candidates, skipping the few a question
        # rules out: the same as sampling the valid ones, without checking them all.
        while len(picks) < wanted and len(seen) < total:
            i = rng.randrange(total)
            if i in seen:
                continue
            seen.add(i)
            cell = bisect.bisect_right(ends, i)
            entry = close[cell][i - (ends[cell - 1] if cell else 0)]
            if self._valid(entry, prompt, grading.normalize(right)):
                picks.append(entry[0])
        return picks

    def eligible(self, card_type: str, prompt: str, right: str, wanted: int) -> list[str] | None:
        """Every answer `pick` may draw from (for tests and for checking the rule)."""
        close = self._closest(card_type, prompt, right, wanted)
        if close is None:
            return None
        right_norm = grading.normalize(right)
        return [e[0] for cell in close for e in cell if self._valid(e, prompt, right_norm)]

    @staticmethod
    def _valid(entry: _Entry, prompt: str, right_norm: str) -> bool:
        # Shown by the question, the right answer written otherwise, or a repeat of an answer already
        # a candidate (the first spelling the question does not show stands for them all).
        answer, norm, earlier = entry
        return norm != right_norm and not _in_prompt(answer, prompt) and all(_in_prompt(e, prompt) for e in earlier)

    def _closest(self, card_type: str, prompt: str, right: str, wanted: int) -> list[list[_Entry]] | None:
        """The cells (same type, shape and length) whose rank is at most that of the `wanted`-th
        closest valid candidate; None when the deck has fewer than `wanted` valid candidates."""
        right_norm = grading.normalize(right)
        ranked: list[tuple[tuple[int, int, int], list[_Entry]]] = []
        for (type_name, shape, length), cell in self._cells.items():
            mismatch, spread = _unlike_shape(shape, length, right)
            ranked.append(((int(type_name != card_type), mismatch, spread), cell))
        ranked.sort(key=lambda pair: pair[0])
        found = 0
        for rank, cell in ranked:
            for entry in cell:
                if self._valid(entry, prompt, right_norm):
                    found += 1
                    if found == wanted:
                        break
            if found == wanted:
                return [c for r, c in ranked if r <= rank]
        return None


def _unlike_shape(shape: tuple[bool, bool, int], length: int, right: str) -> tuple[int, int]:
    """How far a distractor of this shape and length looks from the right answer (smaller is
    closer): a distractor of another shape or length leaves the right answer the odd one out."""
    b = _shape(right)
    mismatch = 3 * (shape[0] != b[0]) + (shape[1] != b[1]) + abs(shape[2] - b[2])
    return mismatch, round(2 * abs(math.log((length + 1) / (len(right) + 1))))  # 0 within ~30%
