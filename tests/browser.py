"""Pages in headless Chromium at a given window width, measured and photographed.

Chromium is driven over its DevTools protocol on a pipe (`--remote-debugging-pipe`): no
network port, a throwaway profile, and a viewport of exactly the width asked for (the
`--window-size` flag has a floor of 500 px without a screen). `measure` returns what the
browser laid out (and a PNG of the page), `paged` prints it on pages of a given size.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# What a test needs of the layout, as one object: run once the fonts are ready.
MEASURE = """
document.fonts.ready.then(() => {
  const out = {width: window.innerWidth, scrollWidth: document.documentElement.scrollWidth};
  out.fonts = [...document.fonts].filter(f => f.status === "loaded")
    .map(f => [f.family.replace(/"/g, ""), String(f.weight), f.style]);
  out.align = {};
  for (const sel of ["#preamble p", ".articles p", ".note p"]) {
    const el = document.querySelector(sel);
    if (el) out.align[sel] = getComputedStyle(el).textAlign;
  }
  // Characters of each line of the text's paragraphs (a line: the characters on one top).
  out.lines = [];
  for (const p of document.querySelectorAll("#preamble p, .articles p, .closing p")) {
    const tops = [];
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".noteref")) continue;
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        const line = tops.find(l => Math.abs(l.top - rect.top) < 4);
        if (line) line.count += 1; else tops.push({top: rect.top, count: 1});
      }
    }
    out.lines.push(tops.map(l => l.count));
  }
  out.signatories = [...document.querySelectorAll(".signatory")].map(li => ({
    top: li.getBoundingClientRect().top,
    left: li.getBoundingClientRect().left,
    // null where the statement is signed by name only (no line to sign on).
    line: li.querySelector(".signature-line")?.getBoundingClientRect().bottom ?? null,
    name: li.querySelector(".signatory-name").getBoundingClientRect().top,
  }));
  const marks = "main, nav.editions, #preamble, .articles, #signatures";
  out.order = [...document.querySelectorAll(marks)].map(e => e.id || e.tagName.toLowerCase());
  const column = document.querySelector("main") || document.body;
  out.column = {left: column.getBoundingClientRect().left, right: column.getBoundingClientRect().right};
  return out;
})
"""


def chromium() -> str:
    """The Chromium binary; the test set-up installs it (scripts/system-deps.sh test)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is missing: run `make test` or `apt-get install chromium`")
    return found


class Browser:
    """One headless Chromium and one page in it, spoken to over the DevTools pipe."""

    def __init__(self, width: int, height: int) -> None:
        self._profile = tempfile.TemporaryDirectory()
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def pipes() -> None:  # Chromium reads commands on fd 3 and answers on fd 4
            a, b = os.dup(to_browser), os.dup(from_browser)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self._proc = subprocess.Popen(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={self._profile.name}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            preexec_fn=pipes,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,  # a window this wide (a mobile viewport would lay out 980 px)
        )
        self.call("Page.enable")

    def _send(self, method: str, params: dict, session: bool) -> int:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        return self._id

    def _receive(self, wanted: Callable[[dict], bool]) -> dict:
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
            chunk = os.read(self._read, 1 << 16)
            assert chunk, "Chromium closed the DevTools pipe"
            self._buffer += chunk

    def call(self, method: str, **params: Any) -> dict:
        """Send a DevTools command (to the page, once attached); its result."""
        number = self._send(method, params, session=hasattr(self, "_session"))
        reply = self._receive(lambda m: m.get("id") == number)
        assert "error" not in reply, reply
        return reply["result"]

    def open(self, page: Path) -> None:
        """Load `page` and wait for its load event."""
        self.call("Page.navigate", url=page.as_uri())
        self._receive(lambda m: m.get("method") == "Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (a promise is awaited)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"]["value"]

    def screenshot(self) -> bytes:
        """A PNG of the whole page, as wide as the viewport."""
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        return base64.b64decode(data["data"])

    def print_pdf(self, width_mm: float, height_mm: float, margin_mm: float) -> bytes:
        """The page printed on pages of that size: a paginated rendering, as a reading
        system paginates an EPUB."""
        inch = 25.4
        data = self.call(
            "Page.printToPDF",
            paperWidth=width_mm / inch,
            paperHeight=height_mm / inch,
            marginTop=margin_mm / inch,
            marginBottom=margin_mm / inch,
            marginLeft=margin_mm / inch,
            marginRight=margin_mm / inch,
            printBackground=False,
        )
        return base64.b64decode(data["data"])

    def close(self) -> None:
        try:
            self._send("Browser.close", {}, session=False)
            self._proc.wait(timeout=30)
        finally:
            if self._proc.poll() is None:
                self._proc.kill()
            os.close(self._write)
            os.close(self._read)
            self._profile.cleanup()


def measure(page: Path, width: int, height: int = 900, screenshot: Path | None = None) -> dict:
    """What Chromium lays out for `page` (HTML or XHTML) in a viewport `width` px wide; with
    `screenshot`, a PNG of the whole page is written there too."""
    browser = Browser(width, height)
    try:
        browser.open(page)
        result = browser.evaluate(MEASURE)
        if screenshot is not None:
            screenshot.write_bytes(browser.screenshot())
    finally:
        browser.close()
    return result


def paged(page: Path, width_mm: float, height_mm: float, margin_mm: float = 6) -> bytes:
    """`page` printed by Chromium on pages of `width_mm` × `height_mm`, as PDF bytes."""
    browser = Browser(round(width_mm / 25.4 * 96), 900)
    try:
        browser.open(page)
        browser.evaluate("document.fonts.ready.then(() => true)")
        return browser.print_pdf(width_mm, height_mm, margin_mm)
    finally:
        browser.close()
