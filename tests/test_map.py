"""Map positions (plants.csv lat/lon, markets.csv) and the report's geographic map: positions checked as
they are read (file, row and column), places.csv written only when a case gives them, and the map drawn
across the antimeridian when that is the short way round, with one curve per flow of the hand-worked plan."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from click.testing import CliRunner

from solver.case.load import load_case
from solver.cli import cli
from solver.report.geomap import Projection, lon_window

from conftest import ROGUE, write_case
from reportcases import HOSTILE
from test_report import check_svg, text_of

SVG = "{http://www.w3.org/2000/svg}"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# A at 60 units is cheaper than B (10 against 12) at m; at n, A's freight of 5 makes it dearer than B:
# the plan is A->m 60 (A's capacity), B->m 40, B->n 50. A sits east of Japan, B across the antimeridian.
def positioned(folder, a="A", m_pos="0,175"):
    return write_case(
        folder,
        plants=f"plant,country,currency,lat,lon\n{a},X,USD,10,150\nB,Y,USD,10,-170",
        markets=f"market,lat,lon\nm,{m_pos}\nn,20,160",
        demand="market,product,period,units\nm,p,1,100\nn,p,1,50",
        capacity=f"plant,max_units\n{a},60",
        lanes=f"plant,market,freight_cost\n{a},m,0\n{a},n,5\nB,m,0\nB,n,0",
        costs=f"plant,unit_cost\n{a},10\nB,12",
    )


@pytest.mark.parametrize(
    "lons,window",
    [
        # the Rogue network: the widest gap is the Atlantic (284.3 to 481.5), so the window is the Pacific
        ([-98.6, -86.52, -75.7, 121.5, 127, 129.04, 130.9], (121.5, 284.3)),
        ([2, 10, -3], (-3, 10)),  # Europe: no wrap
        ([170, -170], (170, 190)),  # two places 20 degrees apart across the antimeridian
        ([-100, 100, 0], (-100, 100)),  # the widest gap (100 to 260 east) holds the antimeridian: no wrap
    ],
)
def test_the_smallest_window_of_longitude(lons, window):
    west, east = lon_window(lons)
    assert west == pytest.approx(window[0]) and east == pytest.approx(window[1])


def test_projection_puts_the_window_in_the_plot_area():
    proj = Projection([0.0, 20.0], [150.0, -170.0], 100, 50, 600, 400)
    # window 150 to 190, padded a tenth of its 40 degrees each side (more than the 3-degree least)
    assert (proj.west, proj.east) == pytest.approx((146.0, 194.0))
    x_w, y_n = proj.xy(proj.north, proj.west)
    x_e, y_s = proj.xy(proj.south, proj.east - 360.0)  # -166 is drawn at 194, the east edge
    assert (x_w, y_n) == pytest.approx((proj.left, proj.top))
    assert (x_e, y_s) == pytest.approx((proj.left + proj.width, proj.top + proj.height))
    assert proj.height >= 0.5 * proj.width - 1e-9  # no sliver
    assert proj.left >= 100 - 1e-9 and proj.left + proj.width <= 700 + 1e-9


def test_positions_are_checked_naming_file_row_and_column(tmp_path):
    case = positioned(tmp_path / "c")
    (case / "plants.csv").write_text("plant,country,currency,lat,lon\nA,X,USD,95,150\nB,Y,USD,,-170\n")
    (case / "markets.csv").write_text("market,lat,lon\nm,0,181\nq,1,1\nn,north,160\n")
    r = invoke("solve", case, "--out", tmp_path / "out")
    assert r.exit_code == 2
    err = r.stderr
    assert 'plants.csv, row 2, column lat: "95" is out of range: a latitude must be at most 90' in err
    assert "plants.csv, row 3, column lat: is blank but lon is given" in err
    assert 'markets.csv, row 2, column lon: "181" is out of range: a longitude must be at most 180' in err
    # markets.csv is for the map only: a market the case does not have is a warning, the row ignored
    assert 'Warning: markets.csv, row 3, column market: "q" is not a market of demand.csv; row ignored' in err
    assert 'markets.csv, row 4, column lat: "north" must be a number of degrees' in err
    assert "Traceback" not in r.output + err and not (tmp_path / "out").exists()


def test_places_written_only_when_a_case_gives_positions(tmp_path):
    case = positioned(tmp_path / "c")
    assert invoke("solve", case, "--out", tmp_path / "out").exit_code == 0
    places = pd.read_csv(tmp_path / "out" / "places.csv", dtype={"place": str})
    assert list(places.columns) == ["place", "kind", "lat_deg", "lon_deg"]
    assert places.values.tolist() == [
        ["A", "plant", 10, 150],
        ["B", "plant", 10, -170],
        ["m", "market", 0, 175],
        ["n", "market", 20, 160],
    ]
    assert invoke("solve", ROGUE, "--out", tmp_path / "rogue").exit_code == 0
    assert not (tmp_path / "rogue" / "places.csv").exists()


def test_blank_position_columns_leave_the_digest_as_without_them(tmp_path):
    plain = write_case(
        tmp_path / "a",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,5",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,1",
        costs="plant,unit_cost\nA,10",
    )
    blank = write_case(tmp_path / "b", **{f.stem: f.read_text() for f in plain.glob("*.csv")})
    (blank / "plants.csv").write_text("plant,country,currency,lat,lon\nA,X,USD,,\n")
    (blank / "markets.csv").write_text("market,lat,lon\n")
    placed = write_case(tmp_path / "c", **{f.stem: f.read_text() for f in plain.glob("*.csv")})
    (placed / "plants.csv").write_text("plant,country,currency,lat,lon\nA,X,USD,1,2\n")
    assert load_case(blank).digest == load_case(plain).digest != load_case(placed).digest


def labels(root: ET.Element) -> set[str]:
    """The names written beside the points (each label's text after its hover title)."""
    return {t.find(f"{SVG}title").tail for t in root.iter(f"{SVG}text") if t.get("class") == "place-label"}


def _map(html: str) -> ET.Element:
    svg = next(s for s in re.findall(r"<svg .*?</svg>", html, re.S) if 'class="chart-svg map"' in s)
    check_svg(svg)  # title, axis labels with units, a legend entry per plant
    return ET.fromstring(svg)


def test_the_map_draws_each_flow_of_the_plan_across_the_antimeridian(tmp_path):
    case = positioned(tmp_path / "c")
    assert invoke("solve", case, "--out", tmp_path / "out").exit_code == 0
    assert invoke("report", tmp_path / "out", "--out", tmp_path / "r.html").exit_code == 0
    root = _map((tmp_path / "r.html").read_text(encoding="utf-8"))
    bands = {
        (e.get("data-series"), "".join(e.itertext()).split(" to ")[1].split(":")[0]): float(e.get("data-value"))
        for e in root.iter(f"{SVG}path")
        if e.get("class") == "band"
    }
    assert bands == {("A", "m"): 60.0, ("B", "m"): 40.0, ("B", "n"): 50.0}  # the hand-worked plan
    x = {e.find(f"{SVG}title").text.split(" (")[0]: float(e.get("x") or e.get("cx")) for e in root.iter()
         if e.get("class") in ("plant", "market")}  # fmt: skip
    # west to east: A (150), n (160), m (175), B (-170 = 190): B is drawn east of m, across the antimeridian
    assert x["A"] < x["n"] < x["m"] < x["B"]
    assert labels(root) == {"A", "B", "m", "n"}


def test_a_place_without_position_gives_no_map_and_says_which(tmp_path):
    case = positioned(tmp_path / "c")
    (case / "markets.csv").write_text("market,lat,lon\nm,0,175\n")
    r = invoke("validate", case)
    assert r.exit_code == 0 and "no map position for n: the report draws the network on a map only" in r.output
    assert invoke("solve", case, "--out", tmp_path / "out").exit_code == 0
    assert invoke("report", tmp_path / "out", "--out", tmp_path / "r.html").exit_code == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'class="chart-svg map"' not in html
    assert "No geographic map: no position for n" in text_of(html)


def test_a_hostile_name_on_the_map_stays_text(tmp_path):
    case = positioned(tmp_path / "c", a=HOSTILE)
    assert invoke("solve", case, "--out", tmp_path / "out").exit_code == 0
    assert invoke("report", tmp_path / "out", "--out", tmp_path / "r.html").exit_code == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    root = _map(html)  # well-formed
    names = {t.find(f"{SVG}title").text for t in root.iter(f"{SVG}text") if t.get("class") == "place-label"}
    assert HOSTILE in names and HOSTILE[:21] + "…" in labels(root)  # whole on hover, shortened on the map
    assert html.count("<script") == 1
