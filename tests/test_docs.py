"""The documentation tells the truth: its examples run, its input reference is the schema's.

Every fenced block of README.md and docs/**/*.md is run or marked as not run (the convention is in
CONTRIBUTING.md, "Code examples run in the tests"): ```bash lines and ```console `$ ` lines run
`plantsplit` in a temporary folder holding a copy of the Rogue case (a console block's shown output
must appear in what the command printed), ```python blocks run there in one namespace per page,
```csv title="PATH" blocks write PATH first. A page's blocks run in order, in one folder.
"""

from __future__ import annotations

import re
import shlex
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from solver.cli import cli
from solver.io.reference import markdown

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
RUN = {"bash", "console", "python"}
SHOWN = {"text", "csv", "json", "toml", "yaml"}  # not run (a csv block with a title writes its file)
# pages whose examples take more than 15 s (the 10,000-scenario stochastic run of getting started)
SLOW = {"docs/getting-started.md"}


@dataclass
class Block:
    page: str
    line: int  # of the opening fence, 1-based
    lang: str
    title: str | None
    text: str

    def __str__(self):
        return f"{self.page}:{self.line} ({self.lang})"


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of a Markdown file (fences at the start of a line)."""
    out, open_at, info, body = [], None, "", []
    for i, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if open_at is None and line.startswith("```"):
            open_at, info, body = i, line[3:].strip(), []
        elif open_at is not None and line.strip() == "```":
            lang = info.split()[0] if info else ""
            title = re.search(r'title="([^"]+)"', info)
            out.append(Block(page.relative_to(ROOT).as_posix(), open_at, lang, title and title[1], "\n".join(body)))
            open_at = None
        elif open_at is not None:
            body.append(line)
    assert open_at is None, f"{page}:{open_at}: a fence is never closed"
    return out


def plantsplit(args: list[str]):
    """Run the command line in this process, as `plantsplit ARGS` would (stdout and stderr together)."""
    return CliRunner().invoke(cli, args, prog_name="plantsplit")


def run_command(block: Block, line: str, targets: set[str]):
    """One shell line of a bash or console block: plantsplit runs, make names a Makefile target."""
    words = shlex.split(line, comments=True)
    if not words:
        return None
    if words[0] == "make":
        assert set(words[1:]) <= targets, f"{block}: `{line}` names no target of the Makefile"
        return None
    assert words[0] == "plantsplit", f"{block}: `{line}` is no plantsplit or make command; mark the block text"
    return plantsplit(words[1:])


def check_output(block: Block, command: str, result, shown: list[str]) -> None:
    """Each line shown after a `$ ` command appears, in order, in what it printed ('...' matches anything)."""
    error = any(s.startswith("Error:") for s in shown)
    expected = (2, 3) if error else (0,)
    assert result.exit_code in expected, f"{block}: `{command}` exit {result.exit_code}\n{result.output}"
    printed = [p.strip() for p in result.output.splitlines()]
    at = 0
    for want in (s.strip() for s in shown):
        if not want or want == "...":
            continue
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("...")))
        found = next((i for i in range(at, len(printed)) if pattern.fullmatch(printed[i])), None)
        assert found is not None, f"{block}: `{command}` did not print {want!r}; it printed:\n{result.output}"
        at = found + 1


def run_block(block: Block, namespace: dict, targets: set[str]) -> None:
    if block.lang == "python":
        exec(compile(block.text, str(block), "exec"), namespace)
    elif block.lang == "bash":
        for line in block.text.replace("\\\n", " ").splitlines():
            result = run_command(block, line, targets)
            failed = result is not None and result.exit_code != 0
            assert not failed, f"{block}: `{line}` exit {result.exit_code}\n{result.output}"
    elif block.lang == "console":
        steps: list[tuple[str, list[str]]] = []
        for line in block.text.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                assert steps, f"{block}: output before any `$ ` command"
                steps[-1][1].append(line)
        for command, shown in steps:
            result = run_command(block, command, targets)
            if result is not None:
                check_output(block, command, result, shown)
    elif block.title:
        path = Path(block.title)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.text + "\n", encoding="utf-8")


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.M))


def runnable(page: Path) -> bool:
    return any(b.lang in RUN for b in blocks(page))


def page_param(page: Path):
    name = page.relative_to(ROOT).as_posix()
    return pytest.param(page, id=name, marks=[pytest.mark.slow] if name in SLOW else [])


@pytest.mark.parametrize("page", [page_param(p) for p in PAGES if runnable(p)])
def test_examples_run(page, tmp_path, monkeypatch):
    """Every example of the page, in order, in a fresh folder with the shipped cases in inputs/ (rogue-2012, ...)."""
    for case in sorted(p for p in (ROOT / "inputs").iterdir() if p.is_dir()):
        shutil.copytree(case, tmp_path / "inputs" / case.name)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__docs__"}
    targets = make_targets()
    for block in blocks(page):
        started = time.perf_counter()
        run_block(block, namespace, targets)
        assert time.perf_counter() - started < 120, f"{block} took over 2 minutes"


def test_every_block_is_run_or_marked_as_shown():
    for page in PAGES:
        for block in blocks(page):
            assert block.lang in RUN | SHOWN, (
                f"{block}: mark a fenced block bash, console or python to run it, or text to show it"
            )
            assert block.lang != "csv" or block.title is None or not Path(block.title).is_absolute()


def test_check_output_is_strict():
    """The output check fails a line that was not printed, and a failure that was not shown."""
    block = Block("x.md", 1, "console", None, "")
    ok = plantsplit(["--version"])
    check_output(block, "plantsplit --version", ok, ["plantsplit, version ..."])
    with pytest.raises(AssertionError):
        check_output(block, "plantsplit --version", ok, ["plantsplit, version 0.0.0-never"])
    bad = plantsplit(["solve", "no-such-case"])
    with pytest.raises(AssertionError):
        check_output(block, "plantsplit solve no-such-case", bad, ["..."])
    check_output(block, "plantsplit solve no-such-case", bad, ["Error: ..."])


def test_input_reference_matches_schema():
    page = (ROOT / "docs" / "input-reference.md").read_text()
    assert markdown() in page, "docs/input-reference.md is stale: paste `python -m solver.io.reference`"


def test_readme_is_the_front_page():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert len(readme.splitlines()) <= 200
    for link in re.findall(r"\]\(((?:docs/|inputs/|[A-Z]+\.md|LICENSE)[^)#]*)", readme):
        assert (ROOT / link).exists(), f"README links {link}, which does not exist"
