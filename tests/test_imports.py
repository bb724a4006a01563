"""What a command loads: `techquiz decks` on a warm cache must not pay for the YAML parser or the UI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import BUNDLED

PROBE = (
    "import sys, json; from techquiz.cli import main; code = main(['decks', '--json']); "
    "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'textual', 'rich'})), file=sys.stderr); "
    "sys.exit(code)"
)


def _decks_in_a_fresh_process() -> tuple[dict[str, object], list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=dict(os.environ), check=True
    )
    return json.loads(done.stdout), json.loads(done.stderr.strip().splitlines()[-1])


def test_decks_on_a_warm_cache_imports_neither_yaml_nor_textual() -> None:
    cold, cold_modules = _decks_in_a_fresh_process()  # parses the bundled decks into the cache
    assert "yaml" in cold_modules  # the probe can see a parse: the warm check below can fail
    warm, warm_modules = _decks_in_a_fresh_process()
    decks = warm["decks"]
    assert warm == cold and isinstance(decks, list) and len(decks) == len(list(BUNDLED.glob("*.yaml")))
    assert warm_modules == []


HOME_PROBE = """
import asyncio, sys
from techquiz.config import Config
from techquiz.tui.app import TechquizApp

async def main():
    app = TechquizApp(Config.from_env())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        loaded = {m.split(".")[0] if m.startswith("yaml") else m for m in sys.modules
                  if m.startswith(("techquiz.study", "techquiz.srs", "fsrs", "yaml", "techquiz.deck.cards"))}
        print(sorted(loaded | ({"HomeScreen"} if type(app.screen).__name__ == "HomeScreen" else set())))

asyncio.run(main())
"""


def _home_in_a_fresh_process() -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", HOME_PROBE], capture_output=True, text=True, env=dict(os.environ), check=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1].replace("'", '"'))
    return loaded


def test_the_home_screen_shows_before_the_session_scheduler_yaml_and_cards_load() -> None:
    # What the comment in tui/app.py promises: study code loads when study starts; and a warm
    # start reads deck headers from the cache without importing the YAML parser or the card classes.
    assert set(_home_in_a_fresh_process()) <= {"HomeScreen", "yaml", "techquiz.deck.cards"}  # the first may parse
    assert _home_in_a_fresh_process() == ["HomeScreen"]
