"""DOCX edition: named styles, Word numbering, true footnotes, PAGE header, fonts, rebuilds."""

from __future__ import annotations

import hashlib
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

import libreoffice
from conftest import MINIMAL, SOURCE
from parity import assert_words_in_order, words
from statementpress import __version__, builder, fonts, layout, load, reproducible
from statementpress.model import Paragraph, plain_text
from statementpress.writers import docx as docx_writer
from statementpress.writers.docx import styles as docx_styles

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@pytest.fixture(scope="session")
def docx_path(statement, tmp_path_factory) -> Path:
    """The canonical statement's DOCX, built once through the builder as a user would."""
    out = tmp_path_factory.mktemp("docx-build")
    written = builder.build([SOURCE], formats=["docx"], out=out)
    assert written == [out / "ca-china-fm-2020-07-16" / "ca-china-fm-2020-07-16.ru.docx"]
    return written[0]


@pytest.fixture(scope="session")
def package(docx_path) -> dict[str, bytes]:
    with zipfile.ZipFile(docx_path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def xml(package, name: str):
    return etree.fromstring(package[name])


@pytest.fixture(scope="session")
def document(docx_path):
    return docx.Document(str(docx_path))


# -- structure through python-docx ------------------------------------------------------------


def expected_pairs(st) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, derived from the model."""
    m = st.meta
    pairs = [("Statement Kind", m.kind), ("Statement Title", "\n".join(m.title))]
    pairs.append(("Statement Subtitle", m.subtitle))
    pairs.append(("Statement Dateline", "16\u00a0июля\u00a02020\u00a0г."))  # typeset date
    pairs += [("Statement Preamble", plain_text(p)) for p in st.preamble]
    for article in st.articles:
        for i, block in enumerate(article.blocks):
            assert isinstance(block, Paragraph)  # the canonical statement has no sub-items
            style = "Statement Article" if i == 0 else "Statement Article Continued"
            pairs.append((style, plain_text(block)))
    pairs += [("Statement Closing", plain_text(p)) for p in st.closing]
    return pairs


def test_body_paragraphs_are_named_styles_in_order(document, statement):
    got = [(p.style.name, p.text) for p in document.paragraphs]
    assert got == expected_pairs(statement)


def test_no_direct_formatting_of_runs(package):
    body = xml(package, "word/document.xml")
    for rpr in body.iter(w("rPr")):
        assert [c.tag for c in rpr] == [w("rStyle")], etree.tostring(rpr)


def test_signatory_block_is_a_borderless_table_kept_with_the_text(document, statement, package):
    assert len(document.tables) == 1
    table = document.tables[0]
    assert table.style.name == "Signatory Block"
    columns = int(layout.load("official").number("signatures.columns"))
    assert len(table.columns) == columns
    cells = []
    assert table.rows, "nothing to check: table.rows is empty"
    for row in table.rows:
        tr_pr = row._tr.trPr
        assert tr_pr is not None and tr_pr.find(w("cantSplit")) is not None
        for cell in row.cells:
            pairs = [(p.style.name, p.text) for p in cell.paragraphs]
            # The seed was adopted at a videoconference (signature: name-only): no lines.
            assert [s for s, _ in pairs] == ["Signatory Title", "Signatory Name"]
            cells.append(pairs)
    assert [(c[0][1], c[1][1]) for c in cells] == [(s.title, s.name) for s in statement.signatories]
    # The style draws no border; the paragraph before the table keeps with it.
    styles = xml(package, "word/styles.xml")
    borders = styles.find(".//w:style[@w:styleId='SignatoryBlock']/w:tblPr/w:tblBorders", NS)
    assert {b.get(w("val")) for b in borders} == {"nil"}
    before = table._tbl.getprevious()
    assert before.find("w:pPr/w:keepNext", NS) is not None
    for sid in ("SignatoryTitle", "SignatoryName"):
        assert styles.find(f".//w:style[@w:styleId='{sid}']/w:pPr/w:keepNext", NS) is not None


def test_styles_come_from_layout_values(package):
    lay = layout.load("official")
    styles = xml(package, "word/styles.xml")
    rpr = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert rpr.find("w:rFonts", NS).get(w("ascii")) == lay.get("fonts.default.family")
    assert rpr.find("w:sz", NS).get(w("val")) == str(round(lay.number("text.size_pt") * 2))
    assert rpr.find("w:lang", NS).get(w("val")) == "ru"
    article = styles.find(".//w:style[@w:styleId='StatementArticle']/w:pPr", NS)
    indent = round(lay.number("text.indent_cm") * 10 * 1440 / 25.4)
    assert article.find("w:ind", NS).get(w("firstLine")) == str(indent)
    assert article.find("w:jc", NS).get(w("val")) == "both"
    normal = styles.find(".//w:style[@w:styleId='Normal']/w:pPr/w:spacing", NS)
    line = round(lay.number("text.size_pt") * lay.number("text.line_height") * 20)
    assert normal.get(w("line")) == str(line)
    notes = styles.find(".//w:style[@w:styleId='FootnoteText']/w:rPr/w:sz", NS)
    assert notes.get(w("val")) == str(round(lay.number("notes.size_pt") * 2))
    sect = xml(package, "word/document.xml").find(".//w:body/w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    assert int(size.get(w("w"))) == round(lay.number("page.width_mm") * 1440 / 25.4)
    margins = sect.find("w:pgMar", NS)
    assert int(margins.get(w("left"))) == round(lay.number("page.margin_left_mm") * 1440 / 25.4)
    assert int(margins.get(w("header"))) == round(lay.number("page.number_top_mm") * 1440 / 25.4)


def test_a_changed_layout_changes_the_styles(tmp_path, monkeypatch, statement):
    folder = tmp_path / "layouts" / "narrow"
    folder.mkdir(parents=True)
    (folder / "layout.toml").write_text(
        'inherit = "official"\n[text]\nsize_pt = 12\n[page]\nmargin_left_mm = 25\n'
        "[signatures]\ncolumns = 2\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path / "layouts"))
    dest = docx_writer.write(statement, layout.load("narrow"), tmp_path / "narrow.docx")
    doc = docx.Document(str(dest))
    assert doc.styles["Normal"].font.size.pt == 12
    assert round(doc.sections[0].left_margin.mm) == 25
    assert len(doc.tables[0].columns) == 2 and len(doc.tables[0].rows) == 3


# -- numbering --------------------------------------------------------------------------------


def test_articles_use_word_numbering_linked_to_the_article_style(package, document, statement):
    numbering = xml(package, "word/numbering.xml")
    styles = xml(package, "word/styles.xml")
    num_pr = styles.find(".//w:style[@w:styleId='StatementArticle']/w:pPr/w:numPr", NS)
    num_id = num_pr.find("w:numId", NS).get(w("val"))
    num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
    abstract_id = num.find("w:abstractNumId", NS).get(w("val"))
    lvl = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl", NS)
    assert lvl.find("w:numFmt", NS).get(w("val")) == "decimal"
    assert lvl.find("w:lvlText", NS).get(w("val")) == "%1."
    assert lvl.find("w:start", NS).get(w("val")) == str(statement.articles[0].number)
    assert lvl.find("w:pStyle", NS).get(w("val")) == "StatementArticle"
    # Exactly one numbered paragraph per article; continuation paragraphs carry no number.
    numbered = [p for p in document.paragraphs if p.style.name == "Statement Article"]
    assert len(numbered) == len(statement.articles) == 6
    cont = styles.find(".//w:style[@w:styleId='StatementArticleContinued']/w:pPr/w:numPr", NS)
    assert cont is None
    assert all(p._p.pPr.numPr is None for p in document.paragraphs)


def test_sub_items_are_numbered_lists(tmp_path):
    src = tmp_path / "s.md"
    src.write_text(
        MINIMAL.replace(
            "   - подпункт один;\n   - подпункт два.",
            "   3) подпункт три;\n   4) подпункт четыре.\n\n   Ещё абзац.\n\n   - маркер",
        ),
        encoding="utf-8",
    )
    dest = docx_writer.write(load(src), layout.load("official"), tmp_path / "s.docx")
    doc = docx.Document(str(dest))
    with zipfile.ZipFile(dest) as zf:
        numbering = etree.fromstring(zf.read("word/numbering.xml"))
    items = [p for p in doc.paragraphs if p.style.name == "Statement Sub-item"]
    assert [p.text for p in items] == ["подпункт три;", "подпункт четыре.", "маркер"]
    ids = [p._p.pPr.numPr.numId.val for p in items]
    assert ids[0] == ids[1] != ids[2]
    ordered = numbering.find(f"w:num[@w:numId='{ids[0]}']", NS)
    assert ordered.find("w:lvlOverride/w:startOverride", NS).get(w("val")) == "3"
    bullet_abs = numbering.find(f"w:num[@w:numId='{ids[2]}']/w:abstractNumId", NS).get(w("val"))
    fmt = numbering.find(f"w:abstractNum[@w:abstractNumId='{bullet_abs}']/w:lvl/w:numFmt", NS)
    assert fmt.get(w("val")) == "bullet"


def test_sub_items_numbered_from_zero_keep_their_numbers(tmp_path):
    src = tmp_path / "z.md"
    src.write_text(
        MINIMAL.replace("   - подпункт один;\n   - подпункт два.", "   0) нулевой;\n   1) первый."),
        encoding="utf-8",
    )
    dest = docx_writer.write(load(src), layout.load("official"), tmp_path / "z.docx")
    doc = docx.Document(str(dest))
    with zipfile.ZipFile(dest) as zf:
        numbering = etree.fromstring(zf.read("word/numbering.xml"))
    item = next(p for p in doc.paragraphs if p.style.name == "Statement Sub-item")
    num = numbering.find(f"w:num[@w:numId='{item._p.pPr.numPr.numId.val}']", NS)
    assert num.find("w:lvlOverride/w:startOverride", NS).get(w("val")) == "0"


# -- footnotes --------------------------------------------------------------------------------


def test_footnotes_part_is_related_and_typed(package):
    rels = xml(package, "word/_rels/document.xml.rels")
    targets = {r.get("Type").rsplit("/", 1)[1]: r.get("Target") for r in rels}
    assert targets["footnotes"] == "footnotes.xml"
    types = xml(package, "[Content_Types].xml")
    override = types.find(
        "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
        "[@PartName='/word/footnotes.xml']"
    )
    assert override.get("ContentType").endswith("wordprocessingml.footnotes+xml")


def test_footnotes_linked_both_ways_with_the_notes_texts(package, statement):
    notes = xml(package, "word/footnotes.xml")
    body = xml(package, "word/document.xml")
    kinds = {n.get(w("id")): n.get(w("type")) for n in notes.findall("w:footnote", NS)}
    assert kinds["-1"] == "separator" and kinds["0"] == "continuationSeparator"
    assert notes.find("w:footnote[@w:id='-1']//w:separator", NS) is not None
    assert notes.find("w:footnote[@w:id='0']//w:continuationSeparator", NS) is not None
    refs = [r.get(w("id")) for r in body.iter(w("footnoteReference"))]
    real = [n for n in notes.findall("w:footnote", NS) if n.get(w("type")) is None]
    assert refs == [n.get(w("id")) for n in real] == [str(n.number) for n in statement.notes]
    for ref in body.iter(w("footnoteReference")):
        assert ref.getparent().find("w:rPr/w:rStyle", NS).get(w("val")) == "FootnoteReference"
    for note, model in zip(real, statement.notes, strict=True):
        paragraph = note.find("w:p", NS)
        assert paragraph.find("w:pPr/w:pStyle", NS).get(w("val")) == "FootnoteText"
        mark = paragraph.find("w:r/w:footnoteRef", NS)
        assert mark.getparent().find("w:rPr/w:rStyle", NS).get(w("val")) == "FootnoteReference"
        text = "".join(t.text for t in note.iter(w("t"))).strip()
        # Each note ends with the mark that it is the editors' (no heading stands above them).
        mark = "\u00a0— Прим.\u00a0ред."
        assert text == " ".join(plain_text(p) for p in model.paragraphs) + mark
    settings = xml(package, "word/settings.xml")
    assert [f.get(w("id")) for f in settings.findall("w:footnotePr/w:footnote", NS)] == ["-1", "0"]
    styles = xml(package, "word/styles.xml")
    ref_style = styles.find(".//w:style[@w:styleId='FootnoteReference']", NS)
    assert ref_style.find("w:name", NS).get(w("val")) == "footnote reference"
    assert ref_style.find("w:rPr/w:vertAlign", NS).get(w("val")) == "superscript"


def test_a_note_called_twice_is_one_footnote_and_a_noteref_field(write_source, tmp_path):
    dest = docx_writer.write(load(write_source()), layout.load("official"), tmp_path / "m.docx")
    with zipfile.ZipFile(dest) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        notes = etree.fromstring(zf.read("word/footnotes.xml"))
    assert [r.get(w("id")) for r in body.iter(w("footnoteReference"))] == ["1", "2"]
    assert len(notes.findall("w:footnote", NS)) == 4
    instr = [t.text for t in body.iter(w("instrText"))]
    assert instr == [" NOTEREF _RefNote1 \\f \\h "]
    mark = body.find(".//w:bookmarkStart[@w:name='_RefNote1']", NS)
    assert mark.getnext().find("w:footnoteReference", NS).get(w("id")) == "1"
    emphasis = notes.find(".//w:footnote[@w:id='2']//w:rStyle[@w:val='Emphasis']", NS)
    assert emphasis.getparent().getparent().find("w:t", NS).text == "примечание"


# -- header, settings, properties -------------------------------------------------------------


def test_header_has_a_centred_page_field_from_page_two(package, document):
    sect = xml(package, "word/document.xml").find(".//w:body/w:sectPr", NS)
    assert sect.find("w:titlePg", NS) is not None
    rels = {r.get("Id"): r.get("Target") for r in xml(package, "word/_rels/document.xml.rels")}
    refs = {
        h.get(w("type")): rels[h.get(f"{{{R}}}id")] for h in sect.findall("w:headerReference", NS)
    }
    default = xml(package, f"word/{refs['default']}")
    chars = [f.get(w("fldCharType")) for f in default.iter(w("fldChar"))]
    assert chars == ["begin", "separate", "end"]
    assert [t.text.strip() for t in default.iter(w("instrText"))] == ["PAGE"]
    assert default.find("w:p/w:pPr/w:pStyle", NS).get(w("val")) == "Header"
    styles = xml(package, "word/styles.xml")
    jc = styles.find(".//w:style[@w:styleId='Header']/w:pPr/w:jc", NS)
    assert jc.get(w("val")) == "center"
    first = xml(package, f"word/{refs['first']}")
    assert list(first.iter(w("instrText"))) == [] and "".join(first.itertext()) == ""


def test_language_and_hyphenation(package):
    settings = xml(package, "word/settings.xml")
    # The layout's hyphens are soft hyphens in the text (test_docx_hyphens.py): the word
    # processor's own hyphenation stays off.
    assert settings.find("w:autoHyphenation", NS).get(w("val")) == "false"
    assert b"<w:softHyphen/>" in package["word/document.xml"]
    assert settings.find("w:themeFontLang", NS).get(w("val")) == "ru"
    styles = xml(package, "word/styles.xml")
    assert styles.find("w:docDefaults//w:lang", NS).get(w("val")) == "ru"


def test_core_properties(document, statement):
    cp = document.core_properties
    assert cp.title == statement.meta.full_title
    assert cp.title.startswith("Совместное заявление встречи министров иностранных дел")
    assert cp.subject == statement.meta.full_title
    assert cp.keywords.startswith("Совместное заявление; Китайская Народная Республика")
    assert cp.language == "ru"
    assert cp.author == cp.last_modified_by == f"statementpress {__version__}"
    assert cp.created == cp.modified == reproducible.build_time(statement)
    assert cp.revision == 1


def test_source_date_epoch_sets_the_dates(write_source, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dest = docx_writer.write(load(write_source()), layout.load("official"), tmp_path / "e.docx")
    cp = docx.Document(str(dest)).core_properties
    assert cp.created.isoformat() == "2023-11-14T22:13:20+00:00"
    with zipfile.ZipFile(dest) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_nothing_left_from_python_docx_template(package, document):
    names = set(package)
    for leftover in ("customXml", "thumbnail", "stylesWithEffects", "theme", "webSettings"):
        assert not any(leftover in n for n in names), leftover
    for name, data in package.items():
        if name.endswith((".xml", ".rels")):
            text = data.decode("utf-8")
            assert "python-docx" not in text and "2013-12-23" not in text, name
            assert "Macintosh" not in text and "Normal.dotm" not in text, name
    allowed = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"} | {
        s.id for s in vars(docx_styles).values() if isinstance(s, docx_writer.StyleName)
    }
    assert {s.style_id for s in document.styles} == allowed
    styles = xml(package, "word/styles.xml")
    assert styles.findall(".//w:lsdException", NS) == []
    assert styles.find("w:latentStyles", NS).get(w("defSemiHidden")) == "1"
    settings = xml(package, "word/settings.xml")
    assert settings.find("w:rsids", NS) is None
    app = package["docProps/app.xml"].decode("utf-8")
    assert f"<Application>statementpress {__version__}</Application>" in app


# -- reproducibility and text -----------------------------------------------------------------


def test_two_builds_are_byte_identical(docx_path, statement, tmp_path):
    again = docx_writer.write(statement, layout.load("official"), tmp_path / "again.docx")
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(again) == digest(docx_path)
    with zipfile.ZipFile(again) as zf:
        assert zf.namelist()[:2] == ["[Content_Types].xml", "_rels/.rels"]


def readback(package) -> str:
    """The document's text as a reader sees it: numbers of numbered paragraphs, body, notes."""
    body = xml(package, "word/document.xml")
    styles = xml(package, "word/styles.xml")
    numbering = xml(package, "word/numbering.xml")
    style_num = {}
    for style in styles.findall("w:style", NS):
        num_id = style.find("w:pPr/w:numPr/w:numId", NS)
        if num_id is not None:
            style_num[style.get(w("styleId"))] = num_id.get(w("val"))
    counters: dict[str, int] = {}

    def number(p) -> str:
        num_id = p.find("w:pPr/w:numPr/w:numId", NS)
        style = p.find("w:pPr/w:pStyle", NS)
        nid = (
            num_id.get(w("val"))
            if num_id is not None
            else style_num.get(style.get(w("val")) if style is not None else "")
        )
        if nid is None:
            return ""
        num = numbering.find(f"w:num[@w:numId='{nid}']", NS)
        abstract = numbering.find(
            f"w:abstractNum[@w:abstractNumId='{num.find('w:abstractNumId', NS).get(w('val'))}']", NS
        )
        lvl = abstract.find("w:lvl", NS)
        start = num.find("w:lvlOverride/w:startOverride", NS)
        first = int((start if start is not None else lvl.find("w:start", NS)).get(w("val")))
        counters[nid] = counters.get(nid, first - 1) + 1
        return lvl.find("w:lvlText", NS).get(w("val")).replace("%1", str(counters[nid])) + " "

    parts = []
    for p in body.iter(w("p")):
        runs = []
        for el in p.iter(w("t"), w("br")):
            runs.append(el.text or "" if el.tag == w("t") else "\n")
        parts.append(number(p) + "".join(runs))
    notes = xml(package, "word/footnotes.xml")
    parts += ["".join(t.text for t in n.iter(w("t"))) for n in notes.findall("w:footnote", NS)]
    return "\n".join(parts)


def test_text_parity_with_seed(package):
    text = readback(package)
    assert_words_in_order(text)
    assert [x for x in words(text) if re.fullmatch(r"\d\.", x)] == [f"{n}." for n in range(1, 7)]


# -- fonts ------------------------------------------------------------------------------------


def test_font_files_are_embedded_and_deobfuscate_to_the_originals(package, statement):
    face = fonts.face_for(layout.load("official"), "ru")
    table = xml(package, "word/fontTable.xml")
    rels = {r.get("Id"): r.get("Target") for r in xml(package, "word/_rels/fontTable.xml.rels")}
    font = table.find(f"w:font[@w:name='{face.family}']", NS)
    tags = {
        "embedRegular": "regular",
        "embedBold": "bold",
        "embedItalic": "italic",
        "embedBoldItalic": "bold_italic",
    }
    seen = set()
    assert len(font), "nothing to check: font is empty"
    for el in font:
        tag = etree.QName(el).localname
        if tag not in tags:
            continue
        key = el.get(w("fontKey"))
        assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", key)
        data = package["word/" + rels[el.get(f"{{{R}}}id")]]
        original = face.files[tags[tag]].read_bytes()
        assert data != original  # obfuscated in the package ...
        guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
        plain = bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32])) + data[32:]
        assert plain == original  # ... and restored by the spec's key
        seen.add(tags[tag])
    assert seen == set(face.files)
    assert xml(package, "word/settings.xml").find("w:embedTrueTypeFonts", NS) is not None
    types = package["[Content_Types].xml"].decode()
    assert types.count("application/vnd.openxmlformats-officedocument.obfuscatedFont") == 4


def test_uncovered_character_fails_the_build_before_writing(write_source, tmp_path):
    from statementpress.builder import build
    from statementpress.errors import SourceError

    source = write_source(MINIMAL.replace("Первая статья", "Первая ☃ статья"))
    with pytest.raises(SourceError, match=f"^{source}:20:11: error: '☃' \\(U\\+2603\\)"):
        build([source], ["docx"], out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- reference.docx ---------------------------------------------------------------------------


def test_reference_docx_styles_and_header_are_used(tmp_path, monkeypatch, statement):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    folder = tmp_path / "layouts" / "ministry"
    folder.mkdir(parents=True)
    ref = docx.Document()
    title = ref.styles.add_style("Statement Title", WD_STYLE_TYPE.PARAGRAPH)
    title.font.size = Pt(20)
    ref.sections[0].header.paragraphs[0].text = "MINISTRY LETTERHEAD"
    ref.add_paragraph("template body text that must not survive")
    for rId, rel in list(ref.part.rels.items()):  # Word templates may have no numbering part
        if rel.reltype.endswith("/numbering"):
            del ref.part.rels[rId]
    ref.save(str(folder / "reference.docx"))
    (folder / "layout.toml").write_text(
        'inherit = "official"\n[docx]\nreference = "reference.docx"\n', encoding="utf-8"
    )
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path / "layouts"))
    dest = docx_writer.write(statement, layout.load("ministry"), tmp_path / "ref.docx")
    doc = docx.Document(str(dest))
    assert doc.styles["Statement Title"].font.size.pt == 20
    assert doc.styles["Statement Preamble"].paragraph_format.first_line_indent is not None
    assert doc.sections[0].header.paragraphs[0].text == "MINISTRY LETTERHEAD"
    lang = doc.styles.element.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(w("val")) == "ru"
    assert [(p.style.name, p.text) for p in doc.paragraphs] == expected_pairs(statement)
    with zipfile.ZipFile(dest) as zf:
        notes = etree.fromstring(zf.read("word/footnotes.xml"))
        numbering = etree.fromstring(zf.read("word/numbering.xml"))
    assert len(notes.findall("w:footnote", NS)) == len(statement.notes) + 2
    assert numbering.find("w:abstractNum/w:lvl/w:pStyle[@w:val='StatementArticle']", NS) is not None


# -- LibreOffice's rendering ------------------------------------------------------------------


@pytest.fixture(scope="session")
def rendered(docx_path, tmp_path_factory) -> Path:
    """The DOCX converted to PDF by LibreOffice headless, once per session."""
    return libreoffice.to_pdf(docx_path, tmp_path_factory.mktemp("lo"))


@pytest.fixture(scope="session")
def rendered_words(rendered) -> list[dict]:
    """Every word of LibreOffice's PDF with its page and box (from `pdftotext -bbox`)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(rendered), "-"], capture_output=True, check=True
    ).stdout
    root = etree.fromstring(html, etree.HTMLParser(encoding="utf-8"))
    out = []
    for number, page in enumerate(root.iter("page"), start=1):
        for word in page.iter("word"):
            out.append(
                {
                    "page": number,
                    "text": word.text or "",
                    "y": float(word.get("ymin")),
                    "x": float(word.get("xmin")),
                    "height": float(page.get("height")),
                    "width": float(page.get("width")),
                }
            )
    return out


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def test_libreoffice_renders_it_on_the_expected_pages(rendered, official_pdf):
    pages = page_count(rendered)
    assert 3 <= pages <= 5
    assert abs(page_count(official_pdf) - pages) <= 1  # within a page of our own PDF


def test_libreoffice_uses_the_embedded_font(rendered):
    # PT Serif is not a system font here: LibreOffice can only have it from the package.
    listing = subprocess.run(
        ["pdffonts", str(rendered)], capture_output=True, text=True, check=True
    ).stdout
    used = [line.split()[0] for line in listing.splitlines()[2:]]
    assert used and all("PTSerif" in name for name in used), listing


def find_phrase(words_, phrase: list[str]) -> list[dict]:
    """The words of the first occurrence of `phrase` (a list of words), or []."""
    texts = [x["text"] for x in words_]
    for i in range(len(texts) - len(phrase) + 1):
        if texts[i : i + len(phrase)] == phrase:
            return words_[i : i + len(phrase)]
    return []


def test_notes_sit_at_the_foot_of_the_page_of_their_call(rendered_words, statement):
    from statementpress.model import NoteRef, Text

    calls = {}
    blocks = list(statement.preamble) + [b for a in statement.articles for b in a.blocks]
    assert blocks, "nothing to check: blocks is empty"
    for block in blocks:
        content = block.content
        for i, node in enumerate(content):
            if isinstance(node, NoteRef) and node.occurrence == 1:
                before = next(n for n in reversed(content[:i]) if isinstance(n, Text))
                calls[node.number] = before.text.split()[-2:]
    assert len(calls) == len(statement.notes)
    assert statement.notes, "nothing to check: statement.notes is empty"
    for note in statement.notes:
        body = plain_text(note.paragraphs[0]).split()[:4]
        found = find_phrase(rendered_words, body)
        assert found, f"note {note.number} not rendered: {body}"
        page = found[0]["page"]
        # The call: the words before it, the last one carrying the note's number.
        call = calls[note.number]
        on_page = [x for x in rendered_words if x["page"] == page]
        texts = [x["text"] for x in on_page]
        # LibreOffice hyphenates with hyphen-ru installed: rejoin the words split at line ends.
        joined = re.sub(r"(\w)- (\w)", r"\1\2", " ".join(texts))
        assert (" ".join(call) + str(note.number)) in joined or (
            " ".join(call) + " " + str(note.number)
        ) in joined, (note.number, call, page)
        # At the foot: below every body line of the page, in its lower part.
        note_y = found[0]["y"]
        assert note_y > 0.5 * found[0]["height"]
        number_marks = [
            x for x in on_page if x["text"] == str(note.number) and x["y"] > note_y - 30
        ]
        assert number_marks, "the note's number mark"
        body_words = [x for x in on_page if x["y"] < note_y - 1]
        call_word = next(x for x in on_page if x["text"].startswith(call[-1]))
        assert call_word in body_words


def test_rendered_article_numbers_and_page_numbers(rendered, rendered_words):
    starts = [x["text"] for x in rendered_words if re.fullmatch(r"\d\.", x["text"])]
    assert starts == [f"{n}." for n in range(1, 7)]
    pages = page_count(rendered)
    for page in range(1, pages + 1):
        top = [x for x in rendered_words if x["page"] == page]
        first = min(top, key=lambda x: x["y"])
        if page == 1:
            assert first["text"] != "1"
        else:
            assert first["text"] == str(page)
            assert abs(first["x"] - first["width"] * 0.55) < first["width"] * 0.1  # centred
