from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "decks"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data dir and a fixed clock; the real home is never touched."""
    data = tmp_path / "data"
    monkeypatch.setenv("TECHQUIZ_DATA_DIR", str(data))
    monkeypatch.setenv("TECHQUIZ_NOW", "2026-12-01T09:00:00+00:00")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()  # "today" (04:00 local) must not depend on the machine's zone
    monkeypatch.delenv("TECHQUIZ_DECKS", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield data


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "deck.yaml") -> Path:
        path = tmp_path / "decks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
