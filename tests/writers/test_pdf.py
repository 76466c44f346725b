"""PDF edition: page geometry, text, fonts, metadata, PDF/A with its source, footnotes, reproducibility."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest
from pypdf import PdfReader

from conftest import SOURCE
from parity import assert_words_in_order, normalise, seed_words, words
from statementpress import __version__, layout
from statementpress.model import plain_text
from statementpress.reproducible import build_time
from statementpress.writers import pdf as pdf_writer

MM = 72 / 25.4


@pytest.fixture(scope="session")
def built(official_pdf):
    """The official PDF, built once for the session."""
    return official_pdf


@pytest.fixture(scope="session")
def reader(built):
    return PdfReader(built)


@pytest.fixture(scope="session")
def page_texts(reader):
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="session")
def page_words(built):
    """Word boxes per page from poppler: [(text, x0, y0, x1, y1)], y from the top edge."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(built), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for chunk in out.split("<page ")[1:]:
        pages.append(
            [
                (text, float(x0), float(y0), float(x1), float(y1))
                for x0, y0, x1, y1, text in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                    r"([^<]*)</word>",
                    chunk,
                )
            ]
        )
    return pages


def squash(text: str) -> str:
    """Whitespace runs as one space (justified lines come out with wide gaps)."""
    return " ".join(text.split())


def test_a4_pages_and_margins(reader, page_words):
    assert len(reader.pages) >= 2
    assert reader.pages, "nothing to check: reader.pages is empty"
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(210 * MM, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(297 * MM, abs=0.01)
    body = [w for page in page_words for w in page if w[4] > 20 * MM]  # below the page number
    assert min(w[1] for w in body) == pytest.approx(30 * MM, abs=1)  # left 30 mm
    # Justified lines end at the right margin (10 mm); poppler's word boxes overhang it by
    # a point or two (the advance of the last glyph), never by more than 3 pt.
    right = (210 - 10) * MM
    ends = sorted(w[3] for w in body if w[3] > right - 10)
    assert len(ends) > 50
    assert ends[len(ends) // 2] == pytest.approx(right, abs=1.5)
    assert ends[-1] <= right + 3
    # Glyph boxes reach a little above the first line box (the face's ascent exceeds the
    # half-leading); the line itself starts at the 20 mm margin.
    assert min(w[2] for w in body) >= 20 * MM - 2  # top 20 mm
    assert max(w[4] for w in body) <= (297 - 20) * MM + 2  # bottom 20 mm
    # Text runs from the top margin down to near the bottom one on a full page.
    assert max(w[4] for w in page_words[1]) > (297 - 20 - 10) * MM


def test_page_numbers_from_page_two(page_words):
    centre = (30 + (210 - 10)) / 2 * MM
    assert not [w for w in page_words[0] if w[4] < 20 * MM]
    for number, words_on_page in enumerate(page_words[1:], start=2):
        top = [w for w in words_on_page if w[4] < 20 * MM]
        assert [w[0] for w in top] == [str(number)]
        assert (top[0][1] + top[0][3]) / 2 == pytest.approx(centre, abs=1)
        assert top[0][2] >= 10 * MM - 2  # at least 10 mm from the edge (glyph box)


def test_articles_signatories_and_notes_in_text(statement, page_texts):
    text = squash("\n".join(page_texts))
    assert statement.articles, "nothing to check: statement.articles is empty"
    for article in statement.articles:
        first = plain_text(article.paragraphs[0]).split()[0]
        assert f"{article.number}. {first}" in text
    vocabulary = set(seed_words()) | {
        w for n in statement.notes for p in n.paragraphs for w in words(plain_text(p))
    }
    flat = normalise("\n".join(page_texts), vocabulary)
    assert statement.signatories, "nothing to check: statement.signatories is empty"
    for signatory in statement.signatories:
        assert signatory.name in text
        assert squash(signatory.title) in flat
    assert statement.notes, "nothing to check: statement.notes is empty"
    for note in statement.notes:
        body = squash(" ".join(plain_text(p) for p in note.paragraphs))
        assert f"{note.number}. {body}" in flat


def test_text_parity_with_seed(statement, page_texts):
    vocabulary = set(seed_words())
    assert_words_in_order(normalise("\n".join(page_texts), vocabulary))


def test_fonts_embedded_subset_and_pt_only(reader, built):
    seen = set()
    assert reader.pages, "nothing to check: reader.pages is empty"
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            assert re.fullmatch(r"/[A-Z]{6}\+PT-Serif(-\w+)?", name), name
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object(), f"{name} is not embedded"
            seen.add(name.split("+")[1])
    assert "PT-Serif" in seen and "PT-Serif-Bold" in seen
    listing = subprocess.run(
        ["pdffonts", str(built)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing and all("PT-Serif" in line and " yes yes " in line for line in listing)


def test_metadata(reader, statement):
    meta = reader.metadata
    m = statement.meta
    assert meta.title == m.full_title
    assert meta.title.startswith("Совместное заявление встречи министров иностранных дел")
    assert meta.subject == m.full_title
    assert meta.author == ", ".join(statement.parties)
    assert m.kind in meta["/Keywords"]
    assert meta.creator == f"statementpress {__version__}"
    assert meta.creation_date == build_time(statement) == meta.modification_date
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "ru"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in root


def test_pdfa3b_identification(reader):
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "<xmp:CreatorTool>statementpress" in xmp
    assert reader.xmp_metadata.dc_language == ["ru"]
    assert reader.pdf_header == "%PDF-1.7"


def test_outline(reader, statement):
    outline = reader.outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    # A joint statement has points; the notes are the editors'; the seed has no signatures.
    assert titles == [statement.meta.full_title, "Участники", "Примечания редакции"]
    articles, notes = [item for item in outline if isinstance(item, list)]
    assert [a.title for a in articles] == [f"Пункт {a.number}" for a in statement.articles]
    assert [n.title for n in notes] == [f"Примечание {n.number}" for n in statement.notes]


def test_source_embedded_byte_for_byte(reader):
    assert list(reader.attachments) == [SOURCE.name]
    assert reader.attachments[SOURCE.name] == [SOURCE.read_bytes()]
    associated = reader.trailer["/Root"]["/AF"]
    assert len(associated) == 1
    spec = associated[0].get_object()
    assert spec["/AFRelationship"] == "/Source" and spec["/UF"] == SOURCE.name


def test_two_builds_byte_identical(statement, built, tmp_path):
    again = pdf_writer.write(statement, layout.load("official"), tmp_path / "again.pdf")
    assert (
        hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(built.read_bytes()).digest()
    )


def test_no_errors_for_qpdf(built):
    result = subprocess.run(["qpdf", "--check", str(built)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_footnotes_on_the_page_of_their_call(reader, statement, page_texts):
    names = reader.trailer["/Root"]["/Names"]["/Dests"]["/Names"]
    targets = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    call_page = {}
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            call_page.setdefault(str(annot.get("/Dest")), index)
    assert statement.notes, "nothing to check: statement.notes is empty"
    for note in statement.notes:
        anchor = f"note-{note.number}"
        note_page = reader.get_destination_page_number(
            reader._build_destination(anchor, targets[anchor])
        )
        assert call_page[anchor] == note_page, f"note {note.number}"
        start = " ".join(plain_text(note.paragraphs[0]).split()[:3])
        assert f"{note.number}. {start}" in squash(page_texts[note_page])


def test_signatory_block_whole_on_last_page_with_article_six(statement, page_texts):
    vocabulary = set(seed_words())
    last = normalise(page_texts[-1], vocabulary)
    assert statement.signatories, "nothing to check: statement.signatories is empty"
    for signatory in statement.signatories:
        assert signatory.name in last
        assert squash(signatory.title) in last
    # Some of the final article's text comes onto the page with the block.
    final = plain_text(statement.articles[-1].blocks[-1]).split()
    assert " ".join(final[-3:]) in last
    assert last.index(" ".join(final[-3:])) < last.index(statement.signatories[0].name)


@pytest.fixture(scope="session")
def booklet(statement, tmp_path_factory):
    dest = tmp_path_factory.mktemp("pdf") / "booklet.pdf"
    return PdfReader(pdf_writer.write(statement, layout.load("booklet"), dest))


def test_booklet_a5_with_bleed_and_slug(booklet):
    bleed = 3 * MM
    assert booklet.pages, "nothing to check: booklet.pages is empty"
    # The media reaches past the bleed by the slug area, where the crop marks are.
    around = (3 + 7) * MM
    for page in booklet.pages:
        trim = [float(v) for v in page.trimbox]
        media = [float(v) for v in page.mediabox]
        assert trim[2] - trim[0] == pytest.approx(148 * MM, abs=0.01)
        assert trim[3] - trim[1] == pytest.approx(210 * MM, abs=0.01)
        assert media == pytest.approx(
            [trim[0] - around, trim[1] - around, trim[2] + around, trim[3] + around], abs=0.01
        )
        # The BleedBox is the layout's 3 mm bleed, whatever WeasyPrint's default.
        assert [float(v) for v in page.bleedbox] == pytest.approx(
            [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed], abs=0.01
        )


def test_booklet_inherits_official(booklet):
    booklet_layout = layout.load("booklet")
    official = layout.load("official")
    # Its own type size and indent for the A5 measure; the rest of the text as official.
    own = {"size_pt": 12, "indent_cm": 1}
    assert {k: booklet_layout.get(f"text.{k}") for k in own} == own
    assert {k: v for k, v in booklet_layout.get("text").items() if k not in own} == {
        k: v for k, v in official.get("text").items() if k not in own
    }
    assert booklet_layout.get("fonts") == official.get("fonts")
    assert booklet_layout.get("page.crop_marks") is True
    assert booklet.metadata.creator == f"statementpress {__version__}"


def test_booklet_keeps_the_block_with_the_last_lines(booklet, statement):
    # On A5 the block would fit alone on a page: lines of article 6 must come with it.
    last = squash(booklet.pages[-1].extract_text())
    assert all(s.name in last for s in statement.signatories)
    final = plain_text(statement.articles[-1].blocks[-1]).split()
    assert " ".join(final[-2:]) in last


def test_statement_without_notes(write_source, tmp_path):
    # No footnote lines at all: the line analysis of the notes has nothing to look at.
    from conftest import MINIMAL
    from statementpress import load
    from statementpress.builder import prepare

    text = re.sub(r"\[\^[ab]\]:[^\n]*\n?", "", MINIMAL).replace("[^a]", "").replace("[^b]", "")
    statement = prepare(load(write_source(text)))
    assert not statement.notes
    dest = pdf_writer.write(statement, layout.load("official"), tmp_path / "plain.pdf")
    page = PdfReader(dest).pages[0].extract_text().replace("\xa0", " ")
    assert "Вторая статья и снова." in page and "Примечание" not in page
