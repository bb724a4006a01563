"""Finding deck files and loading them all, so that one broken deck never hides the others."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from techquiz.config import bundled_decks_dir
from techquiz.deck.cache import DeckCache
from techquiz.deck.model import Deck
from techquiz.deck.result import LoadResult, Problem

DECK_SUFFIXES = (".yaml", ".yml")


def deck_files(folder: Path) -> list[Path]:
    """Deck files in a folder and its subfolders, in a stable order. A missing folder has none."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in DECK_SUFFIXES and p.is_file())


@dataclass(frozen=True)
class Library:
    """Every deck found, and every file that could not be loaded with why."""

    decks: tuple[Deck, ...]
    results: tuple[LoadResult, ...]

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


def load_library(folders: Iterable[Path], files: Iterable[Path] = (), cache: DeckCache | None = None) -> Library:
    """Load the decks of every folder and every named file (see `assemble` for which deck wins),
    through the parsed-deck cache when one is given."""
    paths: list[Path] = []
    seen: set[Path] = set()
    for path in [*(f for folder in folders for f in deck_files(folder)), *files]:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            paths.append(path)
    if cache is not None:
        return assemble(cache.load(path) for path in paths)
    from techquiz.deck.loader import load_deck  # the YAML parser: only when something is parsed

    return assemble(load_deck(path) for path in paths)


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
