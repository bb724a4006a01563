"""Issue #19 point 7: whatever $EDITOR is, the app comes back and says why; a deck's file name is
never read as an editor option or command. The terminal cases run in tmux (a real suspend)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from techquiz.tui import editor
from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.study import StudyScreen

MakeApp = Callable[..., TechquizApp]
DECK = "format: 1\nid: e\ntitle: E\ncards:\n  - {id: a, front: Question one, back: Answer one}\n"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("/no/such/editor", "could not start the editor '/no/such/editor': No such file or directory"),
        ("{folder}", "could not start the editor '{folder}': Permission denied"),
        ("vim; touch {folder}/x", "could not start the editor 'vim;': No such file or directory"),
        ("vim 'unbalanced", "$EDITOR 'vim 'unbalanced' is not a command line (No closing quotation)"),
        ("   ", "$EDITOR is blank"),
        ("false", "the editor 'false' exited with status 1"),
    ],
)
async def test_an_editor_that_cannot_run_is_reported_and_the_app_goes_on(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, why: str
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", value.format(folder=folder))
    app = make_app({"e.yaml": DECK}, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert [n.message for n in app._notifications] == [why.format(folder=folder)]
        assert isinstance(app.screen, StudyScreen) and app.is_running
        await pilot.press("space", "3")  # and study goes on
        await pilot.pause()
    assert not (folder / "x").exists()


def test_a_file_name_is_passed_as_an_absolute_path_after_the_line(tmp_path: Path) -> None:
    odd = tmp_path / "+!touch PWNED.yaml"
    command = editor.editor_command({"EDITOR": "vim -u NONE"}, Path(os.path.relpath(odd)), 5)
    assert command == ["vim", "-u", "NONE", "+5", str(odd)]  # starts with '/': never an option or +command


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("case", ["missing", "pwned-name"])
def test_in_a_real_terminal_the_app_resumes_after_the_editor(tmp_path: Path, case: str) -> None:
    """Before the fix, an editor that could not start left the app suspended (blank screen), and
    vim ran `!touch PWNED` from a deck file named `+!touch PWNED.yaml`."""
    if case == "pwned-name" and shutil.which("vim") is None:
        pytest.skip("vim is not installed")
    decks = tmp_path / "decks"
    decks.mkdir()
    name = "+!touch PWNED.yaml" if case == "pwned-name" else "e.yaml"
    (decks / name).write_text(DECK, encoding="utf-8")
    session = f"tq-editor-{os.getpid()}-{case}"
    env = {
        "TECHQUIZ_DATA_DIR": str(tmp_path / "data"),
        "TECHQUIZ_NOW": "2026-12-01T09:00:00+00:00",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "EDITOR": "/no/such/editor" if case == "missing" else "vim -u NONE -n",
        "VISUAL": "",
    }
    exports = " ".join(f"{k}='{v}'" for k, v in env.items())
    # Run from the deck's folder and name the file as it is: the editor once got `+!touch PWNED.yaml`.
    command = f"cd {decks} && env {exports} {sys.executable} -m techquiz study {shlex.quote(name)}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True)
    try:
        assert _wait_for(session, "Question one"), _screen(session)
        subprocess.run(["tmux", "send-keys", "-t", session, "e"], check=True)
        if case == "pwned-name":
            assert _wait_for(session, "83 bytes"), _screen(session)  # vim opened the deck file itself
            subprocess.run(["tmux", "send-keys", "-t", session, "Enter", "Escape", ":q!", "Enter"], check=True)
            assert _wait_for(session, "Question one"), _screen(session)  # the app is back
            assert not (tmp_path / "PWNED").exists() and not (decks / "PWNED").exists()
        else:
            assert _wait_for(session, "could not start the editor"), _screen(session)
            assert "Question one" in _screen(session)  # resumed: the card is on screen again
        subprocess.run(["tmux", "send-keys", "-t", session, "space", "3"], check=True)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def _screen(session: str) -> str:
    done = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True)
    return done.stdout


def _wait_for(session: str, text: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _screen(session):
            return True
        time.sleep(0.1)
    return False
