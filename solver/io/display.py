"""Short displays of plantsplit's objects for a terminal and a notebook: ``repr`` in a few lines and
``_repr_html_`` as a small table, every value HTML-escaped (a plant named ``<script>`` stays text)."""

from __future__ import annotations

import html

from solver.errors import plural


def text_card(title: str, rows: list[tuple[str, str]]) -> str:
    """``title`` then one ``  name: value`` line per row."""
    return "\n".join([title] + [f"  {k}: {v}" for k, v in rows])


def html_card(title: str, rows: list[tuple[str, str]]) -> str:
    """The same as a small HTML table (Jupyter shows it for ``_repr_html_``)."""
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<div><strong>{html.escape(title)}</strong><table>{body}</table></div>"


def money(v, currency: str) -> str:
    """A sum of money as the terminal writes it: 31,573,652,807 USD (blank when there is none)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "-"
    return f"{f:,.0f} {currency}" if f == f else "-"


class Displayed:
    """Mixin: ``__repr__`` and ``_repr_html_`` from ``_card()`` -> (title, rows)."""

    def _card(self) -> tuple[str, list[tuple[str, str]]]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return text_card(*self._card())

    def _repr_html_(self) -> str:
        return html_card(*self._card())


__all__ = ["Displayed", "html_card", "money", "plural", "text_card"]
