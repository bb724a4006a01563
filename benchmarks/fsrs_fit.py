"""Does fitting FSRS to a learner's own history predict their memory better? On a real review log
(../shared/data/fsrs-review-logs.csv: 12,580 reviews of 1,205 cards by one person, 2024-03-29 to
2024-10-06), the optimizer of `techquiz optimize` fits on the oldest 70% of the reviews and both the
default and the fitted parameters predict the newest 30%. Reports held-out log loss and RMSE (bins)
for each, the verdict `techquiz optimize` would reach, and the time the fit takes.

The file has no study days: its UTC times are cut at 04:00 UTC (the learner's zone is unknown).

Run: python benchmarks/fsrs_fit.py [--csv PATH] [--record]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs_rs_python as fsrs_rs
from common import ROOT, machine

from techquiz.optimize import Review, decide, evaluate, fit_parameters, histories, items, split_time
from techquiz.srs.scheduler import DEFAULT_PARAMETERS

NAME = "fsrs-review-logs.csv"
DOC = ROOT / "docs" / "scheduling.md"
DAY_START = timedelta(hours=4)


def find_csv() -> Path:
    """The shared data folder beside the repository (or beside the main checkout, from a worktree)."""
    candidates = [ROOT.parent / "shared" / "data" / NAME]
    common = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    if common:
        candidates.append(Path(common).parent.parent / "shared" / "data" / NAME)
    for path in candidates:
        if path.exists():
            return path
    sys.exit(f"fsrs_fit: {NAME} not found (looked in {', '.join(map(str, candidates))}); pass --csv PATH")


def read_log(path: Path) -> list[Review]:
    rows = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            at = datetime.fromisoformat(row["review_time"]).astimezone(UTC)
            rows.append((row["card_id"], at, int(row["review_rating"])))
    rows.sort(key=lambda r: (r[0], r[1]))
    out, previous = [], None
    for card, at, rating in rows:
        out.append(Review(card, int(at.timestamp() * 1000), (at - DAY_START).date(), rating, card != previous))
        previous = card
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, help=f"the review log (default: ../shared/data/{NAME})")
    parser.add_argument("--record", action="store_true", help="append the figures to docs/scheduling.md")
    args = parser.parse_args()
    path = args.csv or find_csv()
    log = read_log(path)
    cards = histories(log)
    cut = split_time(cards)
    train = items(cards, before_ms=cut)
    test = len(items(cards, since_ms=cut))
    default = evaluate(DEFAULT_PARAMETERS, cards, since_ms=cut)
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        fitted_parameters = fit_parameters(train)
        timings.append(time.perf_counter() - start)
    fitted = evaluate(fitted_parameters, cards, since_ms=cut)
    assert default is not None and fitted is not None
    everything = items(cards)
    start = time.perf_counter()
    fit_parameters(everything)
    whole = time.perf_counter() - start
    verdict = decide("log", len(log), cards, DEFAULT_PARAMETERS)
    when = datetime.fromtimestamp(cut / 1000, UTC)
    print(f"{path.name}: {len(log)} reviews of {len({r.card for r in log})} cards; {len(everything)} day-level reviews")
    print(f"fit on the {len(train)} before {when:%Y-%m-%d %H:%M} UTC, judged on the newest {test}")
    print(f"  default  log loss {default.log_loss:.4f}  RMSE (bins) {default.rmse_bins:.4f}")
    print(f"  fitted   log loss {fitted.log_loss:.4f}  RMSE (bins) {fitted.rmse_bins:.4f}")
    print(f"  fit time {statistics.median(timings) * 1000:.0f} ms (median of 5) on {len(train)} items; "
          f"{whole * 1000:.0f} ms on all {len(everything)}")  # fmt: skip
    print(f"  techquiz optimize would: {'adopt' if verdict.applied else 'keep'}: {verdict.reason}")
    print("  fitted parameters: " + ", ".join(f"{w:.4f}" for w in fitted_parameters))
    # Why techquiz computes the figures itself: the engine's batch evaluation depends on item order.
    engine = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS))
    held = [(h.times[i], i, h.item(i)) for h in cards for i in h.targets if h.times[i] >= cut]
    for order, key in (("by card", None), ("by time", lambda e: e[0]), ("by length", lambda e: e[1])):
        ordered = held if key is None else sorted(held, key=key)
        result = engine.evaluate([e[2] for e in ordered])
        print(f"  engine's FSRS.evaluate, default, items {order}: log loss {result.log_loss:.4f}, "
              f"RMSE (bins) {result.rmse_bins:.4f}")  # fmt: skip
    alone = statistics.fmean(engine.evaluate([e[2]]).log_loss for e in held)
    print(f"  engine's FSRS.evaluate one item at a time, default: log loss {alone:.4f} (ours: {default.log_loss:.4f})")
    print("  other split points (fitted in review order / by length, each judged on the reviews after it):")
    for share in (0.5, 0.6, 0.7, 0.8, 0.9):
        at = split_time(cards, share)
        base = evaluate(DEFAULT_PARAMETERS, cards, since_ms=at)
        chronological = evaluate(fit_parameters(items(cards, before_ms=at)), cards, since_ms=at)
        by_length = sorted(items(cards, before_ms=at), key=lambda item: len(item.reviews))
        anki = evaluate(fit_parameters(by_length), cards, since_ms=at)
        assert base and chronological and anki
        print(f"    {share:.0%}: default {base.log_loss:.4f} / {base.rmse_bins:.4f}   review order "
              f"{chronological.log_loss:.4f} / {chronological.rmse_bins:.4f}   by length {anki.log_loss:.4f} / "
              f"{anki.rmse_bins:.4f}")  # fmt: skip
    if args.record:
        row = (
            f"| {datetime.now(UTC):%Y-%m-%d %H:%M} | {len(log)} / {len(train)} / {test} | "
            f"{default.log_loss:.4f} | {default.rmse_bins:.4f} | {fitted.log_loss:.4f} | {fitted.rmse_bins:.4f} | "
            f"{statistics.median(timings) * 1000:.0f} ms | {'adopt' if verdict.applied else 'keep'} | {machine()} |\n"
        )
        marker = "<!-- fsrs-fit results -->\n"
        text = DOC.read_text(encoding="utf-8")
        DOC.write_text(text.replace(marker, row + marker), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
