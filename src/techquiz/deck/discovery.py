"""Finding deck files and loading them all, so that one broken deck never hides the others."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from techquiz.config import bundled_decks_dir
from techquiz.deck.cache import DeckCache
from techquiz.deck.model import Deck
from techquiz.deck.result import LoadResult, Problem

DECK_SUFFIXES = (".yaml", ".yml")
# A deck still being read after this long is "too slow" on the home screen (it goes on loading,
# and appears if it ever finishes); the others were usable long before.
TOO_SLOW_SECONDS = 20.0
_READERS = 4  # decks read at once when a time budget is given, so one slow file never queues the rest


def deck_files(folder: Path) -> list[Path]:
    """Deck files in a folder and its subfolders, in a stable order. A missing folder has none."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in DECK_SUFFIXES and p.is_file())


@dataclass(frozen=True)
class PendingDeck:
    """A deck file still being read when the time budget ran out: shown as "still loading"."""

    path: Path
    future: Future[LoadResult]
    started: float  # time.monotonic()

    def too_slow(self, now: float | None = None) -> bool:
        return (now if now is not None else time.monotonic()) - self.started > TOO_SLOW_SECONDS


@dataclass(frozen=True)
class Library:
    """Every deck found, and every file that could not be loaded with why (and, with a time
    budget, those still being read)."""

    decks: tuple[Deck, ...]
    results: tuple[LoadResult, ...]
    pending: tuple[PendingDeck, ...] = field(default=())

    @property
    def broken(self) -> tuple[LoadResult, ...]:
        return tuple(r for r in self.results if r.deck is None or r.errors)

    def result_for(self, path: Path) -> LoadResult | None:
        target = path.resolve()
        return next((r for r in self.results if r.path.resolve() == target), None)

    def find(self, ref: str) -> Deck | None:
        """A deck by id, or by the path of its file."""
        for deck in self.decks:
            if deck.id == ref:
                return deck
        target = Path(ref).expanduser().resolve()
        for deck in self.decks:
            if deck.path.resolve() == target:
                return deck
        return None


def is_bundled(path: Path) -> bool:
    """Whether a deck file is one of those shipped with techquiz (a reinstall overwrites them)."""
    return path.resolve().is_relative_to(bundled_decks_dir().resolve())


def load_library(
    folders: Iterable[Path], files: Iterable[Path] = (), cache: DeckCache | None = None, budget: float | None = None
) -> Library:
    """Load the decks of every folder and every named file (see `assemble` for which deck wins),
    through the parsed-deck cache when one is given.

    With a `budget` (seconds), decks are read in worker threads and those not read by then are
    returned as `pending`, still loading: the home screen shows the rest at once."""
    paths: list[Path] = []
    seen: set[Path] = set()
    for path in [*(f for folder in folders for f in deck_files(folder)), *files]:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            paths.append(path)
    if budget is not None and paths:
        return _load_within(paths, cache, budget)
    if cache is not None:
        return assemble(cache.load(path) for path in paths)
    from techquiz.deck.loader import load_deck  # the YAML parser: only when something is parsed

    return assemble(load_deck(path) for path in paths)


def _load_within(paths: list[Path], cache: DeckCache | None, budget: float) -> Library:
    read: Callable[[Path], LoadResult]
    if cache is not None:
        read = cache.load  # a warm start never imports the YAML parser (~15 ms)
    else:
        from techquiz.deck.loader import load_deck

        read = load_deck
    started = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=min(_READERS, len(paths)), thread_name_prefix="techquiz-deck")
    futures = [pool.submit(read, path) for path in paths]
    pool.shutdown(wait=False)  # the threads finish the queued decks, then end
    wait(futures, timeout=budget)
    library = assemble(f.result() for f in futures if f.done())
    pending = tuple(PendingDeck(p, f, started) for p, f in zip(paths, futures, strict=True) if not f.done())
    return Library(library.decks, library.results, pending)


def assemble(loaded: Iterable[LoadResult]) -> Library:
    """A library from loaded files: the first deck with an id wins, except a bundled deck, which
    the user's own copy of it (same id; `e` makes one) replaces."""
    decks: list[Deck] = []
    results: list[LoadResult] = []
    by_id: dict[str, Deck] = {}
    for result in loaded:
        deck, path = result.deck, result.path
        if deck is not None and deck.id in by_id and is_bundled(by_id[deck.id].path) and not is_bundled(path):
            shadowed = by_id[deck.id]
            decks = [deck if d is shadowed else d for d in decks]
            by_id[deck.id] = deck
        elif deck is not None and deck.id in by_id:
            first = by_id[deck.id]
            pos = deck.id_position
            clash = Problem(path, pos.line, pos.column, f"deck id '{deck.id}' is already used by {first.path}")
            result = LoadResult(path, None, (*result.problems, clash))
        elif deck is not None:
            by_id[deck.id] = deck
            decks.append(deck)
        results.append(result)
    return Library(tuple(decks), tuple(results))


Stamp = tuple[int, int]  # (mtime in ns, size)


class DeckWatcher:
    """Which deck files were saved, added or deleted since the last look: a stat per file, so it
    is cheap enough to run every second while the app is open."""

    def __init__(self, folders: Iterable[Path], files: Iterable[Path] = ()) -> None:
        self.folders = tuple(folders)
        self.files = tuple(files)
        self.stamps = self._scan()

    def _scan(self) -> dict[Path, Stamp]:
        stamps: dict[Path, Stamp] = {}
        for path in [*(f for folder in self.folders for f in deck_files(folder)), *self.files]:
            try:
                info = path.stat()
            except OSError:
                continue  # deleted between the listing and the stat: reported as gone
            stamps[path.resolve()] = (info.st_mtime_ns, info.st_size)
        return stamps

    def changes(self) -> tuple[list[Path], list[Path]]:
        """(saved or new files, deleted files) since the last call."""
        now = self._scan()
        changed = [p for p, stamp in now.items() if self.stamps.get(p) != stamp]
        gone = [p for p in self.stamps if p not in now]
        self.stamps = now
        return changed, gone
