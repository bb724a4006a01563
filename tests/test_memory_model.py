"""The memory model in the stats: retrievability with each deck's own parameters, calibration against
what was recalled, the fit figures, the retention simulator and the suggestion to optimize."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_type_hints

import pytest

from techquiz import memory_model
from techquiz.cli import main
from techquiz.config import Config
from techquiz.deck.discovery import load_library
from techquiz.deck.model import Settings
from techquiz.model import CardState, State
from techquiz.optimize import evaluate, histories
from techquiz.srs import parameters, scheduler
from techquiz.srs.scheduler import DEFAULT_PARAMETERS
from techquiz.stats import collect
from techquiz.store import db, deck_fsrs, progress
from techquiz.store.timeutil import from_ms
from tests.memory_histories import forgets_after_3_days, reviews_for, write_log
from tests.srs.helpers import START, basic_deck

STEEP = (*DEFAULT_PARAMETERS[:20], 0.6)  # w20 (the curve's decay) far from the default 0.1542


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[object, object, list[object]]:
    """Deck `d` (100 cards) with a 3-day forgetter's history; deck `e` with the same history."""
    decks = tmp_path / "decks"
    decks.mkdir()
    for deck_id in ("d", "e"):
        basic_deck(decks / f"{deck_id}.yaml", deck_id, cards=100)
    library = load_library([decks])
    conn = db.connect(tmp_path / "data" / "progress.sqlite3")
    progress.sync_decks(conn, library.decks, Config.from_env().now())
    log = reviews_for(forgets_after_3_days, cards=100, per_card=8)
    write_log(conn, "d", log)
    write_log(conn, "e", log)
    return conn, library, log


def _knowledge(conn, deck_id: str, params: tuple[float, ...]) -> float:  # type: ignore[no-untyped-def]
    total = 0.0
    for stability, difficulty, due, last in conn.execute(
        "SELECT stability, difficulty, due, last_review FROM cards WHERE deck_id = ? AND state = 2", (deck_id,)
    ):
        card = CardState(State.REVIEW, None, stability, difficulty, from_ms(due), from_ms(last))
        total += scheduler.retrievability(card, START, params)
    return total


def test_retrievability_in_the_stats_uses_each_decks_own_parameters(reviewed) -> None:  # type: ignore[no-untyped-def]
    conn, library, _ = reviewed
    before = collect(conn, library, ["d", "e"], START)["knowledge"]["estimated_recalled_now"]
    deck_fsrs.save_fit(conn, "d", STEEP, START, 1, 0.4, 0.05)  # only d changes its forgetting curve
    after = collect(conn, library, ["d", "e"], START)
    assert after["knowledge"]["estimated_recalled_now"] != before
    expected = _knowledge(conn, "d", STEEP) + _knowledge(conn, "e", DEFAULT_PARAMETERS)
    assert after["knowledge"]["estimated_recalled_now"] == pytest.approx(expected, abs=0.05)
    one = collect(conn, library, ["d"], START)["knowledge"]["estimated_recalled_now"]
    assert one == pytest.approx(_knowledge(conn, "d", STEEP), abs=0.05)


def test_calibration_counts_every_judged_review_and_matches_the_engines_log_loss(reviewed) -> None:  # type: ignore[no-untyped-def]
    conn, library, log = reviewed
    fsrs = memory_model.collect(conn, [library.find("d")])
    judged = sum(len(h.targets) for h in histories(log, "d"))
    assert fsrs["reviews"] == judged  # fewer than the window: all of them
    bins = fsrs["calibration"]
    assert [b["from"] for b in bins] == [i / 10 for i in range(10)]
    assert sum(b["reviews"] for b in bins) == judged
    recalled = sum(round(b["actual"] * b["reviews"]) for b in bins if b["reviews"])
    assert recalled == sum(1 for h in histories(log, "d") for i in h.targets if h.ratings[i] > 1)
    for b in bins:
        if b["reviews"]:
            assert b["from"] <= b["predicted"] <= b["to"]
    figures = evaluate(DEFAULT_PARAMETERS, histories(log, "d"))
    assert figures is not None
    assert fsrs["log_loss"] == round(figures.log_loss, 4) and fsrs["rmse_bins"] == round(figures.rmse_bins, 4)


def test_the_calibration_window_is_the_newest_reviews(reviewed) -> None:  # type: ignore[no-untyped-def]
    conn, library, _ = reviewed
    fsrs = memory_model.collect(conn, [library.find("d")], newest=200)
    assert 0 < fsrs["reviews"] <= 200


def test_the_retention_simulator_marks_the_least_work_per_card_known(reviewed) -> None:  # type: ignore[no-untyped-def]
    conn, library, _ = reviewed
    simulation = memory_model.collect(conn, [library.find("d")])["simulation"]
    rows = simulation["rows"]
    assert [r["retention"] for r in rows] == [0.7, 0.73, 0.76, 0.79, 0.82, 0.85, 0.88, 0.91, 0.94, 0.97]
    (best,) = [r for r in rows if r["best"]]
    assert best["seconds_per_card_known"] == min(r["seconds_per_card_known"] for r in rows)
    # asking for more recall costs more reviews
    assert rows[-1]["reviews_per_day"] > rows[0]["reviews_per_day"]
    assert all(0 < r["cards_known"] <= 100 for r in rows)


def test_the_suggestion_comes_with_new_reviews_and_waits_after_a_run(reviewed) -> None:  # type: ignore[no-untyped-def]
    conn, library, log = reviewed
    deck = library.find("d")
    row = memory_model.collect(conn, [deck])["decks"][0]
    assert row["reviews"] == len(log) >= deck_fsrs.SUGGEST_AFTER_REVIEWS
    assert row["suggest_optimize"] and row["new_reviews_since_optimize"] == len(log)
    deck_fsrs.record_check(conn, "d", START, len(log))
    row = memory_model.collect(conn, [deck])["decks"][0]
    assert not row["suggest_optimize"] and row["new_reviews_since_optimize"] == 0


def test_desired_retention_chosen_in_the_app_schedules_unless_the_file_pins_it(reviewed) -> None:  # type: ignore[no-untyped-def]
    conn, library, _ = reviewed
    deck_fsrs.set_desired_retention(conn, "d", 0.8)
    row = memory_model.collect(conn, [library.find("d")])["decks"][0]
    assert (row["desired_retention"], row["retention_source"]) == (0.8, "app")
    chosen = parameters.resolve(Settings(desired_retention=0.95), deck_fsrs.load(conn, ["d"])["d"])
    assert (chosen.retention, chosen.retention_source) == (0.95, "deck file")


def test_stats_json_has_the_memory_model(
    tmp_path: Path, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    deck = basic_deck(decks / "d.yaml", cards=100)
    conn = db.connect(isolated_env / "progress.sqlite3")
    progress.sync_deck(conn, deck, Config.from_env().now())
    write_log(conn, "d", reviews_for(forgets_after_3_days, cards=100, per_card=8))
    conn.close()
    assert main(["--decks", str(decks), "stats", "d", "--json"]) == 0
    fsrs = json.loads(capsys.readouterr().out)["fsrs"]
    # exactly the TypedDicts the screen is type-checked against
    assert set(fsrs) == set(get_type_hints(memory_model.MemoryModel))
    assert all(set(row) == set(get_type_hints(memory_model.MemoryDeck)) for row in fsrs["decks"])
    assert all(set(row) == set(get_type_hints(memory_model.CalibrationRow)) for row in fsrs["calibration"])
    assert set(fsrs["simulation"]) == set(get_type_hints(memory_model.Simulation))
    assert all(set(row) == set(get_type_hints(memory_model.SimulationRow)) for row in fsrs["simulation"]["rows"])
    (row,) = fsrs["decks"]
    assert row["parameters"] == [round(w, 4) for w in DEFAULT_PARAMETERS] and row["parameters_source"] == "default"
    assert main(["--decks", str(decks), "optimize", "d"]) == 0
    capsys.readouterr()
    assert main(["--decks", str(decks), "stats", "d", "--json"]) == 0
    fitted = json.loads(capsys.readouterr().out)["fsrs"]
    (row,) = fitted["decks"]
    assert row["parameters_source"] == "fitted" and row["fitted_at"].startswith("2026-12-01")
    # on this learner's reviews the adopted fit predicts better than the defaults did
    assert fitted["log_loss"] < fsrs["log_loss"]
    assert main(["--decks", str(decks), "stats", "d"]) == 0
    assert "MEMORY MODEL" in capsys.readouterr().out


def test_the_judged_reviews_are_cached_until_the_log_or_the_parameters_change(
    reviewed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    conn, library, _ = reviewed
    deck = library.find("d")
    first = memory_model.collect(conn, [deck], cache_dir=tmp_path / "cache")
    reads = []
    real = memory_model._recent_histories
    monkeypatch.setattr(memory_model, "_recent_histories", lambda *a: reads.append(1) or real(*a))
    assert memory_model.collect(conn, [deck], cache_dir=tmp_path / "cache") == first
    assert reads == []  # from the cache
    deck_fsrs.save_fit(conn, "d", STEEP, START, 1, 0.4, 0.05)  # new parameters: judged again
    refitted = memory_model.collect(conn, [deck], cache_dir=tmp_path / "cache")
    assert reads == [1] and refitted["log_loss"] != first["log_loss"]
    conn.execute(
        "INSERT INTO review_log (card, reviewed_at, day, rating, state_before, state_after, due_after, interval_days) "
        "SELECT card, reviewed_at + 86400000, day, 3, 2, 2, 0, 1 FROM review_log ORDER BY id DESC LIMIT 1"
    )  # a new answer: judged again
    memory_model.collect(conn, [deck], cache_dir=tmp_path / "cache")
    assert reads == [1, 1]
    (tmp_path / "cache" / memory_model.CACHE_FILE).write_text("{not json", encoding="utf-8")
    assert memory_model.collect(conn, [deck], cache_dir=tmp_path / "cache")["reviews"] > 0  # damaged: a miss
