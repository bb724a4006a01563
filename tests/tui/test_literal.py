"""Issue #19 points 1 and 2: deck text reaches Textual only as literal text, with no control
characters, in every place it is shown: palette hits and help text, notifications, titles,
tooltips, table cells, error panels."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.widgets import DataTable, Static

from techquiz.tui.app import TechquizApp
from techquiz.tui.literal import escaped, literal
from techquiz.tui.screens.study import StudyScreen

from .conftest import ALL_TYPES

MakeApp = Callable[..., TechquizApp]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def hostile(victim_dir: Path) -> tuple[str, str]:
    """A deck whose title would write a file if clicked as markup, and breaks a markup parser."""
    title = f"[@click=app.screenshot('victim.svg','{victim_dir}')]Pwn[/] [/ [b]x"
    text = (
        "format: 1\nid: evil\n"
        f'title: "{title}\\e]52;c;aGVsbG8=\\a\\u009b31m"\n'
        "cards:\n"
        '  - {id: a, front: "[@click=app.quit]Q[/] \\e[2J", back: "[/"}\n'
        '  - {id: b, type: cloze, text: "x {{c1::[/]}} \\e]0;title\\a"}\n'
    )
    return title, text


def walk_literal(app: TechquizApp) -> int:
    """Every place on the current screen that can carry deck text: literal and clean. Returns how
    many places held text, so a walk that found nothing fails."""
    seen = 0
    screen = app.screen
    for value in (screen.title or "", screen.sub_title or "", app.title, app.sub_title):
        assert not CONTROL.search(value)
    for widget in screen.walk_children(with_self=True):
        tooltip = widget.tooltip
        if tooltip is not None:
            seen += 1
            assert not isinstance(tooltip, str) or "[" not in tooltip  # a str tooltip is markup
        for part in (widget._border_title, widget._border_subtitle):
            if part is not None:
                seen += 1
                assert not CONTROL.search(part.plain)
        if isinstance(widget, DataTable):
            for row_key in widget.rows:
                for cell in widget.get_row(row_key):
                    seen += 1
                    assert isinstance(cell, Text | Content), f"a table cell as a str is markup: {cell!r}"
                    assert not CONTROL.search(cell.plain)
        if isinstance(widget, Static):
            visual = widget.visual
            plain = visual.plain if isinstance(visual, Content | Text) else str(widget.render())
            seen += 1
            assert not CONTROL.search(plain), plain
    for notification in app._notifications:
        seen += 1
        assert not notification.markup or "[" not in notification.message
        assert not CONTROL.search(notification.message), notification.message
    return seen


async def test_palette_hits_and_help_are_literal_and_never_run_an_action(make_app: MakeApp, tmp_path: Path) -> None:
    title, text = hostile(tmp_path)
    app = make_app({"evil.yaml": text, "all.yaml": ALL_TYPES})
    async with app.run_test(size=(120, 40)) as pilot:
        assert walk_literal(app) > 5
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Pwn")  # a fuzzy search over the titles
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        hits = app.screen.query_one(CommandList)
        prompts = [str(hits.get_option_at_index(i).prompt.plain) for i in range(hits.option_count)]
        assert any(p.startswith(f"Study {title}") for p in prompts), prompts
        assert any("Study the deck evil" in p for p in prompts)  # the help line
        assert not any(CONTROL.search(p) for p in prompts)
        index = next(i for i, p in enumerate(prompts) if p.startswith("Study "))
        hits.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)  # the hit started study...
        assert not list(tmp_path.glob("victim*"))  # ...and no markup action wrote a file
        assert walk_literal(app) > 5
        await pilot.click("#prompt")
        assert app.is_running and not list(tmp_path.glob("victim*"))


async def test_the_palette_with_an_empty_query_lists_deck_commands_literally(make_app: MakeApp, tmp_path: Path) -> None:
    title, text = hostile(tmp_path)
    app = make_app({"evil.yaml": text})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        hits = app.screen.query_one(CommandList)
        prompts = [str(hits.get_option_at_index(i).prompt.plain) for i in range(hits.option_count)]
        assert any(p.startswith(f"Quiz {title}") for p in prompts), prompts


async def test_notifications_titles_and_panels_are_clean(make_app: MakeApp, tmp_path: Path) -> None:
    _title, text = hostile(tmp_path)
    broken = 'format: 1\nid: b\ntitle: B\n"k\\e]52;c;aGVsbG8=\\a[/": 1\ncards: []\n'
    app = make_app({"evil.yaml": text, "bro\x1b[31mken.yaml": broken})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#broken", Static)
        assert "bro[31mken.yaml" in panel.visual.plain  # type: ignore[union-attr]
        (tmp_path / "decks" / "evil.yaml").write_text(text.replace('front: "', 'front: "edited '), encoding="utf-8")
        app._watch_decks()
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Reloaded [@click") for m in messages), messages
        assert walk_literal(app) > 5
        for key, screen_name in (("s", "StatsScreen"), ("t", "QuizScreen")):  # the other screens
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            assert type(app.screen).__name__ == screen_name
            assert walk_literal(app) > 3
            await pilot.press("escape")
            await pilot.pause()
            if type(app.screen).__name__ != "HomeScreen":  # the quiz asks before it ends
                app.pop_screen()
                await pilot.pause()
        assert app.is_running and not list(tmp_path.glob("victim*"))


@given(st.text())
def test_escaped_text_comes_back_from_the_markup_parser_unchanged(value: str) -> None:
    from techquiz.deck.text import clean

    assert Content.from_markup(escaped(value)).plain == clean(value)
    assert literal(value).plain == clean(value)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    # A server of this test's own: sessions on the shared default server are resized and killed by others.
    return subprocess.run(["tmux", "-L", f"tq-literal-{os.getpid()}", *args], capture_output=True, text=True)


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session).stdout


def _wait_for(session: str, text: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _screen(session):
            return True
        time.sleep(0.1)
    return False


def test_in_a_real_terminal_the_palette_shows_a_hostile_title_and_runs_nothing(tmp_path: Path) -> None:
    """Before the fix, ctrl+p with a `[/` title crashed the app, and choosing the hit wrote a file."""
    _, text = hostile(tmp_path)
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "evil.yaml").write_text(text, encoding="utf-8")
    session = f"tq-palette-{os.getpid()}"
    env = (
        f"TECHQUIZ_DATA_DIR={tmp_path / 'data'} TECHQUIZ_NOW=2026-12-01T09:00:00+00:00 "
        f"XDG_CACHE_HOME={tmp_path / 'cache'} XDG_STATE_HOME={tmp_path / 'state'} XDG_CONFIG_HOME={tmp_path / 'cfg'}"
    )
    command = f"cd {tmp_path} && env {env} {sys.executable} -m techquiz --decks decks; sleep 30"
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "30", command)
    try:
        assert _wait_for(session, "[@click=app.screenshot("), _screen(session)  # literal, brackets and all
        _tmux("send-keys", "-t", session, "C-p")
        assert _wait_for(session, "Search for commands"), _screen(session)
        _tmux("send-keys", "-t", session, "-l", "Study [@click")
        # Polled, not read once: the unfiltered list also holds the hit, and a capture can land mid-repaint.
        assert _wait_for(session, "🔎 Study [@click"), _screen(session)
        # The title's tail, which markup would have eaten, shown as written (a long title wraps in the list).
        assert _wait_for(session, "]Pwn[/] [/ [b]x"), _screen(session)
        assert _wait_for(session, "Study the deck evil"), _screen(session)
        _tmux("send-keys", "-t", session, "Enter")
        assert _wait_for(session, "Reveal"), _screen(session)  # the study screen: the hit ran its command
        assert not list(tmp_path.glob("victim*"))
    finally:
        _tmux("kill-server")
