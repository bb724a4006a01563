"""Issue #19 point 13: a damaged entry in the parsed-deck cache is a miss, never an error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from techquiz.cli import main
from techquiz.deck.cache import DeckCache
from tests.decktext import basic, deck_yaml

DECK = deck_yaml("c", basic("a", "f1", "b1"), basic("b", "f2", "b2"), title="Cached")


def _damage(cache_file: Path, statement: str) -> None:
    conn = sqlite3.connect(cache_file)
    conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE entries SET header = x'00ff00ff'",
        'UPDATE entries SET header = CAST(\'{"not": "a header"}\' AS BLOB)',
        "UPDATE cards SET card = x'80049500'",
        "UPDATE cards SET card = CAST('garbage' AS BLOB)",
        "DELETE FROM cards",
    ],
)
def test_a_damaged_cache_entry_is_a_miss_in_every_command(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str], statement: str
) -> None:
    decks = isolated_env / "decks"
    decks.mkdir(parents=True)
    (decks / "c.yaml").write_text(DECK, encoding="utf-8")
    assert main(["decks", "--json"]) == 0  # fills the cache
    capsys.readouterr()
    (cache_file,) = (tmp_path / "cache").rglob("*.sqlite3")
    _damage(cache_file, statement)
    assert main(["decks"]) == 0
    out, err = capsys.readouterr()
    assert "c " in out and "unexpected" not in err
    assert main(["stats", "c", "--json"]) == 0
    assert '"cards": 2' in capsys.readouterr().out.replace('"cards": {', "")
    deck = DeckCache(cache_file.parent).load(decks / "c.yaml").deck
    assert deck is not None and sorted(card.id for card in deck.cards) == ["a", "b"]
