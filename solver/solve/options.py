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
    from solver.io.outdir import check_replace

    check_replace(path, option, "a model file plantsplit wrote", _ours)
    if not os.access(folder, os.W_OK | os.X_OK) or (Path(path).exists() and not os.access(path, os.W_OK)):
        from solver.errors import WriteError

        where = path if Path(path).exists() else f"the folder {folder}"
        raise WriteError(
            f"{option} {path}: cannot write {where} (read-only or no permission); give a path in a folder you can write"
        )


def check_model_files(write_model=None, write_lp=None) -> None:
    """--write-model (HiGHS's .mps or .lp) and --write-lp (PuLP's LP writer, any name)."""
    if write_model:
        check_model_path(write_model)
    if write_lp:  # PuLP's LP format: a name that says so (never a case's demand.csv)
        check_model_path(write_lp, "--write-lp", formats=(".lp",))


# The first line of each model file plantsplit writes: PuLP's LP (its problem is named plantsplit),
# HiGHS's MPS (the model named plantsplit) and HiGHS's LP; their last lines (a file cut short by a full
# disk lacks it). An existing file is replaced only if it starts as one of these.
MODEL_HEADS = (b"\\* plantsplit *\\", b"NAME        plantsplit", b"\\ plantsplit model, written by HiGHS")
MODEL_ENDS = (b"End", b"ENDATA", b"end")


def _ours(head: bytes) -> bool:
    """A model file plantsplit wrote, from its first bytes (an empty file holds nothing to lose)."""
    return head == b"" or head.split(b"\n", 1)[0].rstrip(b"\r") in MODEL_HEADS


def write_complete(path, option: str, write) -> None:
    """``write(tmp)`` writes a model file to a temporary name beside ``path``; it becomes ``path`` only
    if it ends as a whole model file does (HiGHS reports no error when a full disk cuts its file
    short). Otherwise nothing is left and the write is an error (exit 4)."""
    from solver.errors import WriteError
    from solver.io.temporary import temp_file

    path = Path(path)
    fd, tmp = temp_file(path.parent, path.name)
    os.close(fd)
    try:
        try:
            write(tmp)
            with open(tmp, "rb") as fh:
                fh.seek(max(0, os.path.getsize(tmp) - 64))
                tail = fh.read().rstrip()
        except OSError as exc:
            raise WriteError(f"{option} {path}: could not write the file ({exc.strerror or exc})") from None
        if not any(tail.endswith(end) for end in MODEL_ENDS):
            raise WriteError(
                f"{option} {path}: the file was cut short (disk full, or a file-size limit?); nothing was written"
            )
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
