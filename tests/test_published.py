"""Published transportation instances with known optima, solved as plantsplit cases."""

from __future__ import annotations

import pytest

from conftest import read


def transport_case(supply, demand, cost):
    plants = "plant,country,currency\n" + "\n".join(f"s{i},X,USD" for i in range(len(supply)))
    dem = "market,product,period,units\n" + "\n".join(f"d{j},p,1,{d}" for j, d in enumerate(demand))
    cap = "plant,max_units\n" + "\n".join(f"s{i},{s}" for i, s in enumerate(supply))
    lanes = "plant,market,freight_cost\n" + "\n".join(
        f"s{i},d{j},{c}" for i, row in enumerate(cost) for j, c in enumerate(row)
    )
    return dict(plants=plants, demand=dem, capacity=cap, lanes=lanes)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_powerco(solve_case, solver):
    # Winston, Operations Research: Applications and Algorithms, Powerco (Example 7.1):
    # 3 plants (35, 50, 40 million kWh), 4 cities (45, 20, 30, 30); optimal cost $1,020.
    run = solve_case(
        solver=solver, **transport_case([35, 50, 40], [45, 20, 30, 30], [[8, 6, 10, 9], [9, 12, 13, 7], [14, 9, 16, 5]])
    )
    assert run.solution.objective == pytest.approx(1020)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_sunray(solve_case, solver):
    # Taha, Operations Research: An Introduction, SunRay Transport (Example 5.1-1):
    # 3 silos (15, 25, 10), 4 mills (5, 15, 15, 15); optimal cost $435
    # (the northwest-corner start costs $520).
    run = solve_case(
        solver=solver,
        **transport_case([15, 25, 10], [5, 15, 15, 15], [[10, 2, 20, 11], [12, 7, 9, 20], [4, 14, 16, 18]]),
    )
    assert run.solution.objective == pytest.approx(435)
    plan = read(run.out_dir, "plan.csv")
    assert plan["units"].sum() == 50
