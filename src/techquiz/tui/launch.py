"""`techquiz`, `techquiz study` and `techquiz quiz`: the subcommands that start the Textual app.

Textual itself is imported only inside these functions, so `cli` can register them without
`techquiz decks` or `techquiz stats` paying for the UI (a test checks that).
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import TYPE_CHECKING

from techquiz.commands import library_for
from techquiz.config import Config
from techquiz.errors import UserError

if TYPE_CHECKING:
    from techquiz.tui.app import StartMode


def home(args: argparse.Namespace, config: Config) -> int:
    return _run(config, "home", [], 10)


def study(args: argparse.Namespace, config: Config) -> int:
    search: str | None = args.search
    if args.reschedule and search is None:
        raise UserError("--reschedule goes with --search (a search's cards not yet due are otherwise a preview)")
    if search is not None:
        from techquiz.search import SearchError, parse

        try:
            parse(search)  # a mistake is one line here, before the screen is taken
        except SearchError as exc:
            raise UserError(f"search {search!r}: {exc}") from None
    return _run(config, "study", args.deck_refs, 10, search, args.reschedule)


def quiz(args: argparse.Namespace, config: Config) -> int:
    return _run(config, "quiz", args.deck_refs, args.n)


def _run(
    config: Config,
    mode: StartMode,
    refs: list[str],
    quiz_size: int,
    search: str | None = None,
    reschedule: bool = False,
) -> int:
    # Importing Textual and building the first screen allocate ~10^5 objects and no garbage worth a
    # collection: the cyclic GC would run dozens of times for nothing (~10 ms of the first paint).
    # The app starts it again after that paint (tui/app.py, resume_gc); the finally covers a failed start.
    gc.disable()
    try:
        return _start(config, mode, refs, quiz_size, search, reschedule)
    finally:
        gc.enable()


def _start(
    config: Config, mode: StartMode, refs: list[str], quiz_size: int, search: str | None, reschedule: bool
) -> int:
    from techquiz.tui.app import HOME_BUDGET_SECONDS

    # The home screen shows what is read within its budget; decks named on the command line are waited for.
    library, chosen = library_for(config, refs, HOME_BUDGET_SECONDS if mode == "home" else None)
    from techquiz.store.db import StoreError
    from techquiz.tui.app import TechquizApp

    if search is not None and refs:  # the search, within the decks named
        from techquiz.search import deck_term

        search = f"({search}) ({' or '.join(deck_term(d.id) for d in chosen)})"
    refs_chosen = tuple(d.id for d in chosen) if refs else ()
    app = TechquizApp(config, mode, refs_chosen, quiz_size, library, search=search, reschedule=reschedule)
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
