"""The Rogue report in a real headless browser: Debian's chromium driven by Playwright (never a browser
download). It loads from a file:// path with no console error and no network request, shows the
recommendation and the key numbers (worked out here from the output CSVs), its tables sort and filter,
and a screenshot of each section is written under outputs/report-screenshots/ for a person to look at.

Where no browser can be run these tests skip and say why; with CI=true they fail instead."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from reportcases import rogue_folders, run

SHOTS = ROOT / "outputs" / "report-screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip


def _chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _unavailable(why: str):
    """No browser here: a skip that says why, or under CI a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the browser test cannot run: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install playwright, in the test extra)")
    exe = _chromium()
    if exe is None:
        _unavailable("no chromium executable (Debian: apt-get install chromium)")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, args=ARGS)
        except Exception as exc:  # noqa: BLE001 - any failure to start is the reason to give
            _unavailable(f"chromium at {exe} did not start: {exc}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-report")
    folders = rogue_folders(root)
    out = root / "report.html"
    run("report", *folders.values(), "--out", out)
    return folders, out


@pytest.fixture
def page(browser, report):
    _, out = report
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.resolve().as_uri())
    page.wait_for_load_state("load")
    yield page
    assert errors == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    page.close()


def csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype={"period": str, "plant": str, "product": str}, keep_default_na=False)


def test_loads_offline_and_shows_the_recommendation(page, report):
    folders, _ = report
    first = page.locator("p.recommendation").first.inner_text()
    plan = csv(folders["solve"], "plan.csv")
    rogue = plan[plan["product"] == "rogue"].groupby("plant")["units"].sum().sort_values(ascending=False)
    assert first.startswith("Make rogue at " + ", ".join(f"{p} ({u:,.0f} units)" for p, u in list(rogue.items())[:2]))
    assert first.endswith("build busan-rogue-line.")
    cb = csv(folders["solve"], "cost_breakdown.csv")
    figures = page.locator("dl.figures").first.inner_text()
    assert f"{cb['present_value_USD'].sum():,.0f} USD in present value" in figures
    assert f"{cb['amount_USD'].sum():,.0f} USD" in figures
    util = csv(folders["solve"], "utilization.csv")
    top = pd.to_numeric(util["shadow_price_USD"], errors="coerce").max()
    assert f"would save {top:,.2f} USD" in page.locator("ul.limits li").first.inner_text()


def test_tables_sort_and_filter(page):
    table = page.locator("section#recommendation table.data").first
    values = "td:nth-child(3)"

    def column():
        return [float(t.replace(",", "")) for t in table.locator(f"tbody tr {values}").all_inner_texts()]

    assert column() == sorted(column(), reverse=True)  # largest first, as written
    header = table.locator("th").nth(2)
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert column() == sorted(column())
    header.click()
    assert column() == sorted(column(), reverse=True)
    box = page.locator("section#recommendation input.filter").first
    box.fill("smyrna")
    shown = [r for r in table.locator("tbody tr").all() if r.is_visible()]
    assert shown and all("smyrna" in r.inner_text() for r in shown)
    hidden = table.locator("tbody tr").count() - len(shown)
    assert hidden > 0
    box.fill("")
    assert all(r.is_visible() for r in table.locator("tbody tr").all())


def test_screenshot_of_each_section(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ids = page.eval_on_selector_all("section.report-section", "els => els.map(e => e.id)")
    assert ids[0] == "recommendation" and ids[-1] == "made-from" and len(ids) >= 8
    for k, sid in enumerate(ids):
        path = SHOTS / f"{k:02d}-{re.sub(r'[^a-z0-9-]', '', sid)}.png"
        page.locator(f"section#{sid}").screenshot(path=str(path))
        assert path.stat().st_size > 5_000
    # every chart drawn at a size a person can read
    for box in [page.locator("figure.chart svg").nth(i).bounding_box() for i in range(3)]:
        assert box["width"] > 600 and box["height"] > 250


def test_the_map_of_a_case_with_positions(browser, tmp_path):
    """inputs/network-3x4 gives every plant and market a position: its report draws the map, offline, with a
    curve per plant-market flow of plan.csv; a screenshot of it is written for a person to look at."""
    run("solve", ROOT / "inputs" / "network-3x4", "--out", tmp_path / "solve")
    run("report", tmp_path / "solve", "--out", tmp_path / "report.html")
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto((tmp_path / "report.html").resolve().as_uri())
    page.wait_for_load_state("load")
    chart = page.locator("svg.map").first
    box = chart.bounding_box()
    assert box["width"] > 600 and box["height"] > 250
    plan = csv(tmp_path / "solve", "plan.csv")
    pairs = plan[plan["units"] > 0].groupby(["plant", "market"]).ngroups
    assert chart.locator("path.band").count() == pairs
    assert chart.locator("rect.plant").count() == 3 and chart.locator("circle.market").count() == 4
    SHOTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(SHOTS / "map-network-3x4.png"))
    assert (SHOTS / "map-network-3x4.png").stat().st_size > 5_000
    assert errors == [] and [u for u in requests if not u.startswith(("file:", "data:"))] == []
    page.close()
