"""PDF typesetting measured from the output: right edges, hyphens, page turns, booklet sheets.

Every figure comes from the PDF as written: glyph boxes from pdfplumber (which reads the
glyphs, not /ActualText; the printed lines are read by tests/printed.py), the text layer
from poppler's pdftotext (which honours it), page boxes and drawn lines from the file. The
layouts' values give the text box.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import ROOT, SOURCE
from printed import (
    LETTERS,
    MM,
    fragments,
    hyphen_runs,
    note_lines,
    printed_lines,
    raw_y,
    text_lines,
)
from statementpress import hyphenation, layout, load
from statementpress.builder import prepare
from statementpress.writers import pdf as pdf_writer

FIXTURES = ROOT / "tests" / "fixtures"
EN_SOURCE = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"


@dataclass(frozen=True)
class Edition:
    source: Path
    layout: str


def build(edition: Edition, folder: Path) -> Path:
    statement = prepare(load(edition.source))
    dest = folder / f"{edition.source.stem}.{edition.layout}.pdf"
    return pdf_writer.write(statement, layout.load(edition.layout), dest)


EDITIONS = {
    "ru-official": Edition(SOURCE, "official"),
    "ru-booklet": Edition(SOURCE, "booklet"),
    "en-official": Edition(EN_SOURCE, "official"),
    "en-booklet": Edition(EN_SOURCE, "booklet"),
    "harbour-en-official": Edition(FIXTURES / "harbour-accord-2031.en.md", "official"),
    "harbour-zh-official": Edition(FIXTURES / "harbour-accord-2031.zh.md", "official"),
    "harbour-zh-booklet": Edition(FIXTURES / "harbour-accord-2031.zh.md", "booklet"),
}
# Editions long enough for the share of hyphenated lines to mean something.
LONG = ["ru-official", "ru-booklet", "en-official", "en-booklet"]


@pytest.fixture(scope="session")
def editions(tmp_path_factory, official_pdf):
    """The PDF of each edition, built once (the Russian official one is conftest's)."""
    folder = tmp_path_factory.mktemp("typesetting")
    built = {"ru-official": official_pdf}
    for name, edition in EDITIONS.items():
        if name not in built:
            built[name] = build(edition, folder)
    return built


@pytest.fixture(scope="session")
def measured(editions):
    return {name: printed_lines(path) for name, path in editions.items()}


def geometry(name: str) -> tuple[layout.Layout, float, float]:
    """The edition's layout, and its text and note sizes."""
    lay = layout.load(EDITIONS[name].layout)
    return lay, lay.number("text.size_pt"), lay.number("notes.size_pt")


@pytest.mark.parametrize("name", list(EDITIONS))
def test_no_line_ends_past_the_text_box(measured, name):
    lay, _, _ = geometry(name)
    width = lay.number("page.width_mm")
    inner, outer = lay.number("page.margin_left_mm"), lay.number("page.margin_right_mm")
    mirrored = lay.get("page").get("mirror_margins", False)
    top = lay.number("page.margin_top_mm") * MM
    lines = [line for line in measured[name] if line.top >= top - 2]
    assert len(lines) > 15
    overshoot = max(
        line.right - (width - (inner if mirrored and line.page % 2 else outer)) for line in lines
    )
    assert overshoot <= 0.1, f"a line ends {overshoot:.2f} mm past the text box"
    # Justified lines do reach the edge: the measure is not vacuous.
    assert overshoot > -0.2


@pytest.mark.parametrize("name", LONG)
def test_hyphenated_lines_share_runs_and_fragments(measured, name):
    lay, size, notes = geometry(name)
    policy = hyphenation.policy(lay, "ru" if name.startswith("ru") else "en")
    body = text_lines(measured[name], size)
    footnotes = note_lines(measured[name], notes)
    everything = body + footnotes
    hyphenated = sum(line.hyphenated for line in everything)
    assert hyphenated <= len(everything) / 6, f"{hyphenated} of {len(everything)} lines"
    assert hyphenated > 0  # hyphenation is on: the limits are what keeps it down
    assert hyphen_runs(body) <= policy.max_consecutive == 2
    assert hyphen_runs(footnotes) <= 2
    for before, after in fragments(body) + fragments(footnotes):
        assert len(before) >= 3 and len(after) >= 3, (before, after)


@pytest.mark.parametrize("name", LONG)
def test_no_hyphen_on_a_page_last_line(measured, name):
    _, size, notes = geometry(name)
    pages = {line.page for line in measured[name]}
    assert len(pages) >= 3
    for page in sorted(pages):
        for lines in (text_lines(measured[name], size), note_lines(measured[name], notes)):
            on_page = [line for line in lines if line.page == page]
            if on_page:
                assert not on_page[-1].hyphenated, f"page {page + 1}: {on_page[-1].text!r}"


@pytest.mark.parametrize("name", ["harbour-zh-official", "harbour-zh-booklet"])
def test_chinese_never_hyphenated(measured, name):
    assert not [line.text for line in measured[name] if line.hyphenated]


def test_headings_and_signatories_not_hyphenated(measured, statement):
    for name in ("ru-official", "ru-booklet"):
        _, size, notes = geometry(name)
        other = [
            line
            for line in measured[name]
            if abs(line.size - size) >= 0.2 and abs(line.size - notes) >= 0.2
        ]
        # Signatories' titles are set in their own size: none of their lines is broken.
        assert any("Министр" in line.text for line in other)
        assert not [line.text for line in other if line.hyphenated]
        names = {s.name for s in statement.signatories}
        assert all(not line.hyphenated for line in measured[name] if line.text in names)


def test_added_hyphens_are_soft_in_the_text_layer(editions):
    """An added hyphen is marked /ActualText U+00AD: poppler gives a soft hyphen for it, and
    the text's own hyphens stay hyphens."""
    path = editions["ru-official"]
    hyphenated = sum(line.hyphenated for line in printed_lines(path))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    soft = text.count("\xad\n")
    hard = re.findall(rf"({LETTERS}+)-\n({LETTERS}+)", text)
    assert soft > 5, "no soft hyphens at line ends"
    assert soft + len(hard) == hyphenated
    source = SOURCE.read_text(encoding="utf-8")
    for before, after in hard:
        assert f"{before}-{after}" in source, f"{before}-{after} is not a word of the text"
    marks = sum(
        page.get_contents().get_data().count(b"/ActualText") for page in PdfReader(path).pages
    )
    assert marks == soft
    # pdfplumber and pypdf read the glyphs, not /ActualText: they still see a hyphen.
    assert "\xad" not in PdfReader(path).pages[0].extract_text()


def test_booklet_margins_mirrored(measured):
    lay, size, _ = geometry("ru-booklet")
    inner, outer = lay.number("page.margin_left_mm"), lay.number("page.margin_right_mm")
    assert inner > outer
    width = lay.number("page.width_mm")
    lines = text_lines(measured["ru-booklet"], size)
    pages = sorted({line.page for line in lines})
    assert len(pages) >= 4
    for page in pages:
        on_page = [line for line in lines if line.page == page]
        left = min(line.left for line in on_page)
        right = max(line.right for line in on_page)
        # Right-hand pages (1, 3, …) have the binding on the left, left-hand ones on the right.
        binding_left = page % 2 == 0
        assert left == pytest.approx(inner if binding_left else outer, abs=0.3), page
        assert width - right == pytest.approx(outer if binding_left else inner, abs=0.3), page


def test_booklet_crop_marks_in_the_slug(editions):
    lay = layout.load("booklet")
    bleed = lay.number("page.bleed_mm") * MM
    slug = lay.number("page.slug_mm") * MM
    with pdfplumber.open(editions["ru-booklet"]) as document:
        for page in document.pages:
            attrs = page.page_obj.attrs
            media, trim, bleed_box = (
                [float(v) for v in attrs[box]] for box in ("MediaBox", "TrimBox", "BleedBox")
            )
            assert bleed_box == pytest.approx(
                [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed], abs=0.01
            )
            assert media == pytest.approx(
                [trim[0] - bleed - slug, trim[1] - bleed - slug]
                + [trim[2] + bleed + slug, trim[3] + bleed + slug],
                abs=0.01,
            )
            drawn = [
                (e["x0"], raw_y(page, e["bottom"]), e["x1"], raw_y(page, e["top"]))
                for e in page.edges
            ]
            marks = [
                (x0, y0, x1, y1)
                for x0, y0, x1, y1 in drawn
                if not (trim[0] - 1 < x0 < trim[2] + 1 and trim[1] - 1 < y1 < trim[3] + 1)
            ]
            assert len(marks) == 8, marks
            for x0, y0, x1, y1 in marks:
                # Outside the bleed box, on the line of a trim edge, (bleed + slug) / 2 long.
                outside = (
                    x1 <= bleed_box[0] + 0.01
                    or x0 >= bleed_box[2] - 0.01
                    or y1 <= bleed_box[1] + 0.01
                    or y0 >= bleed_box[3] - 0.01
                )
                assert outside, (x0, y0, x1, y1)
                assert any(abs(v - t) < 0.5 for v in (x0, y0) for t in trim)
                assert max(x1 - x0, y1 - y0) == pytest.approx((bleed + slug) / 2, abs=0.5)


def test_booklet_last_page_carries_text_with_the_signatures(measured, statement):
    _, size, _ = geometry("ru-booklet")
    lines = measured["ru-booklet"]
    last = max(line.page for line in lines)
    names = {s.name for s in statement.signatories}
    text = [
        line
        for line in text_lines(lines, size)
        if line.page == last and line.text not in names and line.top > 20 * MM
    ]
    # At least `keep_lines` lines of the last paragraph come with the block.
    assert len(text) >= layout.load("booklet").get("signatures.keep_lines")


def test_booklet_two_builds_byte_identical(editions, tmp_path):
    again = build(EDITIONS["ru-booklet"], tmp_path)
    assert again.read_bytes() == editions["ru-booklet"].read_bytes()


def test_footnote_area_that_ends_at_its_last_note_fits():
    """Two notes whose area ends exactly at the second one's bottom stay on the page of their
    calls: WeasyPrint 70 compared the two bottoms without tolerance and, off by a float's
    last bits, sent the second note and its call's line to the next page."""
    import weasyprint

    from statementpress.writers import pdf_rounds

    note = " ".join(["note words here"] * 24)
    page = weasyprint.HTML(
        string=(
            "<style>@page { size: 100mm 150mm; margin: 10mm;"
            " @footnote { margin-top: 12pt; padding-top: 4pt } }"
            " html { font-size: 12pt; line-height: 1.15 }"
            " .fn { float: footnote; footnote-display: block; font-size: 9pt;"
            " line-height: 1; margin-bottom: 2pt }</style>"
            f"<p>First<span class=fn id=a>{note}</span>.</p>"
            f"<p>Second<span class=fn id=b>{note}</span>.</p><p>Third.</p>"
        )
    )
    with pdf_rounds.footnotes_that_fit():
        document = page.render()
    assert len(document.pages) == 1
    assert {"a", "b"} <= set(document.pages[0].anchors)


def test_statement_without_notes_is_typeset(write_source, tmp_path):
    """No footnote lines at all: the line analysis has an empty flow of notes."""
    from conftest import MINIMAL

    text = re.sub(r"\n\[\^\w\]:.*", "", MINIMAL.replace("[^a]", "").replace("[^b]", ""))
    statement = prepare(load(write_source(text)))
    assert not statement.notes
    written = pdf_writer.write(statement, layout.load("official"), tmp_path / "plain.pdf")
    shown = subprocess.run(
        ["pdftotext", str(written), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Вторая статья и снова." in " ".join(shown.split())
