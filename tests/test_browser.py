"""The download page in a real browser: Debian's Chromium driven by Playwright, served by
`serve` on loopback. axe-core finds no violation, every download arrives with the SHA-256
the manifest gives, the copy button copies, the keyboard reaches everything, phone and
desktop widths both fit, and nothing is fetched from outside."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import MINIMAL, SOURCE
from statementpress.builder import build
from statementpress.delivery.serve import Preview

pytestmark = pytest.mark.browser

# Flags for a machine with no network but loopback: no background fetches, no sandbox (root).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WIDTHS = (390, 1280)


def chromium() -> str:
    """The installed Chromium (scripts/system-deps.sh test installs Debian's)."""
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError("no Chromium: run scripts/system-deps.sh test")


def axe_script() -> Path:
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).parent / "axe.min.js"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The canonical statement and a two-language one, every format, served on a free port."""
    root = tmp_path_factory.mktemp("site")
    src = root / "src"
    src.mkdir()
    sources = [SOURCE, src / "accord.ru.md", src / "accord.en.md"]
    sources[1].write_text(MINIMAL.replace("id: test-statement", "id: accord"), encoding="utf-8")
    english = MINIMAL.replace("id: test-statement", "id: accord").replace("lang: ru", "lang: en")
    sources[2].write_text(english, encoding="utf-8")
    out = root / "out"
    preview = Preview(lambda: build(sources, out=out), out, [src], port=0, report=lambda line: None)
    preview.start()
    assert preview.error is None, preview.error
    yield preview
    preview.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium(), args=CHROMIUM_ARGS, chromium_sandbox=False
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.url[:-1])
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests  # type: ignore[attr-defined]
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def test_axe_finds_no_violation_at_phone_and_desktop_width(page, served):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(served.url)
        assert axe_violations(page) == [], f"at {width} px"
        # Nothing is wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_every_download_matches_the_manifest(page, served):
    manifest = json.loads((served.out / "manifest.json").read_text())
    expected = {e["path"]: e["sha256"] for s in manifest["statements"] for e in s["editions"]}
    # Four of the canonical statement, eight of the two-language one and its three parallel
    # editions (docs/parallel.md).
    assert len(expected) == 15
    page.goto(served.url)
    count = page.locator("a[download]").count()
    assert count == len(expected)
    got = {}
    for i in range(count):
        # A fresh tab per download: Chromium holds back a tab's later downloads after a
        # burst of them (its limit on automatic downloads), clicks or not.
        tab = page.context.new_page()
        tab.on("request", lambda request: page.requests.append(request.url))
        tab.goto(served.url)
        link = tab.locator("a[download]").nth(i)
        with tab.expect_download() as info:
            link.click()
        download = info.value
        href = link.get_attribute("href")
        assert download.suggested_filename == Path(href).name
        got[href] = hashlib.sha256(Path(download.path()).read_bytes()).hexdigest()
        tab.close()
    assert got == expected
    # Only the served folder was asked for: no external resource.
    assert page.requests and all(url.startswith(served.url) for url in page.requests)


def test_copy_button_copies_the_checksum(page, served):
    page.goto(served.url)
    button = page.locator("button.copy").first
    code = page.locator("code.sha").first
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == code.inner_text()
    assert "Copied" in button.inner_text()
    assert page.locator("#copy-status").inner_text() == "The SHA-256 is copied."


def test_keyboard_reaches_links_and_buttons_with_visible_focus(page, served):
    page.goto(served.url)
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent")
    assert first == "Skip to the statements"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    seen = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        tag = page.evaluate("document.activeElement.tagName")
        if tag == "BODY":
            break
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
        seen.add(tag)
    assert {"A", "BUTTON"} <= seen
    # Enter on a copy button copies, like a click.
    page.locator("button.copy").nth(1).focus()
    page.keyboard.press("Enter")
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == page.locator("code.sha").nth(1).inner_text()
    )


def test_page_works_from_a_file_url(browser, served):
    context = browser.new_context()
    page = context.new_page()
    page.goto((served.out / "index.html").as_uri())
    link = page.locator("ul.versions a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url == (served.out / href).as_uri()
    context.close()


def test_screenshots_at_phone_and_desktop_width(page, served):
    folder = Path(os.environ.get("STATEMENTPRESS_SCREENSHOTS") or tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(served.url)
        shot = folder / f"index-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20], "big") == width  # the PNG's width
