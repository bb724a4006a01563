"""The bundled decks against their article and the rules of good prompts.

Every `source` is a word-for-word quote of the article; no two cards ask the same fact; no card shows its
own answer; typed cards take the ways a learner who knows the fact would type it; and no right choice
stands out by its length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest

from techquiz.deck import cloze
from techquiz.deck.cards import BasicCard, Card, ChoiceCard, ClozeCard, OrderCard, TrueFalseCard, TypedCard
from techquiz.deck.loader import load_deck
from techquiz.srs.grading import typed_correct

from ..conftest import BUNDLED, REPO

# The article as the project keeps it, in ../shared beside the repository; where that folder is absent
# (a clean clone, CI), the repository's copy (test_draft.py checks the two are the same bytes).
SHARED_ARTICLE = REPO.parent / "shared" / "article" / "tech-opening-up.txt"
ARTICLE = SHARED_ARTICLE if SHARED_ARTICLE.exists() else Path(__file__).parent / "articles" / "tech-opening-up.txt"
ELLIPSIS = re.compile(r"\.\.\.|…")


def bundled_cards() -> list[tuple[str, Card]]:
    out = []
    for path in sorted(BUNDLED.glob("*.yaml")):
        result = load_deck(path)
        assert result.deck is not None and not result.problems, result.problems
        out += [(result.deck.id, card) for card in result.deck.cards]
    return out


CARDS = bundled_cards()


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def article() -> str:
    if not ARTICLE.exists():
        pytest.skip(
            f"the article the bundled decks quote is kept in {SHARED_ARTICLE.parent}, beside the repository, "
            "and neither it nor the repository's copy is here, so the quotes cannot be checked"
        )
    return squeeze(ARTICLE.read_text(encoding="utf-8"))


def quoted_spans(source: str, article: str) -> Iterator[tuple[int, int]]:
    """Where each part of a source (parts joined by '...') is in the article, in order, or AssertionError."""
    at = 0
    for part in (squeeze(p) for p in ELLIPSIS.split(source)):
        if not part:
            continue
        found = article.find(part, at)
        assert found >= 0, f"not in the article (after what the quote says before it): {part!r}"
        yield found, found + len(part)
        at = found + len(part)


def sentence_spans(article: str) -> list[tuple[int, int]]:
    ends = [m.end() for m in re.finditer(r"[.:!?](?=\s+[A-Z])", article)] + [len(article)]
    return list(zip([0, *ends[:-1]], ends, strict=True))


@pytest.mark.parametrize(("deck", "card"), CARDS, ids=[f"{d}/{c.id}" for d, c in CARDS])
def test_every_source_is_a_verbatim_quote_of_the_article(deck: str, card: Card, article: str) -> None:
    assert card.source, "every bundled card says where in the article it comes from"
    assert list(quoted_spans(card.source, article))


# ---- what a card asks ----------------------------------------------------------------------------

_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_word(n: int) -> str:
    if n < 20:
        return _NUMBER_WORDS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens - 2] + (f"-{_NUMBER_WORDS[unit]}" if unit else "")


WORD_TO_NUMBER = {number_word(n): n for n in range(100)}


def fact_key(answer: str) -> str:
    """An answer with the ways of writing it taken out: 'More than 80' = 'eighty' = '80'."""
    text = answer.casefold().replace("%", " percent")
    text = re.sub(r"^(?:the|a|an|its|their)\s+|^(?:more than|over|about|some)\s+|\s+percent$", "", text.strip())
    number = WORD_TO_NUMBER.get(text.replace(" ", "-"))
    return re.sub(r"[^a-z0-9.]+", "", text if number is None else str(number)).strip(".")


_NAME_OR_FIGURE = re.compile(r"[A-Z][\w-]*(?:\s+(?:of|and|for|the)?\s*[A-Z][\w-]*)+|\d[\d,.]*")


def asked(card: Card) -> list[str]:
    """The answers a card asks for; a false statement asks the names and figures of its correction."""
    match card:
        case BasicCard():
            return [card.back]
        case TypedCard():
            return [card.answer]
        case ClozeCard():
            return [d.answer for d in cloze.deletions(card.text)]
        case ChoiceCard():
            return list(card.answers)
        case OrderCard():
            return [" > ".join(card.items)]
        case TrueFalseCard():
            return _NAME_OR_FIGURE.findall(card.explain or "") if not card.answer else []
    raise AssertionError(f"unknown card type {card.type_name}")


def test_no_two_cards_ask_the_same_fact(article: str) -> None:
    sentences = sentence_spans(article)

    def where(card: Card) -> set[int]:
        spans = list(quoted_spans(card.source or "", article))
        return {i for i, (s, e) in enumerate(sentences) for a, b in spans if a < e and s < b}

    facts = [(f"{deck}/{card.id}", where(card), {fact_key(a) for a in asked(card)}) for deck, card in CARDS]
    twice = [
        f"{one} and {other} both ask {sorted(keys & keys2)}"
        for (one, at, keys), (other, at2, keys2) in combinations(facts, 2)
        if at & at2 and keys & keys2
    ]
    assert not twice


def prompts(card: Card) -> list[tuple[str, list[str]]]:
    """(what the learner sees, the answers it asks) for each sub-card."""
    match card:
        case BasicCard():
            shown = [(card.front, [card.back])]
            return [*shown, (card.back, [card.front])] if card.reverse else shown
        case TypedCard():
            return [(card.question, [card.answer, *card.accept])]
        case ClozeCard():
            return [
                (cloze.render(card.text, n, revealed=False), cloze.answers(card.text, n))
                for n in cloze.numbers(card.text)
            ]
        case ChoiceCard():
            return [(card.question, list(card.answers))]
    return []


def words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.casefold())) + " "


@pytest.mark.parametrize(("deck", "card"), CARDS, ids=[f"{d}/{c.id}" for d, c in CARDS])
def test_no_card_shows_its_own_answer(deck: str, card: Card) -> None:
    for prompt, answers in prompts(card):
        for answer in answers:
            core = words(re.sub(r"^(?:the|a|an|its)\s+", "", answer.strip(), flags=re.IGNORECASE))
            assert core not in words(prompt), f"{prompt!r} gives away {answer!r}"


# ---- typed answers -------------------------------------------------------------------------------

SPELLED_OUT = {"S&T": "Science and Technology"}


def common_variants(answer: str, source: str) -> set[str]:
    """How a learner who knows the answer may type it: digits or words, 'more than 80' / 'over 80' / '80+'
    when the article says 'more than', a leading 'the' before a name of three words or more, '&' spelt out,
    a hyphen typed as a space."""
    forms = {answer}
    digits = answer if answer.isdigit() else str(WORD_TO_NUMBER.get(answer.casefold().replace(" ", "-"), ""))
    if digits and int(digits) < 100:
        forms |= {digits, number_word(int(digits))}
        if re.search(rf"\b(?:more than|over)\s+{digits}\b", source):
            forms |= {f"{p} {f}" for p in ("more than", "over") for f in set(forms)} | {f"{digits}+"}
    elif not re.search(r"\d|\b(?:more than|over)\b", answer):  # a name or a title
        for short, long in SPELLED_OUT.items():
            forms |= {f.replace(short, long) for f in forms}
        forms |= {f.replace(" & ", " and ") for f in forms}
        forms |= {f"the {f}" for f in forms if len(f.split()) >= 3 and not f.casefold().startswith("the ")}
    return forms | {f.replace("-", " ") for f in forms}


TYPED = [(d, c) for d, c in CARDS if isinstance(c, TypedCard)]

# What the learners in issue #18 typed and were refused, each an answer that shows they know the fact.
REFUSED_BEFORE = {
    "papers-report-name": ["Statistical Data of Chinese Science and Technology Papers", "the Statistical Data of "
                           "Chinese S&T Papers", "the 2024 Statistical Data of Chinese Science and Technology Papers"],
    "dde-members": ["twenty nine", "twenty-nine", "29"],
    "bri-agreements": ["over 80", "80+", "more than 80", "eighty"],
    "wba-founder-typed": ["Telecom", "China Telecom Corporation", "china telecom"],
}  # fmt: skip


@pytest.mark.parametrize(("deck", "card"), TYPED, ids=[c.id for _, c in TYPED])
def test_typed_cards_take_the_common_variants(deck: str, card: TypedCard) -> None:
    wanted = set(REFUSED_BEFORE.get(card.id, []))
    for form in (card.answer, *card.accept):
        wanted |= common_variants(form, card.source or "")
    refused = sorted(v for v in wanted if not typed_correct(v, card.answer, card.accept))
    assert not refused


def test_the_learners_refused_before_are_in_the_decks() -> None:
    assert set(REFUSED_BEFORE) <= {c.id for _, c in TYPED}


def test_variants_cover_numbers_and_names() -> None:
    assert common_variants("29", "") == {"29", "twenty-nine", "twenty nine"}
    assert {"over 80", "80+", "more than eighty"} <= common_variants("80", "with more than 80 countries")
    assert "over 80" not in common_variants("80", "with 80 countries")
    assert {"the Chinese Science and Technology Papers", "Chinese S&T Papers"} <= common_variants(
        "Chinese S&T Papers", ""
    )


# ---- choices -------------------------------------------------------------------------------------


def same_length_class(a: str, b: str) -> bool:
    """Close enough in length that neither stands out: within 1.5 times, or 3 characters, of each other."""
    short, long = sorted((len(a), len(b)))
    return long <= 1.5 * short or long - short <= 3


CHOICE = [(d, c) for d, c in CARDS if isinstance(c, ChoiceCard)]


@pytest.mark.parametrize(("deck", "card"), CHOICE, ids=[c.id for _, c in CHOICE])
def test_no_right_choice_is_alone_in_its_length_class(deck: str, card: ChoiceCard) -> None:
    wrong = [c for c in card.choices if c not in card.answers]
    assert wrong, "a choice card needs at least one wrong choice"
    for answer in card.answers:
        assert any(same_length_class(answer, w) for w in wrong), f"{answer!r} is the only one of its length"


def test_length_classes() -> None:
    assert same_length_class("2019", "2022") and same_length_class("Two", "Three")
    assert not same_length_class("To ensure the efficient flow and allocation of papers, reports and data", "To rank")


@pytest.mark.parametrize(("deck", "card"), CARDS, ids=[f"{d}/{c.id}" for d, c in CARDS])
def test_a_false_statement_says_what_is_true(deck: str, card: Card) -> None:
    if isinstance(card, TrueFalseCard) and not card.answer:
        assert card.explain, "a false statement needs an explain: that tells the learner what is true"


@pytest.mark.parametrize(("deck", "card"), CARDS, ids=[f"{d}/{c.id}" for d, c in CARDS])
def test_a_reversed_card_has_a_term_on_its_front_not_a_question(deck: str, card: Card) -> None:
    if isinstance(card, BasicCard) and card.reverse:
        assert not card.front.rstrip().endswith("?"), "its reverse would ask the learner to recite the question"
