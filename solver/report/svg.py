"""Charts of the HTML report as inline SVG, drawn here (no matplotlib: the report works on the default install).

Every chart has the same parts, marked by class so a test (or a reader) finds them: ``chart-title`` (the
title in words, also the SVG's ``<title>``), ``axis-label x`` and ``axis-label y`` (what is on each axis,
with its unit), a ``legend`` with one ``legend-item`` per series where there is more than one, and the
marks of each series carrying ``data-series``. All text goes through ``esc`` (a plant named ``<script>``
is drawn as that text). Hovering a mark shows its value (an SVG ``<title>``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

W, H = 820, 380  # the drawing's size in SVG units; the page scales it to its width
LEFT, RIGHT, TOP, BOTTOM = 84, 200, 44, 58  # margins: the legend sits at the right
FLIP_COLOUR, BREAK_COLOUR = "#d62728", "#7f7f7f"


def esc(text) -> str:
    return escape(str(text), quote=True)


def num(v: float, decimals: int = 0) -> str:
    return f"{v:,.{decimals}f}"


def money_scale(values) -> tuple[float, str]:
    """A divisor and its word for a money axis (as the PNG charts: million above 1e7, thousand above 1e4)."""
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    top = max(finite, default=0.0)
    return (1e6, "million ") if top >= 1e7 else (1e3, "thousand ") if top >= 1e4 else (1.0, "")


@dataclass
class Series:
    name: str
    values: list[float]
    colour: str
    xs: list[float] = field(default_factory=list)  # for lines and steps
    dash: str = ""


@dataclass
class Mark:
    """A vertical line at x with its label (a build decision flipping, an expected cost, a CVaR)."""

    x: float
    label: str
    colour: str = FLIP_COLOUR
    dash: str = ""


def ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else [0.0]
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    out, t = [], first
    while t <= hi + step * 1e-9:
        out.append(round(t, 10))
        t += step
    return out


def _decimals(values: list[float]) -> int:
    step = min((b - a for a, b in zip(values, values[1:], strict=False)), default=1.0)
    return 0 if step >= 1 or step <= 0 else min(4, -math.floor(math.log10(step)))


def _frame(title: str, x_label: str, y_label: str, height: int = H, bottom: int = BOTTOM) -> list[str]:
    mid = LEFT + (W - LEFT - RIGHT) / 2
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {W} {height}" role="img">',
        f"<title>{esc(title)}</title>",
        f'<text class="chart-title" x="{W / 2:.0f}" y="22" text-anchor="middle">{esc(title)}</text>',
        f'<text class="axis-label x" x="{mid:.0f}" y="{height - 12}" text-anchor="middle">{esc(x_label)}</text>',
        f'<text class="axis-label y" transform="translate(16 {(TOP + height - bottom) / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{esc(y_label)}</text>',
    ]


def _y_axis(
    lo: float, hi: float, height: int, decimals: int = 0, margin: int = BOTTOM
) -> tuple[list[str], Callable[[float], float]]:
    """The y axis's grid and tick labels, and the function from a value to its y."""
    bottom = height - margin
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return bottom - (v - lo) / span * (bottom - TOP)

    out = ['<g class="axis y">']
    for t in ticks(lo, hi):
        out.append(f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>')
        out.append(f'<text class="tick" x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{num(t, decimals)}</text>')
    out.append(f'<line class="axis-line" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}"/></g>')
    return out, y


def _legend(series: list[tuple[str, str, str]], title: str = "") -> list[str]:
    """(name, colour, kind) per entry; kind "box" (bars), "dot" (points) or "line" (a dash pattern or "")."""
    x0, out = W - RIGHT + 14, ['<g class="legend">']
    if title:
        out.append(f'<text class="legend-title" x="{x0}" y="{TOP + 4}">{esc(title)}</text>')
    for k, (name, colour, kind) in enumerate(series):
        y = TOP + 20 + 18 * k
        if kind == "box":
            swatch = f'<rect x="{x0}" y="{y - 9}" width="12" height="12" fill="{esc(colour)}"/>'
        elif kind == "dot":
            swatch = f'<circle cx="{x0 + 6}" cy="{y - 3}" r="5" fill="{esc(colour)}"/>'
        else:
            dash = f' stroke-dasharray="{kind}"' if kind != "line" else ""
            swatch = f'<line x1="{x0}" x2="{x0 + 14}" y1="{y - 3}" y2="{y - 3}" stroke="{esc(colour)}"{dash}/>'
        short = name if len(name) <= 26 else name[:25] + "…"
        out.append(
            f'<g class="legend-item" data-series="{esc(name)}">{swatch}'
            f'<text x="{x0 + 20}" y="{y + 1}"><title>{esc(name)}</title>{esc(short)}</text></g>'
        )
    return out + ["</g>"]


def bar_chart(
    title: str,
    categories: list[str],
    series: list[Series],
    x_label: str,
    y_label: str,
    legend_title: str = "",
    unit: str = "",
    notes: list[str] | None = None,
) -> str:
    """Stacked columns: one column per category, one coloured part per series (values >= 0)."""
    slot = (W - LEFT - RIGHT) / max(1, len(categories))
    turn = len(categories) > 8 or max((len(c) for c in categories), default=0) * 7 > slot
    margin = BOTTOM + (70 if turn else 0) + (16 * len(notes) if notes else 0)
    height = H + margin - BOTTOM
    totals = [sum(max(0.0, s.values[i]) for s in series) for i in range(len(categories))]
    top = max(totals, default=0.0) or 1.0
    step = ticks(0.0, top)[1] if len(ticks(0.0, top)) > 1 else top
    hi = math.ceil(top / step * 1.02) * step  # a round value above the tallest column
    axis, y = _y_axis(0.0, hi, height, 0, margin)
    out = _frame(title, x_label, y_label, height, margin) + axis
    bar = min(60.0, slot * 0.7)
    out.append('<g class="plot">')
    for s in series:
        out.append(f'<g class="series" data-series="{esc(s.name)}" fill="{esc(s.colour)}">')
        for i, cat in enumerate(categories):
            base = sum(max(0.0, t.values[i]) for t in series[: series.index(s)])
            v = max(0.0, s.values[i])
            if v <= 0:
                continue
            x = LEFT + slot * i + (slot - bar) / 2
            out.append(
                f'<rect class="bar" x="{x:.1f}" y="{y(base + v):.1f}" width="{bar:.1f}" '
                f'height="{y(base) - y(base + v):.1f}" data-value="{v:.6g}">'
                f"<title>{esc(s.name)}, {esc(cat)}: {num(v)}{esc(unit)}</title></rect>"
            )
        out.append("</g>")
    out.append("</g>")
    out.extend(_categories(categories, slot, height, margin, turn))
    for k, note in enumerate(notes or []):
        out.append(f'<text class="note" x="{LEFT}" y="{height - 30 - 14 * k}">{esc(note)}</text>')
    if len(series) > 1:
        out.extend(_legend([(s.name, s.colour, "box") for s in series], legend_title))
    return "\n".join(out + ["</svg>"])


def _categories(categories: list[str], slot: float, height: int, margin: int, turn: bool) -> list[str]:
    out = ['<g class="axis x">']
    for i, cat in enumerate(categories):
        x, y = LEFT + slot * (i + 0.5), height - margin + 16
        short = cat if len(cat) <= 24 else cat[:23] + "…"
        rot = f' transform="rotate(-30 {x:.1f} {y})"' if turn else ""
        anchor = "end" if turn else "middle"
        out.append(f'<text class="tick" x="{x:.1f}" y="{y}" text-anchor="{anchor}"{rot}>{esc(short)}</text>')
    bottom = height - margin
    out.append(f'<line class="axis-line" x1="{LEFT}" x2="{W - RIGHT}" y1="{bottom}" y2="{bottom}"/></g>')
    return out


def line_chart(
    title: str,
    series: list[Series],
    x_label: str,
    y_label: str,
    marks: list[Mark] | None = None,
    legend_title: str = "",
    step: bool = False,
    y_range: tuple[float, float] | None = None,
    from_zero: bool = False,
) -> str:
    """Lines (or post steps) over a numeric x, with labelled vertical marks; ``from_zero``: the y axis
    starts at 0 (units: a bar of 16,000 is not drawn as nearly nothing)."""
    xs = [x for s in series for x in s.xs] + [m.x for m in marks or []]
    ys = [v for s in series for v in s.values if math.isfinite(v)]
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if x_hi <= x_lo:
        x_lo, x_hi = x_lo - 1, x_hi + 1
    lo, hi = y_range or (min(ys, default=0.0), max(ys, default=1.0))
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    if from_zero and y_range is None:
        lo = min(lo, 0.0)
    pad = (hi - lo) * 0.05 if y_range is None else 0.0
    below = 0.0 if from_zero and lo == 0.0 else pad
    axis, y = _y_axis(lo - below, hi + pad, H, _decimals(ticks(lo - below, hi + pad)))

    def x(v: float) -> float:
        return LEFT + (v - x_lo) / (x_hi - x_lo) * (W - LEFT - RIGHT)

    out = _frame(title, x_label, y_label) + axis + ['<g class="axis x">']
    x_ticks = ticks(x_lo, x_hi, 6)
    for t in x_ticks:
        out.append(f'<text class="tick" x="{x(t):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">')
        out.append(f"{num(t, _decimals(x_ticks))}</text>")
    out.append(f'<line class="axis-line" x1="{LEFT}" x2="{W - RIGHT}" y1="{H - BOTTOM}" y2="{H - BOTTOM}"/></g>')
    out.append('<g class="plot">')
    for s in series:
        pts, prev = [], None
        for xv, yv in zip(s.xs, s.values, strict=True):
            if not math.isfinite(yv):
                continue
            if step and prev is not None:
                pts.append(f"{x(xv):.1f},{y(prev):.1f}")
            pts.append(f"{x(xv):.1f},{y(yv):.1f}")
            prev = yv
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        out.append(
            f'<polyline class="line" data-series="{esc(s.name)}" fill="none" stroke="{esc(s.colour)}"{dash} '
            f'points="{" ".join(pts)}"><title>{esc(s.name)}</title></polyline>'
        )
    out.append("</g>")
    out.extend(_marks(marks or [], x))
    if len(series) > 1:
        out.extend(_legend([(s.name, s.colour, s.dash or "line") for s in series], legend_title))
    return "\n".join(out + ["</svg>"])


def _marks(marks: list[Mark], x) -> list[str]:
    """Vertical lines, each labelled (rotated, staggered so labels at close values do not overlap)."""
    out = ['<g class="marks">']
    placed: list[float] = []  # the x of each label drawn so far (rotated text: about 12 units wide)
    for m in sorted(marks, key=lambda m: m.x):
        xv = x(m.x)
        # beside its line, left or right, further out until it clears every label already drawn
        free = (xv + d for d in (-3, 13, -15, 25, -27, 37, -39, 49) if all(abs(xv + d - p) >= 12 for p in placed))
        at = next(free, xv - 3)
        placed.append(at)
        dash = f' stroke-dasharray="{m.dash}"' if m.dash else ""
        out.append(
            f'<g class="mark" data-label="{esc(m.label)}"><line x1="{xv:.1f}" x2="{xv:.1f}" y1="{TOP}" '
            f'y2="{H - BOTTOM}" stroke="{esc(m.colour)}"{dash}/>'
            f'<text class="mark-label" transform="translate({at:.1f} {TOP + 4}) rotate(-90)" '
            f'text-anchor="end" fill="{esc(m.colour)}">{esc(m.label)}</text></g>'
        )
    return out + ["</g>"]
