"""`techquiz`, `techquiz study` and `techquiz quiz`: the subcommands that start the Textual app.

Textual itself is imported only inside these functions, so `cli` can register them without
`techquiz decks` or `techquiz stats` paying for the UI (a test checks that).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from techquiz.commands import library_for
from techquiz.config import Config

if TYPE_CHECKING:
    from techquiz.tui.app import StartMode


def home(args: argparse.Namespace, config: Config) -> int:
    return _run(config, "home", [], 10)


def study(args: argparse.Namespace, config: Config) -> int:
    return _run(config, "study", args.deck_refs, 10)


def quiz(args: argparse.Namespace, config: Config) -> int:
    return _run(config, "quiz", args.deck_refs, args.n)


def _run(config: Config, mode: StartMode, refs: list[str], quiz_size: int) -> int:
    from techquiz.tui.app import HOME_BUDGET_SECONDS

    # The home screen shows what is read within its budget; decks named on the command line are waited for.
    library, chosen = library_for(config, refs, HOME_BUDGET_SECONDS if mode == "home" else None)
    from techquiz.store.db import StoreError
    from techquiz.tui.app import TechquizApp

    app = TechquizApp(config, mode, tuple(d.id for d in chosen) if refs else (), quiz_size, library)
    app.run()
    if app.crash is not None:
        error, log = app.crash
        if isinstance(error, StoreError):  # expected failures (disk full, damaged store): their own line
            print(f"techquiz: {error}", file=sys.stderr)
        else:
            print(f"techquiz: unexpected error: {error!r}. Your answers so far are saved. Details are in {log}",
                  file=sys.stderr)  # fmt: skip
        return 1
    return app.return_code or 0
