"""Results as a workbook (--xlsx), and CSVs for every locale (--csv-style)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from solver.case.load import load_case
from solver.cli import cli
from solver.errors import UsageError
from solver.report.workbook import workbook_bytes

from conftest import ROGUE, read, write_case

TABLES = ["plan", "utilization", "supply", "cost_breakdown", "builds"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def rogue_xlsx(tmp_path_factory):
    out = tmp_path_factory.mktemp("rogue") / "o"
    r = invoke("solve", ROGUE, "--out", out, "--xlsx")
    assert r.exit_code == 0, r.output
    return out


def demand_by_period() -> dict[str, float]:
    """From the input alone: the Rogue case has no unmet_penalty, so every unit demanded is made."""
    got: dict[str, float] = {}
    with open(ROGUE / "demand.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            got[row["period"]] = got.get(row["period"], 0.0) + float(row["units"])
    return got


def test_every_table_sheet_matches_its_csv(rogue_xlsx):
    wb = openpyxl.load_workbook(rogue_xlsx / "plan.xlsx")
    assert wb.sheetnames == ["Summary", *TABLES]
    for name in TABLES:
        ws = wb[name]
        got = list(ws.iter_rows(values_only=True))
        csv_rows = list(csv.reader(io.StringIO((rogue_xlsx / f"{name}.csv").read_text())))
        assert list(got[0]) == csv_rows[0], name
        assert len(got) == len(csv_rows), name
        for cells, texts in zip(got[1:], csv_rows[1:], strict=True):
            for cell, text in zip(cells, texts, strict=True):
                if text == "":
                    assert cell is None
                elif isinstance(cell, str):
                    assert cell == text
                else:  # numbers are number cells, with the CSV's rounding
                    assert cell == pytest.approx(float(text), abs=1e-9)
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(got[0]))}{len(got)}"
        widths = {k: d.width for d in ws.column_dimensions.values() for k in range(d.min, d.max + 1)}
        for j, header in enumerate(got[0], start=1):
            assert widths[j] >= len(header)  # <col> ranges: neighbours of one width share one
    plan = wb["plan"]
    head = [c.value for c in plan[1]]
    fmt = {h: plan.cell(row=2, column=j + 1).number_format for j, h in enumerate(head)}
    assert fmt["units"] == "#,##0" and fmt["landed_cost_USD"] == "#,##0.00" and fmt["duty_rate"] == "0.00%"


def test_summary_sheet(rogue_xlsx):
    wb = openpyxl.load_workbook(rogue_xlsx / "plan.xlsx")
    rows = [r for r in wb["Summary"].iter_rows(values_only=True)]
    first = {r[0]: r[1] for r in rows if r[0] is not None}
    assert first["status"] == "optimal" and first["currency"] == "USD" and first["case"] == "rogue-2012"
    cb = read(rogue_xlsx, "cost_breakdown.csv")
    # the objective is the present value; the face value is the undiscounted cost
    assert first["objective (USD)"] == pytest.approx(cb["present_value_USD"].sum(), abs=0.05)
    assert first["undiscounted_cost (USD)"] == pytest.approx(cb["amount_USD"].sum(), abs=0.05)
    assert "solve_seconds" not in first  # a timing would make two runs' workbooks differ
    # no time limit was given and the case has no warnings: truly blank cells, not empty texts
    assert first["time_limit_seconds"] is None and first["warnings"] is None
    assert not [c.coordinate for r in wb["Summary"].iter_rows() for c in r if c.value == ""]
    # cost by component: the per-period rows of cost_breakdown.csv summed
    start = next(i for i, r in enumerate(rows) if r[0] == "Total cost by component")
    assert rows[start + 1][:3] == ("component", "amount_USD", "present_value_USD")
    for k, col in ((1, "amount_USD"), (2, "present_value_USD")):
        comps = {r[0]: r[k] for r in rows[start + 2 : start + 7]}
        assert comps == pytest.approx(cb.groupby("component")[col].sum().to_dict(), abs=0.05)  # 5 roundings
    # the build option, as in expansions.csv: 80,000 units for 160,000,000 USD
    start = next(i for i, r in enumerate(rows) if r[0] == "Build options")
    assert rows[start + 2][:6] == ("busan-rogue-line", "busan", "rogue", 1, 80000, 160000000)
    # binding capacities: the rows of utilization.csv with a shadow price
    util = read(rogue_xlsx, "utilization.csv")
    start = next(i for i, r in enumerate(rows) if r[0] and r[0].startswith("Binding capacities"))
    n = int((util["shadow_price_USD"].abs() > 1e-6).sum())
    block = rows[start + 2 : start + 2 + n]
    assert all(r[0] in ("busan", "kyushu", "smyrna") for r in block) and rows[start + 2 + n][0] is None
    # chart data: units by period add up to the demand of that period (inputs only)
    start = next(i for i, r in enumerate(rows) if r[0] == "Units by plant and period")
    plants = [p for p in rows[start + 1][1:] if p]
    assert plants == ["busan", "kyushu", "smyrna"]
    data = {r[0]: sum(r[1:4]) for r in rows[start + 2 : start + 7]}
    assert data == pytest.approx(demand_by_period())
    charts = wb["Summary"]._charts
    assert len(charts) == 1 and charts[0].tagname == "barChart"
    assert charts[0].grouping == "stacked" and charts[0].type == "col" and len(charts[0].series) == 3


def test_same_inputs_same_workbook_bytes(rogue_xlsx, tmp_path):
    assert invoke("solve", ROGUE, "--out", tmp_path / "again", "--xlsx").exit_code == 0
    assert (tmp_path / "again" / "plan.xlsx").read_bytes() == (rogue_xlsx / "plan.xlsx").read_bytes()


def test_formula_like_names_stay_text(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\n=1+1,X,USD\n@SUM(A1),Y,USD",
        demand="market,product,period,units\n+cmd,p,1,100",
        lanes="plant,market,freight_cost\n=1+1,+cmd,1\n@SUM(A1),+cmd,2",
        capacity="plant,max_units\n=1+1,60",
    )
    r = invoke("solve", case, "--out", tmp_path / "o", "--xlsx")
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(tmp_path / "o" / "plan.xlsx")  # formulas would load as data_type "f"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row), ws.title
    plan = list(wb["plan"].iter_rows(values_only=True))
    assert {(r[2], r[3], r[4]) for r in plan[1:]} == {("=1+1", "+cmd", 60), ("@SUM(A1)", "+cmd", 40)}
    assert "'=1+1" in (tmp_path / "o" / "plan.csv").read_text()  # the CSV keeps its guard


def test_table_too_long_for_a_sheet_is_refused():
    ok = pd.DataFrame({"units": [1.0] * 1_048_575})  # + header = exactly a sheet
    too_long = pd.DataFrame({"units": [1.0] * 1_048_576})
    with pytest.raises(UsageError) as e:
        workbook_bytes({"supply.csv": ok.head(3), "plan.csv": too_long}, {}, "t")
    assert str(e.value) == (
        "plan has 1,048,576 rows, more than an Excel sheet holds (1,048,576 with the header): "
        "use plan.csv instead (run without --xlsx)"
    )
    assert workbook_bytes({"plan.csv": ok.head(3)}, {}, "t")[:2] == b"PK"


def test_sweep_xlsx_every_sheet(tmp_path):
    r = invoke(
        "sweep",
        ROGUE,
        "--out",
        tmp_path / "s",
        "--vary",
        "fx:KRW=900,1000,1100",
        "--plans",
        "--xlsx",
        "--quiet",
        "--jobs",
        "1",
    )
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(tmp_path / "s" / "results.xlsx")
    assert wb.sheetnames == ["Summary", "results", "plans"]
    facts = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert facts["scenarios"] == 3 and facts["infeasible"] == 0 and facts["parameters"] == "fx:KRW"
    for name in ("results", "plans"):
        df = pd.read_csv(tmp_path / "s" / f"{name}.csv", dtype={"scenario": str, "period": str})
        got = list(wb[name].iter_rows(values_only=True))
        assert list(got[0]) == list(df.columns) and len(got) == len(df) + 1
        for cells, (_, row) in zip(got[1:], df.iterrows(), strict=True):
            for cell, v in zip(cells, row, strict=True):
                assert cell == (v if isinstance(v, str) else pytest.approx(v))
    assert [r[1] for r in list(wb["results"].iter_rows(values_only=True))[1:]] == [900, 1000, 1100]


# ------------------------------------------------------------------ CSV styles


def test_csv_styles_write_the_same_numbers(tmp_path):
    for style in ("plain", "excel", "excel-eu"):
        r = invoke("solve", ROGUE, "--out", tmp_path / style, "--csv-style", style)
        assert r.exit_code == 0, r.output
    for name in ("plan.csv", "utilization.csv", "supply.csv", "cost_breakdown.csv", "builds.csv"):
        plain = (tmp_path / "plain" / name).read_bytes()
        excel = (tmp_path / "excel" / name).read_bytes()
        eu = (tmp_path / "excel-eu" / name).read_bytes()
        assert not plain.startswith(b"\xef\xbb\xbf")
        assert excel == b"\xef\xbb\xbf" + plain  # the same file with a BOM
        assert eu.startswith(b"\xef\xbb\xbf") and b";" in eu.splitlines()[0]
        a = pd.read_csv(io.BytesIO(plain), dtype=str, keep_default_na=False)
        b = pd.read_csv(io.BytesIO(eu), sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert list(a.columns) == list(b.columns)
        for col in a.columns:
            assert list(b[col].str.replace(",", ".", regex=False)) == list(a[col]), (name, col)
    plan_eu = (tmp_path / "excel-eu" / "plan.csv").read_text(encoding="utf-8-sig")
    assert ";0,025;" in plan_eu  # KORUS 2.5% duty rate with a decimal comma


@pytest.mark.parametrize("style", ["excel", "excel-eu"])
def test_case_in_every_style_reads_back(tmp_path, style):
    # folder -> workbook -> folder in the style -> the same case (digest) and the same plan
    assert invoke("convert", ROGUE, tmp_path / "r.xlsx").exit_code == 0
    r = invoke("convert", tmp_path / "r.xlsx", tmp_path / "styled", "--csv-style", style)
    assert r.exit_code == 0, r.output
    text = (tmp_path / "styled" / "fx.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    assert (b"KRW;2012;1126,8" if style == "excel-eu" else b"KRW,2012,1126.8") in text
    assert load_case(tmp_path / "styled").digest == load_case(ROGUE).digest
    for k, case in enumerate((ROGUE, tmp_path / "styled")):
        assert invoke("solve", case, "--out", tmp_path / f"o{k}").exit_code == 0
    assert (tmp_path / "o0" / "plan.csv").read_bytes() == (tmp_path / "o1" / "plan.csv").read_bytes()


def test_sweep_and_breakeven_in_excel_eu(tmp_path):
    args = [
        "sweep",
        ROGUE,
        "--out",
        tmp_path / "s",
        "--vary",
        "fx:KRW=1000,1100.5",
        "--csv-style",
        "excel-eu",
        "--quiet",
        "--jobs",
        "1",
    ]
    assert invoke(*args).exit_code == 0
    first = (tmp_path / "s" / "results.csv").read_bytes()
    lines = first.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("scenario;fx:KRW;status;objective_USD;")
    assert lines[2].startswith("s2;1100,5;optimal;")
    r = invoke(*args, "--resume")  # the resume reads its own style back: nothing left to run
    assert r.exit_code == 0 and "(0 run, 2 already done" in r.output
    assert (tmp_path / "s" / "results.csv").read_bytes() == first
    r = invoke(
        "breakeven",
        ROGUE,
        "--param",
        "fx:KRW",
        "--from",
        "900",
        "--to",
        "1400",
        "--out",
        tmp_path / "b",
        "--csv-style",
        "excel-eu",
    )
    assert r.exit_code == 0
    head = (tmp_path / "b" / "breakpoints.csv").read_text(encoding="utf-8-sig").splitlines()
    assert head[0].startswith("interval;parameter;value_from;value_to;status;objective_from_USD;objective_to_USD")
    assert head[1].split(";")[2] == "900"


def test_stochastic_xlsx_and_excel_eu(tmp_path):
    # The hand case of test_stochastic.py: not building the line costs 20,000 USD in both scenarios.
    from test_stochastic import CASE, TWO

    case = write_case(tmp_path / "c", **CASE)
    (tmp_path / "sc.csv").write_text(TWO)
    outs = []
    for k in (1, 2):
        r = invoke(
            "stochastic",
            case,
            "--scenarios",
            tmp_path / "sc.csv",
            "--out",
            tmp_path / f"o{k}",
            "--quiet",
            "--xlsx",
            "--csv-style",
            "excel-eu",
        )
        assert r.exit_code == 0, r.output
        outs.append((tmp_path / f"o{k}" / "stochastic.xlsx").read_bytes())
    assert outs[0] == outs[1]  # no timing in the workbook
    wb = openpyxl.load_workbook(tmp_path / "o1" / "stochastic.xlsx")
    assert wb.sheetnames[0] == "Summary" and "decision" in wb.sheetnames and "scenario_costs" in wb.sheetnames
    facts = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0]}
    assert facts["objective (USD)"] == 20_000
    # every money figure names its currency (the hand figures of test_stochastic.py)
    assert (facts["expected_cost (USD)"], facts["mean_value_cost (USD)"], facts["vss (USD)"]) == (20_000, 18_000, 2_500)
    assert facts["cvar_alpha"] == 0.95 and facts["scenarios"] == 2
    for name in wb.sheetnames[1:]:
        text = (tmp_path / "o1" / f"{name}.csv").read_text(encoding="utf-8-sig")
        got = list(wb[name].iter_rows(values_only=True))
        assert list(got[0]) == text.splitlines()[0].split(";") and len(got) == len(text.splitlines())
    assert (tmp_path / "o1" / "decision.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_compare_in_excel_eu(tmp_path):
    for k in ("a", "b"):
        assert invoke("solve", ROGUE, "--out", tmp_path / k).exit_code == 0
    r = invoke("compare", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "c", "--csv-style", "excel-eu")
    assert r.exit_code == 0, r.output
    data = (tmp_path / "c" / "comparison.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0] and b"," not in data.splitlines()[0]


def test_stochastic_scenario_values_are_numbers_in_every_output(tmp_path):
    # The values of each scenario's parameters, as typed in the scenarios file: numbers in the
    # workbook (number cells), in the CSV in every style (a decimal comma for excel-eu) and in memory.
    import solver
    from test_stochastic import CASE

    case = write_case(tmp_path / "c", **CASE)
    (tmp_path / "sc.csv").write_text("scenario,fx:KRW,cost_scale:A\nweak,500,1\nstrong,1999.5,0.95\n")
    expected = {"fx:KRW": [500, 1999.5], "cost_scale:A": [1, 0.95]}
    for style, texts in (
        ("plain", {"fx:KRW": ["500", "1999.5"], "cost_scale:A": ["1", "0.95"]}),
        ("excel-eu", {"fx:KRW": ["500", "1999,5"], "cost_scale:A": ["1", "0,95"]}),
    ):
        out = tmp_path / style
        r = invoke(
            "stochastic",
            case,
            "--scenarios",
            tmp_path / "sc.csv",
            "--out",
            out,
            "--quiet",
            "--xlsx",
            "--csv-style",
            style,
        )
        assert r.exit_code == 0, r.output
        ws = openpyxl.load_workbook(out / "stochastic.xlsx")["scenario_costs"]
        header = [c.value for c in ws[1]]
        assert [c.value for c in ws["A"][1:]] == ["weak", "strong"]
        sep = ";" if style == "excel-eu" else ","
        rows = list(
            csv.DictReader(io.StringIO((out / "scenario_costs.csv").read_text(encoding="utf-8-sig")), delimiter=sep)
        )
        for name, values in expected.items():
            cells = [ws.cell(row=i, column=header.index(name) + 1) for i in (2, 3)]
            assert [c.value for c in cells] == values
            assert [c.data_type for c in cells] == ["n", "n"]  # number cells, not text
            # formatted as what it is (an exchange rate a price, a *_scale a multiplier), every digit typed shows
            fmt = {"fx:KRW": "#,##0.0#########", "cost_scale:A": "0.0##########"}[name]
            assert [c.number_format for c in cells] == [fmt, fmt]
            assert [row[name] for row in rows] == texts[name]
    st = solver.stochastic_case(case, tmp_path / "sc.csv")
    for name, values in expected.items():
        assert st.scenario_costs[name].tolist() == values and st.scenario_costs[name].dtype.kind == "f"
