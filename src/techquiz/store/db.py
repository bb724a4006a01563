"""Opening the progress store: pragmas, integrity check, versioned migrations, clear failures.

The file is SQLite in WAL mode with synchronous=FULL (as Anki): a committed answer survives a
crash or power loss, and a second techquiz process can read while one writes. Schema versions
live in `PRAGMA user_version`; migrations run forward in one transaction after a backup, and a
file written by a newer techquiz is refused without being touched.

Before SQLite touches a file, it is checked to be ours (`application_id`) and usable, and a -wal
beside it to be this store's own (a random store id); what cannot be used is said as it is (a
full disk, a read-only file, a file that cannot be opened), and only real damage is "damaged".
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import sys
import time
import urllib.parse
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from techquiz.errors import TechquizError
from techquiz.store import backup

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 7
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

# v4: each deck's own FSRS parameters, fitted to its review log by `techquiz optimize`, with the
# figures that justified them, the last time the optimizer looked (adopted or not), and the desired
# retention chosen in the app.
_V4 = """
CREATE TABLE deck_fsrs (
    deck_id TEXT PRIMARY KEY,
    parameters TEXT,                          -- JSON list of the 21 FSRS-6 weights; NULL: the defaults
    fitted_at INTEGER,                        -- UTC epoch ms of the adopted fit
    fit_reviews INTEGER,                      -- reviews in the deck's log when it was fitted
    log_loss REAL,                            -- held-out figures of the fit
    rmse_bins REAL,
    checked_at INTEGER,                       -- UTC epoch ms of the last optimize run, adopted or not
    checked_reviews INTEGER,                  -- reviews in the deck's log at that run
    desired_retention REAL                    -- chosen in the app; NULL: the deck file's or 0.9
) WITHOUT ROWID;
"""

# v5: a quiz ended early keeps how many questions it was to have, so that 1 right of 1 answered out
# of 10 is never shown as a finished quiz at 100%. NULL: a quiz answered to the end.
_V5 = """
ALTER TABLE quiz_results ADD COLUMN planned INTEGER;
"""

# v6: the undo record of actions on many cards at once (`techquiz cards --suspend`, the browse
# screen): each card's scheduling columns before the action, and the newest review-log row it had
# then (an undo leaves alone a card answered since). The log's day index grows to cover the card,
# grade and state, so `rated:365` reads a year of the index and never the log rows themselves.
_V6 = """
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

# v7: when the store first saw each sub-card (Anki's "added": Card Info, `added:N`), UTC epoch ms.
# NULL for cards from before v7: the date was never recorded, and no guess is shown for it.
_V7 = """
ALTER TABLE cards ADD COLUMN added INTEGER;
"""

MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5, 6: _V6, 7: _V7}


class StoreError(TechquizError):
    """The store cannot be used; the message is one clear line for the user."""


class CorruptStoreError(StoreError):
    pass


# Identity. `PRAGMA application_id` marks the file as techquiz's (so another application's SQLite
# file is never adopted or switched to WAL), and a random store id, kept in the database, tells this
# store from every other techquiz store: a -wal file copied in from another one carries its id.
APPLICATION_ID = 0x5451_7A31  # "TQz1"
_IDENTITY = """
CREATE TABLE IF NOT EXISTS store_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    store_id TEXT NOT NULL,
    writes INTEGER NOT NULL DEFAULT 0       -- touched by every write, so every -wal holds this page
)
"""
_SQLITE_MAGIC = b"SQLite format 3\0"
_WAL_MAGICS = (0x377F0682, 0x377F0683)


def _say(message: str) -> None:
    """A warning that does not stop the command: one line on stderr. Only said while opening, which
    the app does before the TUI takes the screen."""
    print(f"techquiz: warning: {message}", file=sys.stderr, flush=True)


class _StoreConnection(sqlite3.Connection):
    """A connection `connect` made: remembered (weakly) so that this process never probes the locks
    of a store it has open itself (see `in_use`), and knowing which file it opened, so that a write
    never goes to a store that `techquiz restore` (or anyone) has since replaced."""

    store_path: Path
    store_file: tuple[int, int]  # (device, inode) of the file when opened

    def replaced(self) -> bool:
        try:
            info = os.stat(self.store_path)
        except OSError:
            return True
        return (info.st_dev, info.st_ino) != self.store_file


_open_here: dict[str, weakref.WeakSet[_StoreConnection]] = {}


def corrupt_message(path: Path, detail: str) -> str:
    newest = backup.newest_backup(backup.backup_dir_for(path))
    if newest is None:
        advice = "No backup exists yet; the file has been left as it is."
    else:
        advice = f"Newest backup: {newest}. Run `techquiz restore` to bring it back (the damaged file is kept)."
    return f"the progress store {path} is damaged ({detail}). {advice}"


def failure_message(path: Path, exc: sqlite3.Error | OSError) -> str | None:
    """What is really wrong when SQLite or the OS refuses the store, when it is not damage: a full
    disk, a read-only file or folder, a file that cannot be opened, a busy store. None: damage."""
    text = str(exc).lower()
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "full" in text:
        return f"the disk holding the progress store {path} is full: free some space and try again (nothing is lost)"
    if "readonly" in text.replace(" ", "").replace("-", "") or not _writable(path):
        return (
            f"the progress store {path} is read-only (the file, its folder or the disk cannot be written): "
            "check permissions and mounts"
        )
    if "locked" in text or "busy" in text:
        return f"the progress store {path} is busy in another techquiz; try again"
    if "unable to open" in text or isinstance(exc, OSError):
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return f"cannot open the progress store {path} ({detail}): check that it is a file you can read and write"
    if "disk i/o" in text:
        return f"the disk failed while reading or writing the progress store {path} (I/O error); check the disk"
    return None


def _writable(path: Path) -> bool:
    target = path if path.exists() else path.parent
    return os.access(target, os.W_OK) and os.access(path.parent, os.W_OK)


def _header(path: Path) -> bytes | None:
    """The first 100 bytes (SQLite's header), or None when there is no file yet. Opened without
    blocking and checked to be a regular file: a FIFO there would hang every command."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(failure_message(path, exc) or f"cannot read the progress store {path}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StoreError(f"the progress store {path} is not a regular file (a folder, a device or a pipe)")
        return os.read(fd, 100)
    except OSError as exc:
        raise StoreError(failure_message(path, exc) or f"cannot read the progress store {path}") from exc
    finally:
        os.close(fd)


def _check_file(path: Path) -> None:
    """Before SQLite touches the file: is it ours, and is it usable? Raises StoreError."""
    head = _header(path)
    if head is None:
        return
    if not head:
        newest = backup.newest_backup(backup.backup_dir_for(path))
        if newest is not None:  # a file emptied by a crash or a bad copy: never silently start over
            raise StoreError(
                f"the progress store {path} is empty (0 bytes), and backups exist: run `techquiz restore` to bring "
                f"back the newest ({newest.name}), or delete the empty file to start afresh"
            )
        return
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise CorruptStoreError(corrupt_message(path, "it is not an SQLite database"))
    app_id = int.from_bytes(head[68:72], "big")
    user_version = int.from_bytes(head[60:64], "big", signed=True)
    has_schema = int.from_bytes(head[40:44], "big") != 0
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and user_version == 0 and has_schema):
        raise StoreError(_not_ours(path))
    if user_version < 0:
        raise StoreError(_bad_version(path, user_version))


def _not_ours(path: Path) -> str:
    return (
        f"{path} is an SQLite file of another application, not a techquiz progress store; it was not "
        "changed (use --data-dir or TECHQUIZ_DATA_DIR for techquiz's own folder)"
    )


def _bad_version(path: Path, version: int) -> str:
    return (
        f"the progress store {path} has an invalid schema version ({version}); it was not changed. "
        "Restore a backup (techquiz restore) or move the file aside"
    )


def _wal_mismatch(path: Path, wal: bytes) -> str | None:
    """Why the -wal cannot be this store's, judged from bytes alone (page size, and page 1 in the log)."""
    head = _header(path) or b""
    if len(head) < 100 or len(wal) <= 32:
        return None
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if int.from_bytes(wal[0:4], "big") not in _WAL_MAGICS:
        return "it is not an SQLite log"
    if int.from_bytes(wal[8:12], "big") != page_size:
        return "it was written for a database with another page size"
    salts = wal[16:24]
    user_version = int.from_bytes(head[60:64], "big")
    frame = 24 + page_size
    for offset in range(32, len(wal) - frame + 1, frame):
        if wal[offset + 8 : offset + 16] != salts:
            break  # frames of an older log generation: not replayed
        if int.from_bytes(wal[offset : offset + 4], "big") == 1:
            page = wal[offset + 24 : offset + 24 + 100]
            if int.from_bytes(page[68:72], "big") not in (0, APPLICATION_ID):
                return "it belongs to another application's database"
            if int.from_bytes(page[60:64], "big") < user_version:
                return "it belongs to another database"
    return None


def _store_id(uri: str) -> str | None:
    """The store id as seen through a read-only connection (`uri`); None when it has none yet."""
    conn = sqlite3.connect(uri, uri=True)
    try:
        has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'store_identity'").fetchone()
        row = conn.execute("SELECT store_id FROM store_identity").fetchone() if has_table else None
        return str(row[0]) if row else None
    finally:
        conn.close()  # read-only: closing never checkpoints the log into the file


def _check_wal(path: Path) -> None:
    """A -wal beside the store is replayed into it by SQLite: make sure it is this store's own first.

    The file alone (opened immutable: the log ignored) and the file seen through the log (opened
    read-only: nothing written) must carry the same store id; every write touches the identity
    row, so a log written by another store carries that store's id. A log that is not ours is
    set aside (kept, never deleted) and the store opens as it was."""
    wal_path = Path(f"{path}-wal")
    try:
        wal = wal_path.read_bytes() if wal_path.stat().st_size > 32 else b""
    except OSError:
        return
    if not wal or in_use(path):  # a live log of a running techquiz is its own
        return
    why = _wal_mismatch(path, wal)
    if why is None:
        quoted = urllib.parse.quote(str(path.resolve()))
        try:
            own = _store_id(f"file:{quoted}?immutable=1")
        except sqlite3.DatabaseError:
            return  # the file itself is damaged: the integrity check says so
        try:
            seen = _store_id(f"file:{quoted}?mode=ro")
        except sqlite3.OperationalError:
            return  # locked, read-only, cannot open: not a verdict on the log; opening says what is wrong
        except sqlite3.DatabaseError as exc:
            seen, why = None, f"reading through it fails ({exc})"
        if why is None and own is not None and seen != own:
            why = "it was written by another techquiz store"
    if why is None:
        return
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    kept = wal_path.with_name(f"{wal_path.name}.stray-{stamp}")
    try:
        wal_path.replace(kept)
        Path(f"{path}-shm").unlink(missing_ok=True)  # the index of that log, rebuilt from the store
    except OSError as exc:  # SQLite must not open the store with that log beside it
        raise StoreError(
            f"the write-ahead log {wal_path} is not this store's ({why}) and could not be set aside "
            f"({exc.strerror or exc}); move it away, then start techquiz again"
        ) from exc
    _say(f"the write-ahead log beside {path} was not this store's ({why}); it was set aside as {kept}")


def _open_in_this_process(path: Path) -> bool:
    for conn in list(_open_here.get(str(path.resolve()), ())):
        try:
            conn.total_changes  # noqa: B018 - raises once the connection is closed
        except sqlite3.ProgrammingError:
            continue
        return True
    return False


def in_use(path: Path) -> bool:
    """Whether the store is open, in another process or in this one.

    Every SQLite connection to a WAL database holds a shared POSIX lock on byte 128 of the -shm
    file (its "DMS" slot) while it is open: another process's shows as a conflict. The probe is
    never made on a store this process has open: closing any descriptor of a file drops every
    POSIX lock the process holds on it, SQLite's included."""
    if _open_in_this_process(path):
        return True
    if fcntl is None:  # no POSIX locks (Windows): cannot tell
        return False
    shm = Path(f"{path}-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 128)
        return False
    finally:
        os.close(fd)


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
    _check_file(path)  # before SQLite opens it: ours, not empty with backups, a sane version
    _check_wal(path)  # before SQLite could replay a log that is not this store's
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, factory=_StoreConnection)
    except sqlite3.Error as exc:
        raise StoreError(failure_message(path, exc) or f"cannot open the progress store {path}: {exc}") from exc
    _open_here.setdefault(str(path.resolve()), weakref.WeakSet()).add(conn)
    info = path.stat()
    conn.store_path, conn.store_file = path, (info.st_dev, info.st_ino)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        # Again through the log, which may hold a newer header than the file: nothing is written
        # to a file that is not ours (not even the switch to WAL).
        tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] if version == 0 else 0
        foreign = app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables > 0)
        if foreign or version < 0:
            conn.close()
            raise StoreError(_not_ours(path) if foreign else _bad_version(path, version))
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
                _backup_before_migration(conn, path)
            _migrate(conn)
        has_identity = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'store_identity'").fetchone()
        if app_id != APPLICATION_ID or has_identity is None:
            _adopt(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        message = failure_message(path, exc) if isinstance(exc, sqlite3.OperationalError) else None
        if message is not None:
            raise StoreError(message) from exc
        raise CorruptStoreError(corrupt_message(path, str(exc))) from exc
    return conn


def _backup_before_migration(conn: sqlite3.Connection, path: Path) -> None:
    try:
        backup.make_backup(conn, backup.backup_dir_for(path), reason=f"before-v{SCHEMA_VERSION}")
    except (OSError, sqlite3.Error) as exc:  # no upgrade without a backup; the store stays as it was
        reason = backup.failure_reason(exc)
        raise StoreError(f"could not back up the store before upgrading it ({reason}); nothing was changed") from exc


def _adopt(conn: sqlite3.Connection) -> None:
    """Mark a store techquiz made (new, or from before identities) as ours, with a random store id."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_IDENTITY)
        import secrets  # here: it loads OpenSSL (~1 ms), and only a new store needs an id

        conn.execute("INSERT OR IGNORE INTO store_identity (id, store_id) VALUES (1, ?)", (secrets.token_hex(16),))
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


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
        if isinstance(conn, _StoreConnection) and conn.replaced():  # checked under the write lock
            raise StoreError(
                f"the progress store {conn.store_path} was replaced (by techquiz restore?) while this techquiz had "
                "it open: nothing more is written to the old file. Start techquiz again"
            )
        result = work(conn)
        # Every write carries the identity page into the -wal: a log copied to another store is known.
        conn.execute("UPDATE store_identity SET writes = writes + 1")
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
