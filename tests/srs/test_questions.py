from __future__ import annotations

import random
from pathlib import Path

from techquiz.deck.loader import load_deck
from techquiz.srs.questions import quiz_question

from ..decktext import basic, cloze, deck_yaml


def test_quiz_distractors_come_from_the_same_card_type_first(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    clozes = [cloze(f"z{i}", f"fact {{{{c1::cloze{i}}}}}") for i in range(5)]
    path.write_text(deck_yaml("q", *clozes, *(basic(f"b{i}", f"q{i}", f"basic{i}") for i in range(5))))
    deck = load_deck(path).deck
    assert deck is not None
    for seed in range(20):
        q = quiz_question(deck.cards[0], "c1", deck, random.Random(seed))
        assert q.kind == "choice" and "cloze0" in q.choices and len(q.choices) == 4
        assert all(c.startswith("cloze") for c in q.choices)


def test_a_deck_with_too_few_answers_asks_typed(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(deck_yaml("q", basic("a", "q", "b"), basic("c", "d", "e")))
    deck = load_deck(path).deck
    assert deck is not None
    assert quiz_question(deck.cards[0], "", deck, random.Random(1)).kind == "typed"
