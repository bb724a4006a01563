"""Running a search (search.py holds the language): the store joined to the deck text in the deck cache.

The deck cache is its own SQLite file; it is ATTACHed to a connection on the store, and a small
temporary table maps each deck of the library to its cache entry, so the whole search is one
SQL statement. Text terms are one subquery over the text table (search.py); the text is joined
card by card only for the rows shown, or to sort by the front. When some deck has no cache
entry (the cache folder is unwritable, or the decks were loaded without the cache), the deck text
goes into a shared in-memory database of the same shape instead.

Connections come from a small pool (a search runs in a worker while the rows on screen are read
on the UI thread, and a newer search can interrupt an older one); nothing here writes to the store.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from techquiz.config import study_day
from techquiz.deck.cache import DeckCache, gc_paused
from techquiz.deck.model import Deck
from techquiz.deck.searchtext import INDEX_COLUMNS, index_row
from techquiz.model import State
from techquiz.search import DAY_MS, Node, SearchContext, compile_where, parse
from techquiz.srs.parameters import scheduling_for
from techquiz.srs.scheduler import curve
from techquiz.stats import ensure_math
from techquiz.store.db import BUSY_TIMEOUT_MS
from techquiz.store.timeutil import from_ms, to_ms

# Each deck's own forgetting curve (its fitted or pinned FSRS parameters), from temp.search_decks.
_R = f"pow(1 + s.factor * MAX(? - c.last_review, 0) / {DAY_MS}.0 / c.stability, -s.decay)"  # ? is the time now
# Sort keys: a whitelist of SQL expressions (a column name from the user never reaches SQL).
SORTS: dict[str, tuple[str, ...]] = {
    "deck": ("c.deck_id", "c.position"),
    "type": ("c.card_type", "c.deck_id", "c.position"),
    "state": ("c.suspended", "c.state", "c.deck_id", "c.position"),
    "due": ("c.state = 0", "c.due", "c.deck_id", "c.position"),
    "interval": ("c.state NOT IN (2, 3)", "c.due - c.last_review"),
    "lapses": ("c.lapses",),
    "reps": ("c.reps",),
    "stability": ("c.stability IS NULL", "c.stability"),
    "difficulty": ("c.difficulty IS NULL", "c.difficulty"),
    "retrievability": ("c.stability IS NULL OR c.last_review IS NULL", _R),
    "front": ("k.question COLLATE NOCASE",),
}
_ROW_COLUMNS = (
    "c.id, c.deck_id, c.card_id, c.sub, c.card_type, c.state, c.due, c.last_review, c.stability, c.difficulty, "
    "c.reps, c.lapses, c.suspended, c.buried_until, c.leech, k.tags, "
    "CASE WHEN c.sub = '' THEN k.question ELSE json_extract(k.fronts, '$.' || c.sub) END, c.added"
)
_TEXT_JOIN = "idx.card_text k ON k.generation = s.generation AND k.card_id = c.card_id"
_memory_names = itertools.count(1)
# `techquiz cards --json`: each record built by SQLite's JSON functions, so 100,000 of them cost no
# Python objects. The one definition of the record; CardRow holds the same values for screens.
_JSON_RECORD = f"""json_object(
    'id', c.card_id, 'sub', c.sub, 'deck', c.deck_id, 'type', c.card_type,
    'state', CASE c.state WHEN 0 THEN 'new' WHEN 1 THEN 'learning' WHEN 2 THEN 'review' ELSE 'relearning' END,
    'due', strftime('%Y-%m-%dT%H:%M:%S+00:00', c.due / 1000, 'unixepoch'),
    'interval', CASE WHEN c.state IN (2, 3) THEN round((c.due - c.last_review) / {DAY_MS}.0, 2) END,
    'stability', round(c.stability, 4), 'difficulty', round(c.difficulty, 4),
    'retrievability', CASE WHEN c.state > 0 AND c.stability > 0 AND c.last_review IS NOT NULL THEN round({_R}, 4) END,
    'reps', c.reps, 'lapses', c.lapses,
    'added', strftime('%Y-%m-%dT%H:%M:%S+00:00', c.added / 1000, 'unixepoch'),
    'suspended', json(CASE WHEN c.suspended THEN 'true' ELSE 'false' END),
    'buried', json(CASE WHEN c.buried_until > ? THEN 'true' ELSE 'false' END),
    'leech', json(CASE WHEN c.leech THEN 'true' ELSE 'false' END),
    'tags', json(k.tag_list),
    'front', CASE WHEN c.sub = '' THEN k.question ELSE json_extract(k.fronts, '$.' || c.sub) END)"""


Curve = tuple[float, float]  # (DECAY, FACTOR): see srs.scheduler.curve


def retrievability(stability: float | None, last_review_ms: int | None, now_ms: int, deck_curve: Curve) -> float | None:
    if not stability or last_review_ms is None:
        return None
    decay, factor = deck_curve
    days = max(now_ms - last_review_ms, 0) / DAY_MS
    return float((1 + factor * days / stability) ** -decay)


@dataclass(frozen=True, slots=True)
class CardRow:
    """One sub-card as the browse table and `techquiz cards` show it."""

    rowid: int
    deck_id: str
    card_id: str
    sub: str
    card_type: str
    state: State
    due: datetime | None
    interval: float | None  # days, for review and relearning cards
    stability: float | None
    difficulty: float | None
    retrievability: float | None
    reps: int
    lapses: int
    suspended: bool
    buried: bool
    leech: bool
    tags: tuple[str, ...]
    front: str
    added: datetime | None  # when the store first saw it; None for cards from before that was recorded

    @property
    def label(self) -> str:
        return f"{self.card_id}#{self.sub}" if self.sub else self.card_id

    @property
    def state_name(self) -> str:
        if self.suspended:
            return "suspended"
        if self.buried:
            return "buried"
        return ("new", "learning", "review", "relearning")[int(self.state)]


@dataclass(frozen=True)
class Review:
    """One line of a card's history."""

    at: datetime
    rating: int
    state_before: State
    interval: float  # days scheduled by this answer
    stability: float | None
    difficulty: float | None
    duration_ms: int | None


class CardSearch:
    """Searches over one library's decks. Open it, run searches (from any thread), close it."""

    def __init__(self, store_path: Path, decks: Sequence[Deck], cache: DeckCache | None, clock: Callable[[], datetime]):
        self.store_path = store_path
        self.clock = clock
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []  # every one open
        self._idle: list[sqlite3.Connection] = []  # those not running a search now
        generations = {deck.id: cache.generation_of(deck) if cache is not None else None for deck in decks}
        self._decks = list(decks)
        self.curves: dict[str, Curve] = self._deck_curves(decks)
        self._index_uri: str
        self._keeper: sqlite3.Connection | None = None  # keeps the in-memory index alive
        if cache is not None and all(g is not None for g in generations.values()) and cache.file.exists():
            self._index_uri = cache.file.resolve().as_uri()
            self._generations = {d: g for d, g in generations.items() if g is not None}
            if self._entries_present():
                return
        self._build_memory_index()

    def _deck_curves(self, decks: Sequence[Deck]) -> dict[str, Curve]:
        """Each deck's forgetting curve, from the parameters it is scheduled with."""
        conn = sqlite3.connect(
            self.store_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            return {deck_id: curve(s.parameters) for deck_id, s in scheduling_for(conn, decks).items()}
        except sqlite3.DatabaseError:  # a store too old to hold fitted parameters: the defaults
            return {}
        finally:
            conn.close()

    # ---- connections ----------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        uri = self.store_path.resolve().as_uri()
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)  # fmt: skip
        conn.execute("ATTACH DATABASE ? AS idx", (self._index_uri,))
        ensure_math(conn)
        conn.execute(
            "CREATE TEMP TABLE search_decks (deck_id TEXT PRIMARY KEY, generation INTEGER NOT NULL, "
            "decay REAL NOT NULL, factor REAL NOT NULL)"
        )
        conn.executemany(
            "INSERT INTO temp.search_decks VALUES (?, ?, ?, ?)",
            ((d, g, *self.curves.get(d, curve())) for d, g in self._generations.items()),
        )
        with self._lock:
            self._connections.append(conn)
        return conn

    @contextlib.contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        """A connection of the pool, for one search: a worker thread and the UI thread each get one."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._open()
        try:
            yield conn
        finally:
            with self._lock:
                if conn in self._connections:  # not closed meanwhile
                    self._idle.append(conn)

    def _entries_present(self) -> bool:
        try:
            with self._conn() as conn:
                marks = ",".join("?" * len(self._generations))
                found = conn.execute(
                    f"SELECT COUNT(*) FROM idx.entries WHERE generation IN ({marks})", list(self._generations.values())
                ).fetchone()[0]
        except sqlite3.DatabaseError:
            found = -1
        if found == len(self._generations):
            return True
        self.close()  # an entry was replaced since the decks were loaded: index them ourselves
        return False

    def _build_memory_index(self) -> None:
        self._index_uri = f"file:techquiz-search-{next(_memory_names)}?mode=memory&cache=shared"
        self._generations = {deck.id: i for i, deck in enumerate(self._decks, 1)}
        keeper = sqlite3.connect(self._index_uri, uri=True, isolation_level=None, check_same_thread=False)
        keeper.execute(
            "CREATE TABLE card_text (generation INTEGER NOT NULL, card_id TEXT NOT NULL, question TEXT NOT NULL, "
            "fronts TEXT NOT NULL, text TEXT NOT NULL, tags TEXT NOT NULL, tag_list TEXT NOT NULL, "
            "PRIMARY KEY (generation, card_id)) "
            "WITHOUT ROWID"
        )
        keeper.execute("CREATE TABLE entries (generation INTEGER PRIMARY KEY)")
        keeper.execute("BEGIN")
        for deck in self._decks:
            generation = self._generations[deck.id]
            keeper.execute("INSERT INTO entries VALUES (?)", (generation,))
            keeper.executemany(
                f"INSERT OR IGNORE INTO card_text (generation, {INDEX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((generation, *index_row(deck, card)) for card in deck.cards),
            )
        keeper.execute("COMMIT")
        self._keeper = keeper

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._idle.clear()
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    def interrupt(self) -> None:
        """Stop searches under way (a newer one is wanted): they raise sqlite3.OperationalError."""
        with self._lock:
            for conn in self._connections:
                conn.interrupt()

    # ---- searching ------------------------------------------------------------------------------
    def context(self) -> SearchContext:
        now = self.clock()
        return SearchContext(now, study_day(now))

    def _statement(
        self, query: str | Node, columns: str, sort: str, descending: bool, text: bool
    ) -> tuple[str, tuple[object, ...]]:
        context = self.context()
        node = parse(query) if isinstance(query, str) else query
        where = compile_where(node, context)
        order = SORTS[sort]
        direction = " DESC" if descending else ""
        order_sql = ", ".join(f"{part}{direction}" for part in (*order, "c.id"))
        # NOT INDEXED: one pass over the card table in storage order beats a lookup per card
        # through an index. Deck text is joined only for the columns shown or a sort by the front;
        # text terms are subqueries over the text table (see search.py).
        joined = text or sort == "front"
        sql = (
            f"SELECT {columns} FROM main.cards c NOT INDEXED "
            + "JOIN temp.search_decks s ON s.deck_id = c.deck_id "
            + (f"JOIN {_TEXT_JOIN} " if joined else "")
            + "WHERE c.in_deck = 1 "
            + f"AND {where.sql} ORDER BY {order_sql}"
        )
        return sql, (*where.params, *[to_ms(context.now)] * sum(part.count("?") for part in order))

    def ids(self, query: str | Node, sort: str = "deck", descending: bool = False) -> list[int]:
        """The matching sub-cards' store ids, in order. Raises SearchError for a bad query."""
        sql, params = self._statement(query, "c.id", sort, descending, text=False)
        # The cyclic GC paused: 100,000 row tuples would set off full collections, which hold the
        # interpreter (and so the screen's thread) for tens of milliseconds each.
        with self._conn() as conn, gc_paused():
            return [row[0] for row in conn.execute(sql, params)]

    def rows(self, query: str | Node, sort: str = "deck", descending: bool = False) -> list[CardRow]:
        sql, params = self._statement(query, _ROW_COLUMNS, sort, descending, text=True)
        with self._conn() as conn, gc_paused():
            return self._card_rows(conn.execute(sql, params))

    def json_records(self, query: str | Node, sort: str = "deck", descending: bool = False) -> list[str]:
        """The matching sub-cards as JSON objects (see _JSON_RECORD), one string each."""
        sql, params = self._statement(query, _JSON_RECORD, sort, descending, text=True)
        context = self.context()
        leading = (to_ms(context.now), context.today.isoformat())  # the ? of _JSON_RECORD, before the WHERE's
        with self._conn() as conn, gc_paused():
            return [row[0] for row in conn.execute(sql, (*leading, *params))]

    def rows_by_id(self, rowids: Sequence[int]) -> list[CardRow]:
        """These sub-cards, in the order given (the rows a screen shows)."""
        found: dict[int, CardRow] = {}
        with self._conn() as conn:
            for start in range(0, len(rowids), 500):
                chunk = rowids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                cursor = conn.execute(
                    f"SELECT {_ROW_COLUMNS} FROM main.cards c JOIN temp.search_decks s ON s.deck_id = c.deck_id "
                    f"LEFT JOIN {_TEXT_JOIN} "
                    f"WHERE c.id IN ({marks})",
                    chunk,
                )
                found.update((row.rowid, row) for row in self._card_rows(cursor))
        return [found[r] for r in rowids if r in found]

    def _card_rows(self, rows: Iterable[tuple[Any, ...]]) -> list[CardRow]:
        # Positional and without per-row lookups: `techquiz cards --json` builds 100,000 of these.
        context = self.context()
        now, today = to_ms(context.now), context.today.isoformat()
        states = tuple(State)
        curves, default = self.curves, curve()
        out = []
        for (rowid, deck_id, card_id, sub, card_type, state, due, last, stability, difficulty, reps, lapses,
             suspended, buried_until, leech, tags, front, added) in rows:  # fmt: skip
            reviewed = state in (2, 3) and due is not None and last is not None
            out.append(
                CardRow(
                    rowid, deck_id, card_id, sub, card_type, states[state],
                    from_ms(due) if due is not None else None,
                    (due - last) / DAY_MS if reviewed else None,
                    stability, difficulty,
                    retrievability(stability, last, now, curves.get(deck_id, default)) if state else None,
                    reps, lapses, bool(suspended), buried_until is not None and buried_until > today, bool(leech),
                    tuple(tags.split()) if tags else (),
                    front or "",
                    from_ms(added) if added is not None else None,
                )
            )  # fmt: skip
        return out

    def history(self, rowid: int) -> list[Review]:
        """Every answer of the sub-card, oldest first."""
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT reviewed_at, rating, state_before, interval_days, stability, difficulty, duration_ms "
                "FROM review_log WHERE card = ? ORDER BY reviewed_at, id",
                (rowid,),
            ).fetchall()
        return [
            Review(from_ms(at), rating, State(before), interval, s, d, ms)
            for at, rating, before, interval, s, d, ms in rows
        ]


def retrievability_curve(history: Sequence[Review], now: datetime, deck_curve: Curve, points: int = 40) -> list[float]:
    """The card's retrievability at `points` evenly spaced moments from its first answer to now:
    after each answer it starts again from 1 and falls at the pace of the stability that answer set."""
    dated = [r for r in history if r.stability]
    if not dated or points < 2:
        return []
    start, end = to_ms(dated[0].at), max(to_ms(now), to_ms(dated[-1].at) + 1)
    curve, latest = [], 0
    for i in range(points):
        moment = start + (end - start) * i // (points - 1)
        while latest + 1 < len(dated) and to_ms(dated[latest + 1].at) <= moment:
            latest += 1
        value = retrievability(dated[latest].stability, to_ms(dated[latest].at), moment, deck_curve)
        curve.append(value if value is not None else 0.0)
    return curve
