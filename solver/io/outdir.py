"""An output folder that is never lost, never mixed and never written by two runs at once.

Every command writes its outputs through an ``OutputFolder``:

- **One writer.** While a run writes, it holds an OS lock (``fcntl.flock``) on ``.plantsplit.lock``
  in the folder, with its process id inside; a second run is refused (``UsageError``, exit 2) naming
  that process. The OS releases the lock when the process dies, by ``kill -9`` too.
- **Only its own files.** The folder keeps a record, ``.plantsplit.json``: the command that wrote it
  and the files it wrote. A run writes into a new or empty folder, or one whose record names the same
  command; it replaces or removes only files its record lists. A file of an output's name that no
  record lists is the user's: the run is refused before anything is solved.
- **All or nothing.** Files are written to hidden temporary names (``.plantsplit-<name>.<random>.tmp``)
  and fsynced; then the record is rewritten atomically as a journal (state ``committing``: what is
  staged, what goes); then each file is renamed into place and the record marked ``complete``. A run
  killed during the renames leaves the journal: the next run in the folder finishes what was staged
  (one whole run again) before it writes, and ``compare``, ``plot`` and ``sweep --resume`` name the
  interrupted write instead of reading a mix.
- **Failures name the folder.** A full disk, a read-only folder or missing permissions raise
  ``WriteError`` (exit 4) after every temporary file is removed; earlier outputs stay as they were.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from solver._version import __version__
from solver.errors import UsageError, WriteError
from solver.io.lock import LOCK, FolderLock
from solver.io.temporary import TMP_PREFIX, is_temporary, stage
from solver.io.schema import FILES

OUTPUT_NAMES = (
    "plan.csv",
    "utilization.csv",
    "supply.csv",
    "cost_breakdown.csv",
    "builds.csv",
    "sourcing.csv",
    "lane_limits.csv",
    "quotas.csv",
    "hubs.csv",
    "closures.csv",
    "places.csv",
    "sensitivity_flows.csv",
    "sensitivity_constraints.csv",
    "summary.json",
    "plan.xlsx",
    "plan.png",
)


# What each command writes into its output folder. A folder holds the outputs of one
# command: without --out each command writes to its own default_out_dir, and a command
# refuses an --out that holds another command's files. A new command adds its entry here
# and calls check_out_dir(case_dir, out, "<command>").
COMMAND_OUTPUTS: dict[str, tuple[str, ...]] = {
    "solve": OUTPUT_NAMES,
    "breakeven": ("breakpoints.csv", "breakeven.json", "breakpoints.png"),
    "sweep": ("results.csv", "plans.csv", "sweep.json", "results.xlsx", "results.png", "plans.png"),
    "stochastic": (
        "summary.json",
        "decision.csv",
        "scenario_costs.csv",
        "decisions.csv",
        "evaluation.csv",
        "replications.csv",
        "stochastic.xlsx",
        "scenario_costs.png",
    ),
    "compare": ("comparison.csv", "comparison.xlsx"),
}
# what a record may name: the commands' outputs, and a case folder written by convert or init (init's
# workbook, with --xlsx, is named after its folder: any plain name ending in .xlsx)
RECORDABLE = {
    **COMMAND_OUTPUTS,
    "convert": tuple(spec.name for spec in FILES),
    "init": (*(spec.name for spec in FILES), "README.md"),
}

RECORD = ".plantsplit.json"
HIDDEN = (RECORD, LOCK)
NO_SPACE = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
WRITE_ERRNOS = NO_SPACE | {errno.EROFS, errno.EACCES, errno.EPERM}  # what a user can fix: exit 4


# The command line of this process (set by the command line's entry point), kept in each record it
# writes so a report can say how to make its folders again; None in the Python API.
COMMAND_LINE: list[str] | None = None


def set_command_line(argv: list[str]) -> None:
    global COMMAND_LINE
    COMMAND_LINE = [str(a) for a in argv]


class BadRecord(UsageError):
    """A record plantsplit would not have written (edited, damaged, or hostile): the folder is refused."""


def read_record(folder: Path) -> dict | None:
    """The folder's record, or None when there is none. A record that is not exactly what plantsplit
    writes (plain names of the command's own outputs, staged files of its own temporary names) raises
    BadRecord: a record must never make a run touch a file outside the folder, or one of the user's."""
    path = Path(folder) / RECORD
    if not path.exists() and not path.is_symlink():
        return None
    try:
        if path.is_symlink() or not path.is_file():
            raise ValueError("it is not a regular file")
        data = json.loads(path.read_text(encoding="utf-8"))
        _check_record(data)
    except (OSError, ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise BadRecord(
            f"{folder} holds a record of an earlier run ({RECORD}) that plantsplit did not write as it "
            f"is ({exc}); it is not trusted: delete {path} if the folder holds only plantsplit's "
            "outputs, or choose another --out"
        ) from None
    return data


def _plain(name) -> bool:
    return (
        isinstance(name, str)
        and name == Path(name).name
        and name not in ("", ".", "..")
        and not name.startswith(".")
        and "\\" not in name
        and "/" not in name
    )


def _check_record(data) -> None:
    if not isinstance(data, dict) or data.get("command") not in RECORDABLE:
        raise ValueError("no command plantsplit has")
    names = set(RECORDABLE[data["command"]])

    def own(n) -> bool:
        return n in names or (data["command"] == "init" and n.endswith(".xlsx"))

    files, staged, remove = data.get("files"), data.get("staged", {}), data.get("remove", [])
    if not isinstance(files, list) or not all(_plain(n) and own(n) for n in files):
        raise ValueError(f"its files are not outputs of plantsplit {data['command']}")
    if not isinstance(remove, list) or not all(_plain(n) and own(n) for n in remove):
        raise ValueError("it would remove files that are not outputs")
    if not isinstance(staged, dict) or not all(
        _plain(n)
        and own(n)
        and isinstance(t, str)
        and t == Path(t).name
        and t.startswith(TMP_PREFIX)
        and t.endswith(".tmp")
        for n, t in staged.items()
    ):
        raise ValueError("its staged files are not plantsplit's temporary files")


def interrupted(folder: Path) -> str | None:
    """A message naming an interrupted write in ``folder``, for a command that reads it; else None."""
    rec = read_record(folder)
    if rec and rec.get("state") == "committing":
        return (
            f"{folder}: the plantsplit {rec['command']} that wrote this folder was interrupted while "
            f"writing its files ({', '.join(rec.get('staged', {}))}), so it may mix two runs; run "
            f"plantsplit {rec['command']} again with this --out (it completes or replaces them)"
        )
    return None


NOTHING_CHANGED = "Nothing was changed there: earlier outputs are intact and no temporary file was left"


def scratch_failure(exc: BaseException, scratch: Path):
    """A workbook writer's failure in its scratch folder as a WriteError (xlsxwriter wraps the OSError
    of a full disk in its FileCreateError); None when it is not a failure to write."""
    cause = exc if isinstance(exc, OSError) else exc.__context__ or (exc.args[0] if exc.args else None)
    return write_failure(cause, Path(scratch)) if isinstance(cause, OSError) else None


def write_failure(
    exc: OSError, folder: Path, action: str = "write the outputs", after: str = NOTHING_CHANGED
) -> WriteError:
    """A WriteError in words: what happened, to which folder, and what to do."""
    from solver.io.temporary import SCRATCH

    name = getattr(exc, "filename", None)
    # a writer's own relative name (xlsxwriter's "xl/worksheets/sheet1.xml") says nothing of where
    where = Path(name).parent if name and Path(name).is_absolute() else Path(folder)
    in_scratch = any(p.name.startswith(SCRATCH) for p in (where, *where.parents))
    if in_scratch:  # the system's temporary folder (TMPDIR) that holds the scratch folder
        where = next(p for p in (where, *where.parents) if p.name.startswith(SCRATCH)).parent
        action = "write scratch files (a workbook is assembled there)"
    if exc.errno in NO_SPACE:
        what = "the disk is full (or a file-size or quota limit was reached)"
        todo = (
            "free some space there, or set TMPDIR to a folder with room"
            if in_scratch
            else "free some space or choose another --out"
        )
    elif exc.errno == errno.EROFS:
        what = "the folder is on a read-only file system"
        todo = "choose another --out"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        what = "permission denied"
        todo = "choose a folder you may write to (--out), or change its permissions"
    else:
        what = exc.strerror or str(exc)
        todo = "choose another --out"
    return WriteError(f"could not {action} in {where}: {what}; {todo}. {after}")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not every system opens a folder (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_record(folder: Path, record: dict) -> None:
    """The record, replaced atomically (a reader sees the old one or the new one, never half)."""
    data = (json.dumps(record, indent=1, sort_keys=True) + "\n").encode()
    tmp = stage(folder, RECORD.lstrip("."), data)
    os.replace(tmp, folder / RECORD)
    _fsync_dir(folder)


def check_replace(path: Path, option: str, what: str, looks_like) -> None:
    """A single-file output (a chart, a scenarios file, a model file) replaces an existing file only if
    plantsplit wrote it (``looks_like(first bytes)``): never a case's demand.csv, a user's own file or a
    symbolic link."""
    path = Path(path)
    if path.is_symlink():
        raise UsageError(
            f"{option} {path}: is a symbolic link; plantsplit writes a file of its own there only "
            "where nothing is: choose another name"
        )
    for folder in path.parents:  # the nearest existing one must be a folder (mkdir would fail on a file)
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise UsageError(
                    f"{option} {path}: {folder} is not a folder (it is a file or a broken link); choose another path"
                )
            break
    if not path.exists():
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        head = None  # a file that cannot be read cannot be told to be plantsplit's
    if not path.is_file() or head is None or not looks_like(head):
        raise UsageError(
            f"{option} {path}: exists and is not {what}; plantsplit never replaces a file it did not "
            "write: choose another name, or move that file"
        )


PNG = b"\x89PNG\r\n\x1a\n"


class OutputFolder:
    """``with OutputFolder(out, "solve") as folder: folder.commit(files)``: see the module docstring.
    ``check``: a callable run under the lock to refuse a folder (check_out_dir)."""

    def __init__(self, folder: Path, command: str, check=None):
        self.folder, self.command, self.check = Path(folder), command, check
        self.lock = FolderLock(self.folder, command)
        self.recovered: str | None = None

    def __enter__(self) -> OutputFolder:
        self.created = not self.folder.exists()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.lock.acquire()
        except OSError as exc:
            raise write_failure(exc, self.folder, "create the output folder and lock it") from None
        try:
            if self.check is not None:
                self.check()
            self._recover()
        except BaseException:
            self.lock.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._remove_temporaries()
        self.lock.release()
        if exc[0] is not None and self.created:  # a folder this run made and could not fill: gone again
            try:
                self.folder.rmdir()  # only if empty
            except OSError:
                pass

    @property
    def record(self) -> dict | None:
        return read_record(self.folder)

    def owned(self) -> list[str]:
        rec = self.record
        return list(rec["files"]) if rec and rec.get("command") == self.command else []

    def _recover(self) -> None:
        """Finish the renames of a run killed while committing (its staged files are whole), so the
        folder holds one run again; then remove temporary files nobody will rename."""
        rec = self.record
        if rec and rec.get("state") == "committing":
            for name, tmp in rec.get("staged", {}).items():
                if (self.folder / tmp).is_file():
                    os.replace(self.folder / tmp, self.folder / name)
            for name in rec.get("remove", []):
                (self.folder / name).unlink(missing_ok=True)
            self.recovered = (
                f"{self.folder}: the last plantsplit {rec['command']} there was interrupted while "
                "writing its files; it was completed from what it had staged"
            )
            write_record(self.folder, self._record(list(rec["files"]), "complete"))
        self._remove_temporaries()

    def _remove_temporaries(self) -> None:
        try:
            stale = [p for p in self.folder.iterdir() if is_temporary(p.name)]
        except OSError:
            return
        for p in stale:
            try:
                p.unlink(missing_ok=True)
            except OSError:
                pass

    def _record(self, files: list[str], state: str, **more) -> dict:
        rec = {"command": self.command, "files": files, "state": state, "plantsplit_version": __version__, **more}
        if COMMAND_LINE:
            rec["command_line"] = COMMAND_LINE
        return rec

    def begin(self, files: list[str]) -> None:
        """Record files a run will write in place as it goes (a sweep appending its results). A chart
        plot drew of the folder's earlier results is removed: it would no longer show them."""
        charts = [n for n in self.owned() if n.endswith(".png") and n not in files]
        names = [n for n in dict.fromkeys([*self.owned(), *files]) if n not in charts]

        def work():
            write_record(self.folder, self._record(names, "running"))
            for n in charts:
                (self.folder / n).unlink(missing_ok=True)

        self._guard(work)

    def add(self, name: str) -> None:
        """Record one more file written into the folder (a chart plot wrote beside the results), so a
        later run of the command replaces or removes it with the rest of its outputs."""
        rec = self.record or self._record([], "complete")
        names = list(dict.fromkeys([*rec.get("files", []), name]))
        self._guard(lambda: write_record(self.folder, {**rec, "files": names}))

    def finish(self) -> None:
        self._guard(lambda: write_record(self.folder, self._record(self.owned(), "complete")))

    def commit(self, files: dict[str, bytes], keep: tuple[str, ...] = ()) -> None:
        """Write ``files`` all or nothing. Files the record lists that are neither written now nor in
        ``keep`` are removed (a builds.csv of an earlier case with expansion options)."""
        self._guard(lambda: self._commit(files, keep))

    def _commit(self, files: dict[str, bytes], keep: tuple[str, ...]) -> None:
        old = self.owned()
        staged: dict[str, str] = {}
        try:
            for name, data in files.items():
                staged[name] = stage(self.folder, name, data).name
        except BaseException:
            for tmp in staged.values():
                (self.folder / tmp).unlink(missing_ok=True)
            raise
        kept = [n for n in old if n in keep and n not in files]
        names = [*files, *kept]
        remove = [n for n in old if n not in names]
        write_record(self.folder, self._record(names, "committing", staged=staged, remove=remove))
        for name, tmp in staged.items():
            os.replace(self.folder / tmp, self.folder / name)
        for name in remove:
            (self.folder / name).unlink(missing_ok=True)
        write_record(self.folder, self._record(names, "complete"))

    def _guard(self, work) -> None:
        try:
            work()
        except OSError as exc:
            self._remove_temporaries()
            raise write_failure(exc, self.folder) from None
