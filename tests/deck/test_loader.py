from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from techquiz.deck.cards import BasicCard, ChoiceCard, ClozeCard, OrderCard, TrueFalseCard, TypedCard
from techquiz.deck.loader import load_deck

from ..conftest import BUNDLED

HEADER = """\
format: 1
id: t
title: T
cards:
"""


def problems(path: Path) -> list[str]:
    return [f"{p.line}:{p.column}: {p.message}" for p in load_deck(path).problems]


def test_every_card_type_loads(write_deck: Callable[..., Path]) -> None:
    path = write_deck(
        HEADER
        + """\
  - {id: b, front: F, back: B, reverse: true}
  - {id: c, type: cloze, text: "{{c1::one}} and {{c2::two::hint}}"}
  - {id: ch, type: choice, question: Q, choices: [a, b], answer: b}
  - {id: chm, type: choice, question: Q, choices: [a, b, c], answers: [a, c]}
  - {id: ty, type: typed, question: Q, answer: "1,000", accept: ["1000"]}
  - {id: tf, type: truefalse, statement: S, answer: false}
  - {id: o, type: order, question: Q, items: [x, y, z]}
"""
    )
    result = load_deck(path)
    assert result.problems == ()
    deck = result.deck
    assert deck is not None
    kinds = [type(c) for c in deck.cards]
    assert kinds == [BasicCard, ClozeCard, ChoiceCard, ChoiceCard, TypedCard, TrueFalseCard, OrderCard]
    subs = [str(k) for k, _ in deck.subcards()]
    assert subs[:4] == ["t/b", "t/b#reverse", "t/c#c1", "t/c#c2"]
    cloze = deck.cards[1]
    assert isinstance(cloze, ClozeCard)
    assert cloze.prompt("c1") == "[...] and two"
    assert cloze.prompt("c2") == "one and [hint]"
    multi = deck.cards[3]
    assert isinstance(multi, ChoiceCard) and multi.multiple and multi.answers == ("a", "c")
    assert deck.cards[0].position.line == 5


def test_yaml_11_scalars_stay_as_written(write_deck: Callable[..., Path]) -> None:
    path = write_deck(
        HEADER
        + """\
  - {id: a, front: x, back: no}
  - {id: b, front: x, back: 1:30}
  - {id: c, front: x, back: 0777}
  - {id: d, front: x, back: 1.10}
  - {id: e, front: x, back: 2024-12-28}
  - {id: f, front: x, back: ~x}
"""
    )
    deck = load_deck(path).deck
    assert deck is not None
    assert [c.back for c in deck.cards if isinstance(c, BasicCard)] == [
        "no",
        "1:30",
        "0777",
        "1.10",
        "2024-12-28",
        "~x",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("  - {id: a, front: x}\n", "5:5: card 'a': missing field 'back'"),
        ("  - {id: a, front: x, back: y, colour: red}\n", "5:32: card 'a': unknown field 'colour'"),
        ("  - {id: a, fornt: x, back: y}\n", "5:13: card 'a': unknown field 'fornt' (did you mean 'front'?)"),
        (
            "  - {id: a, type: clozee, text: x}\n",
            "5:19: card 'a': unknown card type 'clozee' (did you mean 'cloze'?); use one of basic, cloze, choice, typed, truefalse, order",
        ),
        ("  - {id: a, type: cloze, text: plain}\n", "5:32: card 'a': cloze text has no deletions like {{c1::answer}}"),
        (
            "  - {id: a, type: choice, question: q, choices: ['1', '2'], answer: '3'}\n",
            "5:69: card 'a': answer '3' is not one of the choices",
        ),
        (
            "  - {id: a, type: truefalse, statement: s, answer: maybe}\n",
            "5:52: card 'a': 'answer' must be true or false, not 'maybe'",
        ),
        ("  - {id: a, front: [x], back: y}\n", "5:20: card 'a': 'front' must be text, not a list"),
        (
            "  - {id: a, front: x, back: y}\n  - {id: a, front: z, back: w}\n",
            "6:10: card 'a': duplicate card id (first at line 5)",
        ),
        ("  - {id: a, front: x, front: z, back: y}\n", "5:23: duplicate key 'front' (first at line 5)"),
        ("  - {id: a, front: &x x, back: *x}\n", "5:20: YAML anchors (&) are not allowed in decks"),
        (
            "  - {id: a, front: !!python/object:os.system x, back: y}\n",
            "5:20: YAML tags are not allowed in decks: !!python/object:os.system",
        ),
        (
            "  - {id: a, front: x, back: y\n",
            "6:1: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping)",
        ),
        (
            "  - {id: 'a b', front: x, back: y}\n",
            "5:10: card 'a b': id may hold only letters, digits and - _ . : (100 at most)",
        ),
        (
            "  - {id: a, type: order, question: q, items: [x, x]}\n",
            "5:46: card 'a': the items repeat an entry, so their order is ambiguous",
        ),
    ],
)
def test_each_error_points_at_its_node(write_deck: Callable[..., Path], body: str, expected: str) -> None:
    found = problems(write_deck(HEADER + body))
    assert expected in found, found


def test_all_problems_of_a_file_at_once(write_deck: Callable[..., Path]) -> None:
    path = write_deck(
        """\
format: 2
id: t
title: T
extra: 1
cards:
  - {id: a, front: x}
  - {id: b, type: choice, question: q, choices: [x, y], answer: z}
"""
    )
    found = problems(path)
    assert found == [
        "1:9: deck: 'format' must be 1, not 2",
        "4:1: deck: unknown field 'extra'",
        "6:5: card 'a': missing field 'back'",
        "7:65: card 'b': answer 'z' is not one of the choices",
    ]
    assert load_deck(path).deck is None


def test_deck_level_errors(write_deck: Callable[..., Path]) -> None:
    assert problems(write_deck("format: 1\nid: t\ntitle: T\ncards: []\n")) == [
        "4:8: deck: 'cards' is empty; a deck needs at least one card"
    ]
    assert problems(write_deck("")) == ["1:1: the file is empty; a deck needs format, id, title and cards"]
    assert problems(write_deck("- a\n")) == [
        "1:1: a deck is a mapping of fields (format, id, title, cards), not a list"
    ]
    assert problems(write_deck("format: 1\n")) == [
        "1:1: deck: missing field 'id'",
        "1:1: deck: missing field 'title'",
        "1:1: deck: missing field 'cards'",
    ]


def test_file_level_refusals(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"format: 1\nid: t\ntitle: caf\xe9\n")
    assert problems(bad) == ["3:11: not UTF-8 text (byte 0xe9); save the file as UTF-8"]
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (10 * 1024 * 1024 + 1))
    assert "decks are limited to 10 MB" in problems(big)[0]
    assert "cannot read the file" in problems(tmp_path / "missing.yaml")[0]


def test_control_characters_are_removed_with_a_warning(write_deck: Callable[..., Path]) -> None:
    path = write_deck(HEADER + '  - {id: a, front: "x\\e]52;c;aGk=\\a\\x9b31m", back: "tab\\there"}\n')
    result = load_deck(path)
    assert result.deck is not None
    card = result.deck.cards[0]
    assert isinstance(card, BasicCard)
    assert card.front == "x]52;c;aGk=31m"
    assert card.back == "tab\there"
    assert [p.severity for p in result.problems] == ["warning"]


def test_missing_ids_are_generated_stably_with_a_warning(write_deck: Callable[..., Path]) -> None:
    path = write_deck(HEADER + "  - {front: x, back: y}\n")
    first = load_deck(path)
    second = load_deck(path)
    assert first.deck is not None and second.deck is not None
    assert first.deck.cards[0].id == second.deck.cards[0].id
    assert first.deck.cards[0].id.startswith("auto-")
    assert "has no id: editing it will reset its progress" in first.warnings[0].message


def test_deep_nesting_is_refused_with_its_position(write_deck: Callable[..., Path]) -> None:
    assert problems(write_deck("a: " + "[" * 500)) == ["1:67: nested deeper than 64 levels"]
    block = "".join(" " * i + f"k{i}:\n" for i in range(80))
    assert problems(write_deck(block)) == ["65:65: nested deeper than 64 levels"]


def test_alias_bomb_is_refused_without_expanding(write_deck: Callable[..., Path]) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    found = problems(write_deck(bomb))
    assert found[0] == "1:4: YAML anchors (&) are not allowed in decks"
    assert any("aliases (*) are not allowed" in p for p in found)


def test_bundled_decks_are_valid_and_complete() -> None:
    decks = [load_deck(p) for p in sorted(BUNDLED.glob("*.yaml"))]
    assert decks and all(r.problems == () for r in decks), [str(p) for r in decks for p in r.problems]
    cards = [c for r in decks if r.deck for c in r.deck.cards]
    assert len(cards) >= 40
    assert len({c.type_name for c in cards}) >= 5
    assert all(c.source and not c.id_generated for c in cards)


def test_cards_listed_first_are_checked_after_the_deck_fields(tmp_path: Path) -> None:
    # Cards are built while the file is parsed (the tree of a big deck never exists whole); their
    # problems still come after the deck's own, in file order, and every card is kept.
    path = tmp_path / "d.yaml"
    path.write_text(
        "cards:\n  - {id: a, front: F, back: B}\n  - {id: a, front: G, back: C}\n  - 12\n"
        "format: 1\nid: d\ntitle: [not, text]\n",
        encoding="utf-8",
    )
    messages = [(p.line, p.message) for p in load_deck(path).problems]
    assert [line for line, _ in messages] == [7, 3, 4]
    assert "title" in messages[0][1] and "duplicate card id" in messages[1][1] and "card 3" in messages[2][1]
    path.write_text(path.read_text(encoding="utf-8").replace("[not, text]", "T").replace("  - 12\n", ""), "utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("id: a, front: G", "id: b, front: G"), "utf-8")
    deck = load_deck(path).deck
    assert deck is not None and [c.id for c in deck.cards] == ["a", "b"]


def test_a_second_cards_key_is_a_duplicate_and_the_first_list_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "format: 1\nid: d\ntitle: T\ncards:\n  - {id: a, front: F, back: B}\ncards:\n  - {id: z, front: F, back: B}\n",
        encoding="utf-8",
    )
    result = load_deck(path)
    assert [p.line for p in result.problems] == [6] and "duplicate key 'cards'" in result.problems[0].message
    assert result.deck is None
