"""The parsed-deck cache: an unchanged deck file is never parsed twice.

One SQLite file in the user cache folder holds, for each deck file, an entry keyed by the file's
path, size, mtime and a hash of its content: the size and mtime decide at the cost of one stat;
when they differ (a `touch`, a checkout) the content hash decides whether the file really changed.
An entry holds the file's problems and the deck's summary (fields, sub-card count, store
fingerprint) — all the home screen and the store sync need —, each card as its own JSON row
(deck/serial.py, deck/card_rows.py: data, never a pickle, so a tampered cache file cannot run
code), and the deck's quiz pool: the sub-cards a quiz may ask and the answers it draws distractors from.
So a `CachedDeck` builds no card objects until asked, and then only the ones asked for: a study
session on a 100,000-card deck holds the few dozen cards it shows, not the deck, and a quiz the
cards it asks.

Entries are replaced in one transaction, so a crash or a second techquiz never leaves half an
entry; a damaged or outdated cache, or a damaged entry, is a miss (and is rebuilt), never an error.
"""

from __future__ import annotations

import contextlib
import gc
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from techquiz import __version__
from techquiz.deck.model import Deck
from techquiz.deck.result import LoadResult, read_deck_text
from techquiz.deck.serial import header_from_row, header_row, pool_from_rows, pool_rows

if TYPE_CHECKING:
    from techquiz.deck.cards import Card

# The card classes (deck/cards.py), their rows and their search text are imported by the methods
# that build or write cards: a warm start reads deck headers only, and saves loading them.

# Bump when the layout changes (4: fsrs_parameters, 5: leech_lapses, 6: the quiz pool, 7: search's text table);
# so does a new version.
FORMAT = 7
_DECK_FIELDS = tuple(f.name for f in fields(Deck) if f.name != "cards")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    path TEXT PRIMARY KEY, generation INTEGER NOT NULL, version TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, digest TEXT NOT NULL, header TEXT NOT NULL,
    deck_id TEXT
);
CREATE TABLE IF NOT EXISTS cards (
    generation INTEGER NOT NULL, position INTEGER NOT NULL, card_id TEXT NOT NULL, card TEXT NOT NULL,
    PRIMARY KEY (generation, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cards_by_id ON cards (generation, card_id);
-- What search reads (deck/searchtext.py), apart from the cards so that a scan of it is small.
CREATE TABLE IF NOT EXISTS card_text (
    generation INTEGER NOT NULL, card_id TEXT NOT NULL,
    question TEXT NOT NULL, fronts TEXT NOT NULL, text TEXT NOT NULL, tags TEXT NOT NULL, tag_list TEXT NOT NULL,
    PRIMARY KEY (generation, card_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quiz_pools (generation INTEGER PRIMARY KEY, keys TEXT NOT NULL, answers TEXT NOT NULL);
"""
# Named index: without statistics SQLite plans this as a scan of the deck's primary-key range,
# linear in the deck's size (15 ms per answer at 100,000 cards) instead of one index probe.
ONE_CARD_SQL = "SELECT card FROM cards INDEXED BY cards_by_id WHERE generation = ? AND card_id = ?"
QUIZ_POOL_SQL = "SELECT keys, answers FROM quiz_pools WHERE generation = ?"


def _parse(path: Path, text: str | None = None) -> LoadResult:
    # Imported here: a warm start, where every deck comes from the cache, never loads the YAML parser.
    from techquiz.deck import loader

    return loader.load_deck(path, text)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    # Decoding builds many small objects; the cyclic GC would scan them again and again while
    # they are made (measured with pickled rows on 20,000 cards: 0.53 s -> 0.13 s).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class CachedDeck(Deck):
    """A deck from the cache: every field at once; a card when asked for it; all cards only when
    something needs them all (a quiz, a sync after the file changed)."""

    def __init__(self, summary: dict[str, Any], cache: DeckCache, generation: int) -> None:
        for name in _DECK_FIELDS:
            object.__setattr__(self, name, summary[name])
        # Stored as instance values, so the cached_property of the same name is never computed.
        object.__setattr__(self, "subcard_count", summary["subcard_count"])
        object.__setattr__(self, "fingerprint", summary["fingerprint"])
        object.__setattr__(self, "_cache", cache)
        object.__setattr__(self, "_generation", generation)
        object.__setattr__(self, "_fetched", {})

    def __getattr__(self, name: str) -> Any:
        # Only reached for what __init__ did not set: all the cards (and what is built from them).
        if name != "cards":
            raise AttributeError(name)
        cards = self._cache.all_cards(self._generation, self.path)
        if cards is None:  # the entry was replaced since (the file changed): read the file itself
            deck = _parse(self.path).deck
            cards = deck.cards if deck is not None else ()
        object.__setattr__(self, "cards", cards)
        return cards

    def card(self, card_id: str) -> Card | None:
        if "cards" in self.__dict__:
            return super().card(card_id)
        fetched: dict[str, Card | None] = self._fetched
        if card_id not in fetched:
            try:
                fetched[card_id] = self._cache.one_card(self._generation, card_id, self.path)
            except LookupError:
                return super().card(card_id)  # loads every card (from the file if need be)
        return fetched[card_id]

    def quiz_subcards(self) -> tuple[tuple[str, str], ...]:
        pool = None if "cards" in self.__dict__ else self._cache.quiz_pool(self._generation)
        return super().quiz_subcards() if pool is None else pool[0]

    def answer_pool(self) -> tuple[tuple[str, str], ...]:
        pool = None if "cards" in self.__dict__ else self._cache.quiz_pool(self._generation)
        return super().answer_pool() if pool is None else pool[1]

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


_SETUP_LOCK = threading.Lock()
_OPEN_ATTEMPTS = 5  # a busy cache is tried again; a damaged one is deleted once and rebuilt
_BUSY_SECONDS = 10.0  # how long opening waits for a cache another process holds, all attempts together
_RETRY_AFTER_SECONDS = 30.0  # then the decks are read without it for a while (the next reload tries again)
SLOW_PARSE_BYTES = 500_000  # about 5,000 cards: a parse long enough to say what is happening


class DeckCache:
    def __init__(self, folder: Path, on_slow_parse: Callable[[Path, int], None] | None = None) -> None:
        self.file = folder / "decks.sqlite3"
        self.on_slow_parse = on_slow_parse  # told (path, bytes) before a big file is parsed
        self._local = threading.local()  # one connection per thread (live reload parses in a worker)
        self._unavailable_until = 0.0  # after a failed open (monotonic time): no cache, no wait, until then

    def _db(self) -> sqlite3.Connection | None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        # One thread at a time sets a connection up: the deck readers start together, and switching
        # a new file to WAL while another connection opens it fails at once as "locked".
        with _SETUP_LOCK:
            if time.monotonic() < self._unavailable_until:
                return None  # it just failed (held by another process): the other decks do not wait again
            conn = self._open()
            if conn is None:
                self._unavailable_until = time.monotonic() + _RETRY_AFTER_SECONDS
        if conn is not None:
            self._local.conn = conn
        return conn

    def _open(self) -> sqlite3.Connection | None:
        deleted = False
        deadline = time.monotonic() + _BUSY_SECONDS  # one wait in all, however many attempts
        for attempt in range(_OPEN_ATTEMPTS):
            conn = None
            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
                wait = max(deadline - time.monotonic(), 0.01)
                conn = sqlite3.connect(self.file, timeout=wait, isolation_level=None)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")  # a cache: losing the last entry only costs a parse
                if conn.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
                    # Another layout (another techquiz): its entries are of no use, start afresh.
                    dropped = "".join(
                        f"DROP TABLE IF EXISTS {t};" for t in ("cards", "card_text", "quiz_pools", "entries")
                    )
                    conn.executescript(dropped + _SCHEMA)
                    conn.execute(f"PRAGMA user_version = {FORMAT}")
                else:
                    conn.executescript(_SCHEMA)
                return conn
            except sqlite3.DatabaseError as exc:
                if conn is not None:
                    conn.close()
                if exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    # Another techquiz is setting the same new cache up: wait, then try again. Never
                    # delete a busy cache: the other process has it mapped (SIGBUS when it goes).
                    if time.monotonic() >= deadline:
                        break
                    time.sleep(0.05 * (attempt + 1))
                    continue
                if deleted:
                    break
                for suffix in ("", "-wal", "-shm"):  # a damaged cache is thrown away and rebuilt
                    with contextlib.suppress(OSError):
                        Path(f"{self.file}{suffix}").unlink()
                deleted = True
            except OSError:
                break
        return None  # no cache: everything still works, only slower

    def load(self, path: Path) -> LoadResult:
        """The file's LoadResult: from the cache when the file is unchanged, else parsed (and cached)."""
        try:
            info = path.stat()
        except OSError:
            return _parse(path)  # reports the missing or unreadable file
        key = str(path.resolve())
        conn = self._db()
        row = None
        if conn is not None:
            with contextlib.suppress(sqlite3.DatabaseError):
                row = conn.execute(
                    "SELECT generation, size, mtime_ns, digest, header FROM entries WHERE path = ? AND version = ?",
                    (key, f"{__version__}/{FORMAT}"),
                ).fetchone()
        cached = None
        if row is not None:
            cached = self._result(path, row[0], row[4])  # None when the entry is damaged: a miss
            if cached is not None and (row[1], row[2]) == (info.st_size, info.st_mtime_ns):
                return cached
        text, problem = read_deck_text(path)
        if text is None:
            return LoadResult(path, None, (problem,) if problem else ())
        import hashlib  # here, not at start-up: it loads OpenSSL (~1 ms), and a cache hit never hashes

        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()
        if cached is not None and row is not None and row[3] == digest and conn is not None:  # touched, not changed
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute(
                    "UPDATE entries SET size = ?, mtime_ns = ? WHERE path = ?", (info.st_size, info.st_mtime_ns, key)
                )
            return cached
        if self.on_slow_parse is not None and info.st_size >= SLOW_PARSE_BYTES:
            self.on_slow_parse(path, info.st_size)
        result = _parse(path, text)
        if conn is not None:
            self._write(conn, key, info.st_size, info.st_mtime_ns, digest, result)
        return result

    def _result(self, path: Path, generation: int, header: str) -> LoadResult | None:
        """The entry's LoadResult (cards fetched later, as asked for); None when the header is damaged."""
        try:
            problems, summary = header_from_row(header, path)
        except ValueError:
            return None
        if summary is None:
            return LoadResult(path, None, problems)
        return LoadResult(path, CachedDeck(summary, self, generation), problems)

    def _forget(self, conn: sqlite3.Connection, generation: int) -> None:
        # A damaged card row: drop the entry, so the next load parses the file and writes it anew.
        with contextlib.suppress(sqlite3.DatabaseError):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM cards WHERE generation = ?", (generation,))
            conn.execute("DELETE FROM card_text WHERE generation = ?", (generation,))
            conn.execute("DELETE FROM quiz_pools WHERE generation = ?", (generation,))
            conn.execute("DELETE FROM entries WHERE generation = ?", (generation,))
            conn.execute("COMMIT")
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute("ROLLBACK")

    def _write(
        self, conn: sqlite3.Connection, key: str, size: int, mtime_ns: int, digest: str, result: LoadResult
    ) -> None:
        from techquiz.deck.card_rows import card_row
        from techquiz.deck.cards import answer_pool
        from techquiz.deck.searchtext import INDEX_COLUMNS, index_row

        deck = result.deck
        header = header_row(result.problems, deck)
        try:
            conn.execute("BEGIN IMMEDIATE")
            generation = conn.execute("SELECT COALESCE(MAX(generation), 0) + 1 FROM entries").fetchone()[0]
            old = conn.execute("SELECT generation FROM entries WHERE path = ?", (key,)).fetchone()
            if old is not None:
                conn.execute("DELETE FROM cards WHERE generation = ?", old)
                conn.execute("DELETE FROM card_text WHERE generation = ?", old)
                conn.execute("DELETE FROM quiz_pools WHERE generation = ?", old)
            conn.execute(
                "INSERT OR REPLACE INTO entries (path, generation, version, size, mtime_ns, digest, header, deck_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, generation, f"{__version__}/{FORMAT}", size, mtime_ns, digest, header, deck and deck.id),
            )
            if deck is not None:
                conn.executemany(
                    "INSERT INTO cards (generation, position, card_id, card) VALUES (?, ?, ?, ?)",
                    ((generation, i, card.id, card_row(card)) for i, card in enumerate(deck.cards)),
                )
                conn.executemany(
                    f"INSERT OR IGNORE INTO card_text (generation, {INDEX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    ((generation, *index_row(deck, card)) for card in deck.cards),
                )
                conn.execute(
                    "INSERT OR REPLACE INTO quiz_pools (generation, keys, answers) VALUES (?, ?, ?)",
                    (generation, *pool_rows(deck.quiz_subcards(), answer_pool(deck.cards))),
                )
            conn.execute("COMMIT")
        except sqlite3.DatabaseError:
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute("ROLLBACK")  # a cache that cannot be written only costs speed

    def generation_of(self, deck: Deck) -> int | None:
        """The entry holding this deck's cards (and their search columns), or None when the cache
        has none for it (unavailable, or the deck was loaded without the cache)."""
        if isinstance(deck, CachedDeck):
            return int(deck._generation)
        conn = self._db()
        if conn is None:
            return None
        try:
            row = conn.execute(
                "SELECT generation FROM entries WHERE path = ? AND deck_id = ? AND version = ?",
                (str(deck.path.resolve()), deck.id, f"{__version__}/{FORMAT}"),
            ).fetchone()
        except sqlite3.DatabaseError:
            return None
        return None if row is None else int(row[0])

    def one_card(self, generation: int, card_id: str, path: Path) -> Card | None:
        """The card, or None when the deck has no such card. LookupError when the cache cannot say
        (unavailable, this entry was replaced since, or its row is damaged): the caller then reads the file."""
        from techquiz.deck.card_rows import card_from_row

        conn = self._db()
        if conn is None:
            raise LookupError(card_id)
        try:
            row = conn.execute(ONE_CARD_SQL, (generation, card_id)).fetchone()
            if (
                row is None
                and conn.execute("SELECT 1 FROM entries WHERE generation = ?", (generation,)).fetchone() is None
            ):
                raise LookupError(card_id)
        except sqlite3.DatabaseError as exc:
            raise LookupError(card_id) from exc
        if row is None:
            return None
        try:
            return card_from_row(row[0], path)
        except ValueError as exc:
            self._forget(conn, generation)
            raise LookupError(card_id) from exc

    def all_cards(self, generation: int, path: Path) -> tuple[Card, ...] | None:
        """Every card of the entry in file order; None when the cache cannot give them all."""
        from techquiz.deck.card_rows import card_from_row

        conn = self._db()
        if conn is None:
            return None
        try:
            if conn.execute("SELECT 1 FROM entries WHERE generation = ?", (generation,)).fetchone() is None:
                return None
            with gc_paused():
                rows = conn.execute(
                    "SELECT position, card FROM cards WHERE generation = ? ORDER BY position", (generation,)
                ).fetchall()
                if not rows or rows[-1][0] != len(rows) - 1:  # rows missing (a deck has at least one card)
                    raise ValueError("card rows missing")
                return tuple(card_from_row(row, path) for _, row in rows)
        except sqlite3.DatabaseError:
            return None
        except ValueError:
            self._forget(conn, generation)
            return None

    def quiz_pool(self, generation: int) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] | None:
        """The entry's quiz keys as (card id, sub) and its answer pool (see `Deck.answer_pool`),
        read without building a card; None when the cache cannot give them (the caller then uses the cards)."""
        conn = self._db()
        if conn is None:
            return None
        try:
            row = conn.execute(QUIZ_POOL_SQL, (generation,)).fetchone()
            if row is None:
                return None
            with gc_paused():
                return pool_from_rows(*row)
        except sqlite3.DatabaseError:
            return None
        except ValueError:
            self._forget(conn, generation)
            return None
