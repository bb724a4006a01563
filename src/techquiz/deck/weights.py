"""Which FSRS weights can schedule: the check behind `settings: {fsrs_parameters: [...]}` in a deck
file and behind every stored fit. The bounds are py-fsrs's own (its scheduler refuses weights outside
them), so what a deck may pin is exactly what can schedule."""

from __future__ import annotations

import math
from collections.abc import Sequence

WEIGHT_COUNT = 21  # FSRS-6


def weight_problems(values: Sequence[float]) -> list[str]:
    """Why these weights cannot schedule (empty when they can): 21 finite numbers within FSRS's bounds."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS  # only for decks that pin

    if len(values) != WEIGHT_COUNT:
        return [f"needs {WEIGHT_COUNT} numbers, not {len(values)}"]
    out = []
    for i, (value, low, high) in enumerate(zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)):
        if not math.isfinite(value):
            out.append(f"w{i} is not a finite number")
        elif not low <= value <= high:
            out.append(f"w{i} = {value:g} is outside {low:g}..{high:g}")
    return out
