"""HTML edition: valid, semantic structure, every annotation linked both ways, exact text."""

from __future__ import annotations

import pytest
from lxml import etree, html

from parity import assert_same_words
from statementpress import layout
from statementpress.writers import html as html_writer

NS = {"h": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def page(statement, tmp_path_factory):
    dest = tmp_path_factory.mktemp("html") / "out.html"
    html_writer.write(statement, layout.load("official"), dest)
    return dest


@pytest.fixture(scope="module")
def tree(page):
    # The page is also well-formed XML; parse it strictly so any unclosed tag fails here.
    return etree.parse(str(page), etree.XMLParser(resolve_entities=False, no_network=True))


def test_html5_document_with_language(page, tree):
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    root = tree.getroot()
    assert root.get("lang") == "ru"
    assert root.find("h:head/h:meta[@charset='utf-8']", NS) is not None
    assert "Совместное заявление" in root.findtext("h:head/h:title", namespaces=NS)


def test_semantic_structure(tree, statement):
    article = tree.find(".//h:article", NS)
    assert article is not None
    items = article.findall("h:ol[@class='articles']/h:li", NS)
    assert [li.get("value") for li in items] == ["1", "2", "3", "4", "5", "6"]
    numbers = [li.findtext("h:p/h:span[@class='article-number']", namespaces=NS) for li in items]
    assert numbers == ["1.", "2.", "3.", "4.", "5.", "6."]
    signatories = article.findall(".//h:section[@id='signatures']//h:li", NS)
    assert len(signatories) == 6
    names = [li.findtext("h:p[@class='signatory-name']", namespaces=NS) for li in signatories]
    assert names == [s.name for s in statement.signatories]


def test_annotations_linked_both_ways(tree, statement):
    refs = tree.findall(".//h:a[@role='doc-noteref']", NS)
    notes = tree.findall(".//h:section[@id='notes']/h:ol/h:li", NS)
    assert len(notes) == len(statement.notes) >= 5
    ids = {el.get("id") for el in tree.iter() if el.get("id")}
    assert refs, "nothing to check: refs is empty"
    for ref in refs:
        assert ref.get("href").lstrip("#") in ids
    assert notes, "nothing to check: notes is empty"
    for note in notes:
        back = note.find(".//h:a[@role='doc-backlink']", NS)
        assert back.get("href").lstrip("#") in ids
        target = tree.find(f".//h:a[@id='{back.get('href')[1:]}']", NS)
        assert target.get("href") == f"#{note.get('id')}"
    for note, model in zip(notes, statement.notes, strict=True):
        assert model.paragraphs[0].content[0].text[:20] in "".join(note.itertext())


def text_without_additions(page) -> str:
    """The page's text without what the edition adds: note calls, notes, signatures, links,
    the QR code (whose SVG is named by what it encodes)."""
    doc = html.parse(str(page)).getroot()
    for xpath in (
        "//a[@role='doc-noteref']",
        "//section[@id='notes']",
        "//section[@id='signatures']",
        "//nav",
        "//svg",
        "//head",
    ):
        for el in doc.xpath(xpath):
            el.drop_tree()
    return doc.text_content()


def test_text_parity_with_seed(page):
    assert_same_words(text_without_additions(page))


def test_autoescaping(write_source, tmp_path):
    from conftest import MINIMAL
    from statementpress import load

    st = load(write_source(MINIMAL.replace("Первая статья", r"Первая \<script> & статья")))
    dest = html_writer.write(st, layout.load("official"), tmp_path / "x.html")
    text = dest.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt; &amp; статья" in text


def test_only_the_editions_of_the_build_are_listed(statement, tmp_path):
    from statementpress.writers import WRITERS, Edition

    pdf = tmp_path / "ca-china-fm-2020-07-16.ru.pdf"
    pdf.write_bytes(b"%PDF-1.7 test")
    # An edition left in the folder by an earlier build is not this build's: not listed.
    (tmp_path / "ca-china-fm-2020-07-16.ru.epub").write_bytes(b"PK stale")
    dest = html_writer.write(
        statement,
        layout.load("official"),
        tmp_path / "page.html",
        editions=[Edition(pdf, WRITERS["pdf"], "ru")],
    )
    links = html.parse(str(dest)).getroot().xpath("//nav[@class='editions']//a")
    assert [(a.get("href"), a.text, a.get("type")) for a in links] == [
        ("ca-china-fm-2020-07-16.ru.pdf", "PDF", "application/pdf")
    ]
    assert html.parse(str(dest)).getroot().xpath("string(//nav//span[@class='size'])") == "13 B"


def test_html_page_depends_on_the_build_alone(tmp_path):
    from conftest import SOURCE
    from statementpress.builder import build

    full = build([SOURCE], out=tmp_path / "a")
    page = next(p for p in full if p.suffix == ".html")
    links = html.parse(str(page)).getroot().xpath("//nav[@class='editions']//a/@href")
    assert sorted(links) == sorted(p.name for p in full if p.suffix != ".html")
    # The page alone, once beside the editions of the earlier build and once in an empty
    # folder: the same bytes, whatever the folder held.
    (again,) = build([SOURCE], ["html"], out=tmp_path / "a")
    (alone,) = build([SOURCE], ["html"], out=tmp_path / "b")
    assert again.read_bytes() == alone.read_bytes()


def test_inline_stylesheet_is_not_escaped(page):
    # Inside <style> an HTML parser does not decode entities: quotes must stay quotes.
    css = html.parse(str(page)).getroot().xpath("string(//style)")
    assert 'font-family: "PT Serif"' in css and "&#34;" not in css
