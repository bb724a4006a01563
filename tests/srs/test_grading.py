from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techquiz.srs import grading


@pytest.mark.parametrize(
    ("given", "answer"),
    [
        ("twenty nine", "twenty-nine"),
        ("twenty-nine", "twenty nine"),
        ("one third", "One-third"),
        ("onethird", "one-third"),
        ("1,000 projects", "1000 Projects"),
        ("well–known", "well known"),
    ],
)
def test_accepted(given: str, answer: str) -> None:
    assert grading.typed_correct(given, answer)


@pytest.mark.parametrize(("given", "answer"), [("-5", "5"), ("twenty", "twenty-nine"), ("", "-"), ("  ", "x")])
def test_refused(given: str, answer: str) -> None:
    assert not grading.typed_correct(given, answer)


def test_marks_read_without_colour() -> None:
    pieces = grading.marked(grading.diff("colr", "colour"))
    assert "".join(text for text, _ in pieces) == "col[+ou+]r"
    pieces = grading.marked(grading.diff("Pariss", "Paris"))
    assert "".join(text for text, _ in pieces) == "Paris[-s-]"


@given(st.text(max_size=20), st.text(max_size=20))
def test_diff_keeps_both_texts(given: str, answer: str) -> None:
    parts = grading.diff(given, answer)
    assert "".join(p.text for p in parts if p.kind != "missing") == given
    if parts != [grading.DiffPart(given, "extra")]:  # else: another answer, shown whole
        assert sum(len(p.text) for p in parts if p.kind != "extra") == len(answer)
        assert all(p.text in answer for p in parts if p.kind == "missing")


def test_diff_of_a_letter_that_folds_to_two() -> None:
    assert next(p.text for p in grading.diff("Straße", "strasse") if p.kind == "same").startswith("Stra")


def test_another_answer_is_not_marked_letter_by_letter() -> None:
    assert grading.diff("wrong answer", "twenty-nine") == [grading.DiffPart("wrong answer", "extra")]
    assert len(grading.diff("twenty nne", "twenty-nine")) > 1
