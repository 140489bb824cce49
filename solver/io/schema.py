"""The input format, as data.

One table drives the loader's checks, the input reference (docs/input-reference.md)
(``python -m solver.io.reference`` prints it as Markdown, reference.py) and ``plantsplit validate``.
"""

from __future__ import annotations

from solver.io.kinds import BLANK_PERIOD, BLANK_PRODUCT, RANGES, SIGNED_KINDS, Column, FileSpec, _c

__all__ = ["FILES", "BY_NAME", "RANGES", "SIGNED_KINDS", "LATER_COLUMNS", "LATER_FILES", "Column", "FileSpec"]

FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "plants.csv",
        True,
        "One row per plant. A plant with `close_from` may close from that period or a later one: the model "
        "chooses whether and when; closed, it makes nothing and pays no `fixed_cost` from then on.",
        (
            _c("plant", "name", True, "", "", "Plant name, referenced by the other files."),
            _c(
                "country",
                "name",
                True,
                "",
                "",
                "Country of origin for tariffs (matched against `tariffs.csv` `origin`).",
            ),
            _c("currency", "currency", True, "", "ISO code", "Currency of the plant's `unit_cost`."),
            _c(
                "lat",
                "latitude",
                False,
                "blank = no map position",
                "degrees",
                "Degrees north, with `lon`; for the report's map only.",
            ),
            _c("lon", "longitude", False, "blank = no map position", "degrees", "Degrees east (west is negative)."),
            _c("fixed_cost", "money", False, "blank = 0", "plant currency/period", "Fixed cost of each period open."),
            _c("close_from", "period", False, "blank = stays open", "", "It may close from this period or later."),
            _c("closing_cost", "money", False, "blank = 0", "plant currency", "One-off cost, in the closing period."),
        ),
    ),
    FileSpec(
        "demand.csv",
        True,
        "Demand per market, product and period. Defines the products and periods of the case.",
        (
            _c("market", "name", True, "", "", "Market name."),
            _c("product", "name", True, "", "", "Product name."),
            _c("period", "period", True, "", "", "Period label (numbers sort as numbers)."),
            _c("units", "units", True, "", "units", "Units demanded."),
            _c(
                "unmet_penalty",
                "money",
                False,
                "blank = demand must be met exactly",
                "reporting currency/unit",
                "Cost of each unit not supplied; when given, demand may go partly unmet.",
            ),
        ),
    ),
    FileSpec(
        "capacity.csv",
        True,
        "Capacity limits. Every row is a constraint; all of them hold.",
        (
            _c("plant", "name", True, "", "", "Plant name from `plants.csv`."),
            _c("period", "period", False, BLANK_PERIOD, "", "Period the limit applies to."),
            _c("product", "name", False, "blank = total over all products", "", "Product the limit applies to."),
            _c("max_units", "units", False, "blank = no upper limit", "units/period", "Upper limit on production."),
            _c("min_units", "units", False, "blank = 0", "units/period", "Lower limit on the same production."),
        ),
    ),
    FileSpec(
        "lanes.csv",
        True,
        "Which plant may serve which market, at what freight cost, per product and period.",
        (
            _c(
                "plant",
                "name",
                True,
                "",
                "",
                "Plant name from `plants.csv` (or a hub of `nodes.csv`: the lane starts there).",
            ),
            _c(
                "market",
                "name",
                True,
                "",
                "",
                "Market name from `demand.csv` (or a hub of `nodes.csv`: the lane ends there).",
            ),
            _c("product", "name", False, BLANK_PRODUCT, "", "Product the lane row applies to."),
            _c(
                "period",
                "period",
                False,
                BLANK_PERIOD,
                "",
                "Period the lane row applies to. The most specific row wins (product and period, then product, "
                "then period, then neither), so freight and limits can change by year; a lane with rows only "
                "for some periods is open only in those.",
            ),
            _c("freight_cost", "money", True, "", "lane currency/unit", "Freight per unit shipped."),
            _c("currency", "currency", False, "blank = reporting currency", "ISO code", "Currency of `freight_cost`."),
            _c(
                "max_units",
                "units",
                False,
                "blank = no limit",
                "units/period",
                "Limit per period on the total units over the products for which this row applies.",
            ),
        ),
    ),
    FileSpec(
        "nodes.csv",
        False,
        "Hubs between plants and markets (ports, distribution centres, rail terminals), one row per hub. "
        "A lane may start at a hub (its `plant` names the hub) or end at one (its `market` names it), so "
        "units may travel plant > hub > ... > market, through at most three hubs. A unit keeps the country "
        "of the plant that made it: duty is charged on entry into the market, by that country, whatever hubs "
        "it passed. A hub may carry a fixed cost and close, as a plant may (`plants.csv`).",
        (
            _c("hub", "name", True, "", "", "Hub name (in `lanes.csv` `plant` or `market`); no plant or market's."),
            _c("country", "name", False, "blank = not given", "", "Country the hub is in (duty is by the plant's)."),
            _c("currency", "currency", False, "blank = reporting currency", "ISO code", "Currency of the hub's money."),
            _c("handling_cost", "money", False, "blank = 0", "hub currency/unit", "Cost per unit passing through."),
            _c("max_units", "units", False, "blank = no limit", "units/period", "Throughput per period, all products."),
            _c("fixed_cost", "money", False, "blank = 0", "hub currency/period", "Fixed cost of each period open."),
            _c("close_from", "period", False, "blank = stays open", "", "It may close from this period or later."),
            _c("closing_cost", "money", False, "blank = 0", "hub currency", "One-off cost, in the closing period."),
        ),
    ),
    FileSpec(
        "costs.csv",
        False,
        "Production cost per unit. No applicable row = 0.",
        (
            _c("plant", "name", True, "", "", "Plant name from `plants.csv`."),
            _c("product", "name", False, BLANK_PRODUCT, "", "Product."),
            _c("period", "period", False, BLANK_PERIOD, "", "Period."),
            _c(
                "unit_cost",
                "money",
                True,
                "",
                "plant currency/unit",
                "Production cost per unit, in the plant's currency.",
            ),
        ),
    ),
    FileSpec(
        "fx.csv",
        False,
        "Exchange rates.",
        (
            _c("currency", "currency", True, "", "ISO code", "Currency quoted."),
            _c("period", "period", False, BLANK_PERIOD, "", "Period."),
            _c(
                "rate",
                "positive",
                True,
                "",
                "currency per 1 reporting-currency unit",
                "Units of `currency` per 1 unit of the reporting currency (KRW 1126.8 = 1 USD buys 1,126.8 KRW).",
            ),
        ),
    ),
    FileSpec(
        "tariffs.csv",
        False,
        "Import duties. No applicable row = no duty.",
        (
            _c("origin", "name", True, "", "", "Country of the producing plant (`plants.csv` `country`)."),
            _c("market", "name", True, "", "", "Market name from `demand.csv`."),
            _c("product", "name", False, BLANK_PRODUCT, "", "Product."),
            _c("period", "period", False, BLANK_PERIOD, "", "Period."),
            _c(
                "rate",
                "rate",
                True,
                "",
                "fraction or %",
                "Duty rate on the customs value: `0.025` or `2.5%`; above 1 without a % sign "
                "(`10` = 1000%) is read as written, with a warning.",
            ),
            _c(
                "basis",
                "basis",
                False,
                "fob",
                "",
                "`fob`: customs value = production cost; `cif`: production + freight (every leg and hub's handling).",
            ),
            _c(
                "up_to_units",
                "units",
                False,
                "blank = no upper end (last tier)",
                "units/period",
                "Tariff-rate quota: cumulative volume up to which this tier's rate applies.",
            ),
            _c("agreement", "text", False, "", "", "Label carried to the plan (e.g. KORUS)."),
        ),
    ),
    FileSpec(
        "expansions.csv",
        False,
        "Build-or-not capacity options (make the model a MILP).",
        (
            _c("option", "name", True, "", "", "Option name (unique)."),
            _c("plant", "name", True, "", "", "Plant of `plants.csv`, or hub of `nodes.csv` (adds to its throughput)."),
            _c(
                "market",
                "name",
                False,
                "blank = no lane",
                "",
                "With it, the option adds to the lane `plant` > `market`.",
            ),
            _c(
                "product",
                "name",
                False,
                "blank = the plant's total capacity rows",
                "",
                "Capacity rows this option adds to.",
            ),
            _c("added_units", "units", True, "", "units/period", "Units added to those capacity rows' `max_units`."),
            _c(
                "fixed_cost",
                "money",
                True,
                "",
                "option currency",
                "Investment if built: charged once in `first_period`, or spread over `lifetime_periods`.",
            ),
            _c(
                "first_period",
                "period",
                True,
                "",
                "",
                "First period with the added capacity (with `last_period`: the earliest it may be).",
            ),
            _c(
                "last_period",
                "period",
                False,
                "blank = `first_period` only",
                "",
                "A window: the model chooses the option's first period from `first_period` to `last_period` (or "
                "none); the plan names it as `option@period`, charges starting then.",
            ),
            _c(
                "currency",
                "currency",
                False,
                "blank = reporting currency",
                "ISO code",
                "Currency of `fixed_cost` (converted at `first_period`'s rate).",
            ),
            _c(
                "lifetime_periods",
                "count",
                False,
                "blank = charged once, in `first_period`",
                "periods",
                "Life of the investment: `fixed_cost` F becomes an equal charge per period "
                "A = F R / (1 - (1 + R)^-n) (A = F / n when the discount rate R is 0), charged in "
                "`first_period` and each following period of the case, at most n charges; charges after "
                "the case's last period are not part of the case.",
            ),
            _c(
                "group",
                "name",
                False,
                "blank = in no group",
                "",
                "Options of one group exclude each other: at most one of them is built (or as many as a "
                "`groups.csv` row says), e.g. two candidate sites for one plant.",
            ),
        ),
    ),
    FileSpec(
        "groups.csv",
        False,
        "How many options of a group (`expansions.csv` `group`) may be built; a group without a row here: "
        "at most one. Not needed for plain either-or choices.",
        (
            _c("group", "name", True, "", "", "A group named in `expansions.csv`."),
            _c("min_built", "units", False, "blank = 0", "options", "At least this many of its options are built."),
            _c("max_built", "units", False, "blank = 1", "options", "At most this many of its options are built."),
        ),
    ),
    FileSpec(
        "shares.csv",
        False,
        "Sourcing rules: the share of a market's supply that must (or may at most) come from one "
        "plant or from all plants of one country. Every row holds, in every period it covers.",
        (
            _c("market", "name", True, "", "", "Market name from `demand.csv`."),
            _c(
                "product",
                "name",
                False,
                "blank = all products of the market together",
                "",
                "Product the rule applies to.",
            ),
            _c("period", "period", False, "blank = each period on its own", "", "Period the rule applies to."),
            _c(
                "plant",
                "name",
                False,
                "",
                "",
                "The source: one plant of `plants.csv` (give `plant` or `country`, not both).",
            ),
            _c(
                "country",
                "name",
                False,
                "",
                "",
                "The source: every plant whose `plants.csv` `country` this is (give `plant` or `country`, not both).",
            ),
            _c(
                "min_share",
                "share",
                False,
                "blank = no lower bound",
                "fraction or %",
                "Units from the source >= min_share x all units supplied to the market (`0.3` or `30%`).",
            ),
            _c(
                "max_share",
                "share",
                False,
                "blank = no upper bound",
                "fraction or %",
                "Units from the source <= max_share x all units supplied to the market.",
            ),
        ),
    ),
    FileSpec(
        "markets.csv",
        False,
        "Where the markets are, for the report's map only (the model does not use it): one row per market. "
        "The report draws a geographic map when every plant and every market has a position.",
        (
            _c("market", "name", True, "", "", "Market name from `demand.csv`."),
            _c("lat", "latitude", True, "", "degrees", "Decimal degrees north (south is negative)."),
            _c("lon", "longitude", True, "", "degrees", "Decimal degrees east (west is negative)."),
        ),
    ),
    FileSpec(
        "settings.csv",
        False,
        "Case settings, one per row (`setting,value`).",
        (
            _c(
                "setting",
                "name",
                True,
                "",
                "",
                "`discount_rate`: per period, `0.08` or `8%`, default 0 (the objective is the present value "
                "of all costs at the first period; `--discount-rate` overrides it). `currency`: the reporting "
                "currency, an ISO code, default USD (`--currency` overrides it).",
            ),
            _c("value", "text", True, "", "", "The setting's value."),
        ),
    ),
)

BY_NAME = {f.name: f for f in FILES}


# Added after cases were first written: counted in a case's digest (and written by convert) only where a case
# gives them, so a case without them keeps the digest and the files it had before they existed.
LATER_COLUMNS = {
    "plants.csv": ("lat", "lon", "fixed_cost", "close_from", "closing_cost"),
    "expansions.csv": ("market", "last_period", "group"),
    "nodes.csv": ("fixed_cost", "close_from", "closing_cost"),
}
LATER_FILES = ("markets.csv", "groups.csv", "nodes.csv")
