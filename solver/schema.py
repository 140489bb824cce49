"""The input format, as data.

One table drives the loader's checks, the README's input reference
(``python -m solver.schema`` prints it as Markdown) and ``plantsplit validate``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # name | text | period | currency | units | money | rate | basis
    required: bool
    default: str
    unit: str
    meaning: str


@dataclass(frozen=True)
class FileSpec:
    name: str
    required: bool
    meaning: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, kind, required, default, unit, meaning) -> Column:
    return Column(name, kind, required, default, unit, meaning)


BLANK_PRODUCT = "blank = every product"
BLANK_PERIOD = "blank = every period"

FILES: tuple[FileSpec, ...] = (
    FileSpec("plants.csv", True, "One row per plant.", (
        _c("plant", "name", True, "", "", "Plant name, referenced by the other files."),
        _c("country", "name", True, "", "", "Country of origin for tariffs (matched against `tariffs.csv` `origin`)."),
        _c("currency", "currency", True, "", "ISO code", "Currency of the plant's `unit_cost`."),
    )),
    FileSpec("demand.csv", True, "Demand per market, product and period. Defines the products and periods of the case.", (
        _c("market", "name", True, "", "", "Market name."),
        _c("product", "name", True, "", "", "Product name."),
        _c("period", "period", True, "", "", "Period label (numbers sort as numbers)."),
        _c("units", "units", True, "", "units", "Units demanded."),
        _c("unmet_penalty", "money", False, "blank = demand must be met exactly", "reporting currency/unit",
           "Cost of each unit not supplied; when given, demand may go partly unmet."),
    )),
    FileSpec("capacity.csv", True, "Capacity limits. Every row is a constraint; all of them hold.", (
        _c("plant", "name", True, "", "", "Plant name from `plants.csv`."),
        _c("period", "period", False, BLANK_PERIOD, "", "Period the limit applies to."),
        _c("product", "name", False, "blank = total over all products", "", "Product the limit applies to."),
        _c("max_units", "units", False, "blank = no upper limit", "units/period", "Upper limit on production."),
        _c("min_units", "units", False, "blank = 0", "units/period", "Lower limit on the same production."),
    )),
    FileSpec("lanes.csv", True, "Which plant may serve which market, at what freight cost.", (
        _c("plant", "name", True, "", "", "Plant name from `plants.csv`."),
        _c("market", "name", True, "", "", "Market name from `demand.csv`."),
        _c("product", "name", False, BLANK_PRODUCT, "", "Product the lane row applies to."),
        _c("freight_cost", "money", True, "", "lane currency/unit", "Freight per unit shipped."),
        _c("currency", "currency", False, "blank = reporting currency", "ISO code", "Currency of `freight_cost`."),
        _c("max_units", "units", False, "blank = no limit", "units/period",
           "Limit per period on the total units over the products for which this row applies."),
    )),
    FileSpec("costs.csv", False, "Production cost per unit. No applicable row = 0.", (
        _c("plant", "name", True, "", "", "Plant name from `plants.csv`."),
        _c("product", "name", False, BLANK_PRODUCT, "", "Product."),
        _c("period", "period", False, BLANK_PERIOD, "", "Period."),
        _c("unit_cost", "money", True, "", "plant currency/unit", "Production cost per unit, in the plant's currency."),
    )),
    FileSpec("fx.csv", False, "Exchange rates.", (
        _c("currency", "currency", True, "", "ISO code", "Currency quoted."),
        _c("period", "period", False, BLANK_PERIOD, "", "Period."),
        _c("rate", "positive", True, "", "currency per 1 reporting-currency unit",
           "Units of `currency` per 1 unit of the reporting currency (KRW 1126.8 = 1 USD buys 1,126.8 KRW)."),
    )),
    FileSpec("tariffs.csv", False, "Import duties. No applicable row = no duty.", (
        _c("origin", "name", True, "", "", "Country of the producing plant (`plants.csv` `country`)."),
        _c("market", "name", True, "", "", "Market name from `demand.csv`."),
        _c("product", "name", False, BLANK_PRODUCT, "", "Product."),
        _c("period", "period", False, BLANK_PERIOD, "", "Period."),
        _c("rate", "rate", True, "", "fraction or %", "Duty rate on the customs value: `0.025` or `2.5%`."),
        _c("basis", "basis", False, "fob", "", "`fob`: customs value = production cost; `cif`: production + freight."),
        _c("up_to_units", "units", False, "blank = no upper end (last tier)", "units/period",
           "Tariff-rate quota: cumulative volume up to which this tier's rate applies."),
        _c("agreement", "text", False, "", "", "Label carried to the plan (e.g. KORUS)."),
    )),
    FileSpec("expansions.csv", False, "Build-or-not capacity options (make the model a MILP).", (
        _c("option", "name", True, "", "", "Option name (unique)."),
        _c("plant", "name", True, "", "", "Plant name from `plants.csv`."),
        _c("product", "name", False, "blank = the plant's total capacity rows", "", "Capacity rows this option adds to."),
        _c("added_units", "units", True, "", "units/period", "Units added to those capacity rows' `max_units`."),
        _c("fixed_cost", "money", True, "", "option currency", "Charged once, in `first_period`, if built."),
        _c("first_period", "period", True, "", "", "First period with the added capacity."),
        _c("currency", "currency", False, "blank = reporting currency", "ISO code",
           "Currency of `fixed_cost` (converted at `first_period`'s rate)."),
    )),
)

BY_NAME = {f.name: f for f in FILES}


def markdown() -> str:
    """The input reference as Markdown tables (pasted into the README)."""
    out = []
    for f in FILES:
        req = "required" if f.required else "optional"
        out.append(f"### `{f.name}` ({req})\n\n{f.meaning}\n")
        out.append("| column | required | unit | default | meaning |")
        out.append("|---|---|---|---|---|")
        for c in f.columns:
            out.append(
                f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.unit} | {c.default} | {c.meaning} |"
            )
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(markdown())
