"""Fitting FSRS to a deck's own review log, and adopting the fit only where it predicts better.

The training items are built as Anki builds them: each card's history since it was last new (a card
whose type changed starts over), gaps counted in whole study days (04:00 boundary), and one item per
review that came at least a day after the card's previous one, carrying everything before it, so that
the same-day learning steps shape the memory state (FSRS-6's short-term weights) without being
predicted themselves. The history is split by time: the oldest 70% of reviews fit the parameters,
the newest 30% judge them against the deck's current ones; only a fit better on both log loss and
RMSE (bins) is adopted, and it is then refitted on the whole history.

`fsrs_rs_python` is the Rust engine of Anki's own optimizer (a 1.5 MB wheel, no dependencies).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import fsrs_rs_python as fsrs_rs

from techquiz.deck.model import Deck
from techquiz.srs import parameters as fsrs_parameters
from techquiz.srs.scheduler import DEFAULT_PARAMETERS, curve
from techquiz.store import deck_fsrs

MIN_REVIEWS = 400  # fewer day-level reviews than this fit noise, not memory
TRAIN_SHARE = 0.7


@dataclass(frozen=True)
class Review:
    """One answer from a review log, as the optimizer needs it."""

    card: int | str  # any id unique to the card
    at_ms: int
    day: date  # the study day it was given on
    rating: int  # 1 Again .. 4 Easy
    starts: bool  # the card was new before it: its history begins here


@dataclass
class CardHistory:
    """One card's reviews since it was last new, as FSRS sees them."""

    deck: str
    reviews: list[Any] = field(default_factory=list)  # fsrs_rs.FSRSReview
    times: list[int] = field(default_factory=list)  # at_ms of each review
    gaps: list[int] = field(default_factory=list)  # study days since the previous review
    ratings: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)  # indexes of the reviews FSRS predicts

    def item(self, index: int) -> Any:
        """The training item whose last review is `index`: the history up to and including it."""
        return fsrs_rs.FSRSItem(self.reviews[: index + 1])


def histories(reviews: Iterable[Review], deck: str = "") -> list[CardHistory]:
    """Group reviews (ordered by card, then time) into card histories. A card whose log does not begin
    with it being new (its start was lost) is left out, as Anki leaves out incomplete histories."""
    out: list[CardHistory] = []
    current: CardHistory | None = None
    card: int | str | None = None
    last_day: date | None = None
    for review in reviews:
        if review.card != card or review.starts:
            card = review.card
            current = CardHistory(deck) if review.starts else None
            if current is not None:
                out.append(current)
            last_day = None
        if current is None:
            continue
        delta = 0 if last_day is None else (review.day - last_day).days
        last_day = review.day
        current.reviews.append(fsrs_rs.FSRSReview(review.rating, delta))
        current.times.append(review.at_ms)
        current.gaps.append(delta)
        current.ratings.append(review.rating)
        if len(current.reviews) > 1 and delta > 0:
            current.targets.append(len(current.reviews) - 1)
    return [h for h in out if h.targets]


def items(cards: Iterable[CardHistory], before_ms: int | None = None, since_ms: int | None = None) -> list[Any]:
    """Training items whose predicted review falls in [since_ms, before_ms), in the order the reviews
    were given."""
    found = []
    for history in cards:
        for index in history.targets:
            at = history.times[index]
            if (before_ms is None or at < before_ms) and (since_ms is None or at >= since_ms):
                found.append((at, history, index))
    found.sort(key=lambda entry: entry[0])
    return [history.item(index) for _, history, index in found]


@dataclass(frozen=True)
class Prediction:
    recall: float  # FSRS's predicted probability of recall
    recalled: bool  # what happened: any rating but Again


def predict(
    cards: Sequence[CardHistory], parameters: Sequence[float], since_ms: int | None = None, before_ms: int | None = None
) -> list[Prediction]:
    """FSRS's predicted recall for every judged review in [since_ms, before_ms): the forgetting curve at
    the review's gap, from the memory state the card's earlier reviews left.

    Computed from each card's whole history in one pass (`historical_memory_state_batch`), which gives
    exactly what `FSRS.evaluate` gives for one item at a time. `FSRS.evaluate` on many items at once is
    not used: in fsrs-rs-python 0.9.3 its result depends on the order of the items (the same 1,883
    held-out reviews score log loss 0.430 to 0.463 by order; the true figure is 0.4435)."""
    if not cards:
        return []
    decay, factor = curve(tuple(parameters))
    model = fsrs_rs.FSRS(list(parameters))
    states = model.historical_memory_state_batch([fsrs_rs.FSRSItem(h.reviews) for h in cards])
    out = []
    for history, memory in zip(cards, states, strict=True):
        for index in history.targets:
            at = history.times[index]
            if (since_ms is not None and at < since_ms) or (before_ms is not None and at >= before_ms):
                continue
            stability = max(memory[index - 1].stability, 1e-6)
            recall = (1 + factor * history.gaps[index] / stability) ** -decay
            out.append(Prediction(recall, history.ratings[index] > 1))
    return out


def log_loss(found: Sequence[Prediction]) -> float:
    eps = 1e-7  # a certain prediction proven wrong costs much, not infinitely much
    return -sum(math.log(min(max(p.recall if p.recalled else 1 - p.recall, eps), 1.0)) for p in found) / len(found)


def _rmse_bin(recall: float, bins: int = 20) -> int:
    # fsrs-rs's bins of predicted recall: 20, narrower towards 100% where most reviews fall
    return min(max(math.floor(math.exp(recall * math.log(bins + 1))) - 1, 0), bins - 1)


def rmse_bins(found: Sequence[Prediction]) -> float:
    """RMSE (bins), as fsrs-rs defines it: reviews grouped by predicted recall, and the root of the
    count-weighted mean squared gap between each group's mean prediction and its share recalled."""
    groups: dict[int, list[float]] = {}
    for p in found:
        group = groups.setdefault(_rmse_bin(p.recall), [0.0, 0.0, 0.0])
        group[0] += p.recall
        group[1] += p.recalled
        group[2] += 1
    return math.sqrt(sum((pred - real) ** 2 / n for pred, real, n in groups.values()) / len(found))


@dataclass(frozen=True)
class Figures:
    """How well a set of parameters predicts recall on some reviews: log loss (lower is better; 0.693
    is a coin toss) and RMSE (bins), the typical gap between predicted and actual recall."""

    log_loss: float
    rmse_bins: float
    parameters: tuple[float, ...]

    def beats(self, other: Figures) -> bool:
        return self.log_loss < other.log_loss and self.rmse_bins < other.rmse_bins

    def as_json(self) -> dict[str, Any]:
        return {
            "log_loss": round(self.log_loss, 4),
            "rmse_bins": round(self.rmse_bins, 4),
            "parameters": [round(w, 4) for w in self.parameters],
        }


def evaluate(
    parameters: Sequence[float],
    cards: Sequence[CardHistory],
    since_ms: int | None = None,
    before_ms: int | None = None,
) -> Figures | None:
    """The figures of `parameters` on the judged reviews in [since_ms, before_ms); None if there are none."""
    found = predict(cards, parameters, since_ms, before_ms)
    if not found:
        return None
    return Figures(log_loss(found), rmse_bins(found), tuple(parameters))


def fit_parameters(train: Sequence[Any]) -> tuple[float, ...]:
    """The engine's fit, on items in the order the reviews were given. (The order changes the result a
    little; on a real log neither this order nor Anki's, by length, fit better over five split points:
    docs/scheduling.md.) Every item has a review a day or more after the previous one (histories()
    guarantees it), without which the engine aborts."""
    return tuple(float(w) for w in fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(list(train)))


def _fit_or_none(train: Sequence[Any]) -> tuple[float, ...] | None:
    try:
        return fit_parameters(train)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # the Rust engine reports its failures as a PanicException (a BaseException)
        return None


@dataclass(frozen=True)
class Outcome:
    """The optimizer's verdict for one deck."""

    deck: str
    reviews: int  # answers in the log
    cards: int  # cards with a usable history
    train: int  # day-level reviews the fit learned from
    held_out: int  # day-level reviews it was judged on
    current: Figures | None  # the parameters in use, on the held-out reviews
    fitted: Figures | None  # the fit, on the held-out reviews (parameters: the ones adopted, refitted on all)
    applied: bool
    reason: str

    def summary(self) -> str:
        """One line for a notification: the verdict and the held-out figures behind it."""
        if self.applied and self.fitted is not None and self.current is not None:
            return (
                f"{self.deck}: new parameters adopted (log loss {self.current.log_loss:.4f} -> "
                f"{self.fitted.log_loss:.4f}, RMSE {self.current.rmse_bins:.4f} -> {self.fitted.rmse_bins:.4f})"
            )
        return f"{self.deck}: kept the current parameters: {self.reason}"

    def as_json(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            "reviews": self.reviews,
            "cards": self.cards,
            "train_reviews": self.train,
            "held_out_reviews": self.held_out,
            "current": self.current.as_json() if self.current else None,
            "fitted": self.fitted.as_json() if self.fitted else None,
            "applied": self.applied,
            "reason": self.reason,
        }


def split_time(cards: Sequence[CardHistory], share: float = TRAIN_SHARE) -> int:
    """The instant before which the oldest `share` of the predicted reviews fall."""
    times = sorted(h.times[i] for h in cards for i in h.targets)
    return times[min(int(len(times) * share), len(times) - 1)]


def decide(
    deck: str, reviews: int, cards: Sequence[CardHistory], current: Sequence[float], pinned: bool = False
) -> Outcome:
    """Fit on the oldest 70%, judge on the newest 30%, adopt only what beats `current` on both measures."""
    current = tuple(current)
    targets = sum(len(h.targets) for h in cards)
    if targets < MIN_REVIEWS:
        figures = evaluate(current, cards)
        why = (
            "no reviews yet" if not reviews
            else f"only {targets} reviews came a day or more after the card's previous one"
        )  # fmt: skip
        return Outcome(
            deck, reviews, len(cards), 0, targets, figures, None, False,
            f"{why}; {MIN_REVIEWS} are needed to fit parameters, so the current ones stay",
        )  # fmt: skip
    cut = split_time(cards)
    train = items(cards, before_ms=cut)
    base = evaluate(current, cards, since_ms=cut)
    held_out = targets - len(train)
    fitted = _fit_or_none(train)
    if fitted is None:
        return Outcome(
            deck, reviews, len(cards), len(train), held_out, base, None, False,
            "the optimizer failed on this history; the current parameters stay",
        )  # fmt: skip
    candidate = evaluate(fitted, cards, since_ms=cut)
    assert base is not None and candidate is not None  # the split always leaves reviews to judge

    def keep(why: str) -> Outcome:
        return Outcome(deck, reviews, len(cards), len(train), held_out, base, candidate, False, why)

    unusable = fsrs_parameters.problems(candidate.parameters)
    if unusable:
        return keep(f"the fitted parameters are unusable ({'; '.join(unusable)}); the current ones stay")
    if not candidate.beats(base):
        return keep(
            f"on the newest {held_out} reviews the fit predicts no better than the current parameters "
            f"(log loss {candidate.log_loss:.4f} vs {base.log_loss:.4f}, RMSE {candidate.rmse_bins:.4f} vs "
            f"{base.rmse_bins:.4f}), so the current ones stay"
        )
    if pinned:
        return keep(
            "the fit predicts better, but the deck file pins its parameters (settings: fsrs_parameters); "
            "remove them from the file to schedule with the fit"
        )
    # Proven on held-out reviews: refit on everything. The refit cannot be judged on unseen reviews, so
    # it must at least beat the current parameters on the whole history; else the proven fit is kept.
    final = candidate.parameters
    refit = _fit_or_none(items(cards))
    if refit is not None and not fsrs_parameters.problems(refit):
        refit_figures, current_figures = evaluate(refit, cards), evaluate(current, cards)
        if refit_figures is not None and current_figures is not None and refit_figures.beats(current_figures):
            final = refit
    adopted = Figures(candidate.log_loss, candidate.rmse_bins, final)
    return Outcome(
        deck, reviews, len(cards), len(train), held_out, base, adopted, True,
        f"on the newest {held_out} reviews the fit predicts recall better (log loss {candidate.log_loss:.4f} vs "
        f"{base.log_loss:.4f}, RMSE {candidate.rmse_bins:.4f} vs {base.rmse_bins:.4f}); adopted, refitted on all "
        f"{targets} reviews",
    )  # fmt: skip


# ---- the store ---------------------------------------------------------------------------------


def read_reviews(conn: sqlite3.Connection, deck_id: str) -> list[Review]:
    """A deck's review log, ordered by card then time."""
    rows = conn.execute(
        "SELECT r.card, r.reviewed_at, r.day, r.rating, r.state_before = 0 FROM review_log r "
        "JOIN cards c ON c.id = r.card WHERE c.deck_id = ? ORDER BY r.card, r.reviewed_at, r.id",
        (deck_id,),
    )
    days: dict[str, date] = {}  # a log has far fewer study days than reviews: parse each once
    return [
        Review(card, at, days.get(day) or days.setdefault(day, date.fromisoformat(day)), rating, bool(starts))
        for card, at, day, rating, starts in rows
    ]


def optimize_deck(conn: sqlite3.Connection, deck: Deck, now: datetime, dry_run: bool = False) -> Outcome:
    """Fit one deck and, unless `dry_run`, store the verdict (the parameters too when adopted)."""
    stored = deck_fsrs.load(conn, [deck.id]).get(deck.id)
    scheduling = fsrs_parameters.resolve(deck.settings, stored)
    log = read_reviews(conn, deck.id)
    outcome = decide(
        deck.id, len(log), histories(log, deck.id), scheduling.parameters, scheduling.parameters_source == "deck file"
    )
    if not dry_run:
        if outcome.applied and outcome.fitted is not None:
            deck_fsrs.save_fit(
                conn, deck.id, outcome.fitted.parameters, now, len(log), outcome.fitted.log_loss,
                outcome.fitted.rmse_bins,
            )  # fmt: skip
        else:
            deck_fsrs.record_check(conn, deck.id, now, len(log))
    return outcome
