"""plantsplit report: one self-contained HTML page from output folders, its numbers checked against the
CSVs they come from, its limits against hand-worked values, its charts' parts (title, axis labels with
units, legends) from the SVG elements, and the same from matplotlib's objects for every PNG chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from solver.case.palette import BASE, plant_colours
from solver.cli import cli

from conftest import ROGUE
from reportcases import HOSTILE, limits_case, rogue_folders, run

SVG = "{http://www.w3.org/2000/svg}"


class Text(HTMLParser):
    """The page's text as a reader sees it (no script, no style)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip, self.tags = [], 0, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.skip += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style", "title")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    t = Text()
    t.feed(html)
    return re.sub(r"\s+", " ", " ".join(t.parts))


@pytest.fixture(scope="module")
def rogue(tmp_path_factory):
    root = tmp_path_factory.mktemp("rogue-report")
    folders = rogue_folders(root)
    out = root / "report.html"
    run("report", *folders.values(), "--out", out)
    return folders, out.read_text(encoding="utf-8")


def csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype={"period": str, "plant": str, "product": str}, keep_default_na=False)


def test_recommendation_and_costs_from_the_csvs(rogue):
    folders, html = rogue
    text = text_of(html)
    plan = csv(folders["solve"], "plan.csv")
    # every product's plants with their units over the horizon, largest first, as the CSV adds them up
    for product, rows in plan.groupby("product"):
        by = rows.groupby("plant")["units"].sum().sort_values(ascending=False)
        said = ", ".join(f"{p} ({u:,.0f} units)" for p, u in list(by.items())[:-1])
        said += (" and " if len(by) > 1 else "") + f"{by.index[-1]} ({by.iloc[-1]:,.0f} units)"
        assert f"{product} at {said}" in text
    assert "build busan-rogue-line" in text
    cb = csv(folders["solve"], "cost_breakdown.csv")
    assert f"{cb['present_value_USD'].sum():,.0f} USD in present value at 2012" in text
    assert f"At face value {cb['amount_USD'].sum():,.0f} USD" in text
    st = csv(folders["stochastic"], "scenario_costs.csv")
    rp = (st["probability"] * st["cost_recommended_USD"]).sum()
    assert "Build busan-rogue-line before the future is known" in text
    assert f"expected cost {rp:,.0f} USD over 3 scenarios" in text


def test_binding_limits_largest_first(rogue):
    folders, html = rogue
    util = csv(folders["solve"], "utilization.csv")
    binding = util[pd.to_numeric(util["shadow_price_USD"], errors="coerce") > 1e-6]
    expect = [f"would save {v:,.2f} USD" for v in sorted(binding["shadow_price_USD"].astype(float), reverse=True)]
    listed = re.search(r'<ul class="limits">(.*?)</ul>', html, re.S).group(1)
    got = re.findall(r"would save ([\d,.]+) USD", listed)
    assert [f"would save {g} USD" for g in got] == expect
    assert f"What decides it: {len(binding)} binding limits, largest value first" in text_of(html)


def test_limits_in_words_worked_by_hand(tmp_path):
    # A (10) ships to m at 11 over a lane of at most 40 and to n at 11; B (12) enters m duty-free for 20 units,
    # then at 50% (18 a unit), and may supply at most 40% of n; C (20) must make at least 10.
    # Plan: A 40 to m, 20 to n; B 20 to n, 60 to m (40 over the quota); C 10 to n. Cost 2,060.
    # One more unit of A: A to n +1, C to n -1 and to m +1 (C's minimum is on its total), B to m -1: saves 18 - 11 = 7.
    # One more unit of quota: a unit of B into m at 12 instead of 18: saves 6. One more unit of B's share of n:
    # B to n +1 (12) replaces C to n -1 (-20); C keeps its minimum by shipping to m +1 (20) instead of B's unit at
    # 18: 12 - 20 + 20 - 18 = -6, saves 6. One more unit of C's minimum: C makes one more (to m, 20) instead of
    # B's at 18: costs 2.
    case = limits_case(tmp_path / "lim")
    run("solve", case, "--out", tmp_path / "out", "--sensitivity")
    run("report", tmp_path / "out", "--out", tmp_path / "r.html")
    text = text_of((tmp_path / "r.html").read_text())
    assert "Total cost 2,060 USD" in text
    listed = [
        "capacity of A (all products) in period 1: 60 of 60 units used; one more unit of capacity would save 7.00 USD",
        "maximum share of B in n in period 1: at most 40.0% (it supplies 40.0%); each more unit it would allow "
        "saves 6.00 USD",
        "tariff-rate quota from Y into m (p, 1): the lower duty rate up to 20 units (tier 1); one more unit of "
        "quota would save 6.00 USD",
        "minimum output of C (all products) in period 1: 10 units required; each more unit required costs 2.00 USD",
    ]
    at = [text.index(s) for s in listed]
    assert at == sorted(at)  # largest first (the two 6.00 in the files' order: shares before the ranging)


def test_text_from_the_inputs_is_escaped(tmp_path):
    case = limits_case(tmp_path / "lim", third=HOSTILE)
    run("solve", case, "--out", tmp_path / "out")
    run("report", tmp_path / "out", "--out", tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text()
    assert html.count("<script") == 1  # the page's own script, nothing else
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f"minimum output of {HOSTILE} (all products)" in text_of(html)
    for svg in re.findall(r"<svg .*?</svg>", html, re.S):
        ET.fromstring(svg)  # well-formed: the name did not break out of its element


def _label_has_unit(label: str) -> bool:
    return bool(re.search(r"\((?:[^)]*\b(?:units?|USD|EUR|KRW|per|degrees)\b[^)]*)\)|\bunits\b|probability|period|"
                          r"plant|scenario|run|lane|fx:|share", label))  # fmt: skip


def check_svg(svg: str) -> None:
    root = ET.fromstring(svg)
    title = root.find(f"{SVG}title").text
    shown = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-title"]
    assert title and len(shown) == 1 and "".join(shown[0].itertext()) == title
    labels = {
        t.get("class"): "".join(t.itertext()) for t in root.iter(f"{SVG}text") if "axis-label" in (t.get("class") or "")
    }
    assert set(labels) == {"axis-label x", "axis-label y"}, title
    for label in labels.values():
        assert label.strip() and _label_has_unit(label), (title, label)
    series = {e.get("data-series") for e in root.iter() if e.get("data-series") and e.get("class") != "legend-item"}
    legend = {e.get("data-series") for e in root.iter() if e.get("class") == "legend-item"}
    if len(series) > 1:
        assert series <= legend, (title, series, legend)


def test_every_html_chart_has_title_axes_with_units_and_legend(rogue):
    _, html = rogue
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) >= 12
    for svg in svgs:
        check_svg(svg)


def test_breakeven_flips_are_labelled_with_every_decision(rogue):
    folders, html = rogue
    bp = csv(folders["breakeven"], "breakpoints.csv")
    builds = [c for c in bp.columns if c.startswith("built:")]
    marks = re.findall(r'<g class="mark" data-label="([^"]*)"', html)
    for i in range(1, len(bp)):
        flipped = [
            f"{b[6:]} {'built' if bp[b].iat[i] else 'not built'}" for b in builds if bp[b].iat[i] != bp[b].iat[i - 1]
        ]
        label = f"{bp['value_from'].iat[i]:,.6g}: {', '.join(flipped) or 'the plan changes'}"
        assert label in marks


def test_one_colour_per_plant_across_charts(rogue, tmp_path):
    folders, html = rogue
    colours = plant_colours(["smyrna", "busan", "kyushu"])
    assert colours == {"busan": BASE[0], "kyushu": BASE[1], "smyrna": BASE[2]}
    for plant, colour in colours.items():  # every stacked series of a plant in the page has its colour
        fills = set(re.findall(rf'<g class="series" data-series="{plant}" fill="([^"]+)"', html))
        strokes = set(re.findall(rf'class="line" data-series="{plant}" fill="none" stroke="([^"]+)"', html))
        assert fills | strokes == {colour}
    # the workbook's chart: each plant's series filled with its colour
    run("solve", ROGUE, "--out", tmp_path / "x", "--xlsx")
    import zipfile

    xml = zipfile.ZipFile(tmp_path / "x" / "plan.xlsx").read("xl/charts/chart1.xml").decode()
    import openpyxl

    summary = openpyxl.load_workbook(tmp_path / "x" / "plan.xlsx")["Summary"]
    got = {}
    for ser in xml.split("<c:ser>")[1:]:  # the series' name is a cell of the Summary sheet, its fill a colour
        col, row = re.search(r"<c:f>Summary!\$([A-Z]+)\$(\d+)</c:f>", ser).groups()
        got[summary[f"{col}{row}"].value] = "#" + re.search(r'<a:srgbClr val="(\w{6})"', ser).group(1).lower()
    assert got == colours


def test_report_file_rules(rogue, tmp_path):
    folders, _ = rogue
    mine = tmp_path / "mine.html"
    mine.write_text("<html>my own page</html>")
    r = CliRunner().invoke(cli, ["report", str(folders["solve"]), "--out", str(mine)])
    assert r.exit_code == 2 and "exists and is not a report plantsplit wrote" in r.stderr
    assert mine.read_text() == "<html>my own page</html>"
    out = tmp_path / "r.html"
    for _ in range(2):  # its own report is replaced, byte for byte the same
        r = CliRunner().invoke(cli, ["report", str(folders["solve"]), "--out", str(out)])
        assert r.exit_code == 0 and r.output.strip() == f"wrote {out}"
    first = out.read_bytes()
    CliRunner().invoke(cli, ["report", str(folders["solve"]), "--out", str(out)])
    assert out.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    r = CliRunner().invoke(cli, ["report", str(tmp_path / "nope"), "--out", str(out)])
    assert r.exit_code == 2 and "no such folder" in r.stderr
    r = CliRunner().invoke(cli, ["report", str(tmp_path), "--out", str(tmp_path / "s.html")])
    assert r.exit_code == 2 and "is not a plantsplit output folder" in r.stderr


def test_rogue_report_is_small_and_offline(rogue):
    _, html = rogue
    assert len(html.encode()) < 5_000_000
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    order = [html.index(f'id="{k}') for k in ("recommendation", "plan-", "network-", "sweep-", "breakeven-",
                                               "stochastic-", "compare-", "made-from")]  # fmt: skip
    assert order == sorted(order)


def test_lane_limits_and_quotas_without_sensitivity(tmp_path):
    # The case of test_limits_in_words_worked_by_hand, solved without --sensitivity: the quota's value
    # (6.00 a unit, worked out there) comes from quotas.csv, in the words of the terminal and the Summary sheet.
    case = limits_case(tmp_path / "lim")
    run("solve", case, "--out", tmp_path / "out")
    assert (tmp_path / "out" / "quotas.csv").is_file()
    run("report", tmp_path / "out", "--out", tmp_path / "r.html")
    text = text_of((tmp_path / "r.html").read_text())
    quota = re.search(r"the quota of Y to m in 1 \(tier 1: 20 units at 0%\) is worth ([\d.,]+) USD per unit", text)
    assert quota and quota.group(1) == "6.00", text[:2000]
    assert "No lane limits or tariff-rate quotas are valued here" not in text
