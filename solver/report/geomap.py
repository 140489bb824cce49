"""The network on a map (inline SVG): plants and markets where the case puts them (``places.csv``, from
the case's ``lat``/``lon``), a curve per plant-market pair as wide as the units it carries, in the
plant's colour, over the countries' outlines.

The outlines are Natural Earth's 1:110m countries (public domain), shipped with plantsplit as
``world_110m.json``: nothing is fetched. The projection is equirectangular with the longitude scaled
by the cosine of the middle latitude (true shape near the middle of the map), over the smallest
window of longitude that holds every place: a network around the Pacific is drawn across the
Pacific, not across Europe. Labels are placed right, left, above or below their point, the first
that overlaps no label already placed.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

from solver.report.svg import LEFT, RIGHT, TOP, W, _legend, esc, num

MAP_H = 460  # the most height the drawing takes (SVG units); the width is the charts' W
CHAR_W, LABEL_H = 6.6, 12.0  # a label's size, estimated (font-size 11)
WIDEST = 14.0  # the largest flow's curve width; the others in proportion


@lru_cache(maxsize=1)
def world() -> list[list[tuple[float, float]]]:
    """The countries' outlines as rings of (longitude, latitude) in degrees."""
    doc = json.loads(resources.files("solver.report").joinpath("world_110m.json").read_text(encoding="utf-8"))
    return [[(r[i] / 10.0, r[i + 1] / 10.0) for i in range(0, len(r), 2)] for r in doc["rings"]]


def lon_window(lons: list[float]) -> tuple[float, float]:
    """(west, east) with east > west, possibly past 180: the smallest span of longitude holding every
    one of ``lons`` (the complement of the widest gap between them on the circle)."""
    xs = sorted(x % 360.0 for x in lons)
    if len(xs) == 1:
        return xs[0], xs[0]
    gaps = [(xs[(i + 1) % len(xs)] - xs[i]) % 360.0 for i in range(len(xs))]
    i = max(range(len(xs)), key=lambda k: gaps[k])
    west = xs[(i + 1) % len(xs)]
    east = west + (360.0 - gaps[i])
    return (west - 360.0, east - 360.0) if west > 180.0 else (west, east)


class Projection:
    """Degrees to drawing units over a window of the world, padded, fitted into the plot area."""

    def __init__(self, lats: list[float], lons: list[float], left: float, top: float, width: float, height: float):
        west, east = lon_window(lons)
        south, north = min(lats), max(lats)
        # pad a tenth each side, and show at least 24 degrees of latitude and 36 of longitude
        pad_x = max(0.1 * (east - west), (36.0 - (east - west)) / 2, 3.0)
        pad_y = max(0.1 * (north - south), (24.0 - (north - south)) / 2, 3.0)
        self.west, self.east = west - pad_x, east + pad_x
        self.south, self.north = max(-85.0, south - pad_y), min(85.0, north + pad_y)
        self.k_lon = math.cos(math.radians((self.south + self.north) / 2))
        # no sliver: at least half as tall as wide (more of the land around a thin band of places)
        short = 0.5 * (self.east - self.west) * self.k_lon - (self.north - self.south)
        if short > 0:
            self.south, self.north = max(-75.0, self.south - short / 2), min(82.0, self.north + short / 2)
            self.k_lon = math.cos(math.radians((self.south + self.north) / 2))
        span_x, span_y = (self.east - self.west) * self.k_lon, self.north - self.south
        self.scale = min(width / span_x, height / span_y)
        self.left = left + (width - span_x * self.scale) / 2
        self.top = top + (height - span_y * self.scale) / 2
        self.width, self.height = span_x * self.scale, span_y * self.scale

    def unwrap(self, lon: float) -> float:
        """The longitude's copy (lon, lon ± 360) inside or nearest the window."""
        mid = (self.west + self.east) / 2
        return min((lon - 360.0, lon, lon + 360.0), key=lambda v: abs(v - mid))

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = self.left + (self.unwrap(lon) - self.west) * self.k_lon * self.scale
        return x, self.top + (self.north - lat) * self.scale

    def _raw(self, lat: float, lon: float) -> tuple[float, float]:  # lon already in the window's copy
        return self.left + (lon - self.west) * self.k_lon * self.scale, self.top + (self.north - lat) * self.scale

    def outlines(self) -> str:
        """One SVG path of every ring (or its copy 360 degrees east or west) that reaches the window."""
        parts = []
        for ring in world():
            lo, hi = min(p[0] for p in ring), max(p[0] for p in ring)
            s, n = min(p[1] for p in ring), max(p[1] for p in ring)
            if n < self.south or s > self.north:
                continue
            for shift in (-360.0, 0.0, 360.0):
                if hi + shift < self.west or lo + shift > self.east:
                    continue
                pts = [self._raw(lat, lon + shift) for lon, lat in ring]
                parts.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        return "".join(parts)


def map_chart(
    title: str,
    places: list[tuple[str, str, float, float]],
    flows: list[tuple[str, str, float]],
    colours: dict[str, str],
    unit: str = "units",
) -> str:
    """places: (name, "plant" or "market", lat, lon); flows: (plant, market, units) between placed names."""
    where = {name: (kind, lat, lon) for name, kind, lat, lon in places}
    flows = [f for f in flows if f[2] > 0 and f[0] in where and f[1] in where]
    proj = Projection(
        [p[2] for p in places], [p[3] for p in places], LEFT - 20, TOP + 10, W - LEFT - RIGHT + 10, MAP_H - TOP - 60
    )
    height = int(proj.top + proj.height + 56)  # as tall as the map needs
    clip = f'<clipPath id="map-clip"><rect x="{proj.left:.1f}" y="{proj.top:.1f}" width="{proj.width:.1f}" ' \
        f'height="{proj.height:.1f}"/></clipPath>'  # fmt: skip
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg map" viewBox="0 0 {W} {height}" role="img">',
        f"<title>{esc(title)}</title>",
        f'<text class="chart-title" x="{W / 2:.0f}" y="22" text-anchor="middle">{esc(title)}</text>',
        f'<text class="axis-label x" x="{proj.left + proj.width / 2:.0f}" y="{height - 12}" text-anchor="middle">'
        "longitude (degrees east)</text>",
        f'<text class="axis-label y" transform="translate(14 {proj.top + proj.height / 2:.0f}) rotate(-90)" '
        'text-anchor="middle">latitude (degrees north)</text>',
        f"<defs>{clip}</defs>",
        f'<rect class="sea" x="{proj.left:.1f}" y="{proj.top:.1f}" width="{proj.width:.1f}" '
        f'height="{proj.height:.1f}" fill="#eef4f8" stroke="#999"/>',
        f'<path class="land" clip-path="url(#map-clip)" fill="#e4e1d6" stroke="#b8b3a4" stroke-width="0.6" '
        f'd="{proj.outlines()}"/>',
        *_graticule(proj),
    ]
    top_units = max((u for _, _, u in flows), default=1.0)
    out.append('<g class="plot" clip-path="url(#map-clip)">')
    for p, m, u in sorted(flows, key=lambda f: -f[2]):
        (x0, y0), (x1, y1) = proj.xy(*where[p][1:]), proj.xy(*where[m][1:])
        mx, my = _bend(x0, y0, x1, y1, proj)
        w = max(WIDEST * u / top_units, 0.8)  # proportional (a hairline at the least)
        out.append(
            f'<path class="band" data-series="{esc(p)}" data-value="{u:.6g}" fill="none" '
            f'stroke="{esc(colours.get(p, "#888"))}" stroke-opacity="0.6" stroke-width="{w:.2f}" '
            f'stroke-linecap="round" d="M{x0:.1f},{y0:.1f} Q{mx:.1f},{my:.1f} {x1:.1f},{y1:.1f}">'
            f"<title>{esc(p)} to {esc(m)}: {num(u)} {esc(unit)}</title></path>"
        )
    out.append("</g>")
    out.extend(_points(proj, places, colours))
    placed = [n for n, k, _, _ in places if k == "plant"]
    plants = [p for p in colours if p in placed] + [p for p in placed if p not in colours]  # the charts' order
    legend = [(p, colours.get(p, "#888"), "box") for p in plants] + [("market", "#333", "dot")]
    out.extend(_legend(legend, "plants and markets"))
    out.extend(_width_key(top_units, unit, TOP + 20 + 18 * len(legend) + 16))
    return "\n".join(out + ["</svg>"])


def _bend(x0: float, y0: float, x1: float, y1: float, proj: Projection) -> tuple[float, float]:
    """The control point of a flow's curve: bent to the left of its direction by an eighth of its length,
    and by at least 44 units, so a flow between two places drawn close together loops out from under
    their marks instead of hiding beneath them. Kept on the map."""
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    if length < 1e-9:
        dx, dy, length = 1.0, 0.0, 1.0  # one spot: loop upwards
    off = max(0.12 * length, 44.0)
    mx, my = (x0 + x1) / 2 - dy / length * off, (y0 + y1) / 2 + dx / length * off
    return min(max(mx, proj.left + 4), proj.left + proj.width - 4), min(
        max(my, proj.top + 4), proj.top + proj.height - 4
    )


def _width_key(top: float, unit: str, y: float) -> list[str]:
    """What a curve's width stands for: the widest and half of it."""
    x0 = W - RIGHT + 14
    out = [f'<g class="width-key"><text class="legend-title" x="{x0}" y="{y:.0f}">curve width</text>']
    for k, share in enumerate((1.0, 0.5)):
        yy = y + 18 + 20 * k
        out.append(
            f'<line x1="{x0}" x2="{x0 + 26}" y1="{yy:.0f}" y2="{yy:.0f}" stroke="#777" '
            f'stroke-width="{WIDEST * share:.1f}"/>'
            f'<text x="{x0 + 34}" y="{yy + 4:.0f}">{num(top * share)} {esc(unit)}</text>'
        )
    return out + ["</g>"]


def _graticule(proj: Projection) -> list[str]:
    """Lines every 30 (or 10, 20) degrees, with their labels at the map's edge."""
    span = max(proj.east - proj.west, proj.north - proj.south)
    step = 10 if span <= 60 else 20 if span <= 120 else 30
    out = ['<g class="axis graticule">']
    lon = math.ceil(proj.west / step) * step
    while lon <= proj.east:
        x, _ = proj._raw(0.0, lon)
        shown = (lon + 180) % 360 - 180
        label = f"{abs(shown):g}°{'E' if shown > 0 else 'W' if shown < 0 else ''}"
        out.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{proj.top:.1f}" y2="{proj.top + proj.height:.1f}"/>'
        )
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{proj.top + proj.height + 14:.1f}" text-anchor="middle">{label}</text>'
        )
        lon += step
    lat = math.ceil(proj.south / step) * step
    while lat <= proj.north:
        _, y = proj._raw(lat, proj.west)
        label = f"{abs(lat):g}°{'N' if lat > 0 else 'S' if lat < 0 else ''}"
        out.append(
            f'<line class="grid" x1="{proj.left:.1f}" x2="{proj.left + proj.width:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        out.append(f'<text class="tick" x="{proj.left - 4:.1f}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
        lat += step
    return out + ["</g>"]


def _points(proj: Projection, places, colours: dict[str, str]) -> list[str]:
    """A square per plant, a circle per market, each with its name where it overlaps no other label."""
    out, taken = ['<g class="places">'], []
    marks = [(name, kind, *proj.xy(lat, lon)) for name, kind, lat, lon in places]
    taken = [(x - 6, y - 6, x + 6, y + 6) for _, _, x, y in marks]  # labels keep off every point
    for name, kind, x, y in marks:
        colour = colours.get(name, "#888") if kind == "plant" else "#333"
        if kind == "plant":
            shape = f'<rect class="plant" x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{esc(colour)}"'
            out.append(f'{shape} stroke="#fff"><title>{esc(name)} (plant)</title></rect>')
        else:
            shape = f'<circle class="market" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#fff">'
            out.append(f"{shape}<title>{esc(name)} (market)</title></circle>")
    for name, _kind, x, y in marks:
        short = name if len(name) <= 22 else name[:21] + "…"
        w = CHAR_W * len(short)
        box, anchor, tx, ty = _label_box(x, y, w, taken, proj)
        taken.append(box)
        out.append(
            f'<text class="place-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" paint-order="stroke" '
            f'stroke="#fff" stroke-width="3"><title>{esc(name)}</title>{esc(short)}</text>'
        )
    return out + ["</g>"]


def _label_box(x, y, w, taken, proj):
    """The first of right, left, above, below (then further out) whose box overlaps no taken box."""
    tries = []
    for d in (9.0, 20.0, 32.0):
        tries += [
            ((x + d, y - LABEL_H / 2, x + d + w, y + LABEL_H / 2), "start", x + d, y + 4),
            ((x - d - w, y - LABEL_H / 2, x - d, y + LABEL_H / 2), "end", x - d, y + 4),
            ((x - w / 2, y - d - LABEL_H, x + w / 2, y - d), "middle", x, y - d - 2),
            ((x - w / 2, y + d, x + w / 2, y + d + LABEL_H), "middle", x, y + d + LABEL_H - 2),
        ]
    inside = [t for t in tries if proj.left <= t[0][0] and t[0][2] <= proj.left + proj.width
              and proj.top <= t[0][1] and t[0][3] <= proj.top + proj.height]  # fmt: skip
    for box, anchor, tx, ty in inside + tries:  # inside the frame if it can be
        if not any(_overlap(box, t) for t in taken):
            return box, anchor, tx, ty
    return (inside or tries)[0]


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
