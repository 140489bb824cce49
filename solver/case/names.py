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
