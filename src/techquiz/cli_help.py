"""What `techquiz COMMAND --help` says beyond the options: a description and examples for each command.

Kept out of cli.py so that adding a command there stays a few lines; tests/test_cli_unix.py checks
that every command has its entry here.
"""

from __future__ import annotations

# command -> (description, examples); the examples are shown as written (RawDescriptionHelpFormatter).
HELP: dict[str, tuple[str, str]] = {
    "study": (
        "Study decks with spaced repetition (FSRS): due reviews, cards in learning and new cards up to "
        "each deck's daily limit. Every answer is saved before the next card shows.",
        """\
  techquiz study                          every deck
  techquiz study tech-opening-up-figures  one deck, by id
  techquiz study ~/decks/french.yaml      a deck file, even outside your deck folders
  techquiz study --search 'prop:due<=7'   custom study of a search: review ahead (a preview)
  techquiz study --search 'rated:1:1'     the cards you forgot today, once more""",
    ),
    "quiz": (
        "A scored quiz of N questions picked at random from the decks. Your study schedule is not "
        "touched; the score is kept for `techquiz stats`.",
        """\
  techquiz quiz                       10 questions from every deck
  techquiz quiz -n 25 my-deck         25 questions from one deck""",
    ),
    "stats": (
        "Statistics of your reviews: today, streaks, retention, card states, forecast, hardest cards "
        "and quizzes, and how well FSRS predicts your memory, as plain-text tables or as JSON (the fields "
        "are in docs/stats.md).",
        """\
  techquiz stats                      all decks, as tables
  techquiz stats my-deck              one deck
  techquiz stats --json | jq .retention""",
    ),
    "optimize": (
        "Fit each deck's FSRS parameters to your own reviews (Anki's optimizer engine). The oldest 70% of "
        "the reviews fit them, the newest 30% judge them: they are adopted only if they predict those "
        "reviews better than the current ones on both log loss and RMSE; otherwise the current ones stay "
        "and the reason is printed. Details in docs/scheduling.md.",
        """\
  techquiz optimize                   every deck
  techquiz optimize my-deck --dry-run what a fit would do, saving nothing
  techquiz optimize --json | jq '.decks[] | {deck, applied, reason}'""",
    ),
    "decks": (
        "List the decks found (bundled, your deck folder, --decks folders) with their card, new, "
        "learning and due counts; files that could not be loaded are listed on stderr with why.",
        """\
  techquiz decks
  techquiz decks --json | jq '.decks[].id'
  techquiz --decks ~/more-decks decks""",
    ),
    "validate": (
        "Check deck files, or every *.yaml / *.yml file in folders. Every problem is one line "
        "FILE:LINE:COL: message; the exit status is 1 when any file has errors.",
        """\
  techquiz validate my-deck.yaml
  techquiz validate decks/
  techquiz validate --add-ids my-deck.yaml   write ids into cards that lack them""",
    ),
    "schema": (
        "Print the JSON Schema of the deck format, for completion and checking in your editor.",
        """\
  techquiz schema > deck.schema.json""",
    ),
    "new": (
        "Write a commented starter deck with one card of each type to PATH. An existing file is "
        "never overwritten; a missing folder is created (and said so).",
        """\
  techquiz new my-deck.yaml
  techquiz new ~/.local/share/techquiz/decks/french.yaml""",
    ),
    "draft": (
        "Draft a deck of cloze and typed cards from a plain-text article (not a deck, not a binary "
        "file): sentences with figures, years and names become questions. Read and edit the draft "
        "before you study it.",
        """\
  techquiz draft article.txt                 writes article.yaml beside it
  techquiz draft article.txt -o decks/news.yaml""",
    ),
    "import": (
        "Import an Anki package (.apkg or .colpkg, with its review history and schedules) or a "
        "Quizlet / CSV / TSV file (term, definition, tags) as YAML decks in your deck folder. Nothing "
        "is written when the file is damaged; importing again updates the decks without duplicates. "
        "What maps to what: docs/import-export.md.",
        """\
  techquiz import ~/Downloads/French.apkg    needs pip install 'techquiz[anki]' for Anki 2.1.50+
  techquiz import vocab.txt                  a Quizlet export, or CSV/TSV
  techquiz import deck.apkg --into ~/decks --json""",
    ),
    "export": (
        "Export decks to an Anki package, with their schedules and full review log (or without, "
        "--no-history), or to CSV rows of front, back and tags. Choice, typed, true/false and order "
        "cards become Basic notes with the answer on the back.",
        """\
  techquiz export lang::french --anki french.apkg
  techquiz export my-deck other-deck --anki both.apkg --no-history
  techquiz export my-deck --csv my-deck.csv""",
    ),
    "restore": (
        "Put a backup of your progress back in place. It first shows the backup and the store it "
        "would replace (date and reviews of each) and asks; --yes skips the question, for scripts. "
        "The current store is kept beside it (progress.sqlite3.replaced-TIME), never deleted, and a "
        "store another techquiz has open is not replaced.",
        """\
  techquiz restore                           the newest backup (asks first)
  techquiz restore progress-20261201-090000.sqlite3
  techquiz restore --yes                     from a script: no question""",
    ),
    "serve": (
        "Serve techquiz to a browser (a phone too), on the same decks and progress: one app per tab. "
        "Prints a URL with a secret token; every other path is 404. Only this computer can connect "
        "unless --host says otherwise, and then a warning is printed: the connection is plain HTTP. "
        "Ctrl+C stops the server and the sessions. Needs the [web] extra (docs/serve.md).",
        """\
  techquiz serve                      http://127.0.0.1:8000/<token>/, this computer only
  techquiz serve --port 0             any free port (printed)
  techquiz serve --host 0.0.0.0       your home network too, e.g. a phone on the same Wi-Fi""",
    ),
    "cards": (
        "Find cards with Anki's search syntax (docs/search.md) and list them, as a table or as JSON, "
        "or act on every match in one transaction: suspend, unsuspend, bury, forget, set the due "
        "date. An action can be undone with u on the browse screen.",
        """  techquiz cards is:due                         what is due today
  techquiz cards 'deck:tech-* prop:r<0.7'       studied cards you have likely forgotten
  techquiz cards '"highly cited"' --json        a phrase, as JSON records
  techquiz cards 'tag:policy' --suspend         suspend every match
  techquiz cards 'prop:lapses>4' --due 3-7      due again on a random day 3 to 7 days away
  techquiz cards -- -tag:none                   a query that starts with a minus""",
    ),
}
