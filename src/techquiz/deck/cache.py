"""The parsed-deck cache: an unchanged deck file is never parsed twice.

One entry per deck file, in the user cache folder, keyed by the file's path, size, mtime and a hash
of its content: the size and mtime decide at the cost of one stat; when they differ (a `touch`, a
checkout) the content hash decides whether the file really changed. An entry holds two pickles:

- a small header: the key, the file's problems, and the deck's summary (id, title, settings,
  sub-card count, store fingerprint) — all the home screen and the store sync need;
- the parsed deck, read only when its cards are first used (`CachedDeck`), so starting the app
  with a 20,000-card deck does not build 20,000 card objects before the home screen paints.

Entries are written to a temporary file and renamed, so a crash or a second techquiz never leaves a
half entry; an unreadable or outdated entry is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from techquiz import __version__
from techquiz.deck.model import Deck
from techquiz.deck.result import LoadResult, Problem, read_deck_text

FORMAT = 1  # bump when the entry layout changes; a techquiz version change also invalidates entries
_DECK_FIELDS = tuple(f.name for f in fields(Deck) if f.name != "cards")


def _parse(path: Path, text: str | None = None) -> LoadResult:
    # Imported here: a warm start, where every deck comes from the cache, never loads the YAML parser.
    from techquiz.deck import loader

    return loader.load_deck(path, text)


@dataclass(frozen=True)
class _Header:
    version: str
    path: str
    size: int
    mtime_ns: int
    digest: str
    problems: tuple[Problem, ...]
    summary: dict[str, Any] | None  # the deck's fields but its cards, plus sub-card count and fingerprint


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    # Unpickling builds tens of thousands of small objects; the cyclic GC would scan them again
    # and again while they are made (measured: 0.53 s -> 0.13 s for 20,000 cards).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class CachedDeck(Deck):
    """A deck from the cache: every field at once, its cards when first asked for."""

    def __init__(self, summary: dict[str, Any], load: Callable[[], Deck]) -> None:
        for name in _DECK_FIELDS:
            object.__setattr__(self, name, summary[name])
        # Stored as instance values, so the cached_property of the same name is never computed.
        object.__setattr__(self, "subcard_count", summary["subcard_count"])
        object.__setattr__(self, "fingerprint", summary["fingerprint"])
        object.__setattr__(self, "_load", load)

    def __getattr__(self, name: str) -> Any:
        # Only reached for what __init__ did not set: the cards and the sub-cards.
        if name not in ("cards", "_subcards"):
            raise AttributeError(name)
        deck = self.__dict__["_load"]()
        object.__setattr__(self, "cards", deck.cards)
        object.__setattr__(self, "_subcards", deck.subcards())
        return self.__dict__[name]

    def __reduce__(self) -> Any:  # never pickle the loader: pickle the plain deck
        return (Deck, tuple(getattr(self, f.name) for f in fields(Deck)))

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


class DeckCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _entry(self, path: Path) -> Path:
        return self.folder / (hashlib.sha1(str(path.resolve()).encode()).hexdigest() + ".pickle")

    def load(self, path: Path) -> LoadResult:
        """The file's LoadResult: from the cache when the file is unchanged, else parsed (and cached)."""
        try:
            info = path.stat()
        except OSError:
            return _parse(path)  # reports the missing or unreadable file
        entry = self._entry(path)
        header = self._read_header(entry)
        if header is not None and (header.size, header.mtime_ns) == (info.st_size, info.st_mtime_ns):
            return self._result(path, entry, header)
        data, problem = read_deck_text(path)
        if data is None:
            return LoadResult(path, None, (problem,) if problem else ())
        digest = hashlib.blake2b(data.encode("utf-8"), digest_size=20).hexdigest()
        if header is not None and header.digest == digest:  # touched, not changed
            deck = self._read_deck(entry) if header.summary is not None else None
            if header.summary is None or deck is not None:
                result = LoadResult(path, deck, header.problems)
                self._write(entry, path, info, digest, result)
                return self._result(path, entry, header)
        result = _parse(path, data)
        self._write(entry, path, info, digest, result)
        return result

    def _result(self, path: Path, entry: Path, header: _Header) -> LoadResult:
        if header.summary is None:
            return LoadResult(path, None, header.problems)

        def load() -> Deck:
            deck = self._read_deck(entry)
            if deck is None:  # the entry went away or broke since its header was read: parse again
                deck = _parse(path).deck
                if deck is None:
                    raise RuntimeError(f"{path} changed while in use; reload the decks")
            return deck

        summary = {**header.summary, "path": path}
        return LoadResult(path, CachedDeck(summary, load), header.problems)

    def _read_header(self, entry: Path) -> _Header | None:
        try:
            with entry.open("rb") as f, _gc_paused():
                header = pickle.load(f)
        except Exception:  # a missing, partial or foreign entry is simply a miss
            return None
        if not isinstance(header, _Header) or header.version != f"{__version__}/{FORMAT}":
            return None
        return header

    def _read_deck(self, entry: Path) -> Deck | None:
        try:
            with entry.open("rb") as f, _gc_paused():
                pickle.load(f)  # the header
                deck = pickle.load(f)
        except Exception:
            return None
        return deck if isinstance(deck, Deck) else None

    def _write(self, entry: Path, path: Path, info: os.stat_result, digest: str, result: LoadResult) -> None:
        deck = result.deck
        summary = None
        if deck is not None:
            summary = {name: getattr(deck, name) for name in _DECK_FIELDS}
            summary |= {"subcard_count": deck.subcard_count, "fingerprint": deck.fingerprint}
        header = _Header(
            f"{__version__}/{FORMAT}", str(path.resolve()), info.st_size, info.st_mtime_ns, digest,
            result.problems, summary,
        )  # fmt: skip
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                pickle.dump(header, out, protocol=pickle.HIGHEST_PROTOCOL)
                if deck is not None:
                    deck.subcards()  # kept in the entry: no cloze parsing on the next start
                    plain = Deck(**{f.name: getattr(deck, f.name) for f in fields(Deck)})
                    object.__setattr__(plain, "_subcards", deck.subcards())
                    pickle.dump(plain, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, entry)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temp)  # a cache that cannot be written only costs speed
