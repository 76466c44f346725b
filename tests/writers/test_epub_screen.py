"""The EPUB on a reader's screen, measured from the output: its stylesheet (alignment by
width, hyphenation, readable notes, headings kept with what follows), its package metadata
and note roles, and Chromium's rendering of its content document, scrolled and paginated."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from browser import measure, paged
from checks import epubcheck
from statementpress import hyphenation, layout
from statementpress.writers import epub as epub_writer

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def book(statement, tmp_path_factory) -> Path:
    return epub_writer.write(
        statement, layout.load("official"), tmp_path_factory.mktemp("epub-screen") / "b.epub"
    )


@pytest.fixture(scope="module")
def unpacked(book, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("epub-unpacked")
    with zipfile.ZipFile(book) as zf:
        zf.extractall(folder)
    return folder


@pytest.fixture(scope="module")
def css(unpacked) -> str:
    return (unpacked / "EPUB" / "css" / "epub.css").read_text(encoding="utf-8")


def rule(css: str, selector: str) -> str:
    """The declarations of the rules whose selector list is exactly `selector`."""
    return " ".join(re.findall(rf"(?:^|\}}|\n)\s*{re.escape(selector)}\s*\{{([^}}]*)\}}", css))


# -- the stylesheet ---------------------------------------------------------------------------


def test_narrow_screens_get_start_aligned_text(css):
    official = layout.load("official")
    width = official.number("epub.justify_min_width_em")
    query = re.search(rf"@media \(max-width: {width:g}em\) \{{(.*?)\}}\s*\}}", css, re.S)
    assert query, "a media query below the layout's width"
    assert re.search(r"\bp\s*\{\s*text-align:\s*start", query.group(1))
    assert "text-align: justify" in rule(css, "p")  # wider, the layout's alignment


def test_hyphenation_follows_the_language_and_the_policy(css, unpacked):
    policy = hyphenation.policy(layout.load("official"), "ru")
    body = rule(css, "body")
    assert "hyphens: auto" in body and "-webkit-hyphens: auto" in body
    assert (
        f"hyphenate-limit-chars: {policy.min_word} {policy.min_before} {policy.min_after}" in body
    )
    assert f"-webkit-hyphenate-limit-lines: {policy.max_consecutive}" in body
    never = rule(css, "h1, h2, .title-block p, .signatory p")
    assert "hyphens: manual" in never
    page = (unpacked / "EPUB" / "statement.xhtml").read_bytes()
    root = etree.fromstring(page)
    assert root.get("lang") == root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"


def test_notes_are_readable(css):
    notes = rule(css, ".notes")
    size = float(re.search(r"font-size:\s*([\d.]+)em", notes).group(1))
    height = float(re.search(r"line-height:\s*([\d.]+)", notes).group(1))
    assert 0.85 <= size <= 0.9 and height >= 1.3, (size, height)


def test_headings_stay_with_what_follows(css):
    h2 = rule(css, "h2")
    assert "break-after: avoid" in h2 and "page-break-after: avoid" in h2
    assert "break-before: avoid" in rule(css, ".signatories")


# -- package and content document -------------------------------------------------------------


def test_publisher_is_the_layouts_and_the_parties_are_the_creators(statement, tmp_path):
    folder = tmp_path / "layouts" / "press"
    folder.mkdir(parents=True)
    (folder / "layout.toml").write_text(
        'inherit = "official"\n[epub]\npublisher = "Пресс-служба МИД"\n', encoding="utf-8"
    )
    chosen = layout.load("press", dirs=[tmp_path / "layouts"])
    dest = epub_writer.write(statement, chosen, tmp_path / "p.epub")
    epubcheck(dest)
    with zipfile.ZipFile(dest) as zf:
        opf = etree.fromstring(zf.read("EPUB/package.opf"))
    meta = opf.find("opf:metadata", NS)
    assert meta.xpath("dc:publisher/text()", namespaces=NS) == ["Пресс-служба МИД"]
    assert meta.xpath("dc:creator/text()", namespaces=NS) == list(statement.parties)


def test_notes_are_end_notes_of_one_kind(unpacked, statement):
    root = etree.parse(str(unpacked / "EPUB" / "statement.xhtml"))
    (section,) = root.xpath("//h:section[@id='notes']", namespaces=NS)
    assert section.get("role") == "doc-endnotes" and section.get(EPUB_TYPE) == "endnotes"
    items = section.xpath("h:ol/h:li", namespaces=NS)
    assert [li.get("id") for li in items] == [f"note-{n.number}" for n in statement.notes]
    roles = {e.get("role") for e in root.iter()} | {e.get(EPUB_TYPE) for e in root.iter()}
    assert not roles & {"doc-footnote", "doc-endnote", "footnote", "footnotes", "endnote"}
    assert root.xpath("//h:aside", namespaces=NS) == []


# -- Chromium: scrolled at phone and desktop widths, and paginated ---------------------------


@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_chromium_aligns_by_width_without_overflow(unpacked, width, tmp_path):
    got = measure(unpacked / "EPUB" / "statement.xhtml", width, screenshot=tmp_path / "s.png")
    assert got["scrollWidth"] <= got["width"] == width
    expected = "start" if width < 30 * 16 else "justify"
    assert got["align"]["#preamble p"] == got["align"][".articles p"] == expected
    assert ["PT Serif", "400", "normal"] in got["fonts"]


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "paged.pdf"
    path.write_bytes(pdf)
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return pages.split("\f")


def last_lines(pages: list[str]) -> list[str]:
    return [next((line for line in reversed(p.splitlines()) if line.strip()), "") for p in pages]


@pytest.mark.slow
@pytest.mark.parametrize("height_mm", [124, 136, 156, 200])
def test_signatures_heading_never_ends_a_page(unpacked, statement, height_mm, tmp_path):
    """Phone-sized pages where the heading used to end a page, its signatories on the next."""
    from statementpress.labels import statement_labels

    # The heading the statement prints: "Участники" when signed by name only.
    heading = statement_labels(statement.meta)["signatures"]
    pages = page_texts(paged(unpacked / "EPUB" / "statement.xhtml", 103, height_mm), tmp_path)
    ends = last_lines(pages)
    assert len(ends) > 3, "the text runs over several pages"
    assert any(heading == line.strip() for p in pages for line in p.splitlines())
    assert heading not in [line.strip() for line in ends]
