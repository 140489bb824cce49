"""The network as a flow picture (inline SVG): plants on the left, markets on the right, one band per lane
whose width is the units it carries over the horizon, in the plant's colour (``case.palette``)."""

from __future__ import annotations

from solver.report.svg import LEFT, TOP, W, _legend, esc, num

RIGHT_EDGE = 200  # room for the legend, as the other charts
NODE = 14  # width of a plant's or market's bar


def flow_chart(title: str, flows: list[tuple[str, str, float]], colours: dict[str, str], unit: str = "units") -> str:
    """flows: (plant, market, units) with units > 0; plants and markets in the order given."""
    flows = [f for f in flows if f[2] > 0]
    plants = list(dict.fromkeys(p for p, _, _ in flows))
    # markets in the order of the plants that serve them (the units-weighted mean of their plants'
    # places), and each plant's bands in the markets' order: bands cross only where they must
    at = {p: i for i, p in enumerate(plants)}
    weight: dict[str, list[float]] = {}
    for p, m, u in flows:
        acc = weight.setdefault(m, [0.0, 0.0])
        acc[0], acc[1] = acc[0] + at[p] * u, acc[1] + u
    markets = sorted(dict.fromkeys(m for _, m, _ in flows), key=lambda m: weight[m][0] / weight[m][1])
    place = {m: i for i, m in enumerate(markets)}
    flows = sorted(flows, key=lambda f: (at[f[0]], place[f[1]]))
    total = sum(u for _, _, u in flows) or 1.0
    gap = 14
    span = max(240.0, 26.0 * max(len(plants), len(markets)))
    height = int(TOP + span + gap * max(len(plants), len(markets)) + 70)
    scale = span / total
    x0, x1 = LEFT + 80, W - RIGHT_EDGE - 90
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {W} {height}" role="img">',
        f"<title>{esc(title)}</title>",
        f'<text class="chart-title" x="{W / 2:.0f}" y="22" text-anchor="middle">{esc(title)}</text>',
        f'<text class="axis-label x" x="{(x0 + x1) / 2:.0f}" y="{height - 12}" text-anchor="middle">'
        f"plants (left) to markets (right)</text>",
        f'<text class="axis-label y" transform="translate(16 {height / 2:.0f}) rotate(-90)" text-anchor="middle">'
        f"band width: {esc(unit)} shipped over the horizon</text>",
    ]
    left = _nodes(plants, {p: sum(u for q, _, u in flows if q == p) for p in plants}, scale, gap)
    right = _nodes(markets, {m: sum(u for _, n, u in flows if n == m) for m in markets}, scale, gap)
    used_l = {p: left[p][0] for p in plants}
    used_r = {m: right[m][0] for m in markets}
    out.append('<g class="plot">')
    for p, m, u in flows:
        w = u * scale
        ya, yb = used_l[p] + w / 2, used_r[m] + w / 2
        used_l[p] += w
        used_r[m] += w
        mid = (x0 + x1) / 2
        out.append(
            f'<path class="band" data-series="{esc(p)}" data-value="{u:.6g}" fill="none" '
            f'stroke="{esc(colours.get(p, "#888"))}" stroke-opacity="0.55" stroke-width="{max(w, 0.8):.2f}" '
            f'd="M{x0 + NODE:.1f},{ya:.1f} C{mid:.1f},{ya:.1f} {mid:.1f},{yb:.1f} {x1:.1f},{yb:.1f}">'
            f"<title>{esc(p)} to {esc(m)}: {num(u)} {esc(unit)}</title></path>"
        )
    for name, (top, h) in left.items():
        out.append(_node(x0, top, h, colours.get(name, "#888"), name, "end", -6))
    for name, (top, h) in right.items():
        out.append(_node(x1, top, h, "#555", name, "start", NODE + 6))
    out.append("</g>")
    if len(plants) > 1:
        out.extend(_legend([(p, colours.get(p, "#888"), "box") for p in plants], "plant"))
    return "\n".join(out + ["</svg>"])


def _nodes(names: list[str], units: dict[str, float], scale: float, gap: float) -> dict[str, tuple[float, float]]:
    out, y = {}, TOP + 16.0
    for n in names:
        h = units[n] * scale
        out[n] = (y, h)
        y += h + gap
    return out


def _node(x: float, top: float, h: float, colour: str, name: str, anchor: str, dx: float) -> str:
    short = name if len(name) <= 20 else name[:19] + "…"
    return (
        f'<g class="node"><rect x="{x:.1f}" y="{top:.1f}" width="{NODE}" height="{max(h, 1):.1f}" '
        f'fill="{esc(colour)}"/><text x="{x + dx:.1f}" y="{top + h / 2 + 4:.1f}" text-anchor="{anchor}">'
        f"<title>{esc(name)}</title>{esc(short)}</text></g>"
    )
