"""Dashboards in a real headless Chromium (Debian's package), driven by Playwright."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testing.repos import make_repo

PROJECT = Path(__file__).resolve().parent.parent
ARTIFACTS = PROJECT / "test-artifacts" / "dashboards"
PAGES = ["unified_registry_dashboard.html", "backend_connections_panel.html", "external_apis_panel.html",
         "commercial_readiness_panel.html"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CONNREG_REQUIRE_TOOLS") == "1":
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def connreg(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "connreg_gate", *args], cwd=cwd, capture_output=True, text=True)


def open_page(browser, path: Path, viewport=(1280, 900)):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    return page, errors, requests


@pytest.fixture(scope="module")
def example_dashboards(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("dash")
    work = tmp_path_factory.mktemp("data")
    usage = work / "usage.jsonl"
    usage.write_text("".join(json.dumps({
        "timestamp": f"2026-11-{d:02d}T12:00:00Z", "provider": "openai", "model": "gpt-4o-mini",
        "input_tokens": 2_000_000, "output_tokens": 100_000, "consumer": "summaries"}) + "\n" for d in range(1, 11)))
    hist = work / "history.jsonl"
    lines = []
    for d in range(1, 11):
        for cid, typ in (("postgres", "sql"), ("redis", "redis"), ("openai", "http")):
            down = cid == "redis" and d == 7
            lines.append({"id": cid, "type": typ, "target": "x", "status": "down" if down else "healthy",
                          "latency_ms": None if down else 10.0 + d, "timestamp": f"2026-11-{d:02d}T10:00:00+00:00",
                          "error": "cannot reach redis://:Sup3rSecretPw@cache:6379" if down else ""})
    hist.write_text("".join(json.dumps(l) + "\n" for l in lines))
    example = PROJECT / "examples" / "saas-app"
    proc = connreg(example, "dashboard", "--out", str(out), "--usage", str(usage), "--history", str(hist), "--as-of", "2026-11-10")
    assert proc.returncode == 0, proc.stderr
    readiness = json.loads(connreg(example, "readiness", "--format", "json", "--as-of", "2026-11-10").stdout)
    return out, readiness


@pytest.mark.parametrize("name", PAGES)
def test_panels_load_offline_without_errors(browser, example_dashboards, name):
    out, _ = example_dashboards
    page, errors, requests = open_page(browser, out / name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name.replace(".html", ".png")), full_page=True)
    assert errors == []
    assert requests == [(out / name).as_uri()]  # nothing but the file itself
    text = page.inner_text("body")
    assert "acme-notes" in text
    html = (out / name).read_text()
    assert "Sup3rSecretPw" not in html
    # every chart has a text alternative
    for svg in page.query_selector_all("svg.chart"):
        assert svg.get_attribute("role") == "img" and svg.query_selector("title") and svg.query_selector("desc")
    page.close()


def test_key_names_and_numbers_are_rendered(browser, example_dashboards):
    out, readiness = example_dashboards
    page, _, _ = open_page(browser, out / "unified_registry_dashboard.html")
    text = page.inner_text("body")
    for name in ("postgres", "redis", "stripe", "openai", "twilio"):
        assert name in text
    s = readiness["summary"]
    assert f"{s['passed']}/{s['applicable']}" in text
    page, _, _ = open_page(browser, out / "external_apis_panel.html")
    text = page.inner_text("body")
    # 10 days x (2M input at $0.15/M + 0.1M output at $0.60/M) = $3.60
    assert "3.60" in text and "gpt-4o-mini" in text and "250" in text
    page, _, _ = open_page(browser, out / "backend_connections_panel.html")
    text = page.inner_text("body")
    assert "down" in text and "cannot reach redis://:***@cache:6379" in text
    assert "90%" in text or "90.0%" in text  # redis availability 9 of 10
    page, _, _ = open_page(browser, out / "commercial_readiness_panel.html")
    text = page.inner_text("body")
    for blocker in s and readiness["blockers"]:
        assert blocker["id"] in text


def test_empty_states_name_the_command(browser, tmp_path):
    repo = make_repo(tmp_path / "r", {"app.py": "import redis\n"})
    assert connreg(repo, "init").returncode == 0
    out = tmp_path / "out"
    assert connreg(repo, "dashboard", "--out", str(out)).returncode == 0
    page, errors, _ = open_page(browser, out / "backend_connections_panel.html")
    text = page.inner_text("body")
    assert errors == [] and "connreg probe --history" in text
    page, _, _ = open_page(browser, out / "external_apis_panel.html")
    assert "connreg init" in page.inner_text("body")  # no external APIs registered


def test_phone_width_keyboard_and_dark_mode(browser, example_dashboards):
    out, _ = example_dashboards
    for name in PAGES:
        page, _, _ = open_page(browser, out / name, viewport=(375, 740))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} overflows a phone screen by {overflow}px"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.close()
    page = browser.new_page(color_scheme="dark")
    page.goto((out / PAGES[0]).as_uri())
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg == "rgb(13, 17, 23)"
    page.screenshot(path=str(ARTIFACTS / "unified_dark.png"))
    page.close()
