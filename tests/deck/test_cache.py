"""The parsed-deck cache: an unchanged deck is never parsed again; any change is."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from techquiz.deck import cache as cache_module
from techquiz.deck import loader
from techquiz.deck.cache import CachedDeck, DeckCache
from techquiz.deck.loader import load_deck
from techquiz.deck.model import Deck

from ..decktext import basic, choice, cloze, deck_yaml, order, truefalse, typed

DECK = deck_yaml(
    "c",
    basic("a", "q", "b"),
    cloze("z", "{{c1::one}} and {{c2::two}}"),
    basic(None, "no id", "warned"),
    title="Cached",
)


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although unchanged")

    monkeypatch.setattr(loader, "load_deck", fail)


def test_unchanged_deck_comes_from_the_cache_with_its_cards_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(DECK, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    first = cache.load(path)
    parsed = load_deck(path)
    assert first.deck is not None and parsed.deck is not None
    no_parsing(monkeypatch)
    again = cache.load(path)
    deck = again.deck
    assert isinstance(deck, CachedDeck)
    assert again.problems == parsed.problems  # the warning about the card without an id too
    assert (deck.id, deck.title, deck.settings, deck.path) == ("c", "Cached", parsed.deck.settings, path)
    assert deck.subcard_count == 4 and deck.fingerprint == parsed.deck.fingerprint
    assert deck.cards == parsed.deck.cards and deck.subcards() == parsed.deck.subcards()


def test_a_touched_file_is_checked_by_content_and_an_edited_one_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(DECK, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    cache.load(path)
    os.utime(path, ns=(10**18, 10**18))  # new mtime, same content
    with monkeypatch.context() as patch:
        no_parsing(patch)
        assert cache.load(path).deck is not None
    path.write_text(DECK.replace('"front": "q"', '"front": "edited question"'), encoding="utf-8")
    deck = cache.load(path).deck
    assert deck is not None and deck.cards[0].prompt() == "edited question"


def test_invalid_decks_are_cached_with_their_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(deck_yaml("bad", {"id": "a", "front": "q"}), encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    first = cache.load(path)
    no_parsing(monkeypatch)
    again = cache.load(path)
    assert again.deck is None and again.problems == first.problems and "missing field 'back'" in str(again.errors[0])


def test_a_damaged_or_unwritable_cache_is_a_miss_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(DECK, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    cache.load(path)
    (tmp_path / "cache" / "decks.sqlite3").write_bytes(b"not a database at all" * 100)
    fresh = DeckCache(tmp_path / "cache")  # a new start: the damaged file is thrown away and rebuilt
    assert fresh.load(path).deck is not None
    assert isinstance(DeckCache(tmp_path / "cache").load(path).deck, CachedDeck)
    (tmp_path / "a-file").write_text("")
    blocked = DeckCache(tmp_path / "a-file" / "cache")  # a cache that cannot be written only costs speed
    deck = blocked.load(path).deck
    assert deck is not None and len(deck.cards) == 3


def test_a_session_fetches_only_the_cards_it_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(DECK, encoding="utf-8")
    DeckCache(tmp_path / "cache").load(path)
    cache = DeckCache(tmp_path / "cache")
    cached = cache.load(path).deck
    assert isinstance(cached, CachedDeck)
    no_parsing(monkeypatch)
    monkeypatch.setattr(cache, "all_cards", lambda *a: pytest.fail("built every card of the deck"))
    card = cached.card("z")
    assert card is not None and card.subs() == ("c1", "c2")
    assert cached.card("missing") is None


EVERY_FIELD = deck_yaml(
    "every-field",
    basic("b", "front", "back", reverse=True, tags=["t1", "t2"], hint="h", explain="e", source="s"),
    cloze("c", "In {{c1::2019}}, {{c2::9}} centres."),
    choice("m", "Pick", ["x", "y", "z"], "y"),
    {"id": "m2", "type": "choice", "question": "Both?", "choices": ["x", "y"], "answers": ["x", "y"]},
    typed("t", "Type it", "ünïcode", accept=["unicode"]),
    truefalse("f", "False?", False),
    order("o", "In order", ["one", "two", "three"]),
    title="Every field: ünïcode",
    description="A deck with every field set",
    source={"publisher": "P", "title": "T", "date": "2024-12-28", "url": "https://example.org"},
    tags=["deck-tag"],
    settings={"new_per_day": 5, "reviews_per_day": 50, "desired_retention": 0.85},
)


def test_every_card_type_and_deck_field_comes_back_from_the_cache_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "every.yaml"
    path.write_text(EVERY_FIELD, encoding="utf-8")
    DeckCache(tmp_path / "cache").load(path)
    parsed = load_deck(path).deck
    no_parsing(monkeypatch)
    cached = DeckCache(tmp_path / "cache").load(path).deck
    assert isinstance(cached, CachedDeck) and parsed is not None
    assert cached.card_ids() == parsed.card_ids() == tuple(card.id for card in parsed.cards)
    assert "cards" not in vars(cached)  # read from the quiz pool, no card built
    for field in fields(Deck):
        assert getattr(cached, field.name) == getattr(parsed, field.name), field.name
    assert cached.card("t") == parsed.card("t") and cached.card("o") == parsed.card("o")


def _cache_rows(tmp_path: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(tmp_path / "cache" / "decks.sqlite3")
    with conn:
        conn.execute(sql, params)
    conn.close()


@pytest.mark.parametrize(
    "damage",
    [
        'UPDATE entries SET header = \'{"problems": [[1, 2]], "deck": null}\'',  # wrong shape
        "UPDATE entries SET header = 'not json at all'",
        "UPDATE entries SET header = CAST(X'80049500' AS TEXT)",  # a pickle's first bytes
    ],
)
def test_a_damaged_entry_header_is_a_miss_and_is_rewritten(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(DECK, encoding="utf-8")
    DeckCache(tmp_path / "cache").load(path)
    _cache_rows(tmp_path, damage)
    again = DeckCache(tmp_path / "cache").load(path)  # parsed again, not an error
    assert again.deck is not None and [c.id for c in again.deck.cards] == ["a", "z", again.deck.cards[2].id]
    assert isinstance(DeckCache(tmp_path / "cache").load(path).deck, CachedDeck)  # and cached anew


class _Trap:
    """Unpickling this would create a file: the cache must never unpickle what it reads."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.target,))


def test_a_damaged_or_planted_card_row_is_read_from_the_file_and_never_run(tmp_path: Path) -> None:
    import pickle

    path = tmp_path / "c.yaml"
    path.write_text(DECK, encoding="utf-8")
    DeckCache(tmp_path / "cache").load(path)
    planted = tmp_path / "planted"
    _cache_rows(tmp_path, "UPDATE cards SET card = ? WHERE card_id = 'z'", pickle.dumps(_Trap(planted)))
    _cache_rows(tmp_path, "UPDATE cards SET card = '[\"basic\", \"a\"]' WHERE card_id = 'a'")
    cached = DeckCache(tmp_path / "cache").load(path).deck
    assert isinstance(cached, CachedDeck)
    z, a = cached.card("z"), cached.card("a")
    assert z is not None and z.subs() == ("c1", "c2") and a is not None and a.prompt() == "q"
    assert not planted.exists()
    calls: list[object] = []
    real = loader.load_deck
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "load_deck", lambda *a: calls.append(a) or real(*a))
        assert DeckCache(tmp_path / "cache").load(path).deck is not None
    assert len(calls) == 1  # the damaged entry was dropped: the next start parses and re-caches the file
    conn = sqlite3.connect(tmp_path / "cache" / "decks.sqlite3")
    orphans = conn.execute("SELECT COUNT(*) FROM cards WHERE generation NOT IN (SELECT generation FROM entries)")
    assert orphans.fetchone()[0] == 0  # and its card rows with it
    conn.close()


def test_a_deck_whose_entry_was_replaced_reads_its_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(DECK, encoding="utf-8")
    DeckCache(tmp_path / "cache").load(path)
    old = DeckCache(tmp_path / "cache").load(path).deck
    assert isinstance(old, CachedDeck)
    path.write_text(DECK + "  - {id: new, front: q2, back: b2}\n", encoding="utf-8")
    DeckCache(tmp_path / "cache").load(path)  # another techquiz re-caches the edited file
    card = old.card("a")
    assert card is not None and card.prompt() == "q"  # still answered, from the file itself


def test_a_new_techquiz_version_does_not_read_old_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(DECK, encoding="utf-8")
    cache = DeckCache(tmp_path / "cache")
    cache.load(path)
    monkeypatch.setattr(cache_module, "FORMAT", cache_module.FORMAT + 1)
    calls = []
    real = loader.load_deck
    monkeypatch.setattr(loader, "load_deck", lambda *a: calls.append(a) or real(*a))
    assert cache.load(path).deck is not None and len(calls) == 1


def test_a_big_first_parse_is_announced_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from techquiz.cli import main

    folder = tmp_path / "big"
    folder.mkdir()
    cards = "".join(
        f"  - {{id: c{i}, front: 'question number {i} padded out a little', back: a{i}}}\n" for i in range(9000)
    )
    (folder / "big.yaml").write_text(HEAD_BIG + cards, encoding="utf-8")
    assert main(["--decks", str(folder), "decks"]) == 0
    assert "reading big.yaml (0.7 MB) for the first time; later starts use a cache" in capsys.readouterr().err
    assert main(["--decks", str(folder), "decks"]) == 0
    assert "first time" not in capsys.readouterr().err


HEAD_BIG = "format: 1\nid: big\ntitle: Big\ncards:\n"


QUIZ_DECK = deck_yaml(
    "q",
    basic("a", "Capital of France?", "Paris", reverse=True),
    cloze("z", "{{c2::two}} then {{c1::one}}, {{c1::uno}}"),
    typed("t", "Type it", "x"),
    choice("m", "Pick", ["a", "b"], "a"),
    basic("b", "Capital of Italy?", "Rome"),
)


def test_the_quiz_pool_comes_from_the_cache_without_building_a_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(QUIZ_DECK, encoding="utf-8")
    parsed = load_deck(path).deck
    assert parsed is not None
    # What a quiz asks and draws from: every sub-card but reverse ones, basic and cloze answers.
    subs = [(key, card) for key, card in parsed.subcards() if key.sub != "reverse"]
    assert parsed.quiz_subcards() == tuple((key.card, key.sub) for key, _ in subs)
    expected = tuple((c.type_name, c.answer_text(k.sub)) for k, c in subs if c.type_name in ("basic", "cloze"))
    assert parsed.answer_pool() == expected == (
        ("basic", "Paris"), ("cloze", "one, uno"), ("cloze", "two"), ("basic", "Rome")
    )  # fmt: skip
    cache = DeckCache(tmp_path / "cache")
    cache.load(path)
    no_parsing(monkeypatch)
    deck = cache.load(path).deck
    assert isinstance(deck, CachedDeck)
    assert deck.quiz_subcards() == parsed.quiz_subcards() and deck.answer_pool() == expected
    assert "cards" not in deck.__dict__
    # A damaged pool row is a miss: the cards themselves answer (and the entry is rewritten later).
    with sqlite3.connect(cache.file) as conn:
        conn.execute("UPDATE quiz_pools SET answers = '[[1, 2]]'")
    monkeypatch.undo()
    deck = DeckCache(tmp_path / "cache").load(path).deck
    assert deck is not None and deck.answer_pool() == expected


# Decks read in parallel into a new cache, as the home screen's readers do on a first start: before
# connection set-up was serialized, one reader took the "locked" of another's WAL switch for
# damage and deleted the cache under the others (entries lost, and at times a SIGBUS).
PARALLEL_FIRST_START = """
import sqlite3, sys, tempfile
from pathlib import Path
from techquiz.deck.cache import DeckCache
from techquiz.deck.discovery import load_library
decks = Path(sys.argv[1])
for _ in range(25):
    with tempfile.TemporaryDirectory() as tmp:
        library = load_library([decks], cache=DeckCache(Path(tmp)), budget=30)
        entries = sqlite3.connect(Path(tmp) / "decks.sqlite3").execute("SELECT count(*) FROM entries").fetchone()[0]
        assert entries == len(library.results) == 4, (entries, len(library.results))
"""


def test_decks_read_in_parallel_into_a_new_cache_are_all_kept(tmp_path: Path) -> None:
    for name in "abcd":
        (tmp_path / f"{name}.yaml").write_text(deck_yaml(name, basic("x", "q", "a")), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", PARALLEL_FIRST_START, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_cache_another_process_holds_is_waited_for_once_and_never_deleted(tmp_path: Path) -> None:
    cache = DeckCache(tmp_path)
    blocker = sqlite3.connect(tmp_path / "decks.sqlite3", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # as another techquiz holding it
    opened: list[object] = []
    connect = sqlite3.connect

    def counted(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(args)
        return connect(*args, **kwargs)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sqlite3, "connect", counted)
            patch.setattr(cache_module, "_BUSY_SECONDS", 0.2)  # one bounded wait (10 s in use)
            assert cache._db() is None  # no cache this time: the deck is parsed, nothing is lost
            tries = len(opened)
            assert cache._db() is None and len(opened) == tries  # the next decks do not wait again
    finally:
        blocker.execute("ROLLBACK")
    assert (tmp_path / "decks.sqlite3").exists()  # still there for the process holding it
    assert DeckCache(tmp_path)._db() is not None  # the next start has its cache
