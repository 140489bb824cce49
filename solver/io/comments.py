"""Comment rows in a case's CSV files: a row whose first cell starts with ``#`` is a note, not data.

A case written by hand (or by ``plantsplit init``) can carry notes and commented example rows
below its header: ``#busan,KR,KRW`` is an example row a user turns on by deleting the ``#``.
A first cell that really starts with ``#`` (a plant named ``#1`` in the first column) is
written ``'#1``, as ``convert`` writes it; the reader drops that quote again (``''#1`` reads
as ``'#1``). Only CSV files: a workbook's or a Parquet file's rows are all data.
"""

from __future__ import annotations

COMMENT = "#"


def _quoted_hash(cell: str) -> bool:
    return cell.startswith("'") and cell.lstrip("'").startswith(COMMENT)


def drop_comments(records: list[list[str]]) -> list[list[str]]:
    """``records`` (header first) with every comment row after the header as a blank row (so the
    rows that follow keep the numbers a spreadsheet shows them with) and a first cell ``'#...``
    read as ``#...``."""
    out = records[:1]
    for rec in records[1:]:
        first = rec[0].strip() if rec else ""
        if first.startswith(COMMENT):
            out.append([])
        elif _quoted_hash(first):
            out.append([first[1:], *rec[1:]])
        else:
            out.append(rec)
    return out


def guard_first_cell(text: str) -> str:
    """The first cell of a data row as a CSV file must hold it so that it does not read as a comment."""
    return "'" + text if text.lstrip("'").startswith(COMMENT) else text
