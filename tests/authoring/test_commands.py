"""`techquiz new`, `draft` and `validate --add-ids` as a user runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from techquiz.cli import main
from techquiz.deck.loader import load_deck
from techquiz.model import Rating
from techquiz.store import db
from techquiz.study import StudySession

from .test_draft import ARTICLES


def test_new_writes_a_starter_that_validates_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    path = tmp_path / "my-spanish.yaml"
    assert main(["new", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    schema = isolated_env / "deck.schema.json"
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={schema.resolve().as_uri()}"
    assert json.loads(schema.read_text())["title"]  # the schema the editor will read is there
    deck = load_deck(path).deck
    assert deck is not None and deck.id == "my-spanish"
    assert {c.type_name for c in deck.cards} == {"basic", "cloze", "choice", "typed", "truefalse", "order"}
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    path.write_text(text + "# my edits\n", encoding="utf-8")
    assert main(["new", str(path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8").endswith("# my edits\n")


def test_new_refuses_a_folder_or_another_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(tmp_path)]) == 1
    assert main(["new", str(tmp_path / "deck.txt")]) == 1
    err = capsys.readouterr().err
    assert "is a folder" in err and "ends in .yaml" in err


def test_draft_writes_beside_the_article_or_to_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "printing.txt"
    article.write_text((ARTICLES / "history-printing-press.txt").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["draft", str(article)]) == 0
    assert "cards (" in capsys.readouterr().out
    assert main(["validate", str(tmp_path / "printing.yaml")]) == 0
    assert main(["draft", str(article)]) == 1  # never overwrites
    out = tmp_path / "decks" / "press.yaml"
    assert main(["draft", str(article), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (tmp_path / "printing.yaml").read_text(encoding="utf-8").replace(
        "printing.txt", "printing.txt"
    )


def test_draft_of_nothing_useful_or_not_utf8_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("hello there\n", encoding="utf-8")
    assert main(["draft", str(empty)]) == 1
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 in 1999 with 20 people.".encode("latin-1"))
    assert main(["draft", str(latin)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "found no sentences" in err[0] and "not UTF-8" in err[1] and len(err) == 2


NO_IDS = """\
# My deck: these comments must survive
format: 1
id: noid
title: No ids
cards:
  # a block card
  - front: What is the capital of France?   # trailing comment
    back: Paris
  - {front: "What is 2+2?", back: "4"}   # a flow card
  - id: keep-me
    front: kept
    back: 'yes'
  - type: cloze
    text: "The DDE was launched in {{c1::2019}} by {{c2::Chinese scientists}}."
"""


def test_add_ids_keeps_comments_and_layout_and_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "noid.yaml"
    path.write_text(NO_IDS, encoding="utf-8")
    deck = load_deck(path).deck
    assert deck is not None
    store = tmp_path / "data" / "progress.sqlite3"
    conn = db.connect(store)
    session = StudySession(conn, [deck], lambda: datetime(2026, 12, 1, 9, tzinfo=UTC))
    session.answer(Rating.Easy, 1000)  # the France card, stored under its auto- id
    conn.close()

    assert main(["validate", "--add-ids", str(path)]) == 0
    out = capsys.readouterr().out
    assert "added id: capital-france" in out and "progress of 3 card(s) kept" in out
    text = path.read_text(encoding="utf-8")
    expected = (
        NO_IDS.replace("  - front: What is the capital", "  - id: capital-france\n    front: What is the capital")
        .replace('{front: "What is 2+2?"', '{id: 2-2, front: "What is 2+2?"')
        .replace("  - type: cloze", "  - id: dde-launched-chinese-scientists\n    type: cloze")
    )
    assert text == expected  # only the ids were added: comments, quotes and order as they were
    assert main(["validate", str(path)]) == 0
    assert "no id" not in capsys.readouterr().err
    conn = db.connect(store)
    rows = dict(conn.execute("SELECT card_id, state FROM cards WHERE sub IN ('', 'c1')").fetchall())
    assert rows["capital-france"] == 2  # its review state moved with it
    assert main(["validate", "--add-ids", str(path)]) == 0
    assert "already has an id" in capsys.readouterr().out


def test_add_ids_on_an_invalid_deck_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    bad = NO_IDS + "  - {type: choice, question: q, choices: [a, b], answer: c}\n"
    path.write_text(bad, encoding="utf-8")
    assert main(["validate", "--add-ids", str(path)]) == 1
    assert "answer 'c' is not one of the choices" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == bad


def test_draft_counts_read_right_and_a_folder_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "one.txt"
    article.write_text("The programme was launched in 2019 by 45 countries.\n", encoding="utf-8")
    assert main(["draft", str(article)]) == 0
    assert "from 1 sentence." in capsys.readouterr().out
    assert main(["draft", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"techquiz: {tmp_path} is a folder; draft reads one plain-text article\n"
