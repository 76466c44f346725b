"""EPUB edition: EPUBCheck clean, package and nav by XPath, linked notes, reproducible bytes, exact text."""

from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from checks import epubcheck
from conftest import MINIMAL, SOURCE
from parity import assert_same_words
from statementpress import fonts, layout, reproducible
from statementpress.writers import epub as epub_writer

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
# The canonical statement's identifier, written out so that a change of the namespace or of
# the name it hashes (which would make libraries see a new book) fails here.
CANONICAL_ID = "urn:uuid:40f65636-ad57-57d3-b85d-d7c27c3453b4"


def build(statement, dest: Path) -> Path:
    """Write the EPUB edition of `statement` to `dest` and check it with EPUBCheck."""
    epub_writer.write(statement, layout.load("official"), dest)
    epubcheck(dest)
    return dest


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


@pytest.fixture(scope="module")
def book(statement, tmp_path_factory):
    return build(statement, tmp_path_factory.mktemp("epub") / "book.epub")


@pytest.fixture(scope="module")
def files(book) -> dict[str, bytes]:
    with zipfile.ZipFile(book) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def opf(files):
    return xml(files["EPUB/package.opf"])


@pytest.fixture(scope="module")
def nav(files):
    return xml(files["EPUB/nav.xhtml"])


@pytest.fixture(scope="module")
def content(files):
    return xml(files["EPUB/statement.xhtml"])


@pytest.mark.slow
def test_epubcheck_reports_nothing(book):
    report = epubcheck(book)
    assert report["checker"]["checkerVersion"].startswith("5.")
    assert report["publication"]["ePubVersion"] == "3.3"
    assert report["publication"]["renditionLayout"] == "reflowable"


def test_zip_layout(book, files, statement):
    raw = book.read_bytes()
    # The local header of the first entry is 30 bytes, then its name, then (with no extra
    # field) its stored data: reading systems sniff exactly these bytes.
    assert raw[30:38] == b"mimetype"
    assert raw[38:58] == b"application/epub+zip"
    with zipfile.ZipFile(book) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert all(i.extra == b"" for i in infos)
    stamp = reproducible.build_time(statement).timetuple()[:6]
    assert {i.date_time for i in infos} == {max((1980, 1, 1, 0, 0, 0), stamp)}
    assert [i.filename for i in infos[:3]] == [
        "mimetype",
        "META-INF/container.xml",
        "EPUB/package.opf",
    ]
    rootfile = xml(files["META-INF/container.xml"]).find(".//c:rootfile", NS)
    assert rootfile.get("full-path") == "EPUB/package.opf"
    assert rootfile.get("media-type") == "application/oebps-package+xml"


def test_two_builds_are_byte_identical(book, statement, tmp_path_factory):
    again = build(statement, tmp_path_factory.mktemp("epub-again") / "book.epub")
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(book.read_bytes()).digest()


def test_package_metadata(opf, statement):
    meta = opf.find("opf:metadata", NS)

    def one(xpath: str) -> str:
        (value,) = meta.xpath(xpath, namespaces=NS)
        return value.strip()

    assert opf.get("version") == "3.0"
    assert opf.get("unique-identifier") == "pub-id"
    assert one("dc:identifier[@id='pub-id']/text()") == CANONICAL_ID
    assert uuid.UUID(CANONICAL_ID.removeprefix("urn:uuid:")).version == 5
    main = one("opf:meta[@property='title-type'][.='main']/@refines").lstrip("#")
    assert one(f"dc:title[@id='{main}']/text()") == statement.meta.full_title
    assert "Совместное заявление" in one("dc:title[1]/text()")
    assert one("dc:language/text()") == "ru"
    assert one("dc:date/text()") == "2020-07-16"
    assert meta.xpath("dc:creator/text()", namespaces=NS) == list(statement.parties)
    # The parties issued the statement; the publisher of the edition is the layout's, none
    # in the official layout (test_epub_screen.py sets one).
    assert meta.xpath("dc:publisher", namespaces=NS) == []
    expected = reproducible.build_time(statement).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert one("opf:meta[@property='dcterms:modified']/text()") == expected
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", expected)


def test_accessibility_metadata(opf):
    def values(prop: str) -> list[str]:
        return opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)

    assert values("schema:accessMode") == ["textual"]
    assert values("schema:accessModeSufficient") == ["textual"]
    features = set(values("schema:accessibilityFeature"))
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= features
    assert values("schema:accessibilityHazard") == ["none"]
    (summary,) = values("schema:accessibilitySummary")
    # In the book's language, naming the statement's units (points, not articles).
    assert "WCAG 2.1 (уровень AA)" in summary and "нумерованные пункты" in summary
    assert values("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_manifest_and_spine(opf, files, statement):
    items = opf.findall("opf:manifest/opf:item", NS)
    hrefs = {item.get("href"): item for item in items}
    # Every manifest entry is in the zip, and every file of the publication is declared.
    assert {f"EPUB/{h}" for h in hrefs} == set(files) - {
        "mimetype",
        "META-INF/container.xml",
        "EPUB/package.opf",
    }
    assert hrefs["nav.xhtml"].get("properties") == "nav"
    assert hrefs["statement.xhtml"].get("media-type") == "application/xhtml+xml"
    assert hrefs["css/epub.css"].get("media-type") == "text/css"
    face = fonts.face_for(layout.load("official"), statement.meta.lang)
    font_items = [i for i in items if i.get("href").startswith("fonts/")]
    assert [i.get("media-type") for i in font_items] == ["font/ttf"] * len(face.files)
    assert {i.get("href") for i in font_items} == {f"fonts/{p.name}" for p in face.files.values()}
    spine = opf.findall("opf:spine/opf:itemref", NS)
    ids = {i.get("id"): i.get("href") for i in items}
    assert [(ids[r.get("idref")], r.get("linear", "yes")) for r in spine] == [
        ("statement.xhtml", "yes"),
        ("nav.xhtml", "no"),
    ]


def test_fonts_are_subsets_that_draw_every_character_shown(files, statement):
    import io

    from fontTools.ttLib import TTFont

    face = fonts.face_for(layout.load("official"), statement.meta.lang)
    shown = {
        ch
        for name in ("EPUB/statement.xhtml", "EPUB/nav.xhtml")
        for ch in "".join(xml(files[name]).itertext())
        if not ch.isspace()
    }
    assert len(shown) > 50  # Cyrillic, Latin, digits, punctuation
    for style, path in face.files.items():
        data = files[f"EPUB/fonts/{path.name}"]
        with TTFont(io.BytesIO(data)) as small, TTFont(str(path)) as whole:
            cmap = small.getBestCmap()
            assert not sorted(ch for ch in shown if ord(ch) not in cmap), style
            assert len(small.getGlyphOrder()) < len(whole.getGlyphOrder()) / 2, style
            assert small["name"].getDebugName(1) == whole["name"].getDebugName(1)
            # The file's own dates, not the time of the build (reproducible packages).
            assert small["head"].modified == whole["head"].modified
        assert len(data) < path.stat().st_size / 2, style


def test_nav_toc_and_landmarks(nav, content, statement):
    toc = nav.find(".//h:nav[@epub:type='toc']", NS)
    links = toc.findall("h:ol/h:li/h:a", NS)
    targets = [a.get("href") for a in links]
    assert targets == [
        "statement.xhtml#title",
        "statement.xhtml#preamble",
        *(f"statement.xhtml#article-{n}" for n in range(1, 7)),
        "statement.xhtml#signatures",
        "statement.xhtml#notes",
    ]
    assert links[0].text == statement.meta.full_title
    assert [a.text for a in links[2:4]] == ["Пункт 1", "Пункт 2"]
    ids = {el.get("id") for el in content.iter() if el.get("id")}
    assert all(t.split("#")[1] in ids for t in targets)
    landmarks = nav.findall(".//h:nav[@epub:type='landmarks']//h:a", NS)
    assert [(a.get(EPUB_TYPE), a.get("href")) for a in landmarks] == [
        ("toc", "nav.xhtml#toc"),
        ("bodymatter", "statement.xhtml#statement"),
    ]
    assert nav.find(".//h:nav[@id='toc']", NS) is toc


def test_content_document_and_stylesheet(files, content):
    text = files["EPUB/statement.xhtml"].decode("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert content.get("lang") == content.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    (link,) = content.findall("h:head/h:link[@rel='stylesheet']", NS)
    assert link.get("href") == "css/epub.css"
    css = files["EPUB/css/epub.css"].decode("utf-8")
    # Reflowable: no page size, no absolute lengths; the reader's text size rules.
    assert "@page" not in css
    assert not re.search(r"\d(px|pt|pc|cm|mm|in|Q)\b", css)
    assert "hyphens: auto" in css
    urls = re.findall(r'url\("([^"]+)"\)', css)
    assert len(urls) == len([n for n in files if n.startswith("EPUB/fonts/")]) >= 1
    assert all(posixpath.normpath(f"EPUB/css/{url}") in files for url in urls)


def test_footnotes_linked_both_ways(content, statement):
    refs = content.xpath("//h:a[@epub:type='noteref']", namespaces=NS)
    # End notes: the items of the list of a doc-endnotes section (test_epub_screen.py).
    notes = content.xpath(
        "//h:section[@role='doc-endnotes']/h:ol/h:li[@class='note']", namespaces=NS
    )
    assert len(notes) == len(statement.notes) >= 5
    by_id = {el.get("id"): el for el in content.iter() if el.get("id")}
    assert refs, "nothing to check: refs is empty"
    for ref in refs:
        assert ref.get("role") == "doc-noteref"
        note = by_id[ref.get("href").lstrip("#")]
        assert note.tag == "{http://www.w3.org/1999/xhtml}li"
    for note_el, model in zip(notes, statement.notes, strict=True):
        (back,) = note_el.xpath(".//h:a[@role='doc-backlink']", namespaces=NS)
        call = by_id[back.get("href").lstrip("#")]
        assert call.get(EPUB_TYPE) == "noteref"
        assert call.get("href") == f"#{note_el.get('id')}"
        assert model.paragraphs[0].content[0].text[:20] in "".join(note_el.itertext())


def test_signatories_are_a_list_in_order(content, statement):
    items = content.xpath("//h:section[@id='signatures']/h:ul/h:li", namespaces=NS)
    assert [li.findtext("h:p[@class='signatory-name']", namespaces=NS) for li in items] == [
        s.name for s in statement.signatories
    ]
    assert [li.findtext("h:p[@class='signatory-title']", namespaces=NS) for li in items] == [
        s.title for s in statement.signatories
    ]


def text_without_additions(content) -> str:
    """The statement's text without what the edition adds: note calls, notes, signatures."""
    body = etree.fromstring(etree.tostring(content.find("h:body", NS)))
    for xpath in (
        "//h:a[@epub:type='noteref']",
        "//h:section[@id='notes']",
        "//h:section[@id='signatures']",
    ):
        for el in body.xpath(xpath, namespaces=NS):
            parent = el.getparent()
            # Keep the text that follows the removed element.
            if el.tail:
                previous = el.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + el.tail
                else:
                    parent.text = (parent.text or "") + el.tail
            parent.remove(el)
    return "".join(body.itertext())


def test_text_parity_with_seed(content):
    assert_same_words(text_without_additions(content))


def test_small_statement_date_epoch_escaping_and_repeated_calls(
    write_source, tmp_path, monkeypatch
):
    from statementpress import load

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    st = load(write_source(MINIMAL.replace("Первая статья", r"Первая \<script> & статья")))
    path = build(st, tmp_path / "small.epub")
    with zipfile.ZipFile(path) as zf:
        opf = xml(zf.read("EPUB/package.opf"))
        page = xml(zf.read("EPUB/statement.xhtml"))
        assert zf.infolist()[0].date_time == (2023, 11, 14, 22, 13, 20)
    modified = opf.xpath("//opf:meta[@property='dcterms:modified']/text()", namespaces=NS)
    assert modified == ["2023-11-14T22:13:20Z"]
    identifier = opf.xpath("//dc:identifier/text()", namespaces=NS)
    assert identifier == [
        f"urn:uuid:{uuid.uuid5(epub_writer.IDENTIFIER_NAMESPACE, 'test-statement.ru')}"
    ]
    assert identifier != [CANONICAL_ID]
    assert "Первая <script> & статья" in "".join(page.itertext())
    calls = page.xpath("//h:a[@epub:type='noteref']", namespaces=NS)
    assert [(a.get("id"), a.get("href")) for a in calls] == [
        ("noteref-1", "#note-1"),
        ("noteref-2", "#note-2"),
        ("noteref-1-2", "#note-1"),
    ]


def test_cli_build_writes_the_edition_path(book, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from statementpress.cli import cli

    (tmp_path / "source").mkdir()
    shutil.copy(SOURCE, tmp_path / "source" / SOURCE.name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", "--format", "epub"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    path = tmp_path / "build" / "ca-china-fm-2020-07-16" / "ca-china-fm-2020-07-16.ru.epub"
    # The edition and its build record (docs/manifest.md), nothing else: no partial file.
    assert sorted(p.name for p in path.parent.iterdir()) == [f".{path.stem}.json", path.name]
    # Same statement, same bytes as the writer's own build (so EPUBCheck has seen it).
    assert path.read_bytes() == book.read_bytes()
    epubcheck(path)


def test_missing_glyph_fails_the_build_before_writing(write_source, tmp_path):
    from statementpress.builder import build
    from statementpress.errors import SourceError

    source = write_source(MINIMAL.replace("Первая статья", "Первая статья 中"))
    with pytest.raises(SourceError, match=f"^{source}:20:18: error: '中' .*no glyph"):
        build([source], ["epub"], out=tmp_path / "out")
    assert not (tmp_path / "out").exists()
