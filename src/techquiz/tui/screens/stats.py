"""`s`: today, streaks, a review heatmap, forecast, reviews by rating, retention, card states,
memory distributions, the hardest cards and quiz history; for all decks or one (`d`). Then the memory
model: how well FSRS predicts these reviews (calibration), the parameters in use, the retention
simulator; `o` fits the parameters to the reviews, `+`/`-` change the desired retention.

The numbers come from `techquiz.stats.collect`, the same as `techquiz stats --json`. They are read
in a thread worker with its own connection, so a big collection never freezes the screen; the
worker sets `data`, and its watcher builds the panels. `one_deck` (the `d` key) reloads through its
watcher and decides, with `bindings=True`, which of the two `d` labels the footer shows.
"""

from __future__ import annotations

from datetime import date

from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, LoadingIndicator, Static

from techquiz.deck.model import Deck
from techquiz.memory_model import MemoryModel
from techquiz.stats import RATINGS, Bucket, Heatmap, RatingName, Stats, collect, pct, retention_cells
from techquiz.store import db
from techquiz.tui.app import TechquizApp
from techquiz.tui.widgets.barchart import BarChart, Series
from techquiz.tui.widgets.heatmap import HeatmapView

RATING_COLOURS: dict[RatingName, str] = {"again": "error", "hard": "warning", "good": "success", "easy": "primary"}
PERIOD_LABELS = {"today": "Today", "last_7_days": "7 days", "last_30_days": "30 days"}
MODEL_DECKS = 3  # decks whose parameters the memory panel lists (all are in `stats --json`)
MIN_RETENTION, MAX_RETENTION = 0.70, 0.99  # the deck format's bounds for desired_retention


def _panel(title: str, *children: Widget, classes: str = "panel") -> Vertical:
    panel = Vertical(*children, classes=classes)
    panel.border_title = title
    return panel


def _chart(buckets: list[Bucket], name: str) -> BarChart:
    """A distribution (stability, difficulty, retrievability) as cards per bucket."""
    values = [b["cards"] for b in buckets]
    return BarChart([b["label"] for b in buckets], [Series("cards", values, "primary")], id=f"chart-{name}")


def _pair(left: Vertical, right: Vertical) -> Container:
    """Two panels: stacked on a narrow terminal, side by side on a wide one (see the .tcss)."""
    return Container(left, right, classes="pair")


class StatsScreen(Screen[None]):
    CSS_PATH = "stats.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("d", "scope(True)", "This deck"),
        Binding("d", "scope(False)", "All decks"),
        Binding("o", "optimize", "Optimize"),
        Binding("plus", "retention(1)", "Retention", key_display="+/-"),
        Binding("minus", "retention(-1)", "Retention", show=False),
        Binding("q", "back", "Back", show=False),
        Binding("s", "back", "Back", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # charts side by side on wide terminals

    app = getters.app(TechquizApp)
    one_deck = var(False, init=False, bindings=True)  # the selected deck only, or all decks
    data: var[Stats | None] = var(None, init=False)  # the numbers on show; set by the worker

    def __init__(self, selected: Deck | None = None) -> None:
        super().__init__()
        self.selected = selected  # the deck highlighted or being studied when `s` was pressed

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoadingIndicator(id="stats-loading")
        yield VerticalScroll(id="stats")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        self.sub_title = "Stats"
        self.query_one("#stats").display = False
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scope":
            # One `d` key: the footer shows whichever switch applies now.
            can = self.selected is not None and len(self.app.library.decks) > 1
            return can and parameters[0] != self.one_deck
        return True

    def action_scope(self, one_deck: bool) -> None:
        self.one_deck = one_deck

    def watch_one_deck(self) -> None:
        self.load()

    @property
    def deck_ids(self) -> list[str]:
        if self.one_deck and self.selected is not None:
            return [self.selected.id]
        return [d.id for d in self.app.library.decks]

    def _scoped_decks(self) -> list[Deck]:
        wanted = set(self.deck_ids)
        return [d for d in self.app.library.decks if d.id in wanted]

    def action_optimize(self) -> None:
        self.app.optimize(self._scoped_decks())

    def action_retention(self, step: int) -> None:
        """Nudge the desired retention of the decks shown by 0.01 (decks whose file pins it keep it)."""
        from techquiz.srs.parameters import scheduling_for
        from techquiz.store.deck_fsrs import set_desired_retention

        decks = self._scoped_decks()
        current = scheduling_for(self.app.conn, decks)
        free = [d for d in decks if current[d.id].retention_source != "deck file"]
        if not free:
            self.notify("The deck file sets desired_retention: change it there", severity="warning", markup=False)
            return
        changed = []
        for deck in free:
            value = round(min(max(current[deck.id].retention + step / 100, MIN_RETENTION), MAX_RETENTION), 2)
            set_desired_retention(self.app.conn, deck.id, value)
            changed.append(value)
        pinned = len(decks) - len(free)
        note = f" ({pinned} deck(s) set it in their file)" if pinned else ""
        values = ", ".join(f"{v:.2f}" for v in sorted(set(changed)))
        self.notify(f"Desired retention {values}{note}", timeout=3, markup=False)
        self.app.scheduling_changed()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        # sqlite3 connections stay in their thread: the worker opens its own (cheap, no check).
        conn = db.connect(self.app.config.store_path, check=False)
        try:
            data = collect(conn, self.app.library, self.deck_ids, self.app.config.now(), self.app.config.cache_dir)
        finally:
            conn.close()
        self.app.call_from_thread(self._set_data, data)

    def _set_data(self, data: Stats) -> None:
        self.data = data  # on the UI thread: its watcher mounts widgets

    async def watch_data(self, data: Stats | None) -> None:
        if data is None:
            return
        container = self.query_one("#stats", VerticalScroll)
        await container.remove_children()
        await container.mount_all(self._widgets(data))
        self.query_one("#stats-loading").display = False
        container.display = True

    # ---- building -----------------------------------------------------------------------------
    def _widgets(self, data: Stats) -> list[Widget]:
        buckets = data["distributions"]
        grid = data["heatmap"]
        heat = Heatmap(date.fromisoformat(grid["start"]), grid["weeks"], grid["levels"])
        scope = self.selected.title if self.one_deck and self.selected else "All decks"
        return [
            Static(self._summary(data, scope), id="stats-summary"),
            _panel(
                "Reviews per day, the weeks that fit (up to a year)",
                HeatmapView(heat, id="heatmap"),
                classes="panel heat",
            ),
            _pair(
                _panel("Due in the next 30 days", self._forecast(data)),
                _panel("Reviews per day by rating, last 30 days", self._ratings(data)),
            ),
            _pair(
                _panel("True retention", Static(self._retention(data), id="retention"), classes="panel text"),
                _panel("Cards", Static(self._card_counts(data), id="card-counts"), classes="panel text"),
            ),
            _pair(
                _panel("Stability (days until recall drops to 90%)", _chart(buckets["stability"], "stability")),
                _panel("Difficulty (1 easy - 10 hard)", _chart(buckets["difficulty"], "difficulty")),
            ),
            _pair(
                _panel("Retrievability now (chance of recall)", _chart(buckets["retrievability"], "retrievability")),
                _panel(self._quiz_title(data), self._quiz_widget(data)),
            ),
            _panel("Hardest cards (most lapses)", self._hardest(data), classes="panel table"),
            _pair(
                _panel("Memory model", Static(self._model(data["fsrs"]), id="memory-model"), classes="panel text"),
                _panel(
                    "Predicted recall vs recalled (calibration)",
                    Static(self._calibration(data["fsrs"]), id="calibration"),
                    classes="panel text",
                ),
            ),
            _panel(
                "Retention simulator: a year at each desired retention",
                Static(self._simulator(data["fsrs"]), id="simulator"),
                classes="panel text",
            ),
        ]

    def _summary(self, data: Stats, scope: str) -> Content:
        retention, knowledge = data["retention"], data["knowledge"]
        minutes = data["time_today_seconds"] // 60
        recalled = knowledge["estimated_recalled_now"]
        return Content.assemble(
            (scope, "bold"),
            (f"  {data['today']}\n", "dim"),
            # One label per line, in a column: nothing runs together when a line wraps at 60 columns.
            ("Today      ", "bold $accent"),
            f"{data['reviews_today']} review{'s' if data['reviews_today'] != 1 else ''} · {minutes} min · "
            f"right {pct(retention['today'])}\n",
            ("Due        ", "bold $accent"),
            f"{data['due_today']} today · {data['learning_today']} in learning\n",
            ("Streak     ", "bold $accent"),
            f"{data['streak_days']} day{'s' if data['streak_days'] != 1 else ''} "
            f"(longest {data['longest_streak_days']})\n",
            ("Knowledge  ", "bold $accent"),
            f"about {recalled:g} of {knowledge['cards_studied']} studied cards recallable now "
            f"(average {pct(knowledge['average_retrievability'])})",
        )

    @staticmethod
    def _retention(data: Stats) -> Content:
        parts: list[Content | str | tuple[str, str]] = [(f"{'':<8}{'young':>12}{'mature':>12}{'all':>12}\n", "bold")]
        for row in data["retention_table"]:
            cells = "".join(f"{cell:>12}" for cell in retention_cells(row))
            parts.append(f"{PERIOD_LABELS[row['period']]:<8}{cells}\n")
        parts.append(("share of review answers not Again (reviews)", "dim"))
        return Content.assemble(*parts)

    @staticmethod
    def _card_counts(data: Stats) -> Content:
        cards = data["cards"]
        rows = [("New", cards["new"]), ("Learning", cards["learning"]), ("Young", cards["young"]),
                ("Mature", cards["mature"]), ("Relearning", cards["relearning"]), ("Suspended", cards["suspended"]),
                ("Leeches", cards["leeches"])]  # fmt: skip
        total = max(cards["total"], 1)
        parts: list[Content | str | tuple[str, str]] = []
        for label, count in rows:
            bar = "█" * round(20 * count / total)
            parts += [f"{label:<11}{count:>7} ", (bar, "$primary"), "\n"]
        parts.append((f"{'Total':<11}{cards['total']:>7}", "bold"))
        return Content.assemble(*parts)

    @staticmethod
    def _forecast(data: Stats) -> BarChart:
        due = [f["due"] for f in data["forecast"]]
        labels = ["today"] + [f"+{i}d" for i in range(1, len(due))]
        return BarChart(labels, [Series("due", due, "accent")], ticks=[0, 7, 14, 21, 28], id="chart-forecast")

    @staticmethod
    def _ratings(data: Stats) -> BarChart:
        recent = data["recent_days"]
        labels = [f"{i - len(recent) + 1}d" for i in range(len(recent) - 1)] + ["today"]
        series = [Series(k.capitalize(), [d[k] for d in recent], RATING_COLOURS[k]) for k in RATINGS]
        return BarChart(labels, series, ticks=[0, 7, 14, 21, len(recent) - 1], id="chart-ratings")

    @staticmethod
    def _quiz_title(data: Stats) -> str:
        early = any(not q["finished"] for q in data["quizzes"][-20:])
        return "Quiz scores (* ended early: of the questions answered)" if early else "Quiz scores"

    @staticmethod
    def _quiz_widget(data: Stats) -> Widget:
        if not data["quizzes"]:
            return Static(Content("No quizzes yet: press t on the home screen to take one."), classes="empty")
        quizzes = data["quizzes"][-20:]
        scores = [round(100 * (q["score"] or 0)) for q in quizzes]
        # A quiz ended early is marked: its score is of the questions answered, not of all it had.
        labels = [q["date"][5:] + ("" if q["finished"] else "*") for q in quizzes]
        every = max(1, len(quizzes) // 4)
        return BarChart(
            labels, [Series("score", scores, "success")], ticks=list(range(0, len(quizzes), every)), percent=True,
            id="chart-quizzes",
        )  # fmt: skip

    @staticmethod
    def _hardest(data: Stats) -> Static:
        if not data["hardest"]:
            return Static(Content("No lapses yet: no card has been forgotten after it was learned."), classes="empty")
        width = max(len(card["deck"]) for card in data["hardest"])
        parts: list[Content | str | tuple[str, str]] = [(f"{'lapses':>6}  {'deck':<{width}}  card", "bold")]
        for card in data["hardest"]:
            mark = ("leech ", "bold $error") if card["leech"] else "      "
            # Deck text is untrusted: Content(...) is plain text, never parsed as markup.
            parts += ["\n", f"{card['lapses']:>6}  ", (f"{card['deck']:<{width}}", "dim"), "  ", mark]
            parts.append(Content(card["text"] or card["card"]))
        return Static(Content.assemble(*parts), id="hardest")

    @staticmethod
    def _model(fsrs: MemoryModel) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        if fsrs["log_loss"] is None:
            parts.append(("No reviews a day or more apart yet: nothing to judge the predictions by.\n", "dim"))
        else:
            parts += [
                f"On the newest {fsrs['reviews']} reviews: log loss ",
                (f"{fsrs['log_loss']:.4f}", "bold"),
                ", RMSE (bins) ",
                (f"{fsrs['rmse_bins']:.4f}", "bold"),
                ("\nlower is better; RMSE is the typical gap between predicted and actual recall\n", "dim"),
            ]
        ranked = sorted(fsrs["decks"], key=lambda d: -d["reviews"])  # the decks with most reviews first
        for deck in ranked[:MODEL_DECKS]:
            fitted = f" {deck['fitted_at'][:10]}" if deck["fitted_at"] else ""
            # Deck ids are checked at load (letters, digits, - _ . :), yet stay plain text here.
            parts += [
                "\n",
                Content(deck["id"]),
                (f"  {deck['parameters_source']} parameters{fitted}", "bold $accent"),
                f" · retention {deck['desired_retention']:.2f} ({deck['retention_source']}) · "
                f"{deck['reviews']} review{'' if deck['reviews'] == 1 else 's'}\n",
            ]
            if deck["parameters_source"] != "default":  # the defaults are FSRS's, listed in the docs
                parts.append((" ".join(f"{w:g}" for w in deck["parameters"]) + "\n", "dim"))
            if deck["suggest_optimize"]:
                parts.append(
                    (f"{deck['new_reviews_since_optimize']} new reviews since the last fit: press o\n", "$warning")
                )
        if len(ranked) > MODEL_DECKS:
            more = len(ranked) - MODEL_DECKS
            parts.append((f"… and {more} more deck{'' if more == 1 else 's'} (techquiz stats --json)\n", "dim"))
        parts.append(("o fits the parameters to your reviews · +/- desired retention", "dim"))
        return Content.assemble(*parts)

    @staticmethod
    def _calibration(fsrs: MemoryModel) -> Content:
        bins = [b for b in fsrs["calibration"] if b["reviews"]]
        if not bins:
            return Content("Calibration shows once reviews come a day or more after the previous one.")
        parts: list[Content | str | tuple[str, str]] = [
            (f"{'predicted':<9} {'recalled':<19} {'mean pred.':>10} {'reviews':>8}", "bold")
        ]
        for b in bins:
            width = round(12 * (b["actual"] or 0.0))  # a bin with reviews always has a share
            parts += [
                f"\n{int(b['from'] * 100):>3}-{int(b['to'] * 100):<3}%   ",
                ("█" * width, "$success"),
                " " * (12 - width),
                f" {pct(b['actual']):>6} {pct(b['predicted']):>10} {b['reviews']:>8}",
            ]
        # a legend, not a verdict: "well calibrated:" above a badly calibrated table read as one
        parts.append(("\nwhere FSRS knows you well, each bin recalls about its mean prediction", "dim"))
        return Content.assemble(*parts)

    @staticmethod
    def _simulator(fsrs: MemoryModel) -> Content:
        simulation = fsrs["simulation"]
        if simulation is None:
            return Content("No decks.")
        parts: list[Content | str | tuple[str, str]] = [
            (f"{'retention':>9} {'reviews/day':>12} {'min/day':>8} {'known':>7} {'s/card known':>13}", "bold")
        ]
        # the simulated deck's own desired retention, to compare with the one of least work
        yours = next((d["desired_retention"] for d in fsrs["decks"] if d["id"] == simulation["deck"]), None)
        nearest = min(simulation["rows"], key=lambda r: abs(r["retention"] - yours)) if yours is not None else None
        for row in simulation["rows"]:
            text = (
                f"\n{row['retention']:>9.2f} {row['reviews_per_day']:>12} {row['minutes_per_day']:>8} "
                f"{row['cards_known']:>7} {row['seconds_per_card_known'] or '-':>13}"
            )
            parts.append((text, "bold $success") if row["best"] else text)
            if row["best"]:
                parts.append((" ◀ least work", "bold $success"))
            if row is nearest:
                parts.append((f" ◀ yours ({yours:.2f})", "bold $accent"))
        parts.append((f"\n{simulation['cards']} cards, {simulation['days']} days, with the parameters of ", "dim"))
        parts += [Content(simulation["deck"]), (" (FSRS's simulator, as Anki's)", "dim")]
        return Content.assemble(*parts)

    def action_back(self) -> None:
        self.dismiss()
