"""Traffic-light colours: a status cell coloured green, yellow or red instead of worded.

Brå's template suggests grön / gul / röd for a measure's status, and many plans colour the
cell and write nothing in it. Pure: takes an "RRGGBB" string, never an openpyxl object.
"""

from __future__ import annotations

import colorsys

# Excel's own "Bra / Neutral / Dålig" cell styles are pale (C6EFCE, FFEB9C, FFC7CE);
# greys, near-whites and pastel accents (FCE4D6) below this saturation are decoration.
_MIN_SATURATION = 0.16
_MIN_VALUE = 0.3

# Hue bands in degrees -> the word a status cell would hold. Orange is Brå's amber.
_BANDS = (
    (0, 15, "Röd"),
    (15, 70, "Gul"),
    (75, 170, "Grön"),
    (340, 361, "Röd"),
)


def traffic_light(rgb: str | None) -> str | None:
    """ "Grön", "Gul" or "Röd" for a fill colour ("00B050", "FFC7CE"), else None."""
    if not rgb or len(rgb) != 6:
        return None
    try:
        red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return None
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    if saturation < _MIN_SATURATION or value < _MIN_VALUE:
        return None
    degrees = hue * 360
    return next((word for low, high, word in _BANDS if low <= degrees < high), None)
