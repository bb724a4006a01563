"""The CLI behaves like a good Unix tool: quiet in a closed pipe, helpful --help, clear refusals."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from techquiz.cli import build_parser, main
from techquiz.cli_help import HELP
from techquiz.crashlog import log_path

from .decktext import basic, deck_yaml


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: --help and usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv", [["stats"], ["decks"], ["schema"], ["stats", "--json"]])
def test_output_into_a_closed_pipe_ends_quietly(argv: list[str]) -> None:
    # `techquiz stats | head -1`: the reader is gone before techquiz writes (its end of the pipe
    # is closed before the process starts), so the first write fails with EPIPE every time.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "techquiz", *argv], stdout=write_end, stderr=subprocess.PIPE, text=True, check=False
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")
    assert not log_path().exists()  # nothing was "unexpected"


def test_a_pipe_that_stays_open_gets_everything() -> None:
    done = subprocess.run([sys.executable, "-m", "techquiz", "schema"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("{") and done.stdout.rstrip().endswith("}")


def test_every_command_has_a_description_and_examples_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = next(a.choices for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands) == set(HELP)  # a new command needs its entry in cli_help.py
    for name in commands:
        code, out, _ = run(capsys, name, "--help")
        description, examples = HELP[name]
        assert code == 0 and description.split()[0] in out
        assert "examples:\n" in out and examples.splitlines()[0] in out  # kept as written, not re-wrapped
        assert all(len(line) <= 80 for line in out.splitlines() if not line.startswith("  techquiz")), name


def test_a_decks_folder_that_does_not_exist_is_a_warning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    code, out, err = run(capsys, "--decks", str(missing), "decks")
    assert code == 0 and "tech-opening-up" in out  # the other decks still load
    assert err == f"techquiz: warning: --decks {missing}: no such folder; no decks loaded from it\n"
    a_file = tmp_path / "deck.yaml"
    a_file.write_text(deck_yaml("d", basic("a", "q", "b")), encoding="utf-8")
    assert run(capsys, "decks", "--decks", str(a_file))[2].startswith(
        f"techquiz: warning: --decks {a_file}: not a folder"
    )
    folder = tmp_path / "real"
    folder.mkdir()
    assert run(capsys, "decks", "--decks", str(folder))[2] == ""


def test_new_says_when_it_creates_the_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "fresh" / "sub" / "my-deck.yaml"
    code, out, _ = run(capsys, "new", str(target))
    assert code == 0 and out.splitlines()[0] == f"Created the folder {target.parent}" and target.is_file()
    code, out, _ = run(capsys, "new", str(target.parent / "second.yaml"))
    assert code == 0 and "Created the folder" not in out


def test_draft_refuses_a_deck_or_a_binary_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    yaml_file = tmp_path / "my-deck.yaml"
    yaml_file.write_text(deck_yaml("d", basic("a", "q", "b")), encoding="utf-8")
    deck_as_txt = tmp_path / "deck.txt"
    deck_as_txt.write_text(deck_yaml("d", basic("a", "q", "b")), encoding="utf-8")
    picture = tmp_path / "photo.txt"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    for path, says in [
        (yaml_file, "is a YAML file; draft reads a plain-text article"),
        (deck_as_txt, "is a deck, not an article"),
        (picture, "is a binary file, not a plain-text article"),
    ]:
        code, out, err = run(capsys, "draft", str(path))
        assert code == 1 and out == "" and err.startswith(f"techquiz: {path} {says}"), err
        assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.txt", "my-deck.yaml", "photo.txt"]  # nothing written


def test_help_examples_name_only_decks_that_ship(capsys: pytest.CaptureFixture[str]) -> None:
    # A user copies `techquiz study tech-opening-up...` from --help: it must name a bundled deck.
    code, out, _ = run(capsys, "decks", "--json")
    shipped = {d["id"] for d in json.loads(out)["decks"]}
    named = {word for _, examples in HELP.values() for word in examples.split() if word.startswith("tech-opening")}
    assert code == 0 and named and named <= shipped
