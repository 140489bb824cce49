"""Output folders: where each command writes, and which folders it refuses (the case folder, another
command's outputs)."""

from __future__ import annotations

import os
from pathlib import Path

from solver.errors import UsageError
from solver.io.casefiles import case_name
from solver.io.outdir import COMMAND_OUTPUTS, HIDDEN, RECORD, RECORDABLE, OutputFolder, read_record
from solver.io.temporary import is_temporary


def default_out_dir(case_name: str, command: str) -> Path:
    """``outputs/<case folder name>/<command>/``: where a command writes without --out."""
    return Path("outputs") / case_name / command


def check_out_dir(case_dir: Path | None, out_dir: Path, command: str | None = None) -> None:
    """Refuse the case folder itself (when there is one), a folder that holds another command's
    outputs, and a folder plantsplit did not write: a run writes into a new or empty folder, or one
    whose record (outdir.RECORD) names the same command, and never over a file that record does not
    list (see outdir.py)."""
    out = Path(out_dir)
    try:
        same = case_dir is not None and out.resolve() == Path(case_dir).resolve()
    except (RuntimeError, OSError):  # a symbolic link loop (RuntimeError before Python 3.13)
        raise UsageError(f"--out {out_dir} is a loop of symbolic links; choose a folder for the outputs") from None
    if same:
        raise UsageError(f"--out {out_dir} is the case folder itself; choose another folder for outputs")
    if out.is_symlink() and not out.exists():
        raise UsageError(
            f"--out {out_dir} is a symbolic link to {os.readlink(out)}, which does not exist; choose a "
            "folder for the outputs"
        )
    blocked = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise UsageError(f"--out {out_dir}: {blocked} is a file, not a folder; choose a folder for the outputs")
    if command is None or not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder; choose a folder for the outputs")
    # a command of no case (compare) has no default folder to offer
    default = (
        f", or leave it out to write to {default_out_dir(case_name(Path(case_dir)), command)}/"
        if case_dir is not None
        else ""
    )
    rec = read_record(out)
    if rec is not None and rec["command"] != command:
        shown = [n for n in rec["files"] if (out / n).exists()] or list(rec["files"])
        raise UsageError(
            f"{out_dir} holds the outputs of plantsplit {rec['command']} ({', '.join(shown)}); a folder "
            f"holds the outputs of one command: choose another --out{default}"
        )
    if rec is not None:
        foreign = [n for n in RECORDABLE[command] if (out / n).exists() and n not in rec["files"]]
        if foreign:
            raise UsageError(
                f"{out_dir} holds {', '.join(foreign)}, which no plantsplit run wrote there (its record, "
                f"{RECORD}, does not list them); plantsplit never replaces a file it did not write: move "
                f"them, or choose another --out{default}"
            )
        return
    _refuse_unrecorded(out, out_dir, command, default)


def _refuse_unrecorded(out: Path, out_dir: Path, command: str, default: str) -> None:
    entries = sorted(p.name for p in out.iterdir() if p.name not in HIDDEN and not is_temporary(p.name))
    if not entries:
        return
    for other, names in COMMAND_OUTPUTS.items():
        # a file names its command only if no other command writes a file of that name
        shared = {n for c, o in COMMAND_OUTPUTS.items() if c != other for n in o}
        found = [n for n in names if other != command and n not in shared and n in entries]
        if found:
            raise UsageError(
                f"{out_dir} holds the outputs of plantsplit {other} ({', '.join(found)}); a folder holds the "
                f"outputs of one command: choose another --out{default}"
            )
    shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5:,} more" if len(entries) > 5 else "")
    raise UsageError(
        f"{out_dir} is not empty ({shown}) and holds no record of a plantsplit {command} run "
        f"({RECORD}); plantsplit writes only into a new or empty folder, or one it wrote before, so "
        f"that it never replaces or removes a file of yours: choose another --out{default}"
    )


def write_outputs(
    out_dir: Path, command: str, files: dict[str, bytes], case_dir: Path | None = None, keep: tuple[str, ...] = ()
) -> str | None:
    """Write one run's files into ``out_dir`` as ``command``, under the folder's lock, all or nothing
    (outdir.OutputFolder); returns a note when an interrupted earlier write had to be completed first."""
    out = Path(out_dir)
    with OutputFolder(out, command, check=lambda: check_out_dir(case_dir, out, command)) as folder:
        folder.commit(files, keep)
        return folder.recovered
