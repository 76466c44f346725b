"""A layout that inherits `official` and overrides one block of its page template.

The derived layout's `statement.html.j2` extends `official/statement.html.j2` (the same file
name, reached through the layout-name prefix) and adds one line to the title block; every
edition builds, the line is in the page, the EPUB and the PDF, and nothing else changes.
"""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest

from checks import epubcheck
from conftest import MINIMAL
from statementpress.builder import build

ADDED = '<p class="registry">Registered under No. 17/2021</p>\n'
DERIVED = """\
{% extends "official/statement.html.j2" %}
{% block title %}
{{ super() -}}
<p class="registry">Registered under No. 17/2021</p>
{% endblock %}
"""


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Every edition of one source in `official` and in the derived layout, by layout."""
    root = tmp_path_factory.mktemp("derived")
    folder = root / "layouts" / "registered"
    folder.mkdir(parents=True)
    (folder / "layout.toml").write_text('inherit = "official"\n', encoding="utf-8")
    (folder / "statement.html.j2").write_text(DERIVED, encoding="utf-8")
    source = root / "test-statement.md"
    source.write_text(MINIMAL, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STATEMENTPRESS_LAYOUTS", str(root / "layouts"))
        mp.setenv("SOURCE_DATE_EPOCH", "1594857600")
        return {
            name: {p.suffix: p for p in build([source], layout=name, out=root / name)}
            for name in ("official", "registered")
        }


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_every_format_builds(editions):
    assert set(editions["registered"]) == {".pdf", ".docx", ".epub", ".html"}


def test_the_page_differs_by_the_added_line_alone(editions):
    # The sizes of the linked editions differ (the PDF and EPUB have the line too).
    page, official = (
        re.sub(
            r'<span class="size">[^<]+</span>',
            "<span class='size'/>",
            editions[name][".html"].read_text(encoding="utf-8"),
        )
        for name in ("registered", "official")
    )
    assert official.count("<span class='size'/>") == 3
    assert page.count(ADDED) == 1
    assert page.index(ADDED) == page.index("</header>\n") + len("</header>\n")
    assert page.replace(ADDED, "") == official


@pytest.mark.slow
def test_the_epub_differs_by_the_added_line_alone(editions):
    derived, official = editions["registered"][".epub"], editions["official"][".epub"]
    with zipfile.ZipFile(derived) as a, zipfile.ZipFile(official) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            ours, theirs = a.read(name), b.read(name)
            if name == "EPUB/statement.xhtml":
                assert ours.count(ADDED.encode()) == 1
                assert ours.replace(ADDED.encode(), b"") == theirs
            else:
                assert ours == theirs, name
    epubcheck(derived)


def test_the_pdf_prints_the_added_line_and_the_same_text(editions):
    derived = pdf_text(editions["registered"][".pdf"]).split()
    official = pdf_text(editions["official"][".pdf"]).split()
    added = re.sub(r"<[^>]+>", "", ADDED).split()
    starts = [i for i in range(len(derived)) if derived[i : i + len(added)] == added]
    assert len(starts) == 1, derived
    assert derived[: starts[0]] + derived[starts[0] + len(added) :] == official


def test_the_docx_has_no_template_and_does_not_change(editions):
    derived = editions["registered"][".docx"].read_bytes()
    assert derived == editions["official"][".docx"].read_bytes()


def test_a_stylesheet_can_include_the_one_it_replaces(tmp_path, monkeypatch):
    from statementpress import layout

    folder = tmp_path / "registered"
    folder.mkdir()
    (folder / "layout.toml").write_text('inherit = "official"\n', encoding="utf-8")
    rule = ".statement p.registry { text-align: center; text-indent: 0; }\n"
    (folder / "screen.css.j2").write_text(
        '{% include "official/screen.css.j2" %}\n' + rule, encoding="utf-8"
    )
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path))
    official = layout.load("official").render("screen.css.j2", family="PT Serif")
    assert 'font-family: "PT Serif"' in official  # not HTML-escaped, as the page needs it
    assert layout.load("registered").render("screen.css.j2", family="PT Serif") == official + rule
