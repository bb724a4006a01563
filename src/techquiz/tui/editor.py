"""`e`: open a card's deck file in $EDITOR at the card's line, then reload the decks.

A bundled deck is copied to the user deck folder first (a reinstall would overwrite the installed
file); the copy keeps the deck id, so progress carries on. The study screen has its own copy of
these steps (it is being rewritten elsewhere); the two should become this one.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from techquiz.deck.discovery import is_bundled
from techquiz.deck.model import Deck, Position

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp


def _editable_path(app: TechquizApp, path: Path) -> Path | None:
    if not is_bundled(path):
        return path
    copy = app.config.user_decks_dir / path.name
    try:
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
    except OSError as exc:
        app.notify(f"Could not copy the deck to {copy}: {exc.strerror}", severity="error", markup=False)
        return None
    app.notify(f"Editing your own copy of this bundled deck: {copy}", markup=False, timeout=6)
    return copy


def edit_card(app: TechquizApp, position: Position) -> Deck | None:
    """Edit the file at the card's line; returns the deck as reloaded (None when it now has errors)."""
    path = _editable_path(app, position.path)
    if path is None:
        return None
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    command = [*shlex.split(editor), f"+{position.line}", str(path)]
    try:
        try:
            with app.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:  # headless (tests) or a terminal that cannot hand over
            subprocess.run(command, check=False, stdin=subprocess.DEVNULL, capture_output=True)
    except OSError as exc:
        app.notify(f"Could not run {editor}: {exc.strerror}", severity="error", markup=False)
        return None
    app.reload_library()
    result = app.library.result_for(path)
    if result is None or result.deck is None:
        lines = "\n".join(str(p) for p in result.errors[:5]) if result else f"{path} is gone"
        app.notify(f"The deck has errors; keeping the last good version.\n{lines}", severity="error",
                   markup=False, timeout=10)  # fmt: skip
        return None
    return result.deck
