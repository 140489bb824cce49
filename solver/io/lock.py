"""One writer per output folder: an exclusive operating-system lock on ``folder/.plantsplit.lock`` (flock;
msvcrt on Windows), naming its holder, released when its process ends (``kill -9`` included)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from solver.errors import UsageError

LOCK = ".plantsplit.lock"


class FolderLock:
    """An exclusive OS lock on ``folder/.plantsplit.lock`` (flock; msvcrt on Windows), naming its holder."""

    def __init__(self, folder: Path, command: str):
        self.path, self.command = Path(folder) / LOCK, command
        self.fd: int | None = None

    def acquire(self) -> None:
        while True:
            if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
                raise UsageError(
                    f"{self.path} is not a lock file plantsplit made (it is a link or not a file); "
                    "remove it, or choose another --out"
                )
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise UsageError(
                    f"{self.path.parent} is being written by another plantsplit run ({holder}); "
                    "wait for it to finish, or choose another --out"
                )
            try:  # the file may have been removed by its last holder between our open and our lock
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"process {os.getpid()}: plantsplit {self.command}\n".encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # still ours: nobody else can hold it now
        except OSError:
            pass
        os.close(self.fd)  # closing releases the lock
        self.fd = None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # no fcntl (a platform check rather than ImportError: mypy follows it)
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except (OSError, AttributeError):
        text = ""
    return text or "a process that has not yet said which"
