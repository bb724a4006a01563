"""How well FSRS predicts this learner's memory, and what a desired retention would cost them.

Shared by the stats screen and `techquiz stats --json`:
- the parameters each deck is scheduled with, where they come from and when they were fitted;
- calibration: the newest reviews grouped by the recall FSRS predicted for them (each with its deck's
  parameters), against the share actually recalled; with log loss and RMSE (bins) over the same reviews;
- a retention simulator: for desired retention 0.70 to 0.97, a year of study simulated by
  fsrs-rs-python (the simulator of Anki), marking the retention with the least work per card known.

The calibration reads only the cards answered in the newest CALIBRATION_REVIEWS answers (their whole
histories), so it costs the same on a million-review log as on a small one.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import fsrs_rs_python as fsrs_rs

from techquiz.deck.model import Deck
from techquiz.optimize import CardHistory, Prediction, Review, histories, log_loss, predict, rmse_bins
from techquiz.srs import parameters as fsrs_parameters
from techquiz.store import deck_fsrs

CALIBRATION_REVIEWS = 5000
CALIBRATION_BINS = 10
RETENTIONS = tuple(round(0.70 + 0.03 * i, 2) for i in range(10))  # 0.70 .. 0.97
SIMULATED_DAYS = 365
SIMULATION_SEED = 42  # the same figures on every run
SIMULATED_CARDS = 20_000


def _recent_histories(
    conn: sqlite3.Connection, deck_ids: Sequence[str], newest: int
) -> tuple[list[CardHistory], int | None]:
    """Histories of the cards answered in the newest `newest` answers of these decks, and the time of
    the oldest of those answers (the window whose reviews are judged)."""
    marks = ",".join("?" * len(deck_ids))
    window = conn.execute(
        f"SELECT r.card, r.reviewed_at FROM review_log r JOIN cards c ON c.id = r.card "
        f"WHERE c.deck_id IN ({marks}) ORDER BY r.id DESC LIMIT ?",
        [*deck_ids, newest],
    ).fetchall()
    if not window:
        return [], None
    since = min(at for _, at in window)
    cards = sorted({card for card, _ in window})
    out: list[CardHistory] = []
    for start in range(0, len(cards), 900):  # SQLite's limit on bound parameters
        chunk = cards[start : start + 900]
        rows = conn.execute(
            "SELECT r.card, c.deck_id, r.reviewed_at, r.day, r.rating, r.state_before = 0 FROM review_log r "
            f"JOIN cards c ON c.id = r.card WHERE r.card IN ({','.join('?' * len(chunk))}) "
            "ORDER BY r.card, r.reviewed_at, r.id",
            chunk,
        ).fetchall()
        by_deck: dict[str, list[Review]] = defaultdict(list)
        for card, deck_id, at, day, rating, starts in rows:
            by_deck[deck_id].append(Review(card, at, date.fromisoformat(day), rating, bool(starts)))
        for deck_id, reviews in by_deck.items():
            out += histories(reviews, deck_id)
    return out, since


def calibration(found: Sequence[Prediction], bins: int = CALIBRATION_BINS) -> list[dict[str, Any]]:
    """Predicted recall in `bins` equal bins against the share actually recalled."""
    groups: list[list[Prediction]] = [[] for _ in range(bins)]
    for p in found:
        groups[min(int(p.recall * bins), bins - 1)].append(p)
    return [
        {
            "from": round(i / bins, 2),
            "to": round((i + 1) / bins, 2),
            "reviews": len(group),
            "predicted": round(sum(p.recall for p in group) / len(group), 4) if group else None,
            "actual": round(sum(p.recalled for p in group) / len(group), 4) if group else None,
        }
        for i, group in enumerate(groups)
    ]


def _judged(
    cards: Sequence[CardHistory], scheduling: dict[str, fsrs_parameters.Scheduling], since_ms: int
) -> list[Prediction]:
    """Predictions for the judged reviews since `since_ms`, each card with its deck's parameters."""
    groups: dict[tuple[float, ...], list[CardHistory]] = defaultdict(list)
    for history in cards:
        groups[scheduling.get(history.deck, fsrs_parameters.Scheduling()).parameters].append(history)
    return [p for params, members in groups.items() for p in predict(members, params, since_ms)]


def _rating_shares(conn: sqlite3.Connection, deck_ids: Sequence[str]) -> tuple[list[float], list[float]] | None:
    """The learner's own first-answer and passed-review rating shares for the simulator, when the
    log has enough of both (else the simulator's defaults, measured on Anki users, are used)."""
    marks = ",".join("?" * len(deck_ids))
    first = [0] * 4
    passed = [0] * 3
    for state_before, rating, count in conn.execute(
        "SELECT r.state_before, r.rating, COUNT(*) FROM review_log r JOIN cards c ON c.id = r.card "
        f"WHERE c.deck_id IN ({marks}) AND r.state_before IN (0, 2) GROUP BY r.state_before, r.rating",
        list(deck_ids),
    ):
        if state_before == 0:
            first[rating - 1] += count
        elif rating > 1:
            passed[rating - 2] += count
    if sum(first) < 50 or sum(passed) < 50:
        return None
    return [n / sum(first) for n in first], [n / sum(passed) for n in passed]


def simulate(
    parameters: Sequence[float],
    deck_size: int,
    new_per_day: int,
    reviews_per_day: int,
    shares: tuple[list[float], list[float]] | None = None,
) -> list[dict[str, Any]]:
    """A year of study at each desired retention: reviews per day, minutes per day and cards known at
    the end; `best` marks the least work (time) per card known, as Anki's minimum recommended retention."""
    config = fsrs_rs.default_simulator_config()
    # Cards beyond what the new-card limit can introduce in a year change nothing but the run time.
    config.deck_size = max(min(deck_size, new_per_day * SIMULATED_DAYS), 1)
    config.learn_span = SIMULATED_DAYS
    config.learn_limit = new_per_day
    config.review_limit = reviews_per_day
    if shares is not None:
        config.first_rating_prob, config.review_rating_prob = shares
    # A small deck's year is noisy: average several runs (about the work of one 20,000-card run).
    runs = min(max(SIMULATED_CARDS // config.deck_size, 1), 5)
    rows = []
    for retention in RETENTIONS:
        known = seconds = reviews = 0.0
        for seed in range(SIMULATION_SEED, SIMULATION_SEED + runs):
            result = fsrs_rs.simulate(list(parameters), retention, config, seed)
            known += float(result.memorized_cnt_per_day[-1]) / runs if result.memorized_cnt_per_day else 0.0
            seconds += float(sum(result.cost_per_day)) / runs
            reviews += sum(result.review_cnt_per_day) / runs
        rows.append(
            {
                "retention": retention,
                "reviews_per_day": round(reviews / SIMULATED_DAYS, 1),
                "minutes_per_day": round(seconds / 60 / SIMULATED_DAYS, 1),
                "cards_known": round(known),
                "seconds_per_card_known": round(seconds / known, 1) if known else None,
                "best": False,
            }
        )
    costs = [r["seconds_per_card_known"] for r in rows if r["seconds_per_card_known"] is not None]
    if costs:
        best = min(costs)
        next(r for r in rows if r["seconds_per_card_known"] == best)["best"] = True
    return rows


def collect(conn: sqlite3.Connection, decks: Sequence[Deck], newest: int = CALIBRATION_REVIEWS) -> dict[str, Any]:
    """The `fsrs` part of the stats for these decks (see the module docstring)."""
    deck_ids = [d.id for d in decks]
    if not deck_ids:
        return {"decks": [], "calibration": calibration([]), "log_loss": None, "rmse_bins": None, "reviews": 0,
                "simulation": None}  # fmt: skip
    stored = deck_fsrs.load(conn, deck_ids)
    reviews = deck_fsrs.review_counts(conn, deck_ids)
    scheduling = {d.id: fsrs_parameters.resolve(d.settings, stored.get(d.id)) for d in decks}
    cards, since = _recent_histories(conn, deck_ids, newest)
    found = _judged(cards, scheduling, since) if since is not None else []
    rows = []
    for deck in decks:
        chosen, row, count = scheduling[deck.id], stored.get(deck.id), reviews.get(deck.id, 0)
        rows.append(
            {
                "id": deck.id,
                "parameters": [round(w, 4) for w in chosen.parameters],
                "parameters_source": chosen.parameters_source,
                "fitted_at": chosen.fitted_at.isoformat() if chosen.fitted_at else None,
                "fit_log_loss": row.log_loss if row and chosen.parameters_source == "fitted" else None,
                "fit_rmse_bins": row.rmse_bins if row and chosen.parameters_source == "fitted" else None,
                "desired_retention": chosen.retention,
                "retention_source": chosen.retention_source,
                "reviews": count,
                "new_reviews_since_optimize": deck_fsrs.new_reviews_since_check(row, count),
                "suggest_optimize": deck_fsrs.should_suggest(deck.settings, row, count),
            }
        )
    # The simulator runs once for the whole selection, with the parameters of its most-reviewed deck.
    lead = max(decks, key=lambda d: reviews.get(d.id, 0))
    limits = [d.settings.daily_limits() for d in decks]
    size = sum(d.subcard_count for d in decks)
    simulation = {
        "deck": lead.id,
        "days": SIMULATED_DAYS,
        "cards": size,
        "rows": simulate(
            scheduling[lead.id].parameters,
            size,
            sum(n for n, _ in limits),
            sum(r for _, r in limits),
            _rating_shares(conn, deck_ids),
        ),
    }
    return {
        "decks": rows,
        "reviews": len(found),
        "log_loss": round(log_loss(found), 4) if found else None,
        "rmse_bins": round(rmse_bins(found), 4) if found else None,
        "calibration": calibration(found),
        "simulation": simulation,
    }
