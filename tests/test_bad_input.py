"""Bad input, one small fixture of our own per class: the exact message with its location,
the exit code, no traceback, and the output folder byte-identical to before (it holds a
previous good build). `check` prints the same problems as `build`, with the same exit code.

The classes are those of issue 10 (partial builds, hostile files, limits); docs/limits.md
lists every limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, ROOT, snapshot
from statementpress.cli import cli


@dataclass
class Case:
    """A bad input: `make(tmp_path)` writes what it needs and returns the source path; the
    build gets `args` (formats, layout options) and `env`; `expected` are the lines printed
    on stderr, with {src}, {tmp} and {out} filled in."""

    make: Callable[[Path], str]
    expected: list[str]
    args: list[str] = field(default_factory=lambda: ["--format", "html"])
    env: dict[str, str] = field(default_factory=dict)


def source(text: str, name: str = "bad.md") -> Callable[[Path], str]:
    """A `make` that writes `text` as a source named `name`."""

    def make(tmp: Path) -> str:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return make


def layout(name: str, files: dict[str, str]) -> Callable[[Path], str]:
    """A `make` that writes a layout folder `tmp/layouts/name` and the minimal source."""

    def make(tmp: Path) -> str:
        folder = tmp / "layouts" / name
        folder.mkdir(parents=True)
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")
        return source(MINIMAL)(tmp)

    return make


def in_out(path: str, kind: str) -> Callable[[Path], str]:
    """A `make` that puts a folder (or file) at `path` inside the output folder."""

    def make(tmp: Path) -> str:
        target = tmp / "out" / path
        if kind == "folder":
            if target.is_file():
                target.unlink()
            target.mkdir(parents=True)
        else:
            target.write_text("not a folder\n")
        return source(MINIMAL.replace("id: test-statement", "id: other"))(tmp)

    return make


def fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "pipe.md")
    return str(tmp / "pipe.md")


def folder(tmp: Path) -> str:
    (tmp / "folder.md").mkdir()
    return str(tmp / "folder.md")


SIZE = len(MINIMAL.encode())
LAYOUT_ARGS = ["--format", "html", "--layout-dir", "{tmp}/layouts", "--layout", "broken"]
NESTED = "".join("   " + "  " * depth + "- item\n" for depth in range(8))
DATE_RANGE = (
    "give a date from 1900-01-01 to 2107-12-31, which every edition can store (the ZIP "
    "timestamps of DOCX and EPUB end in 2107)"
)

CASES = {
    # -- what made a build stop half-way ----------------------------------------------------
    "zip-date-in-the-environment": Case(
        source(MINIMAL),
        [
            "environment: error: SOURCE_DATE_EPOCH=5000000000 is after 2107-12-31, which ZIP "
            "(DOCX, EPUB) cannot store; give at most 4354819199"
        ],
        ["--format", "pdf", "--format", "epub"],
        {"SOURCE_DATE_EPOCH": "5000000000"},
    ),
    "source-date-epoch-not-a-number": Case(
        source(MINIMAL),
        [
            "environment: error: SOURCE_DATE_EPOCH='yesterday' is not a whole number of "
            "seconds since 1970"
        ],
        ["--format", "pdf"],
        {"SOURCE_DATE_EPOCH": "yesterday"},
    ),
    "zip-date-in-the-source": Case(
        source(MINIMAL.replace("2021-05-12", "2108-01-01")),
        [f"{{src}}:8:7: error: invalid date '2108-01-01': {DATE_RANGE}"],
    ),
    "template-syntax-error": Case(
        layout(
            "broken",
            {
                "layout.toml": 'inherit = "official"\n',
                "screen.css.j2": '{% extends "official/screen.css.j2" %}\n{% block x %%}\n',
            },
        ),
        [
            "{tmp}/layouts/broken/screen.css.j2:2:1: error: template syntax error: expected "
            "token 'end of statement block', got '%' (a template of layout 'broken')"
        ],
        LAYOUT_ARGS,
    ),
    "template-syntax-error-in-an-included-template": Case(
        layout(
            "broken",
            {
                "layout.toml": 'inherit = "official"\n',
                "screen.css.j2": '{% include "extra.css.j2" %}\n',
                "extra.css.j2": "body {}\n\n{{ L.text.size_pt + }}\n",
            },
        ),
        [
            "{tmp}/layouts/broken/extra.css.j2:3:1: error: template syntax error: unexpected "
            "'end of print statement' (a template of layout 'broken')"
        ],
        LAYOUT_ARGS,
    ),
    "layout-character-the-face-lacks": Case(
        layout("broken", {"layout.toml": 'inherit = "official"\n\n[lists]\nbullet = "☃"\n'}),
        [
            "{tmp}/layouts/broken/layout.toml:4:1: error: '☃' (U+2603) of lists.bullet has no "
            "glyph in the face 'PT Serif' ([fonts.default] of layout 'broken'); choose a "
            "character the face has, or a face that has it"
        ],
        LAYOUT_ARGS,
    ),
    "docx-page-number-start": Case(
        layout("broken", {"layout.toml": 'inherit = "official"\n\n[page]\nnumber_from_page = 3\n'}),
        [
            "{tmp}/layouts/broken/layout.toml:4:1: error: page.number_from_page must be 1 or 2 "
            "for the DOCX edition (one section), not 3"
        ],
        ["--format", "docx", "--layout-dir", "{tmp}/layouts", "--layout", "broken"],
    ),
    "folder-where-an-edition-goes": Case(
        in_out("other/other.ru.html", "folder"),
        [
            "{src}:2:1: error: {out}/other/other.ru.html is a folder where the HTML edition "
            "should be written; move it away, or build into another folder with --out"
        ],
    ),
    "file-where-the-statement-folder-goes": Case(
        in_out("other", "file"),
        [
            "{src}:2:1: error: {out}/other is a file where the folder of this statement's "
            "editions should be; move it away, or build into another folder with --out"
        ],
    ),
    # -- hostile files and limits -----------------------------------------------------------
    "deep-yaml-flow-lists": Case(
        source(MINIMAL.replace("kind: Совместное заявление", "kind: " + "[" * 5000 + "]" * 5000)),
        [
            "{src}:4:14: error: the front matter is nested more than 8 levels deep here; it "
            "needs 3 (the keys, the list of signatories, a signatory)"
        ],
    ),
    "yaml-alias": Case(
        source(MINIMAL.replace("kind: Совместное заявление", "kind: &k Совместное\nplace: *k")),
        [
            "{src}:4:7: error: YAML anchors and aliases ('&name', '*name') are not allowed in "
            "the front matter; this is an anchor: write the value out where it is used"
        ],
    ),
    "a-device": Case(
        lambda tmp: "/dev/zero",
        [
            "/dev/zero:1:1: error: this is a device, not a source file; a source must be a "
            "regular file"
        ],
    ),
    "a-folder": Case(
        folder,
        ["{src}:1:1: error: this is a folder, not a source file; a source must be a regular file"],
    ),
    "too-large": Case(
        source(MINIMAL),
        [
            f"{{src}}:1:1: error: the file is {SIZE} B ({SIZE} bytes); sources are limited to 512 B "
            "(512 bytes): give a larger limit with --max-source-size or "
            "STATEMENTPRESS_MAX_SOURCE_SIZE if this file is really one statement"
        ],
        env={"STATEMENTPRESS_MAX_SOURCE_SIZE": "512"},
    ),
    "too-large-for-the-option": Case(
        source(MINIMAL),
        [
            f"{{src}}:1:1: error: the file is {SIZE} B ({SIZE} bytes); sources are limited to 100 B "
            "(100 bytes): give a larger limit with --max-source-size or "
            "STATEMENTPRESS_MAX_SOURCE_SIZE if this file is really one statement"
        ],
        ["--format", "html", "--max-source-size", "100"],
        {"STATEMENTPRESS_MAX_SOURCE_SIZE": "1M"},
    ),
    "a-word-of-5000-letters": Case(
        source(MINIMAL.replace("Первая статья.", "Первая " + "а" * 5000 + ".")),
        [
            "{src}:20:11: error: a word of 5001 characters with no space or hyphen "
            "(аааааааааааааааааааааааа…); words are limited to 80 characters, as a longer one "
            "does not fit on a line: put a space, a hyphen or a soft hyphen (&shy;) where it "
            "may break"
        ],
    ),
    "a-word-across-emphasis": Case(
        source(MINIMAL.replace("Первая статья.", "Первая " + "аб*вг*" * 20 + ".")),
        [
            "{src}:20:11: error: a word of 81 characters with no space or hyphen "
            "(абвгабвгабвгабвгабвгабвг…); words are limited to 80 characters, as a longer one "
            "does not fit on a line: put a space, a hyphen or a soft hyphen (&shy;) where it "
            "may break"
        ],
    ),
    "a-date-far-in-the-past": Case(
        source(MINIMAL.replace("2021-05-12", "0001-01-01")),
        [f"{{src}}:8:7: error: invalid date '0001-01-01': {DATE_RANGE}"],
    ),
    "an-id-too-long-for-a-file-name": Case(
        source(MINIMAL.replace("id: test-statement", "id: " + "a" * 101)),
        [
            "{src}:2:5: error: the id is 101 characters long; ids are limited to 100, as the "
            "id names the output folder and files"
        ],
    ),
    "a-language-tag-too-long-for-a-file-name": Case(
        source(MINIMAL.replace("lang: ru", "lang: ru-x-" + "-".join(["abcdefgh"] * 30))),
        [
            "{src}:3:1: error: the HTML edition's file name would be 294 bytes long; file "
            "systems take at most 255: shorten the language tag"
        ],
    ),
    "lists-nested-too-deep": Case(
        source(MINIMAL.replace("   - подпункт один;\n", NESTED)),
        [
            "{src}:29:1: error: lists or quotes are nested more than 6 deep here; a statement "
            "needs 2 (an article's sub-items): flatten the nesting"
        ],
    ),
}


@pytest.fixture
def out(tmp_path):
    """The output folder with a previous good build of the minimal source."""
    from statementpress.builder import build

    good = tmp_path / "good" / "test-statement.md"
    good.parent.mkdir()
    good.write_text(MINIMAL, encoding="utf-8")
    build([good], ["html"], out=tmp_path / "out")
    return tmp_path / "out"


def run(args: list[str], env: dict[str, str]):
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_with_its_location_and_writes_nothing(name, tmp_path, out):
    case = CASES[name]
    src = case.make(tmp_path)
    args = [a.format(tmp=tmp_path) for a in case.args]
    expected = "".join(line.format(src=src, tmp=tmp_path, out=out) + "\n" for line in case.expected)
    before = snapshot(out)
    built = run(["build", "-q", src, *args, "--out", str(out)], case.env)
    assert (built.exit_code, built.stderr) == (1, expected)
    assert built.stdout == ""
    assert snapshot(out) == before
    checked = run(["check", "-q", src, *args, "--out", str(out)], case.env)
    assert (checked.exit_code, checked.stderr) == (1, expected)


def test_check_narrowed_to_a_format_skips_the_others_problems(tmp_path, write_source):
    # The ZIP limit is a DOCX and EPUB problem: an HTML build is fine with that time.
    env = {"SOURCE_DATE_EPOCH": "5000000000"}
    src = str(write_source())
    assert run(["check", "-q", src, "--format", "html"], env).exit_code == 0
    assert run(["check", "-q", src], env).exit_code == 1
    built = run(["build", "-q", src, "--format", "html", "--out", str(tmp_path / "o")], env)
    assert built.exit_code == 0


@pytest.mark.parametrize("make", [fifo, lambda tmp: "/dev/zero"], ids=["named-pipe", "dev-zero"])
def test_a_pipe_or_device_is_refused_by_a_real_process_without_hanging(make, tmp_path, out):
    src = make(tmp_path)
    before = snapshot(out)
    proc = subprocess.run(
        [sys.executable, "-m", "statementpress", "build", src, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,  # a hang fails the test instead of stalling the suite
    )
    kind = "named pipe" if src.endswith("pipe.md") else "device"
    assert (proc.returncode, proc.stderr) == (
        1,
        f"{src}:1:1: error: this is a {kind}, not a source file; a source must be a regular file\n",
    )
    assert snapshot(out) == before


def test_a_long_title_builds_with_docx_properties_shortened(tmp_path, write_source, caplog):
    import zipfile

    from lxml import etree

    title = " ".join(["Очень длинное название совместного заявления"] * 8)
    src = write_source(
        MINIMAL.replace("title: |\n  министров\n  иностранных дел", f"title: {title}")
    )
    result = run(["build", str(src), "--format", "docx", "--out", str(tmp_path / "o")], {})
    assert result.exit_code == 0
    assert [r.getMessage() for r in caplog.records] == [
        f"{src}: the DOCX document properties title, subject, comments are shortened to 255 "
        "characters, as Word takes no more; the document's text is complete"
    ]
    docx = tmp_path / "o" / "test-statement" / "test-statement.ru.docx"
    with zipfile.ZipFile(docx) as zf:
        core = etree.fromstring(zf.read("docProps/core.xml"))
        body = zf.read("word/document.xml").decode()
    shown = core.find("{http://purl.org/dc/elements/1.1/}title").text
    assert len(shown) == 255 and shown.endswith("…") and title.startswith(shown[:-1])
    assert title.split()[-1] in body  # the title itself is whole in the document


def test_a_word_at_the_limit_builds(tmp_path, write_source):
    src = write_source(MINIMAL.replace("Первая статья.", "Первая " + "а" * 80 + " ok"))
    result = run(["build", "-q", str(src), "--format", "html", "--out", str(tmp_path / "o")], {})
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_soft_hyphen_breaks_a_long_word(tmp_path, write_source):
    word = "&shy;".join(["а" * 60] * 10)
    src = write_source(MINIMAL.replace("Первая статья.", f"Первая {word}."))
    result = run(["check", "-q", str(src), "--format", "html"], {})
    assert (result.exit_code, result.stderr) == (0, "")
