"""Warm `statementpress serve` re-render: start the server on a copy of our statement, edit the
source, and time until the served page shows the edit.

Written against what `statementpress serve --help` offers (`--port` when it has one, else the
address it prints), so it measures whatever `serve` the installed statementpress has.
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from measure import EXE, Figure, Sample, child_env

STARTUP_SECONDS = 120
EDIT_SECONDS = 60
POLL_SECONDS = 0.01


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _statement_id(text: str) -> str:
    return re.search(r"^id: (.+)$", text, re.MULTILINE).group(1).strip()


def _lang(text: str) -> str:
    return re.search(r"^lang: (.+)$", text, re.MULTILINE).group(1).strip()


def rerender(source: Path, tmp: Path, runs: int) -> Figure:
    """The median time from saving an edited source to the served page showing the edit."""
    help_text = subprocess.run(
        [str(EXE), "serve", "--help"], capture_output=True, text=True, env=child_env()
    ).stdout
    folder = tmp / "serve"
    (folder / "source").mkdir(parents=True)
    src = folder / "source" / source.name
    shutil.copyfile(source, src)
    original = src.read_text(encoding="utf-8")
    # Run in the folder, so that the defaults (source/*.md into build/) are this copy.
    command = [str(EXE), "serve"]
    port = _free_port()
    if "--port" in help_text:
        command += ["--port", str(port)]
    log = folder / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            command, cwd=folder, env=child_env(), stdout=out, stderr=subprocess.STDOUT
        )
    figure = Figure("warm serve re-render of an edited statement")
    try:
        page = _find_page(proc, log, port, _statement_id(original), _lang(original))
        # The first sentence's "Стороны" (the parties) is replaced by a marker per run.
        anchor = "(далее - Стороны)"
        if anchor not in original:
            raise RuntimeError(f"the source has no {anchor!r} to edit")
        for i in range(runs):
            marker = f"ПРАВКА{i:03d}"
            start = time.perf_counter()
            src.write_text(original.replace(anchor, f"(далее - {marker})"), encoding="utf-8")
            while marker not in (_get(page) or ""):
                if time.perf_counter() - start > EDIT_SECONDS:
                    raise RuntimeError(f"the page did not show an edit within {EDIT_SECONDS} s")
                if proc.poll() is not None:
                    raise RuntimeError("serve stopped: " + log.read_text("utf-8", "replace")[-500:])
                time.sleep(POLL_SECONDS)
            figure.samples.append(Sample(time.perf_counter() - start, 0))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return figure


def _find_page(proc: subprocess.Popen, log: Path, port: int, sid: str, lang: str) -> str:
    """The URL of the statement's served HTML page, once the server answers."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("serve stopped: " + log.read_text("utf-8", "replace")[-500:])
        bases = [f"http://127.0.0.1:{port}"]
        printed = re.search(r"https?://[\w.\-]+:\d+", log.read_text("utf-8", "replace"))
        if printed:
            bases.insert(0, printed.group(0))
        for base in bases:
            for path in (f"/{sid}/{sid}.{lang}.html", f"/{sid}/", "/"):
                body = _get(base + path)
                if body and "Стороны" in body:
                    return base + path
        time.sleep(0.2)
    raise RuntimeError(f"serve did not serve the statement's page within {STARTUP_SECONDS} s")
