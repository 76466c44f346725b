"""The QR-code requisite in the editions, read back as a reader's scanner would.

Page 1 of every PDF is rendered by poppler at 150 dpi and zbarimg (Debian's zbar-tools)
decodes the code: it names the statement (id and language). The DOCX's first-page footer
holds the picture, and the code decodes from LibreOffice's render of page 1. The HTML
page's SVG decodes once drawn. The code covers no text, `[qr] enabled = false` leaves it
out, a base URL puts the statement's address in it, and builds stay byte-identical.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree, html

import libreoffice
from conftest import ROOT, SOURCE
from scan import zbarimg
from statementpress import qr
from statementpress.builder import build
from statementpress.reader import load

ENGLISH = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"
HARBOUR = [ROOT / "tests" / "fixtures" / f"harbour-accord-2031.{lang}.md" for lang in ("en", "zh")]
ID = "ca-china-fm-2020-07-16"
MM = 72 / 25.4
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The Russian and English versions in the official layout: PDF, DOCX, HTML and the
    parallel editions, by file name."""
    out = tmp_path_factory.mktemp("qr-official")
    formats = ["pdf", "docx", "html", "parallel"]
    return {p.name: p for p in build([SOURCE, ENGLISH], formats, out=out)}


@pytest.fixture(scope="module")
def booklet(tmp_path_factory) -> dict[str, Path]:
    """The English and Chinese fixture in the booklet layout (A5, bleed, crop marks): the
    PDFs and the parallel PDF."""
    out = tmp_path_factory.mktemp("qr-booklet")
    return {p.name: p for p in build(HARBOUR, ["pdf", "parallel-pdf"], "booklet", out=out)}


def expected_payload(edition: Path) -> str:
    """What the code of `<id>.<lang>[-<lang>…].<ext>` encodes: the URN of its (first) language
    version, with the SHA-256 of that version's source."""
    sources = {(s.meta.id, s.meta.lang): s for s in map(load, [SOURCE, ENGLISH, *HARBOUR])}
    statement_id, langs, _ext = edition.name.split(".")
    return qr.statement_payload(sources[(statement_id, langs.split("-")[0])])


def first_page(pdf: Path, folder: Path) -> Path:
    """Page 1 of `pdf` as a PNG, rendered by poppler at 150 dpi."""
    stem = folder / pdf.stem
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    return folder / f"{pdf.stem}.png"


def test_every_pdf_names_its_statement_on_page_one(built, booklet, tmp_path):
    editions = [*built.values(), *booklet.values()]
    pdfs = sorted((p for p in editions if p.suffix == ".pdf"), key=lambda p: p.name)
    assert [p.name for p in pdfs] == [
        f"{ID}.en.pdf",
        f"{ID}.ru-en.pdf",
        f"{ID}.ru.pdf",
        "harbour-accord-2031.en-zh.pdf",
        "harbour-accord-2031.en.pdf",
        "harbour-accord-2031.zh.pdf",
    ]
    for pdf in pdfs:
        (found,) = zbarimg(first_page(pdf, tmp_path))
        assert found == expected_payload(pdf), pdf.name
        statement_id, langs = pdf.name.split(".")[:2]
        assert found.startswith(f"urn:statementpress:{statement_id}:{langs.split('-')[0]}:")


def test_parallel_editions_carry_the_authoritative_versions_code(built, booklet, tmp_path):
    # The Russian text is authoritative (ru-en), the English one of the harbour accord.
    (code,) = zbarimg(first_page(built[f"{ID}.ru-en.pdf"], tmp_path))
    assert code == qr.statement_payload(load(SOURCE)) and ":ru:" in code
    (code,) = zbarimg(first_page(booklet["harbour-accord-2031.en-zh.pdf"], tmp_path))
    assert ":en:" in code


def _code_box(page) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) in pt of the code's dark modules: the small filled rectangles
    of the page (the code's runs are one module high)."""
    modules = [r for r in page.rects if r["height"] < 2 and r["width"] < 80]
    assert len(modules) > 200
    return (
        min(r["x0"] for r in modules),
        min(r["top"] for r in modules),
        max(r["x1"] for r in modules),
        max(r["bottom"] for r in modules),
    )


def test_pdf_code_is_vector_in_the_lower_right_margin_below_the_text(built):
    pdf = built[f"{ID}.ru.pdf"]
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    assert len(listing.stdout.splitlines()) == 2  # the header only: no raster image
    text = qr.statement_payload(load(SOURCE))
    module = 25 * MM / qr.size_in_modules(text)
    quiet = qr.QUIET_ZONE * module
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        x0, top, x1, bottom = _code_box(page)
        # 25 mm with its quiet zone, flush with the text's right edge (10 mm margin), 4 mm
        # above the bottom edge: official's [qr].
        assert x1 - x0 + 2 * quiet == pytest.approx(25 * MM, abs=0.5)
        assert x1 + quiet == pytest.approx(page.width - 10 * MM, abs=0.5)
        assert bottom + quiet == pytest.approx(page.height - 4 * MM, abs=0.5)
        # The first page's text and notes end above the code (its margin grew to 29 mm);
        # a word's box may reach into the light quiet zone by its descent, never further.
        words = page.extract_words()
        assert max(w["bottom"] for w in words) <= top
        assert max(w["bottom"] for w in words) <= page.height - 29 * MM + 3
        # Page 2 has the layout's own 20 mm bottom margin and no code.
        second = document.pages[1]
        assert not [r for r in second.rects if r["top"] > second.height - 20 * MM]
        assert max(w["bottom"] for w in second.extract_words()) > page.height - 29 * MM + 3


def _parts(docx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(docx) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _first_page_story(parts: dict[str, bytes], kind: str) -> tuple[str, etree._Element]:
    """The part name and root of the first page's footer (`kind` "footer") or header."""
    document = etree.fromstring(parts["word/document.xml"])
    (sect,) = document.iter(f"{W}sectPr")
    assert sect.find(f"{W}titlePg") is not None
    (ref,) = [r for r in sect.iter(f"{W}{kind}Reference") if r.get(f"{W}type") == "first"]
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    (target,) = [r.get("Target") for r in rels if r.get("Id") == ref.get(f"{R}id")]
    return f"word/{target}", etree.fromstring(parts[f"word/{target}"])


def _picture(parts: dict[str, bytes], name: str, root: etree._Element) -> tuple[str, bytes]:
    """The alternative text and the image bytes of the one picture of a story part."""
    (props,) = root.iter(f"{WP}docPr")
    (blip,) = root.iter(f"{A}blip")
    rels_name = name.replace("word/", "word/_rels/") + ".rels"
    rels = etree.fromstring(parts[rels_name])
    (target,) = [r.get("Target") for r in rels if r.get("Id") == blip.get(f"{R}embed")]
    return props.get("descr"), parts[f"word/{target}"]


@pytest.mark.slow
@pytest.mark.parametrize("name", [f"{ID}.ru.docx", f"{ID}.ru-en.docx"])
def test_docx_first_page_footer_holds_the_code_libreoffice_draws(built, tmp_path, name):
    docx = built[name]
    parts = _parts(docx)
    text = expected_payload(docx)
    footer, root = _first_page_story(parts, "footer")
    label, png = _picture(parts, footer, root)
    assert label == f"QR-код: {text}"
    assert png == qr.png(text) and png.startswith(b"\x89PNG")
    (paragraph,) = root.iter(f"{W}p")
    assert paragraph.find(f"{W}pPr/{W}jc").get(f"{W}val") == "right"
    # The other pages' footers (none here) draw nothing: only the first page has the code.
    assert sum(1 for n in parts if n.startswith("word/media/")) == 1
    image = tmp_path / "picture.png"
    image.write_bytes(png)
    assert zbarimg(image) == [text]
    rendered = libreoffice.to_pdf(docx, tmp_path)
    assert zbarimg(first_page(rendered, tmp_path)) == [text]
    with pdfplumber.open(rendered) as document:
        page = document.pages[0]
        words = page.extract_words()
        # LibreOffice ends the first page's text above the footer that holds the code.
        assert max(w["bottom"] for w in words) < page.height - 27 * MM
        assert len(document.pages[1].images) == 0


@pytest.mark.parametrize("name", [f"{ID}.ru.html", f"{ID}.ru-en.html"])
def test_html_svg_is_named_by_its_payload_and_decodes(built, tmp_path, name):
    import weasyprint

    page = built[name]
    text = expected_payload(page)
    root = html.parse(str(page)).getroot()
    (svg,) = root.xpath("//div[@class='qr-requisite']/svg")
    assert svg.get("role") == "img" and svg.get("aria-label") == f"QR-код: {text}"
    # The drawing as it is in the page, printed on its own and scanned.
    drawing = etree.tostring(svg, encoding="unicode", method="xml").replace(
        'width="6em" height="6em"', 'width="30mm" height="30mm"'
    )
    pdf = tmp_path / "svg.pdf"
    weasyprint.HTML(string=f"<html><body style='margin:0'>{drawing}</body></html>").write_pdf(pdf)
    assert zbarimg(first_page(pdf, tmp_path)) == [text]


def test_html_code_stands_beside_the_editions(built):
    root = html.parse(str(built[f"{ID}.ru.html"])).getroot()
    (article,) = root.xpath("//article")
    order = [el.get("class") or el.get("id") for el in article]
    assert order.index("qr-requisite") + 1 == order.index("editions")


def _layout(folder: Path, name: str, qr_values: str) -> Path:
    (folder / name).mkdir(parents=True)
    (folder / name / "layout.toml").write_text(
        f'inherit = "official"\n\n[qr]\n{qr_values}\n', encoding="utf-8"
    )
    return folder


def test_disabled_gives_no_code_in_any_edition(tmp_path):
    layouts = _layout(tmp_path / "layouts", "plain", "enabled = false")
    written = build(
        [SOURCE], ["pdf", "docx", "html"], "plain", out=tmp_path / "out", layout_dirs=[layouts]
    )
    by_ext = {p.suffix: p for p in written}
    assert not zbarimg(first_page(by_ext[".pdf"], tmp_path), missing_ok=True)
    with pdfplumber.open(by_ext[".pdf"]) as document:
        page = document.pages[0]
        assert not [r for r in page.rects if r["top"] > page.height - 20 * MM]
        # No margin grows: the text runs down to the layout's 20 mm.
        assert max(w["bottom"] for w in page.extract_words()) > page.height - 26 * MM
    parts = _parts(by_ext[".docx"])
    assert not [n for n in parts if n.startswith("word/media/") or n.startswith("word/footer")]
    assert b"<w:drawing>" not in b"".join(parts.values())
    page_text = by_ext[".html"].read_text(encoding="utf-8")
    assert "<svg" not in page_text and "qr-requisite" not in page_text  # nor its CSS rules


def test_base_url_puts_the_statements_address_in_the_code(tmp_path):
    layouts = _layout(tmp_path / "layouts", "site", 'base_url = "https://mfa.example/statements"')
    written = build([SOURCE], ["pdf", "html"], "site", out=tmp_path / "out", layout_dirs=[layouts])
    by_ext = {p.suffix: p for p in written}
    url = f"https://mfa.example/statements/{ID}/{ID}.ru.html"
    assert zbarimg(first_page(by_ext[".pdf"], tmp_path)) == [url]
    assert f'aria-label="QR-код: {url}"' in by_ext[".html"].read_text(encoding="utf-8")
    # The address is that of the page the build wrote.
    assert by_ext[".html"].relative_to(tmp_path / "out").as_posix() == url.split("/statements/")[1]


def test_top_left_position_in_the_pdf_and_the_docx_header(tmp_path):
    layouts = _layout(tmp_path / "layouts", "corner", 'position = "top-left"')
    written = build(
        [SOURCE], ["pdf", "docx"], "corner", out=tmp_path / "out", layout_dirs=[layouts]
    )
    by_ext = {p.suffix: p for p in written}
    text = qr.statement_payload(load(SOURCE))
    assert zbarimg(first_page(by_ext[".pdf"], tmp_path)) == [text]
    with pdfplumber.open(by_ext[".pdf"]) as document:
        page = document.pages[0]
        x0, top, _x1, bottom = _code_box(page)
        quiet = qr.QUIET_ZONE * 25 * MM / qr.size_in_modules(text)
        assert x0 - quiet == pytest.approx(30 * MM, abs=0.5)  # the text's left edge
        assert top - quiet == pytest.approx(4 * MM, abs=0.5)
        assert min(w["top"] for w in page.extract_words()) >= bottom
    parts = _parts(by_ext[".docx"])
    header, root = _first_page_story(parts, "header")
    label, png = _picture(parts, header, root)
    assert label.endswith(text) and png == qr.png(text)
    jc = [
        p.find(f"{W}pPr/{W}jc") for p in root.iter(f"{W}p") if p.find(f".//{WP}inline") is not None
    ]
    assert [j.get(f"{W}val") for j in jc] == ["left"]


def test_editions_with_the_code_are_byte_identical(built, tmp_path):
    again = build([SOURCE, ENGLISH], ["pdf", "docx", "html", "parallel"], out=tmp_path)
    assert len(again) == len(built) == 9
    for path in again:
        assert path.read_bytes() == built[path.name].read_bytes(), path.name
    # And they do carry it.
    assert re.search(rb"urn:statementpress:" + ID.encode(), built[f"{ID}.ru.html"].read_bytes())
