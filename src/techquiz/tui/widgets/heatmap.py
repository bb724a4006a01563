"""A calendar heatmap of reviews per day (weeks as columns, Monday on top), as Anki and GitHub draw it.

No plotting package draws this shape, so it is a small widget of ours: two cells per day, the
colour a blend of the theme's success colour into the background by the day's level (0-4).
"""

from __future__ import annotations

from datetime import timedelta

from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widget import Widget

from techquiz.stats import Heatmap

WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
SHADES = (0.0, 0.3, 0.5, 0.75, 1.0)  # share of the success colour at each level


class HeatmapView(Widget):
    DEFAULT_CSS = """
    HeatmapView { height: 9; width: auto; max-width: 100%; }
    """

    def __init__(self, data: Heatmap, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data = data

    def get_content_width(self, container: object, viewport: object) -> int:
        return 4 + 2 * len(self.data.weeks)

    def _colours(self) -> list[Style]:
        variables = self.app.theme_variables
        background = Color.parse(variables.get("surface", "#1e1e1e"))
        hot = Color.parse(variables.get("success", "#4EBF71"))
        empty = background.blend(Color.parse(variables.get("foreground", "#e0e0e0")), 0.12)
        return [Style(color=(empty if s == 0 else background.blend(hot, s)).rich_color) for s in SHADES]

    def render(self) -> Text:
        styles = self._colours()
        text = Text(no_wrap=True, overflow="crop")
        # A narrow terminal drops the oldest weeks, never the current one (the one on the right).
        first = max(0, len(self.data.weeks) - max((self.size.width - 4) // 2, 1))
        levels = self.data.levels[first:]
        # Month names above the first week that starts in them.
        months = [" "] * (2 * len(levels))
        previous = None
        for w in range(len(levels)):
            month = (self.data.start + timedelta(days=7 * (first + w))).strftime("%b")
            if month != previous and 2 * w + 3 <= len(months):
                months[2 * w : 2 * w + 3] = list(month)
            previous = month
        text.append("    " + "".join(months).rstrip() + "\n", style="dim")
        for weekday in range(7):
            text.append(f"{WEEKDAYS[weekday]:<4}", style="dim")
            for column in levels:
                level = column[weekday]
                text.append("  " if level is None else "■ ", style=styles[level] if level is not None else "")
            text.append("\n")
        text.append("    less ", style="dim")
        for style in styles:
            text.append("■ ", style=style)
        text.append("more", style="dim")
        return text
