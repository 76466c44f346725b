"""The kind line follows `title.kind_uppercase` in every edition; official prints it as written."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from checks import stylesheets
from statementpress import layout
from statementpress.writers import docx as docx_writer

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


@pytest.fixture
def capitals(tmp_path, monkeypatch):
    """A layout that inherits official and shows the kind line in capitals."""
    (tmp_path / "capitals").mkdir()
    (tmp_path / "capitals" / "layout.toml").write_text(
        'inherit = "official"\n[title]\nkind_uppercase = true\n', encoding="utf-8"
    )
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path))
    return layout.load("capitals")


def kind_rules(css: str) -> str:
    """The declarations of every `.kind` rule of a stylesheet."""
    return " ".join(re.findall(r"(?<![\w-])\.kind\s*\{([^}]*)\}", css))


def docx_kind(statement, chosen, dest):
    """The DOCX "Statement Kind" style's run properties and the kind paragraph's text."""
    docx_writer.write(statement, chosen, dest)
    with zipfile.ZipFile(dest) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
        body = etree.fromstring(zf.read("word/document.xml"))
    rpr = styles.find(".//w:style[@w:styleId='StatementKind']/w:rPr", NS)
    first = body.find(".//w:body/w:p", NS)
    return rpr, "".join(first.itertext())


def test_official_prints_the_kind_as_written(statement, tmp_path):
    official = layout.load("official")
    assert official.get("title.kind_uppercase") is False
    for edition, css in stylesheets(statement, official).items():
        assert "uppercase" not in kind_rules(css), edition
    rpr, text = docx_kind(statement, official, tmp_path / "official.docx")
    assert rpr.find("w:caps", NS) is None
    assert text == statement.meta.kind == "Совместное заявление"


def test_kind_uppercase_true_reaches_every_edition(statement, capitals, tmp_path):
    for edition, css in stylesheets(statement, capitals).items():
        assert "text-transform: uppercase" in kind_rules(css), edition
    rpr, text = docx_kind(statement, capitals, tmp_path / "capitals.docx")
    assert rpr.find("w:caps", NS) is not None
    assert text == statement.meta.kind  # Word shows capitals; the letters stay the source's
