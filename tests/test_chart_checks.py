"""Every PNG chart plantsplit draws has a title in words, axis labels with units and a legend where more than
one series is drawn; and each plant has its colour of every chart (``case.palette``). Checked on the
matplotlib Figure each command draws (its title, axes labels, legend entries, artists' colours), caught as
it is saved (the PNG is still written), not on pixels."""

from __future__ import annotations

import re

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from solver.case.palette import plant_colours

from conftest import ROGUE
from reportcases import rogue_folders, run

UNIT = re.compile(r"\b(units?|USD|EUR|KRW|per|period|probability|scenarios|rate|multiplier|duty)\b")


@pytest.fixture
def figures(monkeypatch):
    """The Figures saved while the test runs (each still saved as it would be)."""
    caught = []
    save = Figure.savefig

    def spy(self, *args, **kwargs):
        caught.append(self)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    return caught


def check_figure(fig: Figure) -> None:
    axes = [ax for ax in fig.axes if ax.has_data()]
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in axes]
    assert any(len(t.split()) >= 3 for t in titles), titles  # a title in words
    for ax in axes:
        assert UNIT.search(ax.get_ylabel()), ax.get_ylabel()
        shared = ax.get_shared_x_axes().get_siblings(ax)  # stacked panels: the bottom one names the x axis
        xlabels = [a.get_xlabel() for a in shared]
        assert any(UNIT.search(x) or ":" in x for x in xlabels), xlabels
    legends = {t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()}
    for ax in axes:
        series = [lab for lab in ax.get_legend_handles_labels()[1] if not lab.startswith("_")]
        if len(series) > 1:
            assert set(series) <= legends, (series, legends)


# about 8 s (matplotlib draws every chart): make test-slow; the SVG charts are checked in make test
@pytest.mark.slow
def test_every_png_chart_has_title_axes_and_legend(tmp_path, figures):
    f = rogue_folders(tmp_path / "r")
    run("plot", f["grid"] / "results.csv")
    run("plot", f["breakeven"] / "breakpoints.csv")
    run("plot", f["stochastic"] / "scenario_costs.csv")
    run("plot", f["named"] / "results.csv", "--distributions")
    run("solve", ROGUE, "--out", tmp_path / "p", "--plot")
    assert len(figures) == 5
    for fig in figures:
        check_figure(fig)
    # each plant in its colour: the plan's bars, the sweep's and breakeven's stacked areas
    colours = plant_colours(["busan", "kyushu", "smyrna"])
    sweep, breakeven, _, spread, plan = figures
    for fig in (sweep, breakeven):
        ax = fig.axes[0]
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            assert to_hex(handle.get_facecolor()[0]) == colours[label]
    for handle, label in zip(*plan.axes[0].get_legend_handles_labels(), strict=True):
        assert to_hex(handle.patches[0].get_facecolor()) == colours[label]
    bands = [h for h, lab in zip(*spread.axes[1].get_legend_handles_labels(), strict=True) if lab.endswith("median")]
    assert [to_hex(h.get_color()) for h in bands] == list(colours.values())
