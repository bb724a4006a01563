from __future__ import annotations

import random
from pathlib import Path

from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck
from techquiz.srs.questions import build_quiz, quiz_question, reshuffled, study_question

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


def _deck(tmp_path: Path, body: str) -> Deck:
    path = tmp_path / "q.yaml"
    path.write_text("format: 1\nid: q\ntitle: Q\ncards:\n" + body, encoding="utf-8")
    deck = load_deck(path).deck
    assert deck is not None
    return deck


def test_distractors_never_give_the_answer_away(tmp_path: Path) -> None:
    deck = _deck(
        tmp_path,
        "  - {id: s, type: cloze, text: 'In {{c1::2023}}, {{c2::20.4 percent}} of papers had co-authors from {{c3::177}} countries.'}\n"
        "  - {id: h, front: What does HTTP stand for?, back: HyperText Transfer Protocol}\n"
        "  - {id: a, front: Capital of Peru?, back: Lima}\n"
        "  - {id: b, front: Year of the moon landing?, back: '1969'}\n"
        "  - {id: c, front: Year the web was proposed?, back: '1989'}\n"
        "  - {id: d, front: Year of the Euro?, back: '1999'}\n"
        "  - {id: e, front: Who wrote Hamlet?, back: William Shakespeare and no one else at all}\n"
        "  - {id: f, front: Spelling?, back: '2,023'}\n"
        "  - {id: g, front: Word in the question?, back: HTTP}\n",
    )
    card = deck.cards[0]
    for seed in range(40):
        q = quiz_question(card, "c1", deck, random.Random(seed))
        assert q.kind == "choice" and "2023" in q.choices and len(q.choices) == 4
        wrong = [c for c in q.choices if c != "2023"]
        assert "20.4 percent" not in wrong and "177" not in wrong  # siblings the question shows
        assert "2,023" not in wrong  # the right answer written another way
        assert all(c.isdigit() for c in wrong)  # numbers among numbers: the answer is not the odd one
    http = quiz_question(deck.cards[1], "", deck, random.Random(1))
    assert "HTTP" not in http.choices  # a word of the question


def test_suspended_cards_stay_out_of_a_quiz(tmp_path: Path) -> None:
    deck = _deck(tmp_path, "".join(f"  - {{id: c{i}, front: q{i}, back: a{i}}}\n" for i in range(6)))
    keys = {key for key, _ in deck.subcards()}
    out = {key for key in keys if key.card in ("c0", "c1")}
    for seed in range(10):
        questions = build_quiz([deck], 10, random.Random(seed), leave_out=out)
        assert {q.card.id for q in questions} == {"c2", "c3", "c4", "c5"}


def test_choices_are_mixed_and_a_retry_mixes_again(tmp_path: Path) -> None:
    deck = _deck(tmp_path, "  - {id: m, type: choice, question: q, choices: [a, b, c, d, e, f], answers: [a, b]}\n")
    orders = {study_question(deck.cards[0], "", random.Random(seed)).choices for seed in range(30)}
    assert len(orders) > 20 and all(sorted(o) == list("abcdef") for o in orders)
    firsts = {o[0] for o in orders}
    assert firsts - {"a", "b"}  # the right answers are not always first
    q = study_question(deck.cards[0], "", random.Random(1))
    assert {reshuffled(q, random.Random(s)).choices for s in range(10)} - {q.choices}
