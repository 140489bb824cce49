"""One colour per plant, the same in every chart plantsplit draws (PNG, xlsx, HTML report).

A plant's colour comes from its place among the case's plants in natural order (``names.natural_sorted``),
so it never depends on the order of a file or of a table, nor on which chart draws it. The first eight
are matplotlib's default colours without red and grey (red marks build flips and grey other breakpoints
or perfect information in the charts); more plants get colours spread round the colour wheel.
"""

from __future__ import annotations

import colorsys

from solver.case.names import natural_sorted

BASE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")


def colour(k: int) -> str:
    """The k-th colour (0-based): BASE, then hues by the golden angle at two lightnesses."""
    if k < len(BASE):
        return BASE[k]
    j = k - len(BASE)
    hue = (0.13 + j * 0.381966) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.42 if j % 2 else 0.55, 0.62)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def plant_colours(plants) -> dict[str, str]:
    """Plant name -> colour ("#rrggbb") for every plant of the case (give them all: the colours follow
    their natural order)."""
    return {p: colour(k) for k, p in enumerate(natural_sorted(str(p) for p in plants))}
