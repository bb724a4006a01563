"""Checks of a drafted card against the document it came from, shared by the tests and
benchmarks/drafting.py. They look at the raw document, not at what `draft` read from it, so a
mistake in reading is not repeated in the check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from techquiz.authoring.draft import DraftCard
from techquiz.deck import cloze

# Link targets, reference labels, tags and role names are markup, not words a reader sees.
_MARKUP = re.compile(r"\]\([^)]*\)|\]\[[^\]]*\]|<[^>\n]+>|:[\w:.-]+:(?=`)")
_WORD = re.compile(r"[A-Za-z0-9]+")
_TABLE_ROW = re.compile(r"\|.*\||(?:[^\s.!?:;,] {2,}\S.*){2}")
_FUNCTION_WORDS = frozenset("a an and as at by for from in of on or the to with".split())


def _visible(document: str) -> str:
    return _MARKUP.sub("]", document)


@dataclass(frozen=True)
class Found:
    """Where a card's source is in the document, and whether it is a whole sentence there."""

    whole: bool
    lines: list[str]


def locate(source: str, document: str) -> Found:
    text = _visible(document)
    words = _WORD.findall(source)
    if not words:
        return Found(False, [])
    m = re.search(r"[\W_]+".join(re.escape(w) for w in words), text)
    if m is None:
        return Found(False, [])
    first_line = text.rfind("\n", 0, m.start()) + 1
    lines = text[first_line : text.find("\n", m.end()) % (len(text) + 1)].split("\n")
    ends = bool(re.search(r"[.!?:][\"”’)]?$", source.strip()))
    starts = bool(re.match(r"[\"“‘(]?[A-Z0-9]", source.strip()))
    return Found(ends and starts and _starts_a_sentence(text, m.start()), lines)


def _starts_a_sentence(text: str, at: int) -> bool:
    """Nothing but markup between the previous sentence's end (or a paragraph's, a list marker's, a
    heading's) and here."""
    before = re.sub(r"[\s*_`'\"“(>#\[]*$", "", text[:at])
    if not before or before[-1] in ".!?:;":
        return True
    gap = text[len(before) : at]
    if "\n" in gap and not gap.strip(" \n*_`'\"“(>#["):
        line = before[before.rfind("\n") + 1 :].strip()
        if "\n\n" in gap.replace(" ", "") or re.fullmatch(r"([=\-~^*#+])\1{2,}|[-*+•]|\(?\d{1,2}[.)]", line):
            return True
        words = line.split()
        return len(words) < 8 and words[-1].lower() not in _FUNCTION_WORDS  # a heading above
    return bool(re.search(r"(?:^|\s)(?:[-*+•]|\(?\d{1,2}[.)]|\(\w\))$", before))  # a list marker


def is_table_or_code(found: Found) -> bool:
    return any(_TABLE_ROW.search(line.strip()) or line.lstrip().startswith(("$ ", ">>> ")) for line in found.lines)


def answers(card: DraftCard) -> list[str]:
    if card.type == "typed":
        return [str(card.fields["answer"])]
    return [d.answer for d in cloze.deletions(str(card.fields["text"]))]


def prompts(card: DraftCard) -> list[tuple[str, list[str]]]:
    """(what the learner sees, the answers that prompt asks) for each card it makes."""
    if card.type == "typed":
        return [(str(card.fields["question"]), [str(card.fields["answer"])])]
    text = str(card.fields["text"])
    return [(cloze.render(text, n, revealed=False), cloze.answers(text, n)) for n in cloze.numbers(text)]


def _words(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.casefold())) + " "


def answer_in_prompt(card: DraftCard) -> bool:
    return any(_words(a) in _words(prompt) for prompt, given in prompts(card) for a in given if _WORD.search(a))


def split_number(card: DraftCard) -> bool:
    """An answer that is a piece of a larger figure in the source: '___.0' of '0.9.0', '2017-___-31'."""
    source = str(card.fields.get("source", ""))
    for answer in answers(card):
        if not re.search(r"\d", answer):
            continue
        for m in re.finditer(re.escape(answer), source):
            before, after = source[: m.start()], source[m.end() :]
            if re.search(r"(?:\w|\d[.\-/:])$", before) or re.match(r"(?:\w|[.\-/:]\d)", after):
                return True
    return False


def prompt_words(card: DraftCard) -> int:
    return max(len(prompt.split()) for prompt, _ in prompts(card))


def duplicates(cards: list[DraftCard]) -> Iterator[tuple[DraftCard, DraftCard]]:
    """Pairs of cards that ask the same answer with much the same prompt."""
    seen = [(c, {a.casefold() for a in answers(c)}, set(_words(p).split())) for c in cards for p, _ in prompts(c)]
    for (one, a1, p1), (other, a2, p2) in combinations(seen, 2):
        if one is not other and a1 & a2 and len(p1 & p2) >= 0.5 * min(len(p1), len(p2)):
            yield one, other
