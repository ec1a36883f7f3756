"""Traffic lights drawn by conditional formatting: a status column holding 1, 2, 3 (or a
percentage) under an icon set of traffic lights, often with the numbers themselves hidden.
What the user sees, and means, is the light; the number is how Excel chose it.

Excel's rule: the icons split the cells' values at thresholds (the first, the lowest icon,
takes everything below the second threshold); a threshold is a number, a percent of the
way from the range's smallest to its largest value, or a percentile. The lowest icon of a
traffic-light set is red, unless the rule reverses the order.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils.cell import range_boundaries

# Icon sets whose icons are red, yellow, green from the lowest value up (4TrafficLights
# starts with black: no status word for it).
_LIGHTS: dict[str, tuple[str | None, ...]] = {
    "3TrafficLights1": ("Röd", "Gul", "Grön"),
    "3TrafficLights2": ("Röd", "Gul", "Grön"),
    "3Signs": ("Röd", "Gul", "Grön"),
    "3Symbols": ("Röd", "Gul", "Grön"),
    "3Symbols2": ("Röd", "Gul", "Grön"),
    "3Flags": ("Röd", "Gul", "Grön"),
    "4TrafficLights": (None, "Röd", "Gul", "Grön"),
}

Cell = tuple[int, int]


def _numbers(grid: dict[Cell, Any], cells: list[Cell]) -> dict[Cell, float]:
    return {
        cell: float(value)
        for cell in cells
        if isinstance(value := grid.get(cell), int | float) and not isinstance(value, bool)
    }


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _threshold(cfvo: Any, values: list[float]) -> float | None:
    try:
        number = float(cfvo.val)
    except (TypeError, ValueError):
        return None  # a formula: not worked out here
    if cfvo.type == "num":
        return number
    if cfvo.type == "percent":
        return min(values) + (max(values) - min(values)) * number / 100
    if cfvo.type == "percentile":
        return _percentile(values, number)
    return None


def _lights_of_rule(icon_set: Any, numbers: dict[Cell, float]) -> dict[Cell, str]:
    colours = _LIGHTS.get(str(icon_set.iconSet or "3TrafficLights1"))
    cfvos = list(icon_set.cfvo or [])
    if colours is None or len(cfvos) != len(colours) or not numbers:
        return {}
    if icon_set.reverse:
        colours = colours[::-1]
    values = list(numbers.values())
    limits = [_threshold(cfvo, values) for cfvo in cfvos[1:]]
    if any(limit is None for limit in limits):
        return {}
    lights: dict[Cell, str] = {}
    for cell, value in numbers.items():
        index = 0
        for i, (cfvo, limit) in enumerate(zip(cfvos[1:], limits, strict=True), start=1):
            assert limit is not None
            inclusive = cfvo.gte is None or bool(cfvo.gte)
            if value > limit or (inclusive and value == limit):
                index = i
        if (word := colours[index]) is not None:
            lights[cell] = word
    return lights


def icon_lights(ws: Any, grid: dict[Cell, Any]) -> dict[Cell, str]:
    """(row, column) -> "Grön", "Gul" or "Röd" for numbers under a traffic-light icon set."""
    lights: dict[Cell, str] = {}
    for formatting in ws.conditional_formatting:
        rules = [r for r in formatting.rules if r.type == "iconSet" and r.iconSet is not None]
        if not rules:
            continue
        cells: list[Cell] = []
        for rng in formatting.sqref.ranges:
            # A whole column ("H:H") or row has no bound on the other side.
            min_col, min_row, max_col, max_row = range_boundaries(str(rng))
            cells.extend(
                (r, c)
                for (r, c) in grid
                if (min_row or 1) <= r <= (max_row or r) and (min_col or 1) <= c <= (max_col or c)
            )
        numbers = _numbers(grid, cells)
        for rule in rules:  # the first rule wins, as in Excel
            for cell, word in _lights_of_rule(rule.iconSet, numbers).items():
                lights.setdefault(cell, word)
    return lights
