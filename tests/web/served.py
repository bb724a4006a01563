"""A `techquiz serve` process on a temporary data dir, and what a browser tab shows of it.

The browser draws the terminal on a canvas, so the tests read the screen the way the browser got it:
the bytes of the websocket, replayed into a pyte terminal of the size the page asked for.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyte

URL_LINE = re.compile(r"techquiz is served at (http://\S+/)")
START_SECONDS = 20.0  # a generous ceiling for a loaded CI machine; the poll ends as soon as it is met


def serve_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TECHQUIZ_")}
    env.update(
        TECHQUIZ_DATA_DIR=str(root / "data"),
        TECHQUIZ_NOW="2026-12-01T09:00:00+00:00",
        TZ="UTC",
        XDG_CACHE_HOME=str(root / "cache"),
        XDG_STATE_HOME=str(root / "state"),
        XDG_CONFIG_HOME=str(root / "config"),
    )
    return env


@dataclass
class Served:
    """A running `techquiz serve`; its output goes to a file the tests read."""

    process: subprocess.Popen[bytes]
    log: Path
    store: Path
    url: str = ""

    @classmethod
    def start(cls, root: Path, *args: str) -> Served:
        root.mkdir(parents=True, exist_ok=True)
        log = root / "serve.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "techquiz", "serve", "--port", "0", *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=serve_env(root),
                cwd=root,
            )
        served = cls(process, log, root / "data" / "progress.sqlite3")
        served.url = served.wait_for(URL_LINE).group(1)
        return served

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: re.Pattern[str]) -> re.Match[str]:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            found = pattern.search(self.output())
            if found:
                return found
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {pattern.pattern!r} in the server's output:\n{self.output()}")

    @property
    def base(self) -> str:
        """The server's address without the token."""
        return self.url.rsplit("/", 2)[0]

    def children(self) -> list[int]:
        """Every process below the server (the app of each session, and its shell if any)."""
        found: list[int] = []
        todo = [self.process.pid]
        while todo:
            pid = todo.pop()
            try:
                kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            found += [int(k) for k in kids]
            todo += [int(k) for k in kids]
        return found

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)

    def reviews(self) -> list[tuple[str, str, int]]:
        """(deck id, card id, rating) of every review in the store, oldest first."""
        if not self.store.exists():
            return []
        conn = sqlite3.connect(self.store)
        try:
            rows = conn.execute(
                "SELECT c.deck_id, c.card_id, r.rating FROM review_log r JOIN cards c ON c.id = r.card ORDER BY r.id"
            ).fetchall()
        finally:
            conn.close()
        return [(str(d), str(c), int(r)) for d, c, r in rows]


@dataclass
class TerminalView:
    """The terminal a page shows, rebuilt from its websocket traffic."""

    screen: pyte.Screen = field(default_factory=lambda: pyte.Screen(80, 24))

    def __post_init__(self) -> None:
        self.stream = pyte.ByteStream(self.screen)

    def attach(self, page: Any) -> None:
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws: Any) -> None:
        ws.on("framesent", self._sent)
        ws.on("framereceived", self._received)

    def _sent(self, payload: str | bytes) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def find(self, needle: str) -> tuple[int, int] | None:
        """(column, row) of the first cell of `needle` on the screen."""
        for row, line in enumerate(self.screen.display):
            col = line.find(needle)
            if col >= 0:
                return col, row
        return None


def wait_until(page: Any, condition: Any, what: str, seconds: float = START_SECONDS) -> None:
    """Let the page run (its events feed the TerminalView) until `condition()` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(50)
