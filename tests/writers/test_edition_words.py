"""What every edition says around the text, read back from the files: the document title,
the names of the numbered units and of the notes, the signatory block's mode, the sub-item
markers and their indent, the Chinese bold and line breaking (issue 11, points 3-8)."""

from __future__ import annotations

import re
import statistics
import subprocess
import zipfile
from html import unescape
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from pypdf.generic import ContentStream

from conftest import MINIMAL, ROOT, SOURCE
from statementpress import builder, layout, load
from statementpress.labels import labels, unit_for
from statementpress.model import Meta

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "h": "http://www.w3.org/1999/xhtml",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "epub": "http://www.idpf.org/2007/ops",
}
FORMATS = ("pdf", "docx", "epub", "html")
SEED_TITLE = (
    "Совместное заявление встречи министров иностранных дел «Центральная Азия\u00a0— Китай»"
)
ZH_SOURCE = ROOT / "tests" / "fixtures" / "harbour-accord-2031.zh.md"


def build_all(source: Path, out: Path, formats=FORMATS) -> dict[str, Path]:
    """Every edition of one source, by format."""
    written = builder.build([source], formats=list(formats), out=out)
    return {path.suffix[1:]: path for path in written}


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def zipped(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as zf:
        return parse(zf.read(name))


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> dict[str, Path]:
    return build_all(SOURCE, tmp_path_factory.mktemp("seed"))


# -- 3. titles ---------------------------------------------------------------------------------


def test_every_edition_is_titled_kind_and_title(seed):
    assert pypdf.PdfReader(seed["pdf"]).metadata.title == SEED_TITLE
    core = zipped(seed["docx"], "docProps/core.xml")
    assert core.findtext("{http://purl.org/dc/elements/1.1/}title") == SEED_TITLE
    opf = zipped(seed["epub"], "EPUB/package.opf")
    assert opf.findtext("opf:metadata/dc:title[@id='title']", namespaces=NS) == SEED_TITLE
    page = parse(seed["html"].read_bytes())
    assert page.findtext("h:head/h:title", namespaces=NS) == SEED_TITLE


# -- 4. labels per kind and language; editorial notes -------------------------------------------


@pytest.mark.parametrize(
    "kind, lang, unit, expected",
    [
        ("Совместное заявление", "ru", None, "Пункт 3"),
        ("Коммюнике", "ru", None, "Пункт 3"),
        ("Соглашение о сотрудничестве", "ru", None, "Статья 3"),
        ("Договор", "ru", None, "Статья 3"),
        ("Совместное заявление", "ru", "article", "Статья 3"),
        ("Joint Statement", "en", None, "Point 3"),
        ("Treaty of Friendship", "en", None, "Article 3"),
        ("Agreement", "en", "point", "Point 3"),
        ("联合声明", "zh", None, "第3点"),
        ("协定", "zh", None, "第3条"),
        (None, "ru", None, "Пункт 3"),
    ],
)
def test_unit_names_come_from_kind_and_language(kind, lang, unit, expected):
    import datetime

    meta = Meta(
        id="x", lang=lang, title=("t",), date=datetime.date(2020, 1, 1), kind=kind, unit=unit
    )
    table = labels(lang, unit_for(meta))
    assert table["unit"].format(n=3) == expected


@pytest.mark.parametrize(
    "lang, notes, mark",
    [
        ("ru", "Примечания редакции", "Прим.\u00a0ред."),
        ("en", "Editorial notes", "Ed."),
        ("zh", "编者注", "编者注"),
    ],
)
def test_notes_are_named_editorial_in_each_language(lang, notes, mark):
    table = labels(lang)
    assert table["notes"] == notes
    assert table["editorial_mark"].endswith(mark)


def test_seed_outline_and_contents_name_points(seed):
    reader = pypdf.PdfReader(seed["pdf"])
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    points, notes = [item for item in reader.outline if isinstance(item, list)]
    assert [p.title for p in points] == [f"Пункт {n}" for n in range(1, 7)]
    assert "Примечания редакции" in titles
    nav = zipped(seed["epub"], "EPUB/nav.xhtml")
    entries = [a.text for a in nav.findall(".//h:nav[@id='toc']//h:a", NS)]
    assert [e for e in entries if e.startswith("Пункт")] == [f"Пункт {n}" for n in range(1, 7)]
    assert not any(e.startswith("Статья") for e in entries)
    assert entries[-1] == "Примечания редакции"


def test_editorial_notes_are_marked_in_every_edition(seed):
    st = load(SOURCE)
    count = len(st.notes)
    # HTML and EPUB: the notes section's heading.
    for root in (
        parse(seed["html"].read_bytes()),
        zipped(seed["epub"], "EPUB/statement.xhtml"),
    ):
        assert root.findtext(".//h:h2[@id='notes-heading']", namespaces=NS) == "Примечания редакции"
    # PDF: every footnote ends with the mark (the text layer, lines joined).
    text = subprocess.run(
        ["pdftotext", str(seed["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert re.sub(r"\s+", " ", text).count("— Прим. ред.") == count
    # DOCX: every footnote's last paragraph ends with it.
    notes = zipped(seed["docx"], "word/footnotes.xml")
    real = [n for n in notes.findall("w:footnote", NS) if n.get(f"{{{W}}}type") is None]
    assert len(real) == count
    for note in real:
        last = note.findall("w:p", NS)[-1]
        assert "".join(t.text for t in last.iter(f"{{{W}}}t")).endswith("\u00a0— Прим.\u00a0ред.")


def test_treaty_kind_names_articles(write_source, tmp_path):
    source = write_source(MINIMAL.replace("kind: Совместное заявление", "kind: Соглашение"))
    nav = zipped(build_all(source, tmp_path / "out", ["epub"])["epub"], "EPUB/nav.xhtml")
    entries = [a.text for a in nav.findall(".//h:nav[@id='toc']//h:a", NS)]
    assert "Статья 1" in entries and "Пункт 1" not in entries


# -- 5. signatory block modes ------------------------------------------------------------------


def test_signature_mode_is_read_and_checked(write_source):
    from statementpress.errors import SourceError

    assert load(write_source()).meta.signature == "line"
    named = MINIMAL.replace("date: 2021-05-12", "date: 2021-05-12\nsignature: name-only")
    assert load(write_source(named)).meta.signature == "name-only"
    bad = MINIMAL.replace("date: 2021-05-12", "date: 2021-05-12\nsignature: nameonly")
    with pytest.raises(SourceError) as caught:
        load(write_source(bad))
    assert ":9:12: error: invalid signature 'nameonly'; did you mean 'name-only'?" in str(
        caught.value
    )
    bad_unit = MINIMAL.replace("date: 2021-05-12", "date: 2021-05-12\nunit: paragraph")
    with pytest.raises(SourceError, match="invalid unit 'paragraph'"):
        load(write_source(bad_unit))


def test_seeds_were_adopted_without_hand_signatures():
    assert load(SOURCE).meta.signature == "name-only"
    assert load(ROOT / "source" / "ca-china-fm-2020-07-16.en.md").meta.signature == "name-only"


def thin_rules(pdf: Path) -> list[float]:
    """Widths of the thin horizontal strips drawn on the last page (signature lines are
    drawn as such paths; the notes' rule is an image)."""
    reader = pypdf.PdfReader(pdf)
    page = reader.pages[-1]
    found, points = [], []

    def close() -> None:
        if len(points) >= 3:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            if max(ys) - min(ys) < 2 and max(xs) - min(xs) > 50:
                found.append(max(xs) - min(xs))

    for args, op in ContentStream(page.get_contents(), reader).operations:
        if op == b"m":
            close()
            points = [(float(args[0]), float(args[1]))]
        elif op == b"l":
            points.append((float(args[0]), float(args[1])))
    close()
    return found


@pytest.fixture(scope="module")
def both_modes(tmp_path_factory) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("modes")
    out = {}
    for mode in ("line", "name-only"):
        source = folder / f"{mode}.md"
        text = MINIMAL.replace("id: test-statement", f"id: mode-{mode}")
        source.write_text(text.replace("date: 2021-05-12", f"date: 2021-05-12\nsignature: {mode}"))
        out[mode] = build_all(source, folder / "out")
    return out


def test_name_only_prints_no_signature_lines(both_modes):
    line, name_only = both_modes["line"], both_modes["name-only"]
    # PDF: one rule per signatory with lines, none without.
    assert len(thin_rules(line["pdf"])) == 2
    assert thin_rules(name_only["pdf"]) == []
    # HTML and EPUB: no signature-line element; titles and names still there.
    for files, expected in ((line, 2), (name_only, 0)):
        for root in (
            parse(files["html"].read_bytes()),
            zipped(files["epub"], "EPUB/statement.xhtml"),
        ):
            assert len(root.findall(".//h:p[@class='signature-line']", NS)) == expected
            names = [p.text for p in root.findall(".//h:p[@class='signatory-name']", NS)]
            assert names == ["И.И.\u00a0Иванов", "П.П.\u00a0Петров"]
    # DOCX: no paragraph in the signature-line style, no border in the table.
    for files, expected in ((line, 2), (name_only, 0)):
        document = zipped(files["docx"], "word/document.xml")
        table = document.find(".//w:tbl", NS)
        styles = [s.get(f"{{{W}}}val") for s in table.iter(f"{{{W}}}pStyle")]
        assert styles.count("SignatoryLine") == expected
        assert styles.count("SignatoryName") == 2
        assert table.find(".//w:pBdr", NS) is None


# -- 7. sub-item markers and indent ------------------------------------------------------------

SUBITEMS = MINIMAL.replace(
    "   - подпункт один;\n   - подпункт два.",
    "   1) подпункт один;\n   2) подпункт два;\n   3) подпункт три.",
)


@pytest.fixture(scope="module")
def with_subitems(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("subitems")
    source = folder / "test-statement.md"
    source.write_text(SUBITEMS, encoding="utf-8")
    return build_all(source, folder / "out")


def pdf_words(pdf: Path) -> list[tuple[float, float, str]]:
    """(x, y of the baseline, text) of every word of the PDF's first page."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (float(x), float(y), unescape(t))
        for x, y, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', out
        )
    ]


def docx_markers(document: etree._Element, numbering: etree._Element) -> tuple[list[str], int]:
    """The markers Word prints before the numbered sub-items, and their indent (twips)."""

    def attr(el, name):
        return el.get(f"{{{W}}}{name}")

    nums = {attr(n, "numId"): n for n in numbering.findall("w:num", NS)}
    abstracts = {attr(a, "abstractNumId"): a for a in numbering.findall("w:abstractNum", NS)}
    counters: dict[str, int] = {}
    markers, indents = [], set()
    for p in document.iter(f"{{{W}}}p"):
        if p.find("w:pPr/w:pStyle[@w:val='StatementSubitem']", NS) is None:
            continue
        num_id = p.find("w:pPr/w:numPr/w:numId", NS)
        if num_id is None:
            continue
        num = nums[attr(num_id, "val")]
        lvl = abstracts[attr(num.find("w:abstractNumId", NS), "val")].find("w:lvl", NS)
        start = num.find("w:lvlOverride/w:startOverride", NS)
        first = int(attr(start if start is not None else lvl.find("w:start", NS), "val"))
        n = counters.setdefault(attr(num_id, "val"), first)
        counters[attr(num_id, "val")] += 1
        markers.append(attr(lvl.find("w:lvlText", NS), "val").replace("%1", str(n)))
        ind = lvl.find("w:pPr/w:ind", NS)
        indents.add(int(attr(ind, "left")) - int(attr(ind, "hanging")))
    (indent,) = indents
    return markers, indent


def test_subitem_markers_are_the_same_text_in_every_edition(with_subitems):
    expected = ["1)", "2)", "3)"]
    for root in (
        parse(with_subitems["html"].read_bytes()),
        zipped(with_subitems["epub"], "EPUB/statement.xhtml"),
    ):
        spans = root.findall(".//h:span[@class='subitem-marker']", NS)
        assert [s.text.strip() for s in spans] == expected
    words = [t for _, _, t in pdf_words(with_subitems["pdf"])]
    numbers = [t for t in words if re.fullmatch(r"\d+[.)]", t)]
    assert numbers[:5] == ["1.", *expected, "2."]  # (the footnotes' numbers follow)
    markers, _ = docx_markers(
        zipped(with_subitems["docx"], "word/document.xml"),
        zipped(with_subitems["docx"], "word/numbering.xml"),
    )
    assert markers == expected


def test_subitems_are_indented_under_their_point(with_subitems):
    # PDF: each marker starts right of the point's number.
    words = pdf_words(with_subitems["pdf"])
    point_x = next(x for x, _, t in words if t == "1.")
    marker_x = [x for x, _, t in words if t in ("1)", "2)", "3)")]
    assert len(marker_x) == 3 and min(marker_x) > point_x + 10  # more than 10 pt further in
    # DOCX: the numbering level puts the marker past the point's first-line indent.
    _, marker_twips = docx_markers(
        zipped(with_subitems["docx"], "word/document.xml"),
        zipped(with_subitems["docx"], "word/numbering.xml"),
    )
    styles = zipped(with_subitems["docx"], "word/styles.xml")
    article = styles.find(".//w:style[@w:styleId='StatementArticle']/w:pPr/w:ind", NS)
    assert marker_twips > int(article.get(f"{{{W}}}firstLine"))
    # HTML and EPUB: the stylesheets hang the marker past the paragraph indent.
    lists = layout.load("official").values["lists"]
    assert lists["marker_cm"] > layout.load("official").number("text.indent_cm")
    with zipfile.ZipFile(with_subitems["epub"]) as zf:
        css = zf.read("EPUB/css/epub.css").decode()
    pad = float(re.search(r"\.subitems \{[^}]*padding: 0 0 0 ([\d.]+)em", css).group(1))
    hang = float(re.search(r"\.subitem-marker \{[^}]*min-width: ([\d.]+)em", css).group(1))
    indent = float(re.search(r"\np \{[^}]*text-indent: ([\d.]+)em", css).group(1))
    assert pad - hang > indent


# -- 8. Chinese: bold face, line breaking, labels ----------------------------------------------


@pytest.fixture(scope="module")
def chinese(tmp_path_factory) -> dict[str, Path]:
    return build_all(ZH_SOURCE, tmp_path_factory.mktemp("zh"), ["pdf", "epub"])


def embedded_fonts(pdf: Path) -> dict[str, bytes]:
    reader = pypdf.PdfReader(pdf)
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor.get_object()["/FontFile3"].get_object().get_data()
            found[str(font["/BaseFont"]).split("+")[-1]] = data
    return found


def ink(font_data: bytes, char: str) -> float:
    """The area of a character's outline in a font program (in font units squared)."""
    import io

    from fontTools.pens.areaPen import AreaPen
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(font_data))
    glyphs = font.getGlyphSet()
    pen = AreaPen(glyphs)
    glyphs[font.getBestCmap()[ord(char)]].draw(pen)
    return abs(pen.value)


def test_chinese_pdf_embeds_a_bold_face_for_titles_and_names(chinese):
    found = embedded_fonts(chinese["pdf"])
    bold = [name for name in found if name.endswith("-Bold")]
    assert bold == ["Noto-Serif-SC-Bold"], list(found)
    # Really heavier: the title's first character has more ink in the bold than in the regular.
    assert ink(found["Noto-Serif-SC-Bold"], "联") > 1.4 * ink(found["Noto-Serif-SC"], "联")


def test_chinese_epub_embeds_the_synthetic_bold_and_summarises_in_chinese(chinese):
    opf = zipped(chinese["epub"], "EPUB/package.opf")
    hrefs = [i.get("href") for i in opf.findall("opf:manifest/opf:item", NS)]
    assert "fonts/NotoSerifSC-Regular-SyntheticBold.otf" in hrefs
    (summary,) = opf.xpath(
        "//opf:meta[@property='schema:accessibilitySummary']/text()", namespaces=NS
    )
    assert summary.startswith("本出版物符合") and "编号的要点" in summary
    nav = zipped(chinese["epub"], "EPUB/nav.xhtml")
    entries = [a.text for a in nav.findall(".//h:nav[@id='toc']//h:a", NS)]
    assert [e for e in entries if e.endswith("点")] == ["第1点", "第2点"]
    assert entries[-1] == "编者注"


def test_chinese_footnote_mark_is_in_the_text_layer(chinese):
    """ "——编者注": the face draws the two dashes as one glyph, which must keep its text."""
    text = subprocess.run(
        ["pdftotext", str(chinese["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    notes = len(load(ZH_SOURCE).notes)
    assert notes and "".join(text.split()).count("\u2014\u2014编者注") == notes


def test_chinese_pdf_prints_the_date_when_the_text_has_none_of_its_characters(tmp_path):
    """The face is subset to what the PDF prints (for its synthesised bold): the date's
    年, 月 and 日 must be in it even where the text never uses them."""
    source = tmp_path / "x.zh.md"
    source.write_text(
        "---\nid: x\nlang: zh\ntitle: 标题\ndate: 2021-05-12\nsignatories:\n"
        "  - name: 张三\n    title: 部长\n---\n\n1. 双方同意。\n",
        encoding="utf-8",
    )
    pdf = build_all(source, tmp_path / "out", ["pdf"])["pdf"]
    fonts_used = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    # A font with a glyph missing gets a custom encoding that maps it to .notdef.
    assert "Custom" not in fonts_used and "Identity-H" in fonts_used
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "2021年5月12日" in text


NO_LINE_START = "。，、．：；！？」』）》"


def pdf_lines(pdf: Path) -> list[str]:
    """The text lines of the PDF's pages, top to bottom, raised note calls left out."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = []
    for page in out.split("<page ")[1:]:
        words = [
            (float(x0), float(y0), float(y1), unescape(t))
            for x0, y0, y1, t in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
                page,
            )
        ]
        if not words:
            continue
        height = statistics.median(y1 - y0 for _, y0, y1, _ in words)
        rows: dict[int, list] = {}
        for x0, y0, y1, t in words:
            if y1 - y0 > 0.75 * height:  # calls are set smaller
                rows.setdefault(round(y1), []).append((x0, t))
        lines.extend("".join(t for _, t in sorted(rows[y])) for y in sorted(rows))
    return lines


def kinsoku_source() -> str:
    """A Chinese statement whose note calls, each followed by 。 or ，, fall at every position
    of a line: some of them end a line."""
    text = "双方同意将各自的潮位站连接为统一网络并公开发布观测数据每年举行一次会议审议网络运行情况"
    points = [
        f"{k - 27}. {(text * 2)[:k]}[^a]。{text[:20]}[^a]，{text[:10]}、{text[:12]}。"
        for k in range(28, 40)
    ]
    head = ZH_SOURCE.read_text(encoding="utf-8").split("\n---\n")[0]
    return (
        head.replace("id: harbour-accord-2031", "id: kinsoku")
        + "\n---\n\n"
        + "\n\n".join(points)
        + "\n\n[^a]: 注释。\n"
    )


def test_no_chinese_line_starts_with_closing_punctuation(tmp_path):
    source = tmp_path / "kinsoku.zh.md"
    source.write_text(kinsoku_source(), encoding="utf-8")
    files = build_all(source, tmp_path / "out", ["pdf", "html"])
    lines = pdf_lines(files["pdf"])
    assert len(lines) > 30
    assert [line for line in lines if line[0] in NO_LINE_START] == []
    # Every call sits in one unbreakable group with the ideograph before it and the
    # punctuation after it (the HTML and EPUB share this markup).
    page = parse(files["html"].read_bytes())
    groups = page.findall(".//h:span[@class='nobreak']", NS)
    assert len(groups) == 24
    for group in groups:
        text = "".join(group.itertext())
        assert re.fullmatch(r"[\u4e00-\u9fff]1[。，]", text), text
