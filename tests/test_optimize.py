"""The optimizer on synthetic learners: it learns what they forget, never adopts a worse fit, and its
parameters round-trip through the store into every schedule."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

import fsrs_rs_python as fsrs_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from techquiz import optimize
from techquiz.cli import main
from techquiz.deck.loader import load_deck
from techquiz.model import CardState, Rating
from techquiz.optimize import Figures, decide, evaluate, histories, items
from techquiz.srs import parameters, scheduler
from techquiz.srs.scheduler import DEFAULT_PARAMETERS
from techquiz.store import db, deck_fsrs
from techquiz.study import StudySession
from tests.memory_histories import START, Learner, forgets_after_3_days, reviews_for, write_log
from tests.srs.helpers import Clock, basic_deck


def _good_streak(params: tuple[float, ...], answers: int) -> timedelta:
    """The interval after `answers` Good answers, each given when the card comes due (no fuzz)."""
    card, now = CardState(), START
    for _ in range(answers):
        card = scheduler.review(card, Rating.Good, now, fuzz=False, parameters=params)
        assert card.due is not None
        now = card.due
    assert card.due is not None and card.last_review is not None
    return card.due - card.last_review


def test_a_learner_who_forgets_after_3_days_gets_shorter_intervals_than_the_default() -> None:
    log = reviews_for(forgets_after_3_days, cards=100, per_card=8)
    outcome = decide("d", len(log), histories(log, "d"), DEFAULT_PARAMETERS)
    assert outcome.applied, outcome.reason
    assert outcome.fitted is not None and outcome.current is not None
    assert outcome.fitted.beats(outcome.current)
    fitted = outcome.fitted.parameters
    for answers in (2, 3, 4, 5):
        assert _good_streak(fitted, answers) < _good_streak(DEFAULT_PARAMETERS, answers)
    # the default pushes the card past the 3 days this learner can hold it; the fit does not
    assert _good_streak(DEFAULT_PARAMETERS, 4) > timedelta(days=3) >= _good_streak(fitted, 4)


def test_too_few_reviews_keep_the_current_parameters_and_say_why() -> None:
    log = reviews_for(forgets_after_3_days, cards=30, per_card=8)  # 240 day-level reviews
    outcome = decide("d", len(log), histories(log, "d"), DEFAULT_PARAMETERS)
    assert not outcome.applied and outcome.fitted is None
    assert "only 240 reviews" in outcome.reason and "400" in outcome.reason


def test_a_degenerate_fit_is_rejected_by_the_held_out_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # The engine can return w0-w3 all equal on some splits; such a fit predicts worse and is refused.
    log = reviews_for(forgets_after_3_days, cards=100, per_card=8)
    cards = histories(log, "d")
    good = decide("d", len(log), cards, DEFAULT_PARAMETERS).fitted
    assert good is not None
    degenerate = (5.0, 5.0, 5.0, 5.0, *DEFAULT_PARAMETERS[4:])
    monkeypatch.setattr(optimize, "fit_parameters", lambda train: degenerate)
    outcome = decide("d", len(log), cards, good.parameters)
    assert not outcome.applied
    assert outcome.fitted is not None and outcome.fitted.parameters == degenerate
    assert "no better" in outcome.reason


def _learner(p_short: float, p_long: float) -> Learner:
    def grade(gap: int, rng: random.Random) -> int:
        return 3 if rng.random() < (p_short if gap < 4 else p_long) else 1

    return grade


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    p_short=st.floats(0.3, 1.0),
    p_long=st.floats(0.0, 1.0),
    seed=st.integers(0, 10_000),
    start=st.sampled_from(["default", "fit"]),
)
def test_a_worse_fit_is_never_adopted(p_short: float, p_long: float, seed: int, start: str) -> None:
    """Whatever the learner, the verdict follows the rule: adopted only when better on both held-out
    measures, and then never worse than the current parameters on the held-out reviews."""
    log = reviews_for(_learner(p_short, p_long), cards=60, per_card=10, seed=seed)
    cards = histories(log, "d")
    current = DEFAULT_PARAMETERS
    if start == "fit":  # a learner already optimized once: the current parameters are already good
        current = tuple(optimize.fit_parameters(items(cards)))
    outcome = decide("d", len(log), cards, current)
    assert outcome.current is not None
    if outcome.applied:
        assert outcome.fitted is not None
        assert outcome.fitted.log_loss < outcome.current.log_loss
        assert outcome.fitted.rmse_bins < outcome.current.rmse_bins
        assert not parameters.problems(outcome.fitted.parameters)
    else:
        assert outcome.fitted is None or not outcome.fitted.beats(outcome.current) or "unusable" in outcome.reason


def test_held_out_figures_come_from_the_newest_reviews() -> None:
    log = reviews_for(forgets_after_3_days, cards=100, per_card=8)
    cards = histories(log, "d")
    cut = optimize.split_time(cards)
    times = sorted(h.times[i] for h in cards for i in h.targets)
    assert sum(t < cut for t in times) == int(len(times) * 0.7)
    outcome = decide("d", len(log), cards, DEFAULT_PARAMETERS)
    assert outcome.train + outcome.held_out == len(times)
    assert outcome.current == evaluate(DEFAULT_PARAMETERS, cards, since_ms=cut)


def test_predictions_are_the_engines_one_item_at_a_time() -> None:
    """Our log loss equals the mean of fsrs-rs's own evaluation of each held-out item alone (its
    evaluation of many items at once depends on their order, so it is not used)."""
    log = reviews_for(_learner(0.9, 0.5), cards=40, per_card=6, seed=7)
    cards = histories(log, "d")
    engine = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS))
    alone = [engine.evaluate([h.item(i)]).log_loss for h in cards for i in h.targets]
    ours = evaluate(DEFAULT_PARAMETERS, cards)
    assert ours is not None
    assert ours.log_loss == pytest.approx(sum(alone) / len(alone), rel=1e-4)


def test_histories_follow_anki_same_day_steps_are_history_not_targets() -> None:
    log = reviews_for(forgets_after_3_days, cards=1, per_card=3, seed=3)
    (card,) = histories(log, "d")
    assert card.gaps[0] == 0
    # every target came a day or more after the previous review; same-day relearning steps are not targets
    assert all(card.gaps[i] > 0 for i in card.targets)
    assert [i for i, g in enumerate(card.gaps) if i > 0 and g > 0] == card.targets


def test_fitted_parameters_round_trip_through_the_store_into_the_schedule(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "progress.sqlite3")
    deck = basic_deck(tmp_path / "d.yaml", cards=5)
    # w3 (first stability after Easy) 20 days instead of 8; odd digits test an exact round trip
    fitted = (*(w + 0.0123456789 for w in DEFAULT_PARAMETERS[:3]), 20.0, *DEFAULT_PARAMETERS[4:20], 0.3)
    deck_fsrs.save_fit(conn, "d", fitted, START, 1234, 0.41, 0.05)
    row = deck_fsrs.load(conn, ["d"])["d"]
    assert row.parameters == fitted  # exactly: JSON keeps every bit of a float
    assert (row.fit_reviews, row.log_loss, row.rmse_bins, row.fitted_at) == (1234, 0.41, 0.05, START)
    chosen = parameters.resolve(deck.settings, row)
    assert (chosen.parameters, chosen.parameters_source) == (fitted, "fitted")
    # the study session schedules and previews with them
    session = StudySession(conn, [deck], Clock())
    assert session.scheduling["d"].parameters == fitted
    card = session.current()
    assert card is not None
    now = session.clock()
    seed = card.stored.rowid  # the card's fuzz, the same on its buttons and in its answer
    assert session.intervals() == scheduler.preview(card.state, now, 0.9, fitted, seed=seed)
    assert (
        session.intervals()[Rating.Easy]
        > scheduler.preview(card.state, now, 0.9, DEFAULT_PARAMETERS, seed=seed)[Rating.Easy]
    )
    session.answer(Rating.Easy, 1000)
    (stability,) = conn.execute("SELECT stability FROM cards WHERE card_id = 'c0'").fetchone()
    assert stability == pytest.approx(20.0)  # the answer itself was scheduled with the fit


def test_a_deck_file_pin_wins_over_the_fit(write_deck) -> None:  # type: ignore[no-untyped-def]
    pinned = [round(w * 1.1, 4) for w in DEFAULT_PARAMETERS[:20]] + [0.2]
    path = write_deck(
        f"""
        format: 1
        id: p
        title: Pinned
        settings: {{fsrs_parameters: {json.dumps(pinned)}}}
        cards: [{{id: a, front: q, back: a}}]
        """
    )
    deck = load_deck(path).deck
    assert deck is not None and deck.settings.fsrs_parameters == tuple(pinned)
    row = deck_fsrs.DeckFsrs("p", parameters=DEFAULT_PARAMETERS)
    chosen = parameters.resolve(deck.settings, row)
    assert (chosen.parameters, chosen.parameters_source) == (tuple(pinned), "deck file")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[1, 2, 3]", "must list 21 numbers, not 3"),
        ("[" + ", ".join(["0.5"] * 20) + ", .nan]", "item 21 must be a finite number, not '.nan'"),
        ("[" + ", ".join(["0.5"] * 20) + ", abc]", "item 21 must be a finite number, not 'abc'"),
        ("[" + ", ".join(["0.5"] * 21) + "]", "w4 = 0.5 is outside 1..10"),
        ("0.5", "must be a list of numbers, not text"),
    ],
)
def test_pinned_parameters_are_validated_where_they_are_written(write_deck, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = write_deck(
        f"format: 1\nid: p\ntitle: P\nsettings:\n  fsrs_parameters: {value}\ncards: [{{front: q, back: a}}]\n"
    )
    result = load_deck(path)
    assert result.deck is None
    (problem,) = result.errors
    assert str(problem).startswith(f"{path}:5:")  # the line that names them
    assert message in str(problem)


def _store_with_log(data: Path, decks: Path, learner_log: list[optimize.Review]) -> None:
    deck = basic_deck(decks / "d.yaml", cards=3)
    conn = db.connect(data / "progress.sqlite3")
    write_log(conn, deck.id, learner_log)
    conn.close()


def test_the_command_adopts_a_better_fit_and_reports_it_as_json(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    _store_with_log(isolated_env, decks, reviews_for(forgets_after_3_days, cards=100, per_card=8))
    assert main(["--decks", str(decks), "optimize", "d", "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] is True
    (report,) = dry["decks"]
    assert set(report) >= {"reviews", "cards", "current", "fitted", "applied", "reason"}
    assert report["applied"] is True and report["cards"] == 100
    assert set(report["fitted"]) == {"log_loss", "rmse_bins", "parameters"}
    conn = db.connect(isolated_env / "progress.sqlite3")
    assert deck_fsrs.load(conn, ["d"]) == {}  # a dry run saves nothing
    conn.close()

    assert main(["--decks", str(decks), "optimize", "d", "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)["decks"]
    conn = db.connect(isolated_env / "progress.sqlite3")
    row = deck_fsrs.load(conn, ["d"])["d"]
    assert row.parameters is not None
    assert [round(w, 4) for w in row.parameters] == report["fitted"]["parameters"]
    assert row.checked_reviews == report["reviews"]

    # now the refit on everything is current: the 70% fit cannot beat it, and the text says so
    assert main(["--decks", str(decks), "optimize", "d"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("d: 1") and "kept the current parameters: on the newest" in out and "no better" in out


def test_the_command_keeps_the_defaults_for_a_short_history(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    _store_with_log(isolated_env, decks, reviews_for(forgets_after_3_days, cards=10, per_card=5))
    assert main(["--decks", str(decks), "optimize"]) == 0
    out = capsys.readouterr().out
    assert "kept the current parameters: only 50 reviews" in out
    conn = db.connect(isolated_env / "progress.sqlite3")
    row = deck_fsrs.load(conn, ["d"])["d"]
    assert row.parameters is None and row.checked_reviews > 0  # the suggestion now waits for new reviews
    conn.close()


def test_figures_serialise_rounded() -> None:
    f = Figures(0.123456, 0.0456789, DEFAULT_PARAMETERS)
    assert f.as_json()["log_loss"] == 0.1235 and len(f.as_json()["parameters"]) == 21


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(0, 10)), min_size=19, max_size=23))
def test_weights_pass_validation_exactly_when_the_scheduler_accepts_them(values: list[float]) -> None:
    """What a deck file may pin is what FSRS can schedule with: the loader never lets through weights
    that would fail at the first answer, nor refuses weights that would work."""
    import fsrs

    try:
        fsrs.Scheduler(parameters=values)
        accepted = True
    except ValueError:
        accepted = False
    assert (not parameters.problems(values)) == accepted


def test_an_unknown_deck_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["optimize", "no-such-deck"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("techquiz: unknown deck 'no-such-deck'") and err.count("\n") == 1


def test_a_better_fit_is_not_applied_over_weights_the_deck_file_pins() -> None:
    log = reviews_for(forgets_after_3_days, cards=100, per_card=8)
    outcome = decide("d", len(log), histories(log, "d"), DEFAULT_PARAMETERS, pinned=True)
    assert not outcome.applied and "pins its parameters" in outcome.reason


@pytest.mark.parametrize("stored", ["not json", "[1, 2]", '["a"]', "[NaN]", json.dumps([0.5] * 21)])
def test_damaged_or_unusable_stored_weights_fall_back_to_the_defaults(tmp_path: Path, stored: str) -> None:
    conn = db.connect(tmp_path / "progress.sqlite3")
    conn.execute("INSERT INTO deck_fsrs (deck_id, parameters) VALUES ('d', ?)", (stored,))
    deck = basic_deck(tmp_path / "d.yaml", cards=1)
    chosen = parameters.scheduling_for(conn, [deck])["d"]
    assert (chosen.parameters, chosen.parameters_source) == (DEFAULT_PARAMETERS, "default")


def test_the_report_of_one_review_reads_right(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One answer, no day-level review: "1 reviews of 0 cards" read as a contradiction.
    decks = tmp_path / "decks"
    decks.mkdir()
    _store_with_log(isolated_env, decks, reviews_for(forgets_after_3_days, cards=1, per_card=1)[:1])
    assert main(["--decks", str(decks), "optimize", "d"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "d: 1 review, 0 cards with a history to learn from"
