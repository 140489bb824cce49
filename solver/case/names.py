"""Natural order of names and periods (w2 before w10, 2025q2 before 2025q10): one rule for every table and report."""

from __future__ import annotations

import re


def natural_key(name: str) -> str:
    """Natural order for names: w2 before w10 (digit runs compare as numbers)."""
    return re.sub(r"\d+", lambda m: m.group().rjust(24, "0"), str(name))


def natural_sorted(names) -> list:
    """Distinct names in natural order; names equal as numbers (w2, w02) then as text, so
    the order never depends on how the names came in."""
    return sorted(set(names), key=lambda n: (natural_key(n), str(n)))


def period_sort_key(p: str):
    """Natural order: numbers as numbers, then text with its digit runs read as numbers
    (``m9`` < ``m10``, ``2025q2`` < ``2025q10``)."""
    try:
        return (0, float(p), (), p)
    except ValueError:
        # re.split with a group alternates text and digits, so the parts compare pairwise
        parts = tuple(int(s) if i % 2 else s for i, s in enumerate(re.split(r"(\d+)", p)))
        return (1, 0.0, parts, p)


def suggest(value: str, known) -> str:
    """' (did you mean "Saltillo"? names are case-sensitive)', or the known names, in natural order."""
    from difflib import get_close_matches

    known = sorted(known, key=natural_key)
    same = [k for k in known if k.casefold() == value.casefold()]
    if same:
        return f'; did you mean "{same[0]}"? (names must match exactly, including upper and lower case)'
    close = get_close_matches(value, known, n=1, cutoff=0.8)
    if close:
        return f'; did you mean "{close[0]}"?'
    more = f", ... ({len(known)} in all)" if len(known) > 12 else ""
    return f" (known: {', '.join(known[:12])}{more})"
