"""The pieces every section of the report is made of: table cells, sortable tables, figures, sections."""

from __future__ import annotations

import math

from solver.report.svg import esc

GENERATOR = "plantsplit report"
MAX_ROWS = 2000  # rows of one table in the page; the rest stays in its CSV (the report stays small)


def looks_like_report(head: bytes) -> bool:
    return head.lstrip().lower().startswith(b"<!doctype html") and f'content="{GENERATOR}'.encode() in head


def cell(value, kind: str = "text") -> str:
    """A table cell: numbers right-aligned, formatted, with their value in data-v for sorting."""
    if kind == "text" or value is None or (isinstance(value, str) and kind != "text"):
        return f"<td>{esc('' if value is None else value)}</td>"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return f"<td>{esc(value)}</td>"
    if not math.isfinite(v):
        return '<td class="num"></td>'
    plain = f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:,.6g}"  # never 2.481e+08 in a table a manager reads
    shown = {"units": f"{v:,.0f}", "money": f"{v:,.2f}", "rate": f"{v:.2%}", "int": f"{v:,.0f}"}.get(kind, plain)
    return f'<td class="num" data-v="{v:.12g}">{shown}</td>'


def table(
    headers: list[str], rows: list[list[str]], caption: str = "", source: str = "", foot: list[str] | None = None
) -> str:
    """A sortable, filterable table (the page's script adds the filter box and the sorting); ``foot``: a
    row that stays last (a total), neither sorted nor filtered."""
    more = ""
    if len(rows) > MAX_ROWS:
        more = f'<p class="note">The first {MAX_ROWS:,} of {len(rows):,} rows; all of them are in {esc(source)}.</p>'
        rows = rows[:MAX_ROWS]
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "\n".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    tail = f"<tfoot><tr>{''.join(foot)}</tr></tfoot>" if foot else ""
    body = f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{tail}"
    return f'<div class="table-wrap"><table class="data">{cap}{body}</table></div>{more}'


def figure(svg: str, caption: str = "") -> str:
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart">{svg}{cap}</figure>'


def section(key: str, title: str, parts: list[str]) -> str:
    return f'<section id="{esc(key)}" class="report-section"><h2>{esc(title)}</h2>\n' + "\n".join(parts) + "</section>"
