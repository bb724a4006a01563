"""Opening a deck file in the user's $EDITOR at a card's line, with the app suspended meanwhile.

Whatever happens (no such editor, a folder, an unbalanced quote in $EDITOR, an editor that fails
or is interrupted), the app comes back and says why: Textual resumes the terminal only when the
body of `App.suspend()` ends without an exception, so nothing may escape it. $EDITOR is split as
words, never given to a shell (`vim; touch x` runs no `touch`), and the file is passed as an
absolute path, so a deck named `+!touch PWNED.yaml` or `-c...` is never read as an option or an
editor command.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SuspendNotSupported

from techquiz.deck.discovery import is_bundled
from techquiz.deck.text import shown

if TYPE_CHECKING:
    from techquiz.tui.app import TechquizApp


class EditorError(Exception):
    """Why the editor could not be used: one line for a notification."""


def editor_command(env: Mapping[str, str], path: Path, line: int) -> list[str]:
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    try:
        words = shlex.split(editor)
    except ValueError as exc:
        raise EditorError(f"$EDITOR '{shown(editor, 200)}' is not a command line ({exc})") from None
    if not words:
        raise EditorError("$EDITOR is blank")
    return [*words, f"+{line}", str(path.resolve())]


def edit(app: App[Any], path: Path, line: int) -> None:
    """Run the editor on `path` at `line` and wait for it. Raises EditorError (the app is running again)."""
    command = editor_command(os.environ, path, line)
    try:
        with app.suspend():
            outcome = _run(command, interactive=True)
    except SuspendNotSupported:  # headless (tests) or a terminal that cannot hand over
        outcome = _run(command, interactive=False)
    if isinstance(outcome, str):
        raise EditorError(outcome)
    if outcome != 0:
        raise EditorError(f"the editor '{shown(command[0], 200)}' exited with status {outcome}")


def _run(command: list[str], *, interactive: bool) -> int | str:
    """The editor's exit status, or why it did not run. Nothing may escape from here: inside
    `suspend()` an exception would leave the terminal suspended."""
    try:
        if interactive:
            return subprocess.run(command, check=False).returncode
        return subprocess.run(command, check=False, stdin=subprocess.DEVNULL, capture_output=True).returncode
    except OSError as exc:
        return f"could not start the editor '{shown(command[0], 200)}': {exc.strerror or exc}"
    except KeyboardInterrupt:
        return "the editor was interrupted"


def editable_path(app: TechquizApp, path: Path) -> Path | None:
    """The file to edit: a bundled deck is copied to the user deck folder first, since a reinstall
    would overwrite the installed file. The copy keeps the deck id, so progress carries on."""
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
