"""plantsplit plot writes a real PNG from a sweep's results.csv."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE


def test_plot_a_sweep(tmp_path):
    out = tmp_path / "sw"
    r = CliRunner().invoke(
        cli,
        [
            "sweep",
            str(ROGUE),
            "--out",
            str(out),
            "--vary",
            "fx:KRW=900:1300:50",
            "--vary",
            "tariff:KR:usa=0,2.5%",
            "--quiet",
            "--jobs",
            "1",
        ],
    )
    assert r.exit_code == 0
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv"), "--x", "fx:KRW"])
    assert r.exit_code == 2
    assert "the results vary tariff:KR:usa too; pick one value with --where tariff:KR:usa=VALUE" in r.stderr
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv"), "--x", "fx:KRW", "--where", "tariff:KR:usa=0.025"])
    assert r.exit_code == 0, r.output
    png = out / "results.png"
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    assert r.output.strip() == f"wrote {png}"
    from PIL import Image

    # a slice says so in its title (drawn, and the PNG's Title text)
    assert Image.open(png).text["Title"] == (
        "Rogue 2012: production split against the KRW/USD rate\nonly the scenarios with tariff:KR:usa = 0.025"
    )


def test_plot_errors(tmp_path):
    r = CliRunner().invoke(cli, ["plot", str(tmp_path / "nope.csv")])
    assert r.exit_code == 2 and "no such file" in r.stderr
    f = tmp_path / "results.csv"
    f.write_text("scenario,fx:KRW,status,objective_USD,units:a\ns1,1000,optimal,5,1\n")
    r = CliRunner().invoke(cli, ["plot", str(f), "--x", "fx:JPY"])
    assert r.exit_code == 2 and "--x 'fx:JPY' is not a parameter of results.csv" in r.stderr
    g = tmp_path / "other.csv"
    g.write_text("garbage\n")
    r = CliRunner().invoke(cli, ["plot", str(g)])
    assert r.exit_code == 2 and "is not a plantsplit sweep results.csv" in r.stderr


def test_titles_in_words():
    from solver.report.charts import case_title, describe, money_scale

    assert money_scale([3850.0, 4200.0]) == (1.0, "")  # a tiny case's cost stays in currency units
    assert money_scale([37_801_232_771.0]) == (1e6, "million ")

    assert case_title("rogue-2012") == "Rogue 2012"
    assert describe("fx:KRW", "USD") == "the KRW/USD rate"
    assert describe("tariff:KR:usa@2016", "USD") == "the duty rate from KR into usa, 2016"
    assert describe("demand_scale:usa/rogue", "USD") == "demand in usa (multiplier), rogue"
    assert describe("capacity:smyrna/rogue@2015", "USD") == "smyrna's capacity, rogue, 2015"
    assert describe("tariff_in_quota:KR:usa", "USD") == "the in-quota duty rate from KR into usa"
    assert describe("lane:busan-port:long-beach@2014", "USD") == "the limit of lane busan-port to long-beach, 2014"


# about 4 s: make test-slow
@pytest.mark.slow
def test_solve_plot_writes_plan_png_the_same_each_time(tmp_path):
    for out in ("a", "b"):
        r = CliRunner().invoke(cli, ["solve", str(ROGUE), "--out", str(tmp_path / out), "--plot"])
        assert r.exit_code == 0, r.output
        assert "plan.png" in r.output
    data = (tmp_path / "a" / "plan.png").read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    assert data == (tmp_path / "b" / "plan.png").read_bytes()
    # a later run without --plot removes the stale picture (it belongs to the run)
    assert CliRunner().invoke(cli, ["solve", str(ROGUE), "--out", str(tmp_path / "a")]).exit_code == 0
    assert not (tmp_path / "a" / "plan.png").exists()


def test_several_parameters_plot_as_distributions(tmp_path):
    scen = tmp_path / "mc.csv"
    rows = ["scenario,fx:KRW,fx:JPY"] + [f"m{i},{900 + 25 * (i % 20)},{70 + (i * 7) % 30}" for i in range(60)]
    scen.write_text("\n".join(rows) + "\n")
    out = tmp_path / "sw"
    r = CliRunner().invoke(
        cli, ["sweep", str(ROGUE), "--out", str(out), "--scenarios", str(scen), "--quiet", "--jobs", "1"]
    )
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv")])
    assert r.exit_code == 0, r.output
    assert (out / "results.png").read_bytes().startswith(b"\x89PNG")
    # --x with other parameters varying still asks for a choice, and names the way out
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv"), "--x", "fx:KRW"])
    assert r.exit_code == 2 and "or plot the distributions with --distributions" in r.stderr
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv"), "--distributions", "--out", str(tmp_path / "d.png")])
    assert r.exit_code == 0 and (tmp_path / "d.png").is_file()


def test_plot_reads_an_excel_eu_sweep(tmp_path):
    out = tmp_path / "sw"
    r = CliRunner().invoke(
        cli,
        [
            "sweep",
            str(ROGUE),
            "--out",
            str(out),
            "--vary",
            "fx:KRW=900:1000:50",
            "--csv-style",
            "excel-eu",
            "--quiet",
            "--jobs",
            "1",
        ],
    )
    assert r.exit_code == 0, r.output
    assert ";" in (out / "results.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv")])
    assert r.exit_code == 0, r.output
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_slice_of_distributions_says_so(tmp_path):
    # 20 Monte-Carlo scenarios, half with the 2.5% KORUS duty: --where keeps those 10
    scen = tmp_path / "mc.csv"
    rows = ["scenario,fx:KRW,fx:JPY,tariff:KR:usa"] + [
        f"m{i},{900 + 50 * (i % 10)},{70 + 3 * (i % 10)},{0 if i < 10 else 0.025}" for i in range(20)
    ]
    scen.write_text("\n".join(rows) + "\n")
    out = tmp_path / "sw"
    r = CliRunner().invoke(
        cli, ["sweep", str(ROGUE), "--out", str(out), "--scenarios", str(scen), "--quiet", "--jobs", "1"]
    )
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv"), "--where", "tariff:KR:usa=0.025"])
    assert r.exit_code == 0, r.output
    from PIL import Image

    title = Image.open(out / "results.png").text["Title"].splitlines()
    assert title[0] == "Rogue 2012: cost and production over 10 scenarios"
    assert title[2] == "only the scenarios with tariff:KR:usa = 0.025"


def test_a_rate_written_as_a_percentage_is_a_number_in_results_and_on_the_x_axis(tmp_path, monkeypatch):
    import openpyxl

    from solver.report import charts

    scen = tmp_path / "duty.csv"
    scen.write_text("scenario,tariff:KR:usa\nnone,0\nhigh,25%\n")
    out = tmp_path / "sw"
    r = CliRunner().invoke(
        cli, ["sweep", str(ROGUE), "--out", str(out), "--scenarios", str(scen), "--xlsx", "--quiet", "--jobs", "1"]
    )
    assert r.exit_code == 0, r.output
    rows = [line.split(",")[:2] for line in (out / "results.csv").read_text().splitlines()]
    assert rows == [["scenario", "tariff:KR:usa"], ["none", "0"], ["high", "0.25"]]  # 25% = 0.25
    ws = openpyxl.load_workbook(out / "results.xlsx")["results"]
    assert [ws.cell(row, 2).value for row in (2, 3)] == [0, 0.25]  # number cells, not text
    drawn = {}
    render = charts._render

    def keep(fig, target):  # the real rendering, after noting where the cost line's points sit
        bottom = fig.axes[1]
        drawn["x"] = [float(v) for v in bottom.lines[0].get_xdata()]
        drawn["labels"] = [bottom.xaxis.get_major_formatter()(v, 0) for v in drawn["x"]]
        render(fig, target)

    monkeypatch.setattr(charts, "_render", keep)
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv"), "--x", "tariff:KR:usa"])
    assert r.exit_code == 0, r.output
    assert drawn == {"x": [0.0, 0.25], "labels": ["0.0%", "25.0%"]}  # 25% drawn at 0.25 (was at 1 = "100%")


# a results.csv as earlier versions wrote a scenarios file's rates (text as typed), the what-if of
# docs/getting-started.md
WHAT_IF = (
    "scenario,fx:KRW,tariff:KR:usa@2016,freight_scale:busan,status,objective_USD,units:busan\n"
    "base,1053,0,1,optimal,100,10\nwon,1000,0,1,optimal,90,12\nkorus,1053,2.5%,1,optimal,110,9\n"
    "freight,1053,0,2,optimal,120,8\n"
)


@pytest.mark.parametrize(
    "where, message",
    [
        # 0.03 is in no scenario: the message lists the values there are
        (
            ["tariff:KR:usa@2016=0.03"],
            "--where 'tariff:KR:usa@2016=0.03': no scenario has tariff:KR:usa@2016 = 0.03 (values: 0, 0.025)",
        ),
        (["tariff:KR:usa@2016=lots"], "--where 'tariff:KR:usa@2016=lots': 'lots' is not a number"),
        (["tariff:KR:usa@2016"], "--where 'tariff:KR:usa@2016': expected NAME=VALUE"),
        (["fx:JPY=80"], "--where 'fx:JPY=80': 'fx:JPY' is not a parameter of results.csv"),
        # one --where left two values of another parameter: they are listed as numbers
        (
            ["freight_scale:busan=1"],
            "the results vary tariff:KR:usa@2016 too; pick one value with --where "
            "tariff:KR:usa@2016=VALUE (values: 0, 0.025)",
        ),
        (
            ["tariff:KR:usa@2016=0"],
            "the results vary freight_scale:busan too; pick one value with --where "
            "freight_scale:busan=VALUE (values: 1, 2)",
        ),
        # the values of what is left after the first --where
        (
            ["freight_scale:busan=2", "fx:KRW=1000"],
            "--where 'fx:KRW=1000': no scenario left has fx:KRW = 1000 (values: 1053)",
        ),
    ],
)
def test_bad_where_is_a_clear_error(tmp_path, where, message):
    f = tmp_path / "results.csv"
    f.write_text(WHAT_IF)
    args = [a for w in where for a in ("--where", w)]
    r = CliRunner().invoke(cli, ["plot", str(f), "--x", "fx:KRW", *args])
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output and not (tmp_path / "results.png").exists()


@pytest.mark.parametrize("value", ["2.5%", "0.025"])
def test_where_takes_a_rate_as_sweep_vary_does(tmp_path, value):
    f = tmp_path / "results.csv"
    f.write_text(WHAT_IF)
    r = CliRunner().invoke(
        cli,
        ["plot", str(f), "--x", "fx:KRW", "--where", f"tariff:KR:usa@2016={value}", "--where", "freight_scale:busan=1"],
    )
    assert r.exit_code == 0, r.output  # the one scenario korus
    from PIL import Image

    assert (
        Image.open(tmp_path / "results.png")
        .text["Title"]
        .endswith(f"only the scenarios with tariff:KR:usa@2016 = {value} and freight_scale:busan = 1")
    )


CJK_CASE = dict(
    plants="plant,country,currency\n부산,KR,USD\n東京,JP,USD",
    demand="market,product,period,units\nm,p,1,10\nm,p,2,10",
    capacity="plant,max_units\n부산,6\n東京,20",
    lanes="plant,market,freight_cost\n부산,m,1\n東京,m,2",
)


def test_korean_chinese_and_japanese_names_are_drawn_as_text_or_warned_once(tmp_path):
    """plan.png of plants named 부산 and 東京: with a CJK font installed (apt-get install fonts-noto-cjk) the
    names are drawn with it, and matplotlib misses no glyph; without one, one warning names the font."""
    import subprocess
    import sys

    from conftest import write_case
    from solver.report.charts import cjk_fonts

    case = write_case(tmp_path / "c", **CJK_CASE)
    r = subprocess.run(
        [sys.executable, "-W", "always", "-m", "solver", "solve", str(case), "--out", str(tmp_path / "o"), "--plot"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o" / "plan.png").stat().st_size > 10_000
    assert "Glyph" not in r.stderr  # matplotlib's own per-glyph noise never reaches the user
    warned = [line for line in r.stderr.splitlines() if "charts draw Korean, Chinese and Japanese" in line]
    if cjk_fonts():
        assert warned == []
    else:
        assert warned == [
            "Warning: charts draw Korean, Chinese and Japanese names as empty boxes: no font for "
            "them is installed; install Noto Sans CJK (Debian/Ubuntu: apt-get install "
            "fonts-noto-cjk; Fedora: google-noto-sans-cjk-fonts; macOS and Windows have one)"
        ]


def test_without_a_cjk_font_the_warning_comes_once_and_with_one_the_font_is_used(monkeypatch):
    import warnings

    import solver.report.charts as charts

    plt = charts._pyplot()

    def figure():
        fig, ax = plt.subplots()
        ax.set_title("부산 and 東京")
        ax.plot([0, 1], [0, 1], label="plain")
        return fig

    if charts.cjk_fonts():  # the font is used: Latin text as on every chart, then the CJK font
        fig = figure()
        charts._fonts_for(fig)
        assert fig.axes[0].title.get_fontfamily()[:2] == ["DejaVu Sans", charts.cjk_fonts()[0]]
        plt.close(fig)
    monkeypatch.setattr(charts, "CJK_FONTS", ())  # as on a machine without any
    monkeypatch.setattr(charts, "_warned", [])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for _ in range(2):
            fig = figure()
            charts._fonts_for(fig)
            plt.close(fig)
    assert [str(w.message) for w in seen if w.category is charts.ChartWarning] == [charts.NO_CJK_FONT]
