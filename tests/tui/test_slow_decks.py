"""Issue #19 point 3: one deck must never stop the others. A deck that takes too long to read is
shown as "still loading" (then "too slow") while the rest are studied, and appears when read."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from techquiz.config import Config
from techquiz.deck import discovery
from techquiz.deck.cache import DeckCache
from techquiz.deck.result import LoadResult
from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.study import StudyScreen

from .conftest import NOW

FAST = "format: 1\nid: fast\ntitle: Fast deck\ncards:\n  - {id: a, front: q, back: a}\n"
SLOW = "format: 1\nid: slow\ntitle: Slow deck\ncards:\n  - {id: a, front: q, back: a}\n"


class HeldCache(DeckCache):
    """Reading slow.yaml waits until the test lets it go: a deck that takes as long as we like."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.release = threading.Event()

    def load(self, path: Path) -> LoadResult:
        if path.name == "slow.yaml":
            self.release.wait(timeout=60)
        return super().load(path)


@pytest.fixture
def held(tmp_path: Path) -> tuple[Path, HeldCache]:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "fast.yaml").write_text(FAST, encoding="utf-8")
    (folder / "slow.yaml").write_text(SLOW, encoding="utf-8")
    return folder, HeldCache(tmp_path / "cache")


def test_a_library_with_a_budget_returns_the_slow_deck_as_pending(held: tuple[Path, HeldCache]) -> None:
    folder, cache = held
    library = discovery.load_library([folder], cache=cache, budget=0.2)
    assert [d.id for d in library.decks] == ["fast"]
    assert [p.path.name for p in library.pending] == ["slow.yaml"]
    cache.release.set()
    assert library.pending[0].future.result(timeout=30).deck is not None


async def test_home_shows_a_slow_deck_as_loading_and_the_others_work(
    held: tuple[Path, HeldCache], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, cache = held
    library = discovery.load_library([folder], cache=cache, budget=0.2)
    config = Config(tmp_path / "data", (folder,), lambda: NOW)
    app = TechquizApp(config, library=library, rng=random.Random(1))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert rows == ["Fast deck", "slow.yaml (still loading…)"]
        monkeypatch.setattr(discovery, "TOO_SLOW_SECONDS", 0.0)
        app._check_pending()
        await pilot.pause()
        rows = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert rows[-1] == "slow.yaml (too slow: still reading)"
        await pilot.press("down", "enter")  # the slow deck cannot be studied yet
        await pilot.pause()
        assert not isinstance(app.screen, StudyScreen)
        await pilot.press("up", "enter")  # the fast one can
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        await pilot.press("q")
        await pilot.pause()
        cache.release.set()
        library.pending[0].future.result(timeout=30)
        app._check_pending()
        await pilot.pause()
        assert sorted(d.id for d in app.library.decks) == ["fast", "slow"] and not app.pending


async def test_home_says_the_decks_are_being_read_while_every_one_is(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "slow.yaml").write_text(SLOW, encoding="utf-8")
    cache = HeldCache(tmp_path / "cache")
    library = discovery.load_library([folder], cache=cache, budget=0.2)
    app = TechquizApp(Config(tmp_path / "data", (folder,), lambda: NOW), library=library, rng=random.Random(1))
    async with app.run_test(size=(80, 24)) as pilot:
        assert str(app.screen.query_one("#greeting", Static).render()) == "Reading the deck files…"
        cache.release.set()
        library.pending[0].future.result(timeout=30)
        app._check_pending()
        await pilot.pause()
        assert "card(s) to study today" in str(app.screen.query_one("#greeting", Static).render())
