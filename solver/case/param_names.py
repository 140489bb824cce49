"""The forms of sweep parameter names, in one place (``sweep --help``, docs). No heavy imports:
the command line reads this when it starts."""

FORMS = (
    ("fx:CUR[@PERIOD]", "exchange rate, CUR per 1 reporting-currency unit"),
    ("tariff:ORIGIN:MARKET[/PRODUCT][@PERIOD]", "duty rate (0.025 or 2.5%), replacing every tier's"),
    ("freight:PLANT:MARKET", "freight per unit, in the lane's currency"),
    ("freight_scale:PLANT[:MARKET]", "multiplier on freight of a lane or of all lanes from a plant"),
    ("demand:MARKET/PRODUCT[@PERIOD]", "demand, units"),
    ("demand_scale:MARKET[/PRODUCT][@PERIOD]", "multiplier on demand"),
    ("capacity:PLANT[/PRODUCT][@PERIOD]", "max_units of that capacity (blank product = total)"),
    ("cost_scale:PLANT[/PRODUCT]", "multiplier on production cost"),
    ("fixed_cost:OPTION", "a build option's fixed cost, in its currency (every start of a window)"),
    ("hub:HUB[@PERIOD]", "a hub's throughput limit, units per period (nodes.csv max_units)"),
    ("handling:HUB[@PERIOD]", "a hub's handling cost per unit, in its currency"),
    ("lane:FROM:TO[/PRODUCT][@PERIOD]", "a lane's max_units (its lanes.csv row with that product, or blank)"),
    ("tariff_quota:ORIGIN:MARKET[/PRODUCT][@PERIOD]", "a two-tier tariff-rate quota's volume (up_to_units), units"),
    ("min_production:PLANT[/PRODUCT][@PERIOD]", "a plant's min_units (a capacity.csv row with one above 0)"),
    ("tariff_in_quota:ORIGIN:MARKET[/PRODUCT][@PERIOD]", "a two-tier quota's in-quota duty rate (its first tier's)"),
    ("tariff_over_quota:ORIGIN:MARKET[/PRODUCT][@PERIOD]", "a two-tier quota's over-quota duty rate (its last tier's)"),
)

RATE_KINDS = ("tariff", "tariff_in_quota", "tariff_over_quota")  # duty rates: 0.025 or 2.5%
TIER_KINDS = ("tariff_in_quota", "tariff_over_quota")  # one tier's rate of a two-tier quota


def table(indent: str = "  ") -> str:
    width = max(len(f) for f, _ in FORMS) + 2
    return "\n".join(f"{indent}{f.ljust(width)}{what}" for f, what in FORMS)
