"""Opening the progress store: pragmas, integrity check, versioned migrations, clear failures.

The file is SQLite in WAL mode with synchronous=FULL (as Anki): a committed answer survives a
crash or power loss, and a second techquiz process can read while one writes. Schema versions
live in `PRAGMA user_version`; migrations run forward in one transaction after a backup, and a
file written by a newer techquiz is refused without being touched.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from techquiz.errors import TechquizError
from techquiz.store import backup

SCHEMA_VERSION = 4
BUSY_TIMEOUT_MS = 15_000

_V1 = """
CREATE TABLE cards (
    id INTEGER PRIMARY KEY,
    deck_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    sub TEXT NOT NULL DEFAULT '',
    card_type TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,      -- order of new cards: their order in the deck file
    state INTEGER NOT NULL DEFAULT 0,         -- 0 new, 1 learning, 2 review, 3 relearning
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due INTEGER,                              -- UTC epoch ms; NULL while new
    last_review INTEGER,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0,
    leech INTEGER NOT NULL DEFAULT 0,
    suspended INTEGER NOT NULL DEFAULT 0,
    buried_until TEXT,                        -- study day (YYYY-MM-DD) from which it shows again
    in_deck INTEGER NOT NULL DEFAULT 1,       -- 0: removed from its deck file, history kept
    UNIQUE (deck_id, card_id, sub)
);
CREATE INDEX cards_queue ON cards (deck_id, state, due);
CREATE TABLE review_log (
    id INTEGER PRIMARY KEY,
    card INTEGER NOT NULL REFERENCES cards (id),
    reviewed_at INTEGER NOT NULL,             -- UTC epoch ms
    day TEXT NOT NULL,                        -- study day (04:00 local boundary)
    rating INTEGER NOT NULL,                  -- 1 Again, 2 Hard, 3 Good, 4 Easy
    duration_ms INTEGER,
    state_before INTEGER NOT NULL,
    step_before INTEGER,
    stability_before REAL,
    difficulty_before REAL,
    due_before INTEGER,
    last_review_before INTEGER,
    state_after INTEGER NOT NULL,
    stability REAL,
    difficulty REAL,
    due_after INTEGER NOT NULL,
    interval_days REAL NOT NULL               -- scheduled interval, in days
);
CREATE INDEX review_log_day ON review_log (day);
CREATE INDEX review_log_card ON review_log (card, reviewed_at);
CREATE TABLE deck_sync (deck_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
"""

_V2 = """
CREATE TABLE quiz_results (
    id INTEGER PRIMARY KEY,
    taken_at INTEGER NOT NULL,                -- UTC epoch ms
    day TEXT NOT NULL,
    decks TEXT NOT NULL,                      -- deck ids, comma-separated
    questions INTEGER NOT NULL,
    correct INTEGER NOT NULL
);
"""

# The per-day tally of v3, computed from the log (the migration fills the table with it; tests
# check that answers and undos keep the table equal to it).
REVIEW_DAYS_FROM_LOG = """
SELECT c.deck_id, r.day, COUNT(*), SUM(r.rating = 1), SUM(r.rating = 2), SUM(r.rating = 3), SUM(r.rating = 4),
       COALESCE(SUM(r.duration_ms), 0), SUM(r.state_before = 0),
       SUM(r.state_before = 2 AND COALESCE(r.due_before - r.last_review_before, 0) < 1814400000),
       SUM(r.state_before = 2 AND COALESCE(r.due_before - r.last_review_before, 0) < 1814400000 AND r.rating > 1),
       SUM(r.state_before = 2 AND COALESCE(r.due_before - r.last_review_before, 0) >= 1814400000),
       SUM(r.state_before = 2 AND COALESCE(r.due_before - r.last_review_before, 0) >= 1814400000 AND r.rating > 1)
FROM review_log r JOIN cards c ON c.id = r.card
GROUP BY c.deck_id, r.day
"""

# v3: a per-deck, per-day tally of the review log, kept in the same transaction as each answer
# and undo, so that stats read a few thousand rows instead of scanning millions of log rows.
# Mature means the interval before the review was at least 21 days (Anki's threshold).
# The queue index grows to cover the per-deck counts of the home screen (an index-only scan).
# deck_sync remembers each deck's file, so a changed deck id can be explained.
_V3 = (
    """
CREATE TABLE review_days (
    deck_id TEXT NOT NULL,
    day TEXT NOT NULL,                        -- study day (04:00 local boundary)
    reviews INTEGER NOT NULL DEFAULT 0,       -- every answer
    again INTEGER NOT NULL DEFAULT 0,
    hard INTEGER NOT NULL DEFAULT 0,
    good INTEGER NOT NULL DEFAULT 0,
    easy INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    new_cards INTEGER NOT NULL DEFAULT 0,     -- answers of new cards
    young INTEGER NOT NULL DEFAULT 0,         -- answers of review cards, interval < 21 days
    young_passed INTEGER NOT NULL DEFAULT 0,  -- ... not Again
    mature INTEGER NOT NULL DEFAULT 0,        -- answers of review cards, interval >= 21 days
    mature_passed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (deck_id, day)
) WITHOUT ROWID;
INSERT INTO review_days
"""
    + REVIEW_DAYS_FROM_LOG
    + """;
CREATE INDEX cards_lapses ON cards (lapses) WHERE lapses > 0;
ALTER TABLE deck_sync ADD COLUMN path TEXT;     -- the deck file last synced under this id
DROP INDEX cards_queue;
CREATE INDEX cards_queue ON cards (deck_id, state, due, in_deck, suspended, buried_until);
"""
)

# v4: the undo record of actions on many cards at once (`techquiz cards --suspend`, the browse
# screen): each card's scheduling columns before the action, and the newest review-log row it had
# then (an undo leaves alone a card answered since). The log's day index grows to cover the card,
# grade and state, so `rated:365` reads a year of the index and never the log rows themselves.
_V4 = """
CREATE TABLE card_actions (
    id INTEGER PRIMARY KEY,
    done_at INTEGER NOT NULL,                 -- UTC epoch ms
    description TEXT NOT NULL                 -- "4 cards suspended"
);
CREATE TABLE card_action_cards (
    action INTEGER NOT NULL REFERENCES card_actions (id) ON DELETE CASCADE,
    card INTEGER NOT NULL REFERENCES cards (id),
    last_log INTEGER,
    state INTEGER NOT NULL, step INTEGER, stability REAL, difficulty REAL, due INTEGER, last_review INTEGER,
    reps INTEGER NOT NULL, lapses INTEGER NOT NULL, leech INTEGER NOT NULL, suspended INTEGER NOT NULL,
    buried_until TEXT,
    PRIMARY KEY (action, card)
) WITHOUT ROWID;
DROP INDEX review_log_day;
CREATE INDEX review_log_day ON review_log (day, card, rating, state_before);
"""

MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2, 3: _V3, 4: _V4}


class StoreError(TechquizError):
    """The store cannot be used; the message is one clear line for the user."""


class CorruptStoreError(StoreError):
    pass


def corrupt_message(path: Path, detail: str) -> str:
    newest = backup.newest_backup(backup.backup_dir_for(path))
    if newest is None:
        advice = "No backup exists yet; the file has been left as it is."
    else:
        advice = f"Newest backup: {newest}. Run `techquiz restore` to bring it back (the damaged file is kept)."
    return f"the progress store {path} is damaged ({detail}). {advice}"


def _stray_wal(path: Path) -> str | None:
    """Why the store's -wal file cannot be its own, or None.

    SQLite replays whatever -wal file lies beside a database; one copied in from another store
    would overwrite this one's pages at the next checkpoint. Our own log only ever moves the
    schema forward, so a log whose page 1 has another page size, or an older schema version
    (user_version) than the file itself, is not this store's.
    """
    wal = Path(f"{path}-wal")
    try:
        with path.open("rb") as f:
            head = f.read(100)
        log = wal.read_bytes() if wal.stat().st_size > 32 else b""
    except OSError:
        return None
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0") or not log:
        return None
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if int.from_bytes(log[0:4], "big") not in (0x377F0682, 0x377F0683):
        return "its write-ahead log (-wal) is not a SQLite log"
    if int.from_bytes(log[8:12], "big") != page_size:
        return "its write-ahead log (-wal) was written for another database"
    salts = log[16:24]
    user_version = int.from_bytes(head[60:64], "big")
    frame = 24 + page_size
    for offset in range(32, len(log) - frame + 1, frame):
        page_number = int.from_bytes(log[offset : offset + 4], "big")
        if log[offset + 8 : offset + 16] != salts:
            break  # frames of an older log generation: not replayed
        if page_number == 1 and int.from_bytes(log[offset + 24 + 60 : offset + 24 + 64], "big") < user_version:
            return "its write-ahead log (-wal) belongs to another database"
    return None


def integrity_problem(conn: sqlite3.Connection) -> str | None:
    """SQLite's quick_check: None when the store is sound. It reads every page, so it takes time in
    proportion to the store (about 0.6 s for 130 MB here): the app runs it in the background."""
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except UnicodeDecodeError:  # SQLite's error quotes bytes of a damaged page, which Python cannot decode
        return "integrity check: the file is damaged beyond a readable report"
    return None if result == "ok" else "integrity check: " + " ".join(str(result).replace("***", "").split())


def connect(path: Path, *, check: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the store. Raises StoreError with a user-facing line.

    `check` runs the integrity check first; without it, damage shows up as an error when a damaged
    page is read (and a migration always checks first)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the data folder {path.parent}: {exc.strerror}") from exc
    stray = _stray_wal(path)
    if stray is not None:  # checked before SQLite opens the file and replays the log into it
        raise CorruptStoreError(corrupt_message(path, stray))
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the progress store {path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if check or 0 < version < SCHEMA_VERSION:  # never migrate (and back up) a damaged store
            problem = integrity_problem(conn)
            if problem is not None:
                conn.close()
                raise CorruptStoreError(corrupt_message(path, problem))
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"the progress store {path} was written by a newer techquiz (schema {version}, this one "
                f"knows {SCHEMA_VERSION}); upgrade techquiz. The file was not changed."
            )
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            if version > 0:
                backup.make_backup(conn, backup.backup_dir_for(path), reason=f"before-v{SCHEMA_VERSION}")
            _migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise StoreError(f"the progress store {path} is busy in another techquiz; try again") from exc
        if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc).replace(" ", "").lower():
            raise StoreError(f"the progress store {path} is read-only: {exc}") from exc
        raise CorruptStoreError(corrupt_message(path, str(exc))) from exc
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL once. The switch needs an exclusive lock that SQLite does not wait for
    through the busy handler, so two techquiz processes opening a new store at once retry here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _statements(script: str) -> list[str]:
    """Split a script into statements (executescript would commit our open transaction)."""
    out, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    return out


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply every migration after `version` in one transaction: all of them or none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]  # another process may have migrated
        for target in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[target]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


T = TypeVar("T")


def transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run `work` in one IMMEDIATE transaction (the write lock taken up front, so no deadlock).

    All of it is written or none of it. A store that cannot be written (disk full, read-only,
    locked past the busy timeout) raises StoreError with one line for the user.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreError(_write_failure(exc)) from exc
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            raise StoreError(_write_failure(exc)) from exc
        raise
    return result


def _write_failure(exc: sqlite3.OperationalError) -> str:
    text = str(exc).lower()
    if "full" in text:
        return "the disk is full: this answer was not saved (free some space and answer again)"
    if "readonly" in text or "read-only" in text:
        return "the progress store is read-only: this answer was not saved (check the data folder's permissions)"
    if "locked" in text or "busy" in text:
        return "the progress store is busy in another techquiz: this answer was not saved; try again"
    return f"the progress store could not be written ({exc}): this answer was not saved"
