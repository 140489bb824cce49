"""What this machine offers: the memory a run may still use, and the error for a case that needs more.

The memory available is the operating system's estimate (``MemAvailable`` in /proc/meminfo, or the control
group's limit if lower), or the ``PLANTSPLIT_MEMORY_MB`` environment variable when set (for a machine shared
with other work). Reading a case is checked here, before any file is held (``check_reading``); solving it in
``solve/memory.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

from solver.errors import PlantsplitError, UsageError

MB = 2**20
# bytes a row of a case file costs to read and check (pandas text columns, the typed copies, the row
# numbers): peak RSS 147 MB for 100,000 demand rows + 10,000 lanes, 371 MB for 400,000 + 40,000
# (747 bytes per row between them; 2026-12-02, docs/troubleshooting.md, "Too large for memory")
READ_BYTES_PER_ROW = 800
READ_BYTES_PER_BYTE = 3
CHUNK = 1 << 24


class TooLargeError(PlantsplitError):
    """The case needs more memory than is available (exit code 3; nothing is written)."""


def available_bytes() -> int | None:
    """Memory this process may still use, or None if unknown."""
    env = os.environ.get("PLANTSPLIT_MEMORY_MB", "").strip()
    if env:
        try:
            value = float(env)
        except ValueError:
            raise UsageError(f"PLANTSPLIT_MEMORY_MB={env!r} is not a number of megabytes") from None
        if not 0 < value < float("inf"):
            raise UsageError(f"PLANTSPLIT_MEMORY_MB={env!r} must be a finite number of megabytes greater than 0")
        return int(value * MB)
    found = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    if not found and (os_figure := os_available_bytes()) is not None:  # macOS, Windows: no /proc
        found.append(os_figure)
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
        if limit.isdigit() and used.isdigit():
            found.append(int(limit) - int(used))
    except OSError:
        pass
    return min(found) if found else None


def os_available_bytes() -> int | None:
    """The operating system's estimate of the memory available, on any system (psutil)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency
        return None
    try:
        return int(psutil.virtual_memory().available)
    except Exception:  # noqa: BLE001 - an estimate we can do without
        return None


def count_rows(path: Path) -> int:
    """Lines of a file after its header, counted 16 MB at a time (the file is never held whole)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(0, lines - 1 + (last != b"\n"))


def check_reading(case_name: str, files: list[Path]) -> None:
    """Before a case is read: will reading and checking its rows fit? (exit 3 with the figures if not)"""
    available = available_bytes()
    if available is None:
        return
    sizes = {p.name: p.stat().st_size for p in files}
    size = sum(sizes.values())
    if READ_BYTES_PER_BYTE * size > available:  # sizes first (no file opened): far too large stops at once
        largest = max(sizes, key=sizes.__getitem__)
        _too_large(
            case_name,
            f"its files are {_mb(size)} ({largest} {_mb(sizes[largest])})",
            READ_BYTES_PER_BYTE * size,
            f"{READ_BYTES_PER_BYTE} bytes for each byte",
            available,
        )
    rows = {p.name: count_rows(p) for p in files}
    if READ_BYTES_PER_ROW * sum(rows.values()) > available:
        largest = max(rows, key=rows.__getitem__)
        _too_large(
            case_name,
            f"its files hold {sum(rows.values()):,} rows ({largest} {rows[largest]:,})",
            READ_BYTES_PER_ROW * sum(rows.values()),
            f"{READ_BYTES_PER_ROW} bytes a row",
            available,
        )


def _too_large(case_name: str, what: str, needed: float, rate: str, available: float) -> None:
    raise TooLargeError(
        f"case {case_name} is too large for the memory available: {what}, and reading and checking them needs "
        f"about {_mb(needed)} ({rate}); {_mb(available)} are available. Free memory, use a larger machine, or "
        "split the case (fewer periods or markets per case)."
    )


def _mb(n: float) -> str:
    """Megabytes as the messages show them: more decimals below 10 MB and 1 MB, where rounding hides them."""
    if abs(n) < MB:
        return f"{n / MB:.2f} MB"
    return f"{n / MB:,.1f} MB" if abs(n) < 10 * MB else f"{n / MB:,.0f} MB"
