"""The cloze scanner's pieces: the one cut of a cloze text that rendering and the reveal share."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from techquiz.deck import cloze

CLOZE_TEXT = st.lists(st.sampled_from(["{{c", "1", "2", "::", "}}", "a", " ", "[", "{"]), max_size=30).map("".join)


@given(CLOZE_TEXT)
def test_pieces_cover_the_text_exactly(text: str) -> None:
    pieces = cloze.pieces(text)
    assert "".join(p if isinstance(p, str) else text[p.start : p.end] for p in pieces) == text
    assert [p for p in pieces if not isinstance(p, str)] == cloze.deletions(text)
    assert "" not in pieces


def test_render_blanks_only_the_cards_own_deletions() -> None:
    text = "In {{c1::2019}} by {{c2::scientists::who}}."
    assert cloze.render(text, 1, revealed=False) == "In [...] by scientists."
    assert cloze.render(text, 2, revealed=False) == "In 2019 by [who]."
    assert cloze.reveal_all(text) == "In 2019 by scientists."
