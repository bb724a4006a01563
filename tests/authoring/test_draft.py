"""`techquiz draft` on articles of different kinds: the deck always validates and asks the facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techquiz.authoring.draft import DraftCard, deck_text, draft_cards, read_article, split_sentences
from techquiz.deck.loader import load_deck

from ..conftest import REPO

ARTICLES = Path(__file__).parent / "articles"
# The bundled decks' source article, kept in the repository so this test runs everywhere (CI's clean
# clone included); where the project's shared folder sits beside the repository, the copy must match it.
BUNDLED_ARTICLE = ARTICLES / "tech-opening-up.txt"
SHARED_ARTICLE = REPO.parent / "shared" / "article" / "tech-opening-up.txt"
SCHEMA_LINE = "# yaml-language-server: $schema=file:///tmp/deck.schema.json"


def draft(path: Path) -> tuple[list[DraftCard], str]:
    article = read_article(path.read_text(encoding="utf-8"))
    cards = draft_cards(article)
    return cards, deck_text(article, cards, path, SCHEMA_LINE)


def asked(cards: list[DraftCard]) -> set[str]:
    """Every answer the deck asks for: typed answers and cloze deletions."""
    out = set()
    for card in cards:
        if card.type == "typed":
            out.add(str(card.fields["answer"]))
        else:
            out |= {m[1] for m in re.finditer(r"\{\{c\d+::(.+?)(?:::[^}]*)?\}\}", str(card.fields["text"]))}
    return out


ALL_ARTICLES = sorted(ARTICLES.glob("*.txt")) + ([BUNDLED_ARTICLE] if BUNDLED_ARTICLE.exists() else [])


@pytest.mark.parametrize("path", ALL_ARTICLES, ids=lambda p: p.stem)
def test_every_draft_validates_with_ids_and_sources(path: Path, tmp_path: Path) -> None:
    cards, text = draft(path)
    assert text.startswith(SCHEMA_LINE + "\n")
    result = load_deck(tmp_path / "draft.yaml", text)
    assert result.deck is not None, result.problems
    assert not result.problems  # not even a warning: every card has an id
    assert len(result.deck.cards) == len(cards) >= 10
    assert all(card.source for card in result.deck.cards)
    assert draft(path)[1] == text  # the same article gives the same deck, ids included


def test_the_repository_copy_of_the_article_is_the_shared_one() -> None:
    if not SHARED_ARTICLE.exists():
        pytest.skip(f"no shared folder beside the repository ({SHARED_ARTICLE.parent}) to compare the copy with")
    assert BUNDLED_ARTICLE.read_bytes() == SHARED_ARTICLE.read_bytes()


def test_bundled_article_gives_at_least_15_cards_covering_its_figures() -> None:
    cards, text = draft(BUNDLED_ARTICLE)
    assert len(cards) >= 15
    figures = {"one-third", "20.4 percent", "177", "2019", "29", "2022", "100", "40", "80", "50", "nine", "300",
               "1,000", "three", "2012", "2023", "2024"}  # fmt: skip
    assert figures <= asked(cards)
    assert "What does DDE stand for?" in text and "When was the World Broadband Association initiated?" in text
    assert 'title: "Tech opening-up key to Chinese modernization"' in text
    assert (
        'source: {publisher: "China Daily", title: "Tech opening-up key to Chinese modernization", date: "2024-12-28"}'
        in text
    )
    assert "Editor" not in text and "Home >>" not in text and "LI MIN" not in text


def test_history_text_finds_its_years_names_and_skips_the_boilerplate() -> None:
    cards, text = draft(ARTICLES / "history-printing-press.txt")
    years = {"1440", "1455", "1500", "1517", "1543", "1545", "1660", "1665", "1476", "1539"}
    assert years <= asked(cards)
    assert {"Johannes Gutenberg", "Martin Luther", "Council of Trent", "Royal Society"} <= asked(cards)
    assert "When was the Royal Society founded?" in text
    assert (
        'source: {publisher: "The Historical Review", title: "How the Printing Press Changed Europe", date: "2023-03-14"}'
        in text
    )
    assert "Copyright" not in text and "Share this" not in text and "World History" not in text
    # The repeated sentence about 1500 and 250 cities is not asked twice; the list items are cards.
    assert sum(1 for c in cards if c.fields.get("answer") == "250") == 1
    assert any("{{c1::1476::year}}" in str(c.fields.get("text")) for c in cards)
    # Quotes are kept as written.
    assert any(str(c.fields.get("source", "")).startswith('"The printing press') for c in cards)


def test_science_text_asks_acronyms_and_accepts_other_ways_to_type_a_figure() -> None:
    cards, _ = draft(ARTICLES / "science-coral-reefs.txt")
    typed = {c.fields["question"]: c.fields for c in cards if c.type == "typed"}
    assert typed["What does UBC stand for?"]["answer"] == "University of British Columbia"
    assert typed["What does NOAA stand for?"]["answer"] == "National Oceanic and Atmospheric Administration"
    percent = next(f for f in typed.values() if f["answer"] == "60 percent")
    assert percent["accept"] == ["60%", "60"]
    half = next(f for f in typed.values() if f["answer"] == "half")
    assert half["accept"] == ["1/2"]
    assert {"14,000", "87", "2,300", "1950s", "Great Barrier Reef"} <= asked(cards)


def test_product_announcement_skips_dateline_model_numbers_and_contacts() -> None:
    cards, text = draft(ARTICLES / "product-solar-battery.txt")
    assert 'title: "Helios Energy announces the HomeCell 2 solar battery"' in text
    assert "SAN DIEGO" not in text and "press@example.com" not in text and "Newsroom" not in text
    assert not any("HomeCell ___" in str(c.fields.get("question")) for c in cards)  # a model number, not a figure
    assert {"13.5", "98", "20 percent", "6,000", "15", "120,000", "14", "8,900", "2016"} <= asked(cards)


def test_sentences_split_around_abbreviations_initials_and_decimals() -> None:
    text = "Dr. Smith met J. R. Tolkien in the U.S. on Jan. 5. Prices rose 2.5 percent. Then it ended!"
    assert split_sentences(text) == [
        "Dr. Smith met J. R. Tolkien in the U.S. on Jan. 5.",
        "Prices rose 2.5 percent.",
        "Then it ended!",
    ]


_WORDS = st.sampled_from(
    ["The", "World", "Bank", "of", "and", "in", "2019", "1,200", "percent", "nine", "(WB)", ", or", "WB,", "said",
     '"quoted"', "{{c1::x}}", "::", "[bold]", "\\", "#", ":", "- ", "\n", "\n\n", ".", "Dr.", "€", "漢字", "launched"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=0, max_size=120).map(" ".join))
def test_any_text_drafts_a_valid_deck_or_none(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    article = read_article(text)
    cards = draft_cards(article)
    if not cards:
        return
    result = load_deck(tmp_path_factory.mktemp("d") / "x.yaml", deck_text(article, cards, Path("a.txt"), SCHEMA_LINE))
    assert result.deck is not None, result.problems
