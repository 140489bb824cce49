"""``plantsplit report``: one self-contained HTML file from output folders of solve, sweep, breakeven,
stochastic and compare, for a manager to read in any browser, offline.

Sections, in this order: the recommendation and what decides it (``html_solve``), the plan, the network,
then sweeps, breakeven, stochastic decisions and comparisons (``html_studies``), and what the report was
made from (inputs' digest, plantsplit version, command lines). Everything is inline: the style and
the script (table sort and filter, ``html_assets``), the charts (SVG drawn by ``svg`` and ``network``).
A Content-Security-Policy forbids any request the page could make. Every text from the outputs is
escaped. The file is written through a temporary file renamed into place, and replaces only a report
plantsplit wrote (``io.outdir.check_replace``).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from solver._version import __version__
from solver.case.palette import plant_colours
from solver.errors import WriteError
from solver.io.outdir import check_replace
from solver.io.temporary import stage
from solver.report.folders import Folder, plants_of, read_folders
from solver.report.html_assets import CSS, JS
from solver.report.html_parts import GENERATOR, cell, looks_like_report, section, table
from solver.report.html_solve import network_section, plan_section, recommendation_section
from solver.report.html_stochastic import compare_section, stochastic_section
from solver.report.html_studies import breakeven_section, sweep_section
from solver.report.svg import esc

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def command_line(f: Folder) -> tuple[str, str]:
    """The command that wrote a folder: as recorded, or an equivalent one put together from its outputs."""
    recorded = f.record.get("command_line")
    if isinstance(recorded, list) and recorded:
        return shlex.join(str(a) for a in recorded), "as run"
    case, info = shlex.quote(f.case_name), f.info
    out = f"--out {shlex.quote(str(f.path))}"
    if f.kind == "solve":
        opts = [f"--discount-rate {info['discount_rate']:g}"] if info.get("discount_rate") else []
        opts += ["--relax"] if info.get("relaxed") else []
        opts += [f"--solver {info['solver']}"] if info.get("solver", "highs") != "highs" else []
        return " ".join(["plantsplit solve", case, out, *opts]), "equivalent"
    if f.kind == "breakeven":
        bp = f.tables["breakpoints.csv"]
        lo, hi = float(bp["value_from"].min()), float(bp["value_to"].max())
        return f"plantsplit breakeven {case} --param {info.get('parameter', '?')} --from {lo:g} --to {hi:g} {out}", (
            "equivalent"
        )
    if f.kind == "sweep":
        params = info.get("parameters") or []
        return f"plantsplit sweep {case} {out} (varying {', '.join(params)})", "equivalent, without its values"
    if f.kind == "stochastic":
        return (
            f"plantsplit stochastic {case} --scenarios FILE {out} --method {info.get('method', 'auto')} "
            f"--risk-weight {info.get('risk_weight', 0):g} --cvar-alpha {info.get('cvar_alpha', 0.95):g}",
            "equivalent; FILE holds the scenarios of scenario_costs.csv",
        )
    return f"plantsplit compare A B {out}", "equivalent"


def provenance(folders: list[Folder]) -> str:
    rows = []
    for f in folders:
        line, how = command_line(f)
        rows.append(
            [
                cell(str(f.path)),
                cell(f.kind),
                cell(f.case_name),
                cell(f.info.get("inputs_digest", "") or f.record.get("inputs_digest") or "(not recorded)"),
                cell(f.record.get("plantsplit_version") or f.info.get("plantsplit_version") or ""),
                f"<td><code>{esc(line)}</code> <span class=note>({esc(how)})</span></td>",
            ]
        )
    return section(
        "made-from",
        "What this report was made from",
        [
            f"<p>Made by plantsplit {esc(__version__)} from {len(folders)} output folder"
            f"{'s' if len(folders) != 1 else ''}. The same inputs (same digest) and commands give the same "
            "numbers.</p>",
            table(["folder", "command", "case", "inputs digest", "plantsplit version", "command line"], rows),
        ],
    )


def render(folders: list[Folder]) -> str:
    """The whole page for the folders (already read)."""
    # one colour per plant across the whole page: by the natural order of every plant the folders name (a
    # report of one case gives each plant the colour of its PNG and xlsx charts)
    every = plant_colours(plants_of(folders))

    def colours(f: Folder) -> dict[str, str]:
        return every

    cases = list(dict.fromkeys(f.case_name for f in folders if f.kind != "compare")) or ["a comparison"]
    title = f"plantsplit report: {', '.join(cases)}"
    parts = [recommendation_section(folders)]
    parts += [plan_section(f, colours(f)) for f in folders if f.kind == "solve"]
    parts += [network_section(f, colours(f)) for f in folders if f.kind == "solve"]
    parts += [sweep_section(f, colours(f)) for f in folders if f.kind == "sweep"]
    parts += [breakeven_section(f, colours(f)) for f in folders if f.kind == "breakeven"]
    parts += [stochastic_section(f) for f in folders if f.kind == "stochastic"]
    parts += [compare_section(f, colours(f)) for f in folders if f.kind == "compare"]
    parts.append(provenance(folders))
    parts = [p for p in parts if p]
    notes = "".join(f'<p class="warning">{esc(n)}</p>' for f in folders for n in f.notes)
    nav = "".join(f'<a href="#{esc(k)}">{esc(t)}</a>' for k, t in _headings(parts))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="{GENERATOR} {esc(__version__)}">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n"
        f'<body><header><h1>{esc(title)}</h1><nav aria-label="sections">{nav}</nav></header><main>{notes}\n'
        + "\n".join(parts)
        + f"</main><script>{JS}</script></body></html>\n"
    )


def _headings(parts: list[str]):
    import re

    for p in parts:
        m = re.match(r'<section id="([^"]*)" class="report-section"><h2>(.*?)</h2>', p)
        if m:
            yield m.group(1), _unescape(m.group(2))


def _unescape(text: str) -> str:
    from html import unescape

    return unescape(text)


def write_report(folders: list[Path], out: Path) -> Path:
    """Read the folders, write the page to ``out`` (all or nothing; only over a report plantsplit wrote)."""
    out = Path(out)
    check_replace(out, "--out", "a report plantsplit wrote", looks_like_report)
    data = render(read_folders(folders)).encode("utf-8")
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = stage(out.parent, out.name, data)
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"{out}: could not write the report ({exc.strerror or exc}); nothing was changed") from None
    return out
