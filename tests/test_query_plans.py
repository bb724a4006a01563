"""The hot queries use their indexes: a plan that scans grows with the collection, and the learner
feels it on every answer or every home-screen paint (issue 20). Checked with EXPLAIN QUERY PLAN."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from techquiz.deck.cache import ONE_CARD_SQL, QUIZ_POOL_SQL, DeckCache
from techquiz.store import db
from techquiz.store.overview import DUE_SQL, LEARNING_SQL, NEW_SQL
from tests.srs.helpers import basic_deck


def plan(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> str:
    return " / ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_a_card_is_read_from_the_deck_cache_by_its_index(tmp_path: Path) -> None:
    cache = DeckCache(tmp_path / "cache")
    basic_deck(tmp_path / "d.yaml", cards=50)
    assert cache.load(tmp_path / "d.yaml").deck is not None
    conn = sqlite3.connect(cache.file)
    assert "USING INDEX cards_by_id (generation=? AND card_id=?)" in plan(conn, ONE_CARD_SQL, (1, "c1"))
    # A quiz reads its deck's pool in one probe of the primary key (issue 20: quiz start).
    assert plan(conn, QUIZ_POOL_SQL, (1,)) == "SEARCH quiz_pools USING INTEGER PRIMARY KEY (rowid=?)"


@pytest.mark.parametrize(
    ("sql", "params"),
    [(NEW_SQL, ("d", "2026-12-01")), (LEARNING_SQL, ("d", 0)), (DUE_SQL, ("d", 0, "2026-12-01"))],
)
def test_home_screen_counts_are_index_ranges(tmp_path: Path, sql: str, params: tuple[object, ...]) -> None:
    conn = db.connect(tmp_path / "progress.sqlite3")
    found = plan(conn, sql, params)
    assert "INDEX cards_queue (deck_id=? AND state" in found
    assert "SCAN" not in found
