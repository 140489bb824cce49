"""Solve options as the user gives them: a MIP gap, a fraction, model file names; checked before anything runs."""
from __future__ import annotations

import os
from pathlib import Path

MODEL_FORMATS = (".mps", ".lp")


def parse_fraction(value) -> float:
    """0.08 or "8%" as a number; ValueError for text that is neither."""
    if isinstance(value, str):
        text = value.strip()
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(value)
    return float(value)


def parse_gap(value, positive: bool = False) -> float:
    """A relative MIP gap as --gap and the API take it: 0.01 or "1%", from 0 (above 0 when
    ``positive``) to 1. ValueError with what is wrong, to be prefixed with where it came from."""
    try:
        gap = parse_fraction(value)
    except ValueError:
        raise ValueError("is not a gap: write it like 0.01 or 1%") from None
    if not (0 <= gap <= 1) or (positive and gap == 0):
        raise ValueError(f"must be a relative gap {'above 0' if positive else 'from 0'} to 1 (100%), like 0.01 or 1%")
    return gap


def check_model_path(path, option: str = "--write-model", formats: tuple[str, ...] | None = MODEL_FORMATS) -> None:
    """A model file that can be written: a name ending in one of ``formats`` (None: any), in a
    folder that exists (checked before anything runs, so a bad name never costs a solve)."""
    from solver.errors import UsageError

    if formats and os.path.splitext(str(path))[1].lower() not in formats:
        raise UsageError(f"{option} {path}: the file name must end in {' or '.join(formats)} (the format follows it)")
    folder = Path(path).parent
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: the folder {folder} does not exist (create it, or give another path)")
    if Path(path).is_dir():
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    if not os.access(folder, os.W_OK | os.X_OK) or (Path(path).exists() and not os.access(path, os.W_OK)):
        from solver.errors import WriteError

        where = path if Path(path).exists() else f"the folder {folder}"
        raise WriteError(f"{option} {path}: cannot write {where} (read-only or no permission); "
                         "give a path in a folder you can write")


def check_model_files(write_model=None, write_lp=None) -> None:
    """--write-model (HiGHS's .mps or .lp) and --write-lp (PuLP's LP writer, any name)."""
    if write_model:
        check_model_path(write_model)
    if write_lp:  # PuLP's LP format: a name that says so (never a case's demand.csv)
        check_model_path(write_lp, "--write-lp", formats=(".lp",))
