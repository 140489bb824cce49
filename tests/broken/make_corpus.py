"""Write the broken-case corpus: each folder = _base/ with one defect (run from this folder).

A folder holds only the files that differ from _base/, an optional `_delete` file listing
base files to remove, and `expected.txt`: `exit N`, then the exact stderr lines.
expected.txt files are written by hand and reviewed; this script never touches them.
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
BASE = {p.name: p.read_text() for p in (HERE / "_base").glob("*.csv")}


def edit(file, old, new):
    assert old in BASE[file], (file, old)
    return {file: BASE[file].replace(old, new, 1)}


DEFECTS = {
    "missing_plants_file": {"_delete": "plants.csv"},
    "missing_demand_file": {"_delete": "demand.csv"},
    "missing_capacity_file": {"_delete": "capacity.csv"},
    "missing_lanes_file": {"_delete": "lanes.csv"},
    "missing_required_column": edit("lanes.csv", "freight_cost,", ""),
    "empty_file": {"capacity.csv": ""},
    "header_only_file": {"demand.csv": "market,product,period,units\n"},
    "duplicate_plant": edit("plants.csv", "B,Y,EUR\n", "B,Y,EUR\nA,Z,USD\n"),
    "duplicate_demand_row": edit("demand.csv", "m,p,2,100,\n", "m,p,2,100,\nm,p,1,90,\n"),
    "duplicate_expansion_option": edit("expansions.csv", "grow,A,,50,1000,2,USD\n",
                                       "grow,A,,50,1000,2,USD\ngrow,A,,60,1200,2,USD\n"),
    "duplicate_column_in_header": {"costs.csv": "plant,product,period,unit_cost,plant\nA,,,100,A\nB,p,,90,B\n"},
    "blank_header_cell": {"costs.csv": "plant,,period,unit_cost\nA,,,100\nB,x,,90\n"},
    "unknown_plant_in_capacity": edit("capacity.csv", "B,,p,200,10", "C,,p,200,10"),
    "unknown_plant_in_lanes": edit("lanes.csv", "A,n,,6,USD,", "a,n,,6,USD,"),
    "unknown_plant_in_costs": edit("costs.csv", "B,p,,90", "Busan,p,,90"),
    "unknown_plant_in_expansions": edit("expansions.csv", "grow,A,", "grow,Q,"),
    "unknown_market_in_lanes": edit("lanes.csv", "B,n,,3,EUR,", "B,nn,,3,EUR,"),
    "unknown_product_in_capacity": edit("capacity.csv", "B,,p,200,10", "B,,rogue,200,10"),
    "unknown_product_in_lanes": edit("lanes.csv", "B,m,p,4,EUR,150", "B,m,P,4,EUR,150"),
    "currency_with_no_rate": edit("plants.csv", "B,Y,EUR", "B,Y,GBP"),
    "lane_currency_with_no_rate": edit("lanes.csv", "A,n,,6,USD,", "A,n,,6,JPY,"),
    "rate_missing_for_one_period": {"fx.csv": "currency,period,rate\nEUR,2,0.95\n"},
    "non_numeric_units": edit("demand.csv", "m,p,2,100,", "m,p,2,lots,"),
    "negative_units": edit("demand.csv", "m,p,2,100,", "m,p,2,-100,"),
    "negative_freight_cost": edit("lanes.csv", "A,m,,5,USD,", "A,m,,-5,USD,"),
    "negative_unit_cost": edit("costs.csv", "A,,,100", "A,,,-100"),
    "nan_value": edit("capacity.csv", "A,,,120,", "A,,,NaN,"),
    "infinite_value": edit("costs.csv", "B,p,,90", "B,p,,inf"),
    "zero_fx_rate": edit("fx.csv", "EUR,,0.9", "EUR,,0"),
    "percent_in_fx_rate": edit("fx.csv", "EUR,,0.9", "EUR,,90%"),
    "bad_percent_rate": edit("tariffs.csv", "Y,m,,,5%,", "Y,m,,,five%,"),
    "min_above_max": edit("capacity.csv", "B,,p,200,10", "B,,p,200,250"),
    "tier_rates_fall": edit("tariffs.csv", "Y,m,,,0,fob,50,FTA", "Y,m,,,10%,fob,50,FTA"),
    "two_open_tiers": edit("tariffs.csv", "Y,m,,,0,fob,50,FTA", "Y,m,,,0,fob,,FTA"),
    "single_tier_with_limit": {"tariffs.csv": "origin,market,rate,up_to_units\nY,m,5%,50\n"},
    "no_open_last_tier": {"tariffs.csv": "origin,market,rate,up_to_units\nY,m,0,50\nY,m,5%,100\n"},
    "repeated_tier_limit": {"tariffs.csv": "origin,market,rate,up_to_units\nY,m,0,50\nY,m,2%,50\nY,m,5%,\n"},
    "tiers_with_mixed_basis": edit("tariffs.csv", "Y,m,,,5%,fob,,FTA", "Y,m,,,5%,cif,,FTA"),
    "bad_basis": edit("tariffs.csv", "Y,m,,,5%,fob,,FTA", "Y,m,,,5%,dap,,FTA"),
    "equal_specificity_costs": edit("costs.csv", "B,p,,90", "B,p,,90\nB,p,,95"),
    "equal_specificity_lanes": edit("lanes.csv", "A,n,,6,USD,", "A,n,,6,USD,\nA,n,,7,USD,"),
    "equal_specificity_fx": edit("fx.csv", "EUR,2,0.95", "EUR,2,0.95\nEUR,2,0.96"),
    "market_nobody_can_serve": edit("demand.csv", "n,p,2,50,500", "n,p,2,50,500\nz,p,1,10,"),
    "blank_required_cell": edit("lanes.csv", "A,n,,6,USD,", ",n,,6,USD,"),
    "blank_period_in_demand": edit("demand.csv", "m,p,2,100,", "m,p,,100,"),
    # the blank period is no period of the case: not also "EUR has no rate for period ''"
    "blank_period_with_rates_per_period": {**edit("demand.csv", "m,p,2,100,", "m,p,,100,"),
                                           **edit("fx.csv", "EUR,,0.9", "EUR,1,0.9")},
    # reported once, not also as a market no lane serves
    "blank_market_in_demand": edit("demand.csv", "n,p,1,50,500", ",p,1,50,"),
    "row_with_extra_cells": edit("plants.csv", "B,Y,EUR", "B,Y,EUR,oops"),
    "expansion_first_period_unknown": edit("expansions.csv", "1000,2,USD", "1000,2030,USD"),
    "expansion_without_capacity_row": edit("expansions.csv", "grow,A,,", "grow,B,,"),
    "several_problems_in_several_files": {
        **edit("plants.csv", "B,Y,EUR", "B,Y,"),
        **edit("demand.csv", "n,p,1,50,500", "n,p,1,fifty,500"),
        **edit("capacity.csv", "A,,,120,", "A,,,120,130"),
    },
    # a misspelt optional column would drop its limits silently; an unrelated one is only a warning
    "misspelt_optional_column": edit("capacity.csv", "max_units,", "max_unit,"),
    # reported once, at the misspelling, not also as a missing required column
    "misspelt_required_column": edit("costs.csv", "unit_cost", "unitcost"),
    "not_utf8_encoding": {"plants.csv": None},  # written as bytes below
}


def main():
    for name, files in DEFECTS.items():
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.csv"):
            old.unlink()
        (folder / "_delete").unlink(missing_ok=True)
        for fname, text in files.items():
            if fname == "_delete":
                (folder / "_delete").write_text(text + "\n")
            elif text is not None:
                (folder / fname).write_text(text)
    (HERE / "not_utf8_encoding" / "plants.csv").write_bytes(
        "plant,country,currency\nA,X,USD\nB,Y,EUR\nMünchen,DE,EUR\n".encode("cp1252"))


if __name__ == "__main__":
    main()
