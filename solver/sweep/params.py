"""Sweep parameter names, values and scenario tables; every check runs before any solve.

Names: see ``names.FORMS`` (``[...]`` optional).
"""
from __future__ import annotations

import csv
import io
import itertools
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from ..case import Case, natural_sorted
from ..errors import Collector, UsageError
from ..output import safe_text
from ..readxlsx import number_text

KINDS = ("fx", "tariff", "freight", "freight_scale", "demand", "demand_scale", "capacity", "cost_scale")
# kind:A[:B][/PRODUCT][@PERIOD]; ':' between origin and destination is safe in every shell.
_NAME = re.compile(r"^(?P<kind>[a-z_]+):(?P<a>[^:/@]+)(:(?P<b>[^:/@]+))?(/(?P<product>[^@]+))?(@(?P<period>.+))?$")


@dataclass(frozen=True)
class Param:
    name: str  # as the user wrote it (the results.csv column)
    kind: str
    a: str  # currency, origin, plant or market
    b: str = ""  # market (after >)
    product: str = ""
    period: str = ""

    def check_value(self, v: float) -> str | None:
        if not math.isfinite(v):
            return "must be a finite number"
        if self.kind == "fx" and v <= 0:
            return "an exchange rate must be greater than 0"
        if v < 0:
            return "must be >= 0"
        return None


def examples(case: Case) -> list[str]:
    """One name of each kind, made from the case's own currencies, plants, markets and periods."""
    plants = list(case.plants["plant"])
    lanes = case.lanes if len(case.lanes) else pd.DataFrame({"plant": plants[:1], "market": [""]})
    plant, market = str(lanes["plant"].iat[0]), str(lanes["market"].iat[0])
    origin = str(case.plants.loc[case.plants["plant"] == plant, "country"].iat[0])
    others = sorted(set(case.plants["currency"]) - {case.currency})
    cur = others[0] if others else case.currency
    dm = case.demand.iloc[0]
    out = [f"fx:{cur}", f"tariff:{origin}:{market}", f"freight:{plant}:{market}", f"freight_scale:{plant}",
           f"demand:{dm['market']}/{dm['product']}@{case.periods[-1]}", f"demand_scale:{dm['market']}"]
    cap = case.capacity[case.capacity["max_units"].notna()]
    if len(cap):
        r = cap.iloc[0]
        out.append(f"capacity:{r['plant']}" + (f"/{r['product']}" if r["product"] else ""))
    return out + [f"cost_scale:{plant}"]


def parse_name(name: str, case: Case) -> Param:
    m = _NAME.match(name.strip())
    if not m or m["kind"] not in KINDS:
        raise UsageError(f"unknown parameter name {name!r}; in this case, names look like "
                         f"{', '.join(examples(case))} (see plantsplit sweep --help)")
    p = Param(name.strip(), m["kind"], m["a"].strip(), (m["b"] or "").strip(),
              (m["product"] or "").strip(), (m["period"] or "").strip())
    plants = set(case.plants["plant"])
    markets = set(case.demand["market"])
    currencies = set(case.plants["currency"]) | set(case.lanes["currency"]) | set(case.fx["currency"]) | {case.currency}
    problems = []

    def need(value, known, what):
        known = {k for k in known if k}  # a blank currency cell (the reporting currency) is no name
        if value and value not in known:
            if known:
                problems.append(f"{what} {value!r} is not in the case (known: {', '.join(natural_sorted(known)[:12])})")
            elif what == "currency":
                problems.append(f"{what} {value!r} is not in the case (it has no currency but the reporting "
                                f"currency {case.currency}, whose rate is 1)")
            else:
                problems.append(f"{what} {value!r} is not in the case (it has none)")

    shape_ok = {
        "fx": not p.b and not p.product,
        "tariff": bool(p.b),
        "freight": bool(p.b) and not p.product and not p.period,
        "freight_scale": not p.product and not p.period,
        "demand": bool(p.product) and not p.b,
        "demand_scale": not p.b,
        "capacity": not p.b,
        "cost_scale": not p.b and not p.period,
    }[p.kind]
    if not shape_ok:
        raise UsageError(f"parameter {name!r} does not fit the form of {p.kind} (see README, Sweeps)")
    if p.kind == "fx":
        need(p.a, currencies - {case.currency} if p.a != case.currency else currencies, "currency")
    elif p.kind == "tariff":
        need(p.a, set(case.plants["country"]), "origin country")
        need(p.b, markets, "market")
    elif p.kind in ("freight", "freight_scale", "capacity", "cost_scale"):
        need(p.a, plants, "plant")
        need(p.b, markets, "market")
        if p.kind == "freight" and not problems and not ((case.lanes["plant"] == p.a) & (case.lanes["market"] == p.b)).any():
            problems.append(f"there is no lane {p.a}:{p.b} in lanes.csv")
    else:
        need(p.a, markets, "market")
    need(p.product, set(case.products), "product")
    need(p.period, set(case.periods), "period")
    if p.kind == "capacity" and not problems:
        cap = case.capacity
        rows = cap[(cap["plant"] == p.a) & (cap["product"] == p.product) & cap["max_units"].notna()]
        if p.period:
            rows = rows[rows["period"].isin([p.period, ""])]
        if rows.empty:
            scope = f"product {p.product}" if p.product else "its total"
            problems.append(f"plant {p.a} has no capacity.csv row with max_units for {scope} to vary")
    if problems:
        raise UsageError(f"parameter {name!r}: " + "; ".join(problems))
    return p


def parse_number(text: str, param: Param) -> float:
    t = text.strip()
    pct = param.kind == "tariff" and t.endswith("%")
    try:
        d = Decimal(t.rstrip("%").strip())
        v = float(d / 100 if pct else d)  # 2.5% is exactly 0.025
    except (InvalidOperation, ValueError):
        raise UsageError(f"{param.name}: {text!r} is not a number") from None
    return v


def parse_value(name: str, text: str) -> float:
    """A value of the parameter ``name`` in the forms ``--vary`` takes (``2.5%`` or ``0.025``
    for a rate), without a case: for files that sweeps wrote."""
    m = _NAME.match(name.strip())
    return parse_number(str(text), Param(name.strip(), m["kind"] if m else "", ""))


def parse_vary(spec: str, case: Case) -> tuple[Param, list[float]]:
    """``NAME=START:STOP:STEP`` (stop included) or ``NAME=V1,V2,...``."""
    if "=" not in spec:
        raise UsageError(f"--vary {spec!r}: expected NAME=START:STOP:STEP or NAME=V1,V2,...")
    name, _, values = spec.partition("=")
    p = parse_name(name, case)
    values = values.strip()
    if not values:
        raise UsageError(f"--vary {spec!r}: no values after '='")
    if ":" in values:
        parts = values.split(":")
        if len(parts) != 3:
            raise UsageError(f"--vary {spec!r}: a range is START:STOP:STEP")
        start, stop, step = (parse_number(x, p) for x in parts)
        if step <= 0:
            raise UsageError(f"--vary {spec!r}: STEP must be greater than 0")
        if stop < start:
            raise UsageError(f"--vary {spec!r}: STOP is below START")
        n = int(math.floor((stop - start) / step + 1e-9)) + 1
        if n > 10_000_000:
            raise UsageError(f"--vary {spec!r}: {n:,} values is too many")
        # Decimal steps so 0.1 increments land on round numbers.
        d0, ds = Decimal(parts[0].strip().rstrip("%")), Decimal(parts[2].strip().rstrip("%"))
        scale = 100.0 if p.kind == "tariff" and parts[0].strip().endswith("%") else 1.0
        vals = [float(d0 + ds * i) / scale for i in range(n)]
    else:
        vals = [parse_number(x, p) for x in values.split(",") if x.strip() != ""]
    for v in vals:
        why = p.check_value(v)
        if why:
            raise UsageError(f"--vary {spec!r}: value {v:g} {why}")
    return p, vals


@dataclass(frozen=True)
class Scenarios:
    params: tuple[Param, ...]
    names: tuple[str, ...]  # scenario ids, in order
    values: tuple[tuple[float, ...], ...]  # one tuple per scenario, one value per param
    texts: tuple[tuple[str, ...], ...]  # values as given, for results.csv
    rows: tuple[int, ...] = ()  # the spreadsheet row of each scenario (files only)
    extra: tuple[tuple[str, ...], ...] = ()  # cells of the ``extra`` columns, as given


def grid(specs: list[str], case: Case) -> Scenarios:
    parsed = [parse_vary(s, case) for s in specs]
    names = [p.name for p, _ in parsed]
    if len(set(names)) != len(names):
        raise UsageError("--vary names the same parameter twice")
    combos = list(itertools.product(*[vals for _, vals in parsed]))
    width = len(str(len(combos)))
    return Scenarios(
        params=tuple(p for p, _ in parsed),
        names=tuple(f"s{i + 1:0{width}d}" for i in range(len(combos))),
        values=tuple(combos),
        texts=tuple(tuple(f"{v:.10g}" for v in c) for c in combos),
    )


def from_file(path: Path, case: Case, extra: tuple[str, ...] = ()) -> Scenarios:
    """A scenarios file; ``extra`` columns (e.g. probability) are kept as text, not parameters."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--scenarios {path}: cannot be read ({exc})") from None
    return from_text(text, path.name, case, extra)


def from_text(text: str, file: str, case: Case, extra: tuple[str, ...] = ()) -> Scenarios:
    """Scenarios from the text of a scenarios CSV; ``file`` names it in messages."""
    out = Collector()
    # (spreadsheet row, cells); blank rows are skipped but keep their place in the numbering
    rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text)), start=1) if any(c.strip() for c in r)]
    if not rows:
        raise UsageError(f"--scenarios {file}: the file is empty")
    header = [h.strip() for h in rows[0][1]]
    if "scenario" not in header:
        raise UsageError(f"{file}, row {rows[0][0]}: needs a 'scenario' column (the header has: {', '.join(header)})")
    params = []
    for h in header:
        if h != "scenario" and h not in extra:
            try:
                params.append(parse_name(h, case))
            except UsageError as exc:  # located: the header cell of that column
                raise UsageError(f"{file}, row {rows[0][0]}, column {h}: {exc}") from None
    si = header.index("scenario")
    names, values, texts, seen, row_numbers, extras = [], [], [], {}, [], []
    for i, r in rows[1:]:
        r = [c.strip() for c in r] + [""] * (len(header) - len(r))
        sid = r[si]
        if not sid:
            out.error(file, i, "scenario", "", "is blank but required")
        elif safe_text(sid) in seen:  # compared as written to results.csv ("=x" and "'=x" look alike)
            out.error(file, i, "scenario", sid, f"repeats the scenario of row {seen[safe_text(sid)]}")
        seen.setdefault(safe_text(sid), i)
        vals = []
        for p in params:
            cell = r[header.index(p.name)]
            try:
                v = parse_number(cell, p)
                why = p.check_value(v)
                if why:
                    out.error(file, i, p.name, cell, why)
            except UsageError:
                out.error(file, i, p.name, cell, "is not a number")
                v = float("nan")
            vals.append(v)
        names.append(sid)
        values.append(tuple(vals))
        texts.append(tuple(number_text(v) for v in vals))  # numbers, as results.csv holds them (2.5% -> 0.025)
        row_numbers.append(i)
        extras.append(tuple(r[header.index(x)] if x in header else "" for x in extra))
    if out.problems:
        raise UsageError("problems in the scenarios file:\n" + "\n".join(f"  - {p}" for p in out.problems))
    if not names:
        raise UsageError(f"{file}: has a header but no scenarios")
    return Scenarios(tuple(params), tuple(names), tuple(values), tuple(texts), tuple(row_numbers), tuple(extras))
