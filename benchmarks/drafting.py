"""How good `techquiz draft` is on real documents nobody here wrote (tests/authoring/articles/SOURCES.md).

For each document: items drafted (cards to study, a cloze's deletions counted one by one), the share
whose source is a whole sentence of the document, the share with the answer in the prompt, duplicate
items, answers that are a piece of a larger figure, items from a table or code, the longest prompt in
words, the share a careful author would keep as drafted (of the items rated by hand in
drafting_ratings.tsv; an item drafted differently since is "unrated"), and the time to draft.
Checks: tests/authoring/draft_checks.py (they read the raw document).

Run: python benchmarks/drafting.py [--show]   (--show prints every card, for rating by hand)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.authoring import draft_checks as check  # noqa: E402

from techquiz.authoring.draft import DraftCard, draft_cards, read_article  # noqa: E402

ARTICLES = ROOT / "tests" / "authoring" / "articles"
# The real documents (SOURCES.md); the other files there were written for the unit tests.
CORPUS = [
    "licence-history-python.txt",
    "licence-gpl-3.txt",
    "readme-zstd.txt",
    "readme-python.txt",
    "release-history-idle.txt",
    "docs-email-architecture.txt",
    "manual-users-and-groups.txt",
    "spec-dpkg-rootless-builds.txt",
]
BUNDLED_ARTICLE = ARTICLES / "tech-opening-up.txt"  # the article of the bundled decks, for comparison


RATINGS = Path(__file__).with_name("drafting_ratings.tsv")


def items(cards: list[DraftCard]) -> int:
    return sum(len(check.prompts(c)) for c in cards)


def ratings() -> dict[tuple[str, str, str], str]:
    """(document, card id, answer) -> keep / fix / drop, as rated by hand."""
    rows = [line.split("\t") for line in RATINGS.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return {(doc, card, answer): rating for doc, card, answer, rating, _ in rows}


def rated(path: Path, cards: list[DraftCard], by_hand: dict[tuple[str, str, str], str]) -> str:
    """The share of items a careful author would keep as drafted, among the items rated by hand."""
    given = [by_hand.get((path.name, c.id, answers[0])) for c in cards for _, answers in check.prompts(c)]
    known = [g for g in given if g]
    if not known:
        return "-"
    unrated = f", {len(given) - len(known)} unrated" if len(known) < len(given) else ""
    return f"{sum(g == 'keep' for g in known) / len(known):.0%} of {len(known)}{unrated}"


def measure(path: Path, show: bool, by_hand: dict[tuple[str, str, str], str]) -> dict[str, object]:
    document = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    cards = draft_cards(read_article(document))
    elapsed = time.perf_counter() - start
    found = {c.id: check.locate(str(c.fields["source"]), document) for c in cards}
    whole = sum(len(check.prompts(c)) for c in cards if found[c.id].whole)
    in_prompt = sum(len(check.prompts(c)) for c in cards if check.answer_in_prompt(c))
    duplicated = {c.id for pair in check.duplicates(cards) for c in pair}
    if show:
        print(f"\n### {path.name}")
        for c in cards:
            marks = "".join(
                mark
                for mark, bad in (
                    ("C", not found[c.id].whole),
                    ("A", check.answer_in_prompt(c)),
                    ("D", c.id in duplicated),
                    ("S", check.split_number(c)),
                    ("T", check.is_table_or_code(found[c.id])),
                )
                if bad
            )
            shown = c.fields.get("question") or c.fields.get("text")
            print(f"- [{marks or 'ok'}] {c.id}: {shown}  => {c.fields.get('answer', '')}")
    n = items(cards)
    return {
        "document": path.name,
        "items": n,
        "whole sentences": f"{whole / n:.0%}" if n else "-",
        "answer in prompt": f"{in_prompt / n:.0%}" if n else "-",
        "duplicates": len(duplicated),
        "split figures": sum(check.split_number(c) for c in cards),
        "table/code": sum(check.is_table_or_code(found[c.id]) for c in cards),
        "longest prompt (words)": max((check.prompt_words(c) for c in cards), default=0),
        "kept (rated by hand)": rated(path, cards, by_hand),
        "ms": f"{elapsed * 1000:.0f}",
    }


def main() -> int:
    show = "--show" in sys.argv
    paths = [ARTICLES / name for name in CORPUS] + [BUNDLED_ARTICLE]
    by_hand = ratings()
    rows = [measure(p, show, by_hand) for p in paths]
    header = list(rows[0])
    print("\n| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
