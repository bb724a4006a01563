"""Attacks on the loader from issue #19 (points 2-6) and #12 (point 9): each must be a clear
FILE:LINE:COL error, never a hang, a crash or a control sequence on the terminal."""

from __future__ import annotations

import math
import os
import re
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techquiz.deck import cloze
from techquiz.deck.loader import load_deck
from techquiz.deck.result import MAX_FILE_BYTES, Problem, read_deck_text
from techquiz.deck.text import clean, shown

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Anki's pattern, the scanner's oracle (ASCII digits: the scanner's numbers are c1, c2, ...).
ANKI = re.compile(r"\{\{c([0-9]+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def deck(cards: str, header: str = "") -> str:
    return f"format: 1\nid: d\ntitle: T\n{header}cards:\n{cards}"


def errors(tmp_path: Path, text: str) -> list[str]:
    result = load_deck(tmp_path / "d.yaml", text)
    return [str(p) for p in result.errors]


# ---- point 3: linear cloze parsing, huge numbers ------------------------------------------------


@settings(max_examples=400)
@given(st.lists(st.sampled_from(["{{c", "1", "23", "::", "}}", "a", ":", "}", "{", "c", " ", "\n"]), max_size=16))
def test_the_cloze_scanner_finds_what_ankis_pattern_finds(parts: list[str]) -> None:
    text = "".join(parts)
    expected = [(int(m[1]), m[2], m[3], m.start(), m.end()) for m in ANKI.finditer(text)]
    got = [(d.number, d.answer, d.hint, d.start, d.end) for d in cloze.deletions(text)]
    assert got == expected


@pytest.mark.parametrize("unit", ["{{c1::", "{{c1::a::", "{{c1::}", "{{c1::a::b}"])
def test_a_deck_of_unclosed_cloze_openings_loads_at_once(tmp_path: Path, unit: str) -> None:
    """9.6 KB of `{{c1::` took 69 s with the lazy regular expression (cubic); here 1 MB is instant
    (the scanner gives up at the first opening that no `}}` follows)."""
    text = unit * (1_000_000 // len(unit))
    assert cloze.deletions(text) == []
    problems = errors(tmp_path, deck(f'  - {{id: a, type: cloze, text: "{text}"}}\n'))
    assert problems == [f"{tmp_path / 'd.yaml'}:5:32: card 'a': cloze text has no deletions like {{{{c1::answer}}}}"]


def test_many_closed_deletions_are_read_in_one_pass() -> None:
    text = "{{c1::a::b}} " * 200_000
    found = cloze.deletions(text)
    assert len(found) == 200_000 and found[-1].hint == "b"


def test_a_5000_digit_cloze_number_is_a_clear_error(tmp_path: Path) -> None:
    digits = "9" * 5000
    problems = errors(tmp_path, deck(f'  - {{id: a, type: cloze, text: "x {{{{c{digits}::y}}}}"}}\n'))
    assert len(problems) == 1
    assert problems[0].endswith("card 'a': a cloze number has 5000 digits; use c1, c2, ... (at most 6 digits)")
    assert ":5:32:" in problems[0]


# ---- point 4: settings --------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "NaN", ".nan", "inf", "-inf", ".inf", "1e400", "-1e400"])
def test_nan_and_infinite_settings_are_refused(tmp_path: Path, value: str) -> None:
    problems = errors(tmp_path, deck("  - {id: a, front: f, back: b}\n", f"settings: {{desired_retention: {value}}}\n"))
    assert len(problems) == 1 and "'desired_retention' must be " in problems[0]


@settings(max_examples=200)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**30), 10**30))
def test_every_numeric_setting_is_accepted_only_in_range(value: float) -> None:
    text = deck(
        "  - {id: a, front: f, back: b}\n",
        f"settings: {{desired_retention: {value!r}, new_per_day: {value!r}, reviews_per_day: {value!r}}}\n",
    )
    result = load_deck(Path("d.yaml"), text)
    messages = " ".join(p.message for p in result.errors)
    finite = isinstance(value, int) or math.isfinite(value)
    assert ("'desired_retention' must" in messages) != (finite and 0.7 <= value <= 0.99)
    whole = isinstance(value, int)
    assert ("'new_per_day' must" in messages) != (whole and 0 <= value <= 9999)
    assert ("'reviews_per_day' must" in messages) != (whole and 0 <= value <= 99999)
    if result.deck is not None:
        assert math.isfinite(result.deck.settings.desired_retention)


# ---- point 5: ids -------------------------------------------------------------------------------


def test_ids_ending_in_a_newline_are_refused(tmp_path: Path) -> None:
    problems = errors(tmp_path, 'format: 1\nid: "d\\n"\ntitle: T\ncards:\n  - {id: "a\\n", front: f, back: b}\n')
    assert any(":2:5: deck: id may hold only" in p for p in problems)
    assert any(":5:10: card 'a\\n': id may hold only" in p for p in problems)


# ---- point 2: nothing echoed from a file carries a control character -----------------------------

ESCAPES = "\x1b]52;c;aGVsbG8=\x07\x9b31m\x1b[2J\x00\x7f"


def test_every_echoed_key_id_value_and_tag_is_clean(tmp_path: Path) -> None:
    y = ESCAPES.replace("\\", "\\\\").encode("unicode_escape").decode("ascii").replace('"', '\\"')
    text = (
        f'format: 1\nid: "d{y}"\ntitle: T\nsettings: {{new_per_day: "1{y}"}}\n"k{y}": 1\n'
        f"cards:\n"
        f'  - {{id: "a{y}", front: f, back: b, "x{y}": 1}}\n'
        f'  - {{id: c, type: "cl{y}", text: t}}\n'
        f'  - {{id: e, type: choice, question: q, choices: [a, b], answer: "z{y}"}}\n'
        f'  - {{id: f, type: truefalse, statement: s, answer: "y{y}"}}\n'
        f"  - {{id: g, front: !<!%1B%5D52;c;aGVsbG8=%07> x, back: b}}\n"
        f'  - {{id: h, front: f, back: b, "dup{y}": 1, "dup{y}": 2}}\n'
    )
    result = load_deck(tmp_path / "d.yaml", text)
    assert len(result.errors) >= 8
    for problem in result.problems:
        assert not CONTROL.search(str(problem)), str(problem)
        assert "\n" not in str(problem)


def test_a_file_name_with_escapes_is_printed_clean(tmp_path: Path) -> None:
    path = tmp_path / f"evil{ESCAPES.replace(chr(0), '')}.yaml"
    path.write_text("format: 1\n", encoding="utf-8")
    result = load_deck(path)
    assert result.errors and all(not CONTROL.search(str(p)) for p in result.problems)


@given(st.text())
def test_shown_is_one_clean_short_line(value: str) -> None:
    out = shown(value)
    assert not CONTROL.search(out) and "\n" not in out and len(out) <= 60
    assert clean(value) == value or out != value


def test_problem_messages_are_cleaned_wherever_they_are_made(tmp_path: Path) -> None:
    problem = Problem(tmp_path / "a\x1b[31m.yaml", 1, 1, "bad \x9b key\nnext")
    assert str(problem) == f"{tmp_path}/a[31m.yaml:1:1: bad  key next"


# ---- point 6: special files ---------------------------------------------------------------------


def test_a_symlink_to_dev_zero_is_refused_not_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    text, problem = read_deck_text(link)
    assert text is None and problem is not None and "not a regular file" in problem.message


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    outcome: list[object] = []
    reader = threading.Thread(target=lambda: outcome.append(read_deck_text(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=30)  # a blocking open would never return
    assert outcome, "reading a FIFO blocked"
    text, problem = outcome[0]  # type: ignore[misc]
    assert text is None and "not a regular file" in problem.message


def test_a_folder_named_like_a_deck_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    text, problem = read_deck_text(folder)
    assert text is None and problem is not None


def test_a_file_over_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no 10 MB written
    text, problem = read_deck_text(big)
    assert text is None and problem is not None and "limited to 10 MB" in problem.message


# ---- issue 12 point 9: blank cards, and the hint for an unquoted ': ' ------------------------------


@pytest.mark.parametrize(
    ("card", "blank", "field"),
    [
        ('{id: a, front: "  ", back: b}', '"  "', "'front'"),
        ('{id: a, front: f, back: ""}', '""', "'back'"),
        ('{id: a, type: choice, question: " ", choices: [x, y], answer: x}', '" "', "'question'"),
        ('{id: a, type: choice, question: q, choices: [x, " "], answer: x}', '" "', "'choices' item 2"),
        ('{id: a, type: typed, question: q, answer: "\\t"}', '"', "'answer'"),
        ('{id: a, type: truefalse, statement: "\\n", answer: true}', '"', "'statement'"),
        ('{id: a, type: order, question: q, items: [x, "   "]}', '"', "'items' item 2"),
        ('{id: a, type: cloze, text: " "}', '"', "'text'"),
    ],
)
def test_blank_card_sides_are_errors_at_their_position(tmp_path: Path, card: str, blank: str, field: str) -> None:
    line = f"  - {card}"
    problems = errors(tmp_path, deck(line + "\n"))
    column = line.index(blank) + 1
    assert problems == [f"{tmp_path / 'd.yaml'}:5:{column}: card 'a': {field} is blank"]


def test_a_blank_cloze_deletion_is_an_error(tmp_path: Path) -> None:
    problems = errors(tmp_path, deck('  - {id: a, type: cloze, text: "x {{c1::  }}"}\n'))
    assert problems == [f"{tmp_path / 'd.yaml'}:5:32: card 'a': a cloze deletion is empty"]


def test_an_unquoted_colon_gets_the_quoting_hint(tmp_path: Path) -> None:
    problems = errors(tmp_path, deck("  - front: What is it: a test\n    back: b\n"))
    assert problems == [
        f"{tmp_path / 'd.yaml'}:5:22: YAML syntax error: mapping values are not allowed in this context "
        "(put text that contains ': ' in quotes)"
    ]
