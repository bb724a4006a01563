"""Issue #19 point 3: `draft` wrote decks far over the 10 MB that `validate` then refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from techquiz.authoring.draft import Article, DraftCard, deck_text
from techquiz.deck.loader import load_deck
from techquiz.errors import UserError


def test_draft_never_writes_a_deck_over_the_size_limit(tmp_path: Path) -> None:
    sentence = "In 2023, {{c1::20.4 percent}} of papers had co-authors from {{c2::177}} countries. " * 40
    cards = [DraftCard(f"card-{i}", "cloze", {"text": sentence}) for i in range(3_500)]  # about 12 MB
    with pytest.raises(UserError, match=r"would be 1\d\.\d MB, over the 10 MB deck limit"):
        deck_text(Article(title="Big"), cards, tmp_path / "big.txt", "# schema")
    small = deck_text(Article(title="Big"), cards[:100], tmp_path / "big.txt", "# schema")
    assert load_deck(tmp_path / "big.yaml", small).deck is not None
