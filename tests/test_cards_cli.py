"""`techquiz cards`: a search on the command line, its table and JSON, and actions on the matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from techquiz.config import Config
from techquiz.store import card_actions, db

from .test_cli import run

DECK = """\
format: 1
id: cli
title: CLI deck
cards:
  - {id: first, front: What share of papers?, back: 20.4 percent}
  - {id: second, type: typed, question: How many centres?, answer: nine}
  - {id: third, type: typed, question: How many countries?, answer: "177"}
  - {id: order, type: order, question: Put in order, items: [a, b]}
"""


@pytest.fixture(autouse=True)
def cli_deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A deck of our own beside the bundled ones; every query here names it (deck:cli)."""
    folder = tmp_path / "cli-decks"
    folder.mkdir()
    (folder / "cli.yaml").write_text(DECK, encoding="utf-8")
    monkeypatch.setenv("TECHQUIZ_DECKS", str(folder))


def test_cards_lists_matches_as_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cards", "deck:cli", "type:order")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split()[:7] == ["ID", "DECK", "TYPE", "STATE", "DUE", "IVL", "LAPSES"]
    assert lines[1].split()[:4] == ["order", "cli", "order", "new"] and lines[1].endswith("Put in order")
    assert lines[-1] == "1 card"


def test_cards_json_has_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cards", "deck:cli percent", "--json")
    records = json.loads(out)
    assert code == 0 and [r["id"] for r in records] == ["first"]
    assert set(records[0]) >= {"id", "sub", "deck", "type", "state", "due", "interval", "stability", "difficulty",
                               "retrievability", "reps", "lapses", "added", "suspended", "tags", "front"}  # fmt: skip
    assert records[0]["front"] == "What share of papers?" and records[0]["state"] == "new"


def test_an_action_reports_and_can_be_undone(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cards", "deck:cli type:typed", "--suspend")
    assert code == 0 and out.strip() == "2 cards suspended"
    count = 2
    code, out, _ = run(capsys, "cards", "is:suspended", "--json")
    assert len(json.loads(out)) == count
    conn = db.connect(Config.from_env().store_path)
    try:
        assert card_actions.undo_last(conn) == f"{count} cards suspended"
    finally:
        conn.close()
    _, out, _ = run(capsys, "cards", "is:suspended")
    assert out.strip() == "No cards match."


def test_a_query_starting_with_a_minus_is_a_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cards", "deck:cli", "(type:order", "or", "-is:new)", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["order"]
    code, out, _ = run(capsys, "cards", "deck:cli", "-type:typed", "-type:order", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["first"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["cards", "is:nonsense"], "column 4: unknown 'is:nonsense'"),
        (["cards", "(a"], "column 1: this '(' is never closed"),
        (["cards", "--due", "soon"], "--due takes days"),
    ],
)
def test_errors_are_one_line_and_exit_1(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_two_actions_at_once_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "cards", "--suspend", "--bury")
    assert code == 2 and "not allowed with" in err


def test_study_search_checks_the_query_before_the_screen(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "study", "--search", "prop:lapses>many")
    assert code == 1 and "column 13: prop:lapses needs a number" in err
    code, _, err = run(capsys, "study", "--reschedule")
    assert code == 1 and "--reschedule goes with --search" in err
