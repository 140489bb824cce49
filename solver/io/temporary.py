"""Files written safely: under a temporary name first (``.plantsplit-<name>.<pid>-<random>.tmp``), synced,
then renamed into place; scratch folders in the system's temporary folder; and the removal of what a
killed run left (its pid is in the names)."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path


TMP_PREFIX = ".plantsplit-"  # every temporary file plantsplit makes: .plantsplit-<name>.<pid>-<random>.tmp
SCRATCH = ("plantsplit-xlsx-", "plantsplit-case-")  # scratch folders in the system's temp folder: <prefix><pid>-...


TEMP_NAME = re.compile(r"\.(\d+)-[0-9a-f]{12}\.tmp$")  # the end of temp_file's names: .<pid>-<12 hex>.tmp


def is_temporary(name: str) -> bool:
    """A temporary file plantsplit made (``.plantsplit-<name>.<pid>-<12 hex>.tmp``), not a file of yours
    that happens to start with .plantsplit-."""
    return name.startswith(TMP_PREFIX) and TEMP_NAME.search(name) is not None


def _dead(pid: str) -> bool:
    """True when no process ``pid`` runs here (a process of another user counts as running)."""
    if not pid.isdigit() or os.name == "nt":
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


_SWEPT: set[str] = set()  # folders this process has cleaned already


def remove_orphans(folder: Path) -> None:
    """Remove temporary files and scratch folders that a plantsplit process killed mid-write left in
    ``folder`` (their names carry the pid of their maker; one still running keeps them)."""
    import shutil

    key = os.path.abspath(folder)
    if key in _SWEPT:  # what is orphaned now was orphaned at the first look: once per folder
        return
    _SWEPT.add(key)
    try:
        entries = list(Path(folder).iterdir())
        journal = (
            (Path(folder) / ".plantsplit.json").read_text(errors="replace")
            if any(p.name == ".plantsplit.json" for p in entries)
            else ""
        )
    except OSError:
        return
    if '"committing"' in journal:  # staged files of an interrupted commit: its next run completes it
        return
    for p in entries:
        m = None
        if is_temporary(p.name):
            m = TEMP_NAME.search(p.name)
        elif p.name.startswith(SCRATCH):
            m = re.match(r"plantsplit-(?:xlsx|case)-(\d+)-", p.name)
        if m is None or not _dead(m.group(1)):
            continue
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        except OSError:
            pass


def scratch_dir(kind: str):
    """A scratch folder in the system's temp folder (``plantsplit-<kind>-<pid>-...``), removed on exit;
    those of killed runs are removed first."""
    import tempfile

    remove_orphans(Path(tempfile.gettempdir()))
    return tempfile.TemporaryDirectory(prefix=f"plantsplit-{kind}-{os.getpid()}-")


def write_all(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary name first, then rename each into place: if anything fails
    before the renames, no file is touched. Temporary files of these names left by a run that was
    killed are removed. (An output folder of a command is written by io/outdir.py, which adds the
    record, the journal and the lock.)"""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(f"{TMP_PREFIX}*.tmp"):
        if is_temporary(stale.name) and any(stale.name.startswith(f"{TMP_PREFIX}{name}.") for name in files):
            stale.unlink(missing_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            staged.append((name, stage(out_dir, name, data)))
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    for name, tmp in staged:
        os.replace(tmp, out_dir / name)


def temp_file(folder: Path, name: str) -> tuple[int, Path]:
    """A new, uniquely named ``.plantsplit-<name>.<pid>-<random>.tmp`` in ``folder``, open for writing
    (temporary files of killed runs there are removed first: remove_orphans).

    Its mode is what the umask gives any file a user creates (0666 minus the umask), so
    it keeps that mode when renamed into place; ``tempfile.mkstemp`` would make it
    owner-only (0600).
    """
    remove_orphans(folder)
    while True:
        tmp = folder / f"{TMP_PREFIX}{name}.{os.getpid()}-{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue


def stage(folder: Path, name: str, data: bytes) -> Path:
    """``data`` in a new temporary file of ``folder`` (``temp_file``), fsynced, ready to be renamed."""
    fd, tmp = temp_file(folder, name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
