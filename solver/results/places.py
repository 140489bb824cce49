"""``places.csv``: where the plants and markets are (the case's ``lat``/``lon``), for the report's map.

Written only when the case gives a position for at least one place: a case without positions writes
what it wrote before positions existed. Plants first (the case's order), then markets; ``kind`` is
``plant`` or ``market``; degrees north and east.
"""

from __future__ import annotations

import pandas as pd

from solver.case.load import Case
from solver.case.names import natural_sorted

COLUMNS = ["place", "kind", "lat_deg", "lon_deg"]


def places(case: Case) -> pd.DataFrame | None:
    pl = case.plants[case.plants["lat"].notna()]
    mk = case.markets
    if not len(pl) and not len(mk):
        return None
    order = {m: i for i, m in enumerate(natural_sorted(mk["market"]))}
    mk = mk.assign(o=mk["market"].map(order)).sort_values("o")
    return pd.DataFrame(
        {
            "place": [*pl["plant"], *mk["market"]],
            "kind": ["plant"] * len(pl) + ["market"] * len(mk),
            "lat_deg": [*pl["lat"].astype(float), *mk["lat"].astype(float)],
            "lon_deg": [*pl["lon"].astype(float), *mk["lon"].astype(float)],
        },
        columns=COLUMNS,
    )
