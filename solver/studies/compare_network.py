"""What compare says of a network (cases with hubs or sites that may close), beside compare.py's rows:

    section  hub      item a hub, period each period and "all", unit units (throughput, hubs.csv)
    section  binding  item "hub <name>": a hub binding (non-zero shadow price) in one run only
    section  closure  item a site, period a period it is closed from in A or B, unit "closed from (1 = yes)":
                      only sites whose closing differs (closed in one run only, or from another period)

A folder or run without hubs.csv (closures.csv) has no hub (closure) rows; where one run has them and the
other not, the other counts as none (no throughput, nothing closed).
"""

from __future__ import annotations

import pandas as pd

from solver.io.readback import column

CLOSED = "closed from (1 = yes)"


def hub_table(hubs: pd.DataFrame | None, where) -> pd.DataFrame | None:
    """hub, period, units, shadow_price of a hubs.csv (read back or held in memory)."""
    if hubs is None:
        return None
    price = hubs[column(hubs, "shadow_price", where)].astype(float).fillna(0.0)
    return pd.DataFrame(
        {"hub": hubs["hub"].astype(str), "period": hubs["period"].astype(str), "units": hubs["units"].astype(float),
         "shadow_price": price}
    )  # fmt: skip


def closure_table(closures: pd.DataFrame | None) -> pd.DataFrame | None:
    """site, closed_from ("" = stays open) of a closures.csv."""
    if closures is None:
        return None
    closed = closures["closed"].astype(float) > 0.5
    start = closures["closed_from"].astype(object).fillna("").astype(str)
    return pd.DataFrame({"site": closures["site"].astype(str), "closed_from": start.where(closed, "")})


def hub_binding(hubs: pd.DataFrame | None) -> pd.DataFrame:
    """A hub's shadow prices as compare's binding rows (scope "hub <name>")."""
    if hubs is None:
        return pd.DataFrame({"scope": [], "period": [], "shadow_price": []})
    return pd.DataFrame({"scope": "hub " + hubs["hub"], "period": hubs["period"], "shadow_price": hubs["shadow_price"]})


def closure_rows(a: pd.DataFrame | None, b: pd.DataFrame | None) -> list[dict]:
    """One row per site and period it is closed from in A or B, for the sites whose closing differs."""
    if a is None and b is None:
        return []
    fa = dict(zip(a["site"], a["closed_from"], strict=True)) if a is not None else {}
    fb = dict(zip(b["site"], b["closed_from"], strict=True)) if b is not None else {}
    rows = []
    for site in dict.fromkeys(list(fa) + list(fb)):
        ta, tb = fa.get(site, ""), fb.get(site, "")
        if ta == tb:
            continue
        for t in [p for p in dict.fromkeys((ta, tb)) if p]:
            rows.append(
                {"section": "closure", "item": site, "period": t, "unit": CLOSED,
                 "value_a": float(ta == t), "value_b": float(tb == t)}
            )  # fmt: skip
    return rows


def render_network(table: pd.DataFrame, lines: list[str], block) -> None:
    """The terminal lines of hub throughput and closings that differ (``block`` as compare.render's)."""
    hubs = table[(table["section"] == "hub") & (table["period"] == "all")]
    if len(hubs):
        block(lines, "Hub throughput over the horizon (units):", hubs)
    closures = table[table["section"] == "closure"]
    if len(closures):
        lines.append("Closings that differ:")
        for site in dict.fromkeys(closures["item"]):
            rows = closures[closures["item"] == site]
            a = next((f"closed from {r['period']}" for _, r in rows.iterrows() if r["value_a"] > 0.5), "open")
            b = next((f"closed from {r['period']}" for _, r in rows.iterrows() if r["value_b"] > 0.5), "open")
            lines.append(f"  {site}: {a} in A, {b} in B")
        lines.append("")
