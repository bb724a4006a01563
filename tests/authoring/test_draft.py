"""`techquiz draft` on articles of different kinds: the deck always validates and asks the facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techquiz.authoring.draft import MAX_PROMPT_WORDS, DraftCard, deck_text, draft_cards, read_article
from techquiz.authoring.facts import facts
from techquiz.authoring.reading import split_sentences
from techquiz.deck.loader import load_deck

from ..conftest import REPO
from . import draft_checks as check

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


WRITTEN = sorted(p for p in ARTICLES.glob("*.txt") if p.stem.split("-")[0] in ("history", "product", "science"))
CORPUS = sorted(set(ARTICLES.glob("*.txt")) - set(WRITTEN) - {BUNDLED_ARTICLE})  # real documents: SOURCES.md
ALL_ARTICLES = [*WRITTEN, *CORPUS, BUNDLED_ARTICLE]


@pytest.mark.parametrize("path", ALL_ARTICLES, ids=lambda p: p.stem)
def test_every_draft_validates_with_ids_and_sources(path: Path, tmp_path: Path) -> None:
    cards, text = draft(path)
    assert text.startswith(SCHEMA_LINE + "\n")
    result = load_deck(tmp_path / "draft.yaml", text)
    assert result.deck is not None, result.problems
    assert not result.problems  # not even a warning: every card has an id
    assert len(result.deck.cards) == len(cards) >= (10 if path in WRITTEN else 1)
    assert all(card.source for card in result.deck.cards)
    assert draft(path)[1] == text  # the same article gives the same deck, ids included


def test_the_corpus_has_six_documents_or_more_each_with_its_provenance() -> None:
    sources = (ARTICLES / "SOURCES.md").read_text(encoding="utf-8")
    assert len(CORPUS) >= 6
    assert all(f"`{p.name}`" in sources for p in CORPUS)


@pytest.mark.parametrize("path", [*CORPUS, BUNDLED_ARTICLE], ids=lambda p: p.stem)
def test_on_real_documents_every_item_is_a_whole_sentence_asked_once_and_not_given_away(path: Path) -> None:
    document = path.read_text(encoding="utf-8")
    cards, _ = draft(path)
    for card in cards:
        found = check.locate(str(card.fields["source"]), document)
        assert found.whole, f"{card.id}: not a whole sentence of the document: {card.fields['source']!r}"
        assert not check.is_table_or_code(found), f"{card.id}: from a table or code: {found.lines}"
        assert not check.split_number(card), f"{card.id}: asks a piece of a figure"
        assert not check.answer_in_prompt(card), f"{card.id}: the prompt gives the answer away"
        assert check.prompt_words(card) <= MAX_PROMPT_WORDS + len("Fill in the blank:".split())
    assert not list(check.duplicates(cards))


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
    assert {"Belt and Road Initiative", "China Telecom", "World Broadband Association"} <= asked(cards)
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
    distance = next(f for f in typed.values() if f["answer"] == "2,300 kilometres")  # a figure with its unit
    assert distance["accept"] == ["2,300"]
    assert {"14,000", "87", "1950s", "Great Barrier Reef"} <= asked(cards)
    assert "National Oceanic and Atmospheric Administration" not in asked(cards) - {
        str(f["answer"]) for f in typed.values()
    }  # asked by its acronym card, not again as a deletion


def test_product_announcement_skips_dateline_model_numbers_and_contacts() -> None:
    cards, text = draft(ARTICLES / "product-solar-battery.txt")
    assert 'title: "Helios Energy announces the HomeCell 2 solar battery"' in text
    assert "SAN DIEGO" not in text and "press@example.com" not in text and "Newsroom" not in text
    assert not any("HomeCell ___" in str(c.fields.get("question")) for c in cards)  # a model number, not a figure
    assert {"98 kilograms", "20 percent", "6,000", "15 years", "120,000", "14", "$8,900", "2016"} <= asked(cards)
    assert "13.5 kilowatt-hours" in asked(cards)


def test_a_hard_wrapped_paragraph_is_read_whole_and_a_table_is_not_read() -> None:
    text = (
        "A. HISTORY OF THE SOFTWARE\n==========================\n\n"
        "In 1995, Guido continued his work on Python at the Corporation for\n"
        "National Research Initiatives (CNRI, see https://www.cnri.reston.va.us)\n"
        "in Reston, Virginia where he released several versions of the\nsoftware.\n\n"
        "    Release         Derived     Year        Owner       GPL-\n"
        "    0.9.0 thru 1.2              1991-1995   CWI         yes\n"
        "    1.3 thru 1.5.2  1.2         1995-1999   CNRI        yes\n"
    )
    article = read_article(text)
    assert article.sentences == [
        "In 1995, Guido continued his work on Python at the Corporation for National Research Initiatives "
        "(CNRI, see https://www.cnri.reston.va.us) in Reston, Virginia where he released several versions of "
        "the software."
    ]
    cards = draft_cards(article)
    typed = {str(c.fields["question"]): c.fields["answer"] for c in cards if c.type == "typed"}
    assert typed["What does CNRI stand for?"] == "Corporation for National Research Initiatives"
    assert not any("https" in str(c.fields.get("text", c.fields.get("question"))) for c in cards)  # not in a prompt


def test_headings_lists_code_and_link_definitions_are_not_prose() -> None:
    text = (
        "Building\n--------\n\n"
        "## Benchmarks\n\n"
        "The build needs GNU Make 4.3 and was tested on Debian 12 in 2023.\n\n"
        "```\nmake install PREFIX=/usr/local  # 2024 builds\n```\n\n"
        "    $ zstd -19 --long=31 file.tar\n\n"
        "| Compressor | Ratio | Speed |\n| --- | --- | --- |\n| zstd 1.5.1 | 2.887 | 530 MB/s |\n\n"
        "[lzbench]: https://github.com/inikep/lzbench\n\n"
        "- Werner Koch and Gpg4win wrote the S/MIME support, released on 2017-05-31.\n"
        "- THIS SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.\n"
    )
    article = read_article(text)
    assert article.sentences == [
        "The build needs GNU Make 4.3 and was tested on Debian 12 in 2023.",
        "Werner Koch and Gpg4win wrote the S/MIME support, released on 2017-05-31.",
    ]
    found = {f.text: f.kind for s in article.sentences for f in facts(s)}
    assert found["4.3"] == "version" and found["2017-05-31"] == "date" and found["2023"] == "year"
    assert "Werner Koch" in found and "Werner Koch and Gpg4win" not in found
    assert not any("S/" in name or name == "MIME" for name in found)
    inside = facts("The badge travisLink Ratio Chart is shown today.")
    assert [f.text for f in inside] == ["Ratio Chart"]  # not "Link Ratio Chart": a name starts a word


def test_figures_dates_and_versions_are_never_split() -> None:
    sentence = (
        "Release 0.9.0 of the tool shipped on 2017-05-31 at 530 MB/s with --fast=1 on an i7-9700K, "
        "four+1 times faster than 1.5x in 1991-1995."
    )
    found = [f.text for f in facts(sentence)]
    assert "0.9.0" in found and "2017-05-31" in found and "530 MB/s" in found and "1991-1995" in found
    assert not {"0.9", "9.0", "05", "31", "1", "9700", "four", "1.5"} & set(found)


def test_a_fact_is_asked_once_and_prompts_are_short() -> None:
    sentence = (
        "The Open Source Initiative, which was founded in 1998 by a group of developers who had worked for "
        "years on free software, maintains the Open Source Definition, a list of ten criteria that every "
        "licence it approves has to meet, and it reviews new licences in public."
    )
    cards = draft_cards(read_article(f"{sentence}\n\n{sentence.replace('public', 'the open')}\n"))
    assert [c.fields.get("answer") for c in cards if c.type == "typed"].count("ten") == 1
    for card in cards:
        assert not check.answer_in_prompt(card)
        assert check.prompt_words(card) <= MAX_PROMPT_WORDS + 4
        assert card.fields["source"] == sentence  # the whole sentence is shown after the answer


def test_an_acronym_is_asked_only_when_it_abbreviates_the_name() -> None:
    cards, _ = draft(ARTICLES / "licence-history-python.txt")
    questions = {str(c.fields.get("question")) for c in cards}
    assert "What does PSF stand for?" in questions and "What does CNRI stand for?" in questions
    assert "What does CWI stand for?" not in questions  # "Stichting Mathematisch Centrum (CWI)"


def test_sentences_split_around_abbreviations_initials_and_decimals() -> None:
    text = "Dr. Smith met J. R. Tolkien in the U.S. on Jan. 5. Prices rose 2.5 percent. Then it ended!"
    assert split_sentences(text) == [
        "Dr. Smith met J. R. Tolkien in the U.S. on Jan. 5.",
        "Prices rose 2.5 percent.",
        "Then it ended!",
    ]


_WORDS = st.sampled_from(
    ["The", "World", "Bank", "of", "and", "in", "2019", "1,200", "percent", "nine", "(WB)", ", or", "WB,", "said",
     '"quoted"', "{{c1::x}}", "::", "[bold]", "\\", "#", ":", "- ", "\n", "\n\n", ".", "Dr.", "€", "漢字", "launched",
     "```", "===", "    ", "|", "https://x.org/a", "(see https://x.org)", "0.9.0", "2017-05-31", "530 MB/s", "*", "_",
     "`code`", ".. image::", "[a](b)", "GPL", "MUST", "and Koch"]
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
    assert not result.problems


_PROSE = st.sampled_from(
    ["In 1995, Guido continued his work at the Corporation for", "National Research Initiatives (CNRI) in Reston.",
     "Release 0.9.0 shipped on 2017-05-31 with 530 MB/s and nine new tools.", "The World Bank and the",
     "United Nations Development Programme (UNDP) paid $8,900 to 1,200 people.", "About 20.4 percent of",
     "users read section 5 of the Open Source Definition.", "Werner Koch and Gpg4win wrote S/MIME support.",
     "| a | b |", "    $ make install", "```", "=====", "## Notes", "- a list item about 42 things", "\n", "\n\n",
     "THIS SOFTWARE IS PROVIDED AS IS.", "see https://example.org/a for details.", "the same fact again."]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_PROSE, min_size=1, max_size=40).map(" ".join))
def test_on_any_prose_no_item_gives_its_answer_away_or_splits_a_figure(text: str) -> None:
    for card in draft_cards(read_article(text)):
        assert not check.answer_in_prompt(card), card
        assert not check.split_number(card), card
        assert check.prompt_words(card) <= MAX_PROMPT_WORDS + len("Fill in the blank:".split())
    assert not list(check.duplicates(draft_cards(read_article(text))))


def test_a_documents_heading_names_the_deck() -> None:
    gpl = read_article((ARTICLES / "licence-gpl-3.txt").read_text(encoding="utf-8"))
    assert (gpl.title, gpl.date) == ("GNU GENERAL PUBLIC LICENSE", "2007-06-29")  # "Version 3, 29 June 2007"
    email = read_article((ARTICLES / "docs-email-architecture.txt").read_text(encoding="utf-8"))
    assert email.title == "email Package Architecture"  # ":mod:`email` Package Architecture", underlined


def test_an_example_indented_under_a_colon_is_not_prose_and_inline_enumerations_are_not_figures() -> None:
    text = (
        "The list of triggers can be examined in a shell script like this:\n"
        '   case " $2 " in\n'
        '   " trigger-name-a ") process-trigger-a ;;\n'
        "   esac\n"
        "Each of the 12 trigger names should be tested for separately.\n\n"
        "The status is written only 1. when a script runs or 2. when dpkg starts, and costs $5 in 2024.\n"
    )
    article = read_article(text)
    assert article.sentences == [
        "The list of triggers can be examined in a shell script like this:",
        "Each of the 12 trigger names should be tested for separately.",
        "The status is written only 1. when a script runs or 2. when dpkg starts, and costs $5 in 2024.",
    ]
    assert [f.text for s in article.sentences for f in facts(s)] == ["12", "$5", "2024"]


def test_a_cards_hint_names_its_section_unless_that_gives_the_answer_away() -> None:
    cards, _ = draft(ARTICLES / "release-history-idle.txt")
    by_answer = {str(c.fields.get("answer")): c.fields for c in cards if c.type == "typed"}
    assert by_answer["2.1"]["hint"] == "In: What's New in IDLEfork 0.8.1?"  # "This release requires python ___"
    assert "hint" not in by_answer["0.8"]  # "What's New in IDLEfork 0.8.1?" would give "0.8" away
    cards, _ = draft(ARTICLES / "licence-history-python.txt")
    virginia = next(c for c in cards if "Commonwealth of Virginia" in str(c.fields.get("text")))
    assert virginia.fields["hint"] == "In: CNRI LICENSE AGREEMENT FOR PYTHON 1.6.1"  # which licence says so


def test_a_rule_under_a_paragraph_is_not_a_heading_underline() -> None:
    text = (
        "   Please send mail to the list or file a bug with the Debian\n"
        "   bug tracking system if you have more information.\n"
        "     __________________________________________________________\n\n"
        "What's New in IDLEfork 0.8.1?\n=============================\n\n"
        "This release requires Python 2.1 or better, and runs on 3 platforms.\n"
    )
    article = read_article(text)
    assert article.sentences == [
        "Please send mail to the list or file a bug with the Debian bug tracking system if you have more information.",
        "This release requires Python 2.1 or better, and runs on 3 platforms.",
    ]
    assert article.sections == {
        "This release requires Python 2.1 or better, and runs on 3 platforms.": "What's New in IDLEfork 0.8.1?"
    }


def test_the_checks_catch_what_the_old_draft_did() -> None:
    document = (ARTICLES / "licence-history-python.txt").read_text(encoding="utf-8")
    cut = check.locate("In 1995, Guido continued his work on Python at the Corporation for", document)
    tail = check.locate("National Research Initiatives (CNRI, see https://www.cnri.reston.va.us)", document)
    row = check.locate("0.9.0 thru 1.2 1991-1995 CWI yes", document)
    assert not cut.whole and not tail.whole and not row.whole and check.is_table_or_code(row)
    whole = check.locate("Zope Corporation was a sponsoring member of the PSF.", document)
    assert whole.whole and not check.is_table_or_code(whole)
    split = DraftCard("v", "typed", {"question": "Fill in the blank: ___.0 thru 1.2", "answer": "0.9",
                                     "source": "0.9.0 thru 1.2 1991-1995 CWI yes"})  # fmt: skip
    given = DraftCard("g", "cloze", {"text": "{{c1::Open Source}} per the Open Source Definition.", "source": "x"})
    assert check.split_number(split) and check.answer_in_prompt(given)
    assert list(check.duplicates([given, DraftCard("h", "cloze", given.fields)]))
