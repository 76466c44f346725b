"""Design values come from layout.toml: the same value reaches every edition, templates hold none."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from checks import stylesheets
from conftest import ROOT
from statementpress import layout
from statementpress.writers import docx as docx_writer
from statementpress.writers import pdf as pdf_writer

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
TEMPLATES = ROOT / "src" / "statementpress" / "layouts" / "official"


@pytest.fixture
def custom(tmp_path, monkeypatch):
    """Load a layout that inherits official and sets `toml` on top of it."""
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path))

    def make(toml: str):
        (tmp_path / "custom").mkdir()
        (tmp_path / "custom" / "layout.toml").write_text(
            f'inherit = "official"\n{toml}', encoding="utf-8"
        )
        return layout.load("custom")

    return make


def rule(css: str, selector: str) -> str:
    """The declarations of the rules for `selector` (exactly that selector) in `css`."""
    return " ".join(re.findall(rf"(?:^|\}}|\n){re.escape(selector)}\s*\{{([^}}]*)\}}", css))


def docx_name_bold(statement, chosen, dest) -> bool:
    docx_writer.write(statement, chosen, dest)
    with zipfile.ZipFile(dest) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
    b = styles.find(".//w:style[@w:styleId='SignatoryName']/w:rPr/w:b", NS)
    return b is not None and b.get(f"{{{W}}}val", "1") not in ("0", "false")


@pytest.mark.parametrize("bold", [True, False])
def test_signatory_names_bold_alike_in_every_edition(statement, custom, tmp_path, bold):
    chosen = custom(f"[signatures]\nname_bold = {str(bold).lower()}\n")
    for edition, css in stylesheets(statement, chosen).items():
        weight = re.search(r"font-weight:\s*(\w+)", rule(css, ".signatory-name"))
        assert weight and weight[1] == ("bold" if bold else "normal"), edition
    assert docx_name_bold(statement, chosen, tmp_path / "names.docx") is bold


@pytest.fixture(scope="module")
def reader_of_official(official_pdf):
    from pypdf import PdfReader

    return PdfReader(official_pdf)


def test_pdf_draws_signatory_names_in_the_bold_face(reader_of_official, statement):
    fonts_of: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        if font and text.strip():
            fonts_of.setdefault(text.strip(), set()).add(str(font.get("/BaseFont")))

    reader_of_official.pages[-1].extract_text(visitor_text=visit)
    assert statement.signatories, "nothing to check: statement.signatories is empty"
    for signatory in statement.signatories:
        drawn = {f for text, fs in fonts_of.items() if signatory.name in text for f in fs}
        assert drawn and all(f.endswith("PT-Serif-Bold") for f in drawn), (signatory.name, drawn)


def test_pdf_signature_line_uses_the_signature_thickness(statement, custom):
    chosen = custom("[notes]\nrule_thickness_pt = 2\n[signatures]\nline_thickness_pt = 0.75\n")
    css = pdf_writer.stylesheet(statement, chosen)
    assert re.search(r"border-bottom:\s*0\.75pt solid", rule(css, ".signature-line"))


def test_note_highlight_colour_comes_from_the_layout(custom):
    chosen = custom('[colours]\nhighlight = "#abcdef"\n')
    assert "#abcdef" in rule(chosen.render("screen.css.j2"), ".note:target")


def test_screen_values_come_from_the_screen_table(custom):
    chosen = custom(
        "[screen]\nsignatory_min_width_em = 20\nsignatory_row_gap_em = 3\n"
        "line_height = 1.5\nsmall_size_em = 0.9\n"
    )
    css = chosen.render("screen.css.j2")
    signatories = rule(css, ".signatories")
    assert "minmax(20em, 1fr)" in signatories and re.search(r"gap:\s*3em ", signatories)
    assert "line-height: 1.5;" in rule(css, ":root")
    assert "font-size: 0.9em" in rule(css, ".signatory-title")


def template_literals(path) -> str:
    """A template's own text: without Jinja expressions, statements and comments, or CSS comments."""
    text = path.read_text(encoding="utf-8")
    for pattern in (r"\{\{.*?\}\}", r"\{%.*?%\}", r"\{#.*?#\}", r"/\*.*?\*/"):
        text = re.sub(pattern, " ", text, flags=re.S)
    return text


@pytest.mark.parametrize("name", ["screen.css.j2", "print.css.j2", "epub.css.j2"])
def test_stylesheet_templates_hold_no_colours(name):
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b", template_literals(TEMPLATES / name))


def test_screen_template_holds_no_lengths_or_factors():
    # 0 and 1 are not design values: no margin, one grid fraction, the parent's size.
    numbers = re.findall(r"(?<![\w#.-])\d*\.?\d+", template_literals(TEMPLATES / "screen.css.j2"))
    assert set(numbers) <= {"0", "1"}, sorted(set(numbers))
