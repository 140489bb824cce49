"""solve --write-model: the monolithic model written by HiGHS, read back by a fresh HiGHS."""

from __future__ import annotations

import highspy
import pytest
from click.testing import CliRunner

from solver.cli import cli
from solver.solve.highs import quiet_stdout

from conftest import write_case
from test_decompose import LINKED, TWO_PERIODS


def read_back(path):
    with quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return h


@pytest.mark.parametrize("ext", [".mps", ".lp"])
@pytest.mark.parametrize("files, objective", [(TWO_PERIODS, 205), (LINKED, 2150)], ids=["lp", "milp"])
def test_written_model_solves_to_the_same_optimum(tmp_path, ext, files, objective):
    case = write_case(tmp_path / "c", **files)
    model = tmp_path / f"model{ext}"
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "out"), "--write-model", str(model)])
    assert r.exit_code == 0, r.output
    h = read_back(model)
    assert h.getInfo().objective_function_value == pytest.approx(objective)
    lp = h.getLp()
    names = list(lp.col_names_)
    if files is LINKED:  # the build decision stays integer
        assert lp.integrality_[names.index("build(big)")] == highspy.HighsVarType.kInteger
    assert "flow(A,m1,p,1)" in names or "flow(A,m,p,1)" in names
    assert "capacity(A,1)" in list(lp.row_names_)


def test_names_with_blanks_and_dashes_are_kept_readable(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nBusan plant,KR,USD\nsmyrna-2,US,USD",
        demand="market,product,period,units\nnorth america,p,1,10",
        capacity="plant,max_units\nBusan plant,4\nsmyrna-2,100",
        lanes="plant,market,freight_cost\nBusan plant,north america,1\nsmyrna-2,north america,3",
    )
    model = tmp_path / "m.lp"
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "out"), "--write-model", str(model)])
    assert r.exit_code == 0, r.output
    h = read_back(model)
    assert h.getInfo().objective_function_value == pytest.approx(4 * 1 + 6 * 3)
    assert sorted(h.getLp().col_names_) == ["flow(Busan_plant,north_america,p,1)", "flow(smyrna_2,north_america,p,1)"]


def test_unknown_extension_is_a_usage_error_before_anything_is_written(tmp_path):
    case = write_case(tmp_path / "c", **TWO_PERIODS)
    r = CliRunner().invoke(
        cli, ["solve", str(case), "--out", str(tmp_path / "out"), "--write-model", str(tmp_path / "model.txt")]
    )
    assert r.exit_code == 2
    assert r.stderr.strip() == (
        f"Error: --write-model {tmp_path / 'model.txt'}: the file name must end in .mps or .lp (the format follows it)"
    )
    assert not (tmp_path / "out").exists() and not (tmp_path / "model.txt").exists()


@pytest.mark.parametrize("option, name", [("--write-model", "model.mps"), ("--write-lp", "model.lp")])
def test_a_model_file_in_a_missing_folder_is_a_usage_error(tmp_path, option, name):
    case = write_case(tmp_path / "c", **TWO_PERIODS)
    target = tmp_path / "nodir" / name
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "out"), option, str(target)])
    assert r.exit_code == 2, r.output
    assert r.stderr.strip() == (
        f"Error: {option} {target}: the folder {tmp_path / 'nodir'} does not exist (create it, or give another path)"
    )
    assert "Traceback" not in r.output and not (tmp_path / "out").exists()


def test_an_infeasible_solve_says_the_model_file_was_written(tmp_path):
    # TWO_PERIODS with period 2's demand at 200: A 40 + B 100 cannot serve it (exit 3)
    files = dict(TWO_PERIODS, demand=TWO_PERIODS["demand"].replace("m1,p,2,25", "m1,p,2,200"))
    case = write_case(tmp_path / "c", **files)
    model = tmp_path / "m.mps"
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "out"), "--write-model", str(model)])
    assert r.exit_code == 3, r.output
    assert r.stderr.strip().endswith(f"No plan was written; the model is in {model} (written before the solve).")
    assert model.is_file() and not (tmp_path / "out").exists()
    # the file is the infeasible model itself
    with quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(model))
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kInfeasible
