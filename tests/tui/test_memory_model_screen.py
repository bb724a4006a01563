"""The memory model in the app: the stats panels, optimizing from the stats screen and the palette,
the desired retention keys, and the suggestion on the home screen."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from techquiz.store import deck_fsrs
from techquiz.tui.app import TechquizApp
from techquiz.tui.screens.stats import StatsScreen
from techquiz.tui.screens.study import StudyScreen
from tests.memory_histories import forgets_after_3_days, reviews_for, write_log

from .conftest import HOSTILE

MakeApp = Callable[..., TechquizApp]


def deck_text(deck_id: str = "mem", title: str = "Memory", cards: int = 100, settings: str = "") -> str:
    lines = [f"format: 1\nid: {deck_id}\ntitle: {title}\n{settings}cards:\n"]
    lines += [f"  - {{id: c{i}, front: 'q{i}', back: 'a{i}'}}\n" for i in range(cards)]
    return "".join(lines)


def with_history(make_app: MakeApp, settings: str = "") -> TechquizApp:
    app = make_app({"mem.yaml": deck_text(settings=settings)})
    write_log(app.conn, "mem", reviews_for(forgets_after_3_days, cards=100, per_card=8))
    return app


def text(app: TechquizApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_stats(app: TechquizApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, StatsScreen)


async def test_stats_show_calibration_parameters_and_the_simulator(make_app: MakeApp) -> None:
    app = with_history(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(app, pilot)
        model = text(app, "#memory-model")
        assert "log loss" in model and "RMSE (bins)" in model
        assert "mem  default parameters · retention 0.90 (default) · 1570 reviews" in model
        assert "new reviews since the last fit: press o" in model
        calibration = text(app, "#calibration")
        assert "predicted" in calibration and "%" in calibration
        simulator = text(app, "#simulator")
        assert "0.70" in simulator and "0.97" in simulator and simulator.count("◀ least work") == 1
        assert simulator.count("◀ yours (0.90)") == 1 and "0.91" in simulator.split("◀ yours")[0].splitlines()[-1]


async def test_o_on_the_stats_screen_fits_adopts_and_shows_the_fit(make_app: MakeApp) -> None:
    app = with_history(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(app, pilot)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()  # the stats reload the optimizer started
        await pilot.pause()
        row = deck_fsrs.load(app.conn, ["mem"])["mem"]
        assert row.parameters is not None and row.fitted_at is not None
        model = text(app, "#memory-model")
        assert "mem  fitted parameters 2026-12-01" in model
        assert "press o" not in model  # the suggestion waits for new reviews
        assert any("new parameters adopted" in n.message for n in app._notifications)


async def test_the_palette_optimizes_every_deck(make_app: MakeApp) -> None:
    app = with_history(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Optimize FSRS")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert deck_fsrs.load(app.conn, ["mem"])["mem"].parameters is not None


async def test_plus_and_minus_change_the_desired_retention(make_app: MakeApp) -> None:
    app = with_history(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(app, pilot)
        await pilot.press("plus", "plus")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert deck_fsrs.load(app.conn, ["mem"])["mem"].desired_retention == 0.92
        assert "retention 0.92 (app)" in text(app, "#memory-model")
        await pilot.press(*["minus"] * 30)  # stops at the deck format's lower bound
        assert deck_fsrs.load(app.conn, ["mem"])["mem"].desired_retention == 0.7


async def test_a_retention_pinned_in_the_deck_file_is_left_alone(make_app: MakeApp) -> None:
    app = with_history(make_app, settings="settings: {desired_retention: 0.85}\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(app, pilot)
        await pilot.press("plus")
        await pilot.pause()
        assert "mem" not in deck_fsrs.load(app.conn, ["mem"])
        assert any("change it there" in n.message for n in app._notifications)


async def test_home_suggests_optimizing_with_the_deck_title_as_plain_text(make_app: MakeApp) -> None:
    quiet = make_app({"calm.yaml": deck_text("calm")})
    async with quiet.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "FSRS" not in text(quiet, "#greeting")  # no reviews: nothing to suggest
    app = make_app({"h.yaml": HOSTILE.replace("id: hostile", "id: mem")})
    write_log(app.conn, "mem", reviews_for(forgets_after_3_days, cards=100, per_card=8))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        greeting = text(app, "#greeting")
        assert "[bold red]Hostile[/] [@click=app.quit]deck[/]: 1570 new reviews since FSRS was last fitted" in greeting
        assert "optimize in stats (s, o)" in greeting


async def test_a_study_session_beneath_takes_the_new_retention_at_once(make_app: MakeApp) -> None:
    app = make_app({"mem.yaml": deck_text(cards=5)}, mode="study")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        study = app.screen
        assert isinstance(study, StudyScreen)
        await open_stats(app, pilot)
        await pilot.press("plus")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is study
        assert study.session.scheduling["mem"].retention == 0.91


async def test_the_memory_panel_counts_one_review_and_one_more_deck(make_app: MakeApp) -> None:
    decks = {f"d{i}.yaml": deck_text(deck_id=f"d{i}", title=f"D{i}", cards=2) for i in range(4)}
    app = make_app(decks)
    write_log(app.conn, "d0", reviews_for(forgets_after_3_days, cards=1, per_card=1)[:1])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(app, pilot)
        model = text(app, "#memory-model")
        assert "· 1 review\n" in model and "1 reviews" not in model
        assert "… and 1 more deck (techquiz stats --json)" in model


async def test_the_calibration_legend_is_no_verdict(make_app: MakeApp) -> None:
    # This learner forgets whatever is 3 days old: FSRS's defaults are badly calibrated for them, and the
    # panel said "well calibrated: ..." under the table all the same.
    app = with_history(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(app, pilot)
        calibration = text(app, "#calibration")
        assert "well calibrated:" not in calibration
        assert "where FSRS knows you well, each bin recalls about its mean prediction" in calibration
