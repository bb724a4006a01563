"""A vertical bar chart, optionally stacked, drawn with eighth-block characters in theme colours.

A plotting package (textual-plotext) was tried first: it took about 100 ms per chart to draw on our
2-core test machine, which alone broke the stats screen's budget, and it added a runtime
dependency. Bars are all the stats screen needs, so this widget draws them directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widget import Widget

EIGHTHS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str  # a theme variable: "primary", "success", "warning", "error", "accent"...


class BarChart(Widget):
    DEFAULT_CSS = """
    BarChart { height: 1fr; }
    """

    def __init__(
        self,
        labels: Sequence[str],
        series: Sequence[Series],
        *,
        ticks: Sequence[int] | None = None,
        percent: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.labels = list(labels)
        self.series = list(series)
        self.ticks = list(range(len(self.labels))) if ticks is None else list(ticks)  # which labels to print
        self.percent = percent  # values are 0-100: the axis tops out at 100%

    @property
    def totals(self) -> list[float]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.labels))]

    def _axis_label(self, value: float) -> str:
        return f"{value:.0f}%" if self.percent else f"{value:g}"

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        legend = len(self.series) > 1
        rows = max(height - 1 - int(legend), 1)  # one line of x labels, one of legend
        top = 100.0 if self.percent else max(max(self.totals, default=0), 1)
        axis = max(len(self._axis_label(top)), len(self._axis_label(0))) + 1
        count = max(len(self.labels), 1)
        slot = max((width - axis - 1) // count, 1)
        bar = max(slot - 1, 1) if slot > 1 else 1
        styles = [self._style(s.colour) for s in self.series]
        dim = Style(dim=True)
        text = Text(no_wrap=True, overflow="crop")
        for row in range(rows):  # top row first
            level = rows - row  # this row covers (level - 1, level] in row units
            if row == 0:
                label = self._axis_label(top)
            elif row == rows - 1:
                label = self._axis_label(0) if rows > 1 else ""
            else:
                label = ""
            text.append(f"{label:>{axis - 1}}┤" if label else " " * (axis - 1) + "│", style=dim)
            for i in range(len(self.labels)):
                cell, style = self._cell(i, level, rows, top, styles)
                text.append(cell * bar, style=style)
                text.append(" " * (slot - bar))
            text.append("\n")
        line = [" "] * (axis + slot * count + 8)
        free = 0  # the first column a label may use: a label that would touch the one before is left out
        for i in self.ticks:
            start = axis + i * slot
            if 0 <= i < len(self.labels) and start >= free:
                for j, char in enumerate(self.labels[i]):
                    if start + j < len(line):
                        line[start + j] = char
                free = start + len(self.labels[i]) + 1
        text.append("".join(line).rstrip(), style=dim)
        if legend:
            text.append("\n" + " " * axis)
            for series, style in zip(self.series, styles, strict=True):
                text.append("█ ", style=style)
                text.append(f"{series.name}  ", style=dim)
        return text

    def _cell(self, index: int, level: int, rows: int, top: float, styles: list[Style]) -> tuple[str, Style]:
        """The character and colour of one bar at one row: whole cells below, eighths at the top."""
        heights = [s.values[index] / top * rows for s in self.series]
        total = sum(heights)
        if total <= level - 1:
            return " ", Style()
        # The segment that covers the middle of this cell gives it its colour.
        middle, running, style = level - 0.5, 0.0, styles[-1]
        for h, s in zip(heights, styles, strict=True):
            running += h
            if running >= min(middle, total - 1e-9):
                style = s
                break
        if total >= level:
            return "█", style
        return EIGHTHS[max(1, round((total - (level - 1)) * 8))], style

    def _style(self, colour: str) -> Style:
        value = self.app.theme_variables.get(colour, "#888888")
        return Style(color=Color.parse(value).rich_color)
