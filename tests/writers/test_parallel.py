"""Parallel editions: the Russian and English versions side by side, unit beside unit.

The build writes `<id>.ru-en.pdf`, `.docx` and `.html` next to the single editions; in the
PDF every point starts at the same height in both columns and each column holds its own
source's words; versions that cannot be aligned stop the build before anything is written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from lxml import etree, html
from pypdf import PdfReader

import libreoffice
from conftest import MINIMAL, ROOT, SOURCE
from parity import assert_words_in_order, normalise, words
from printed import fragments, hyphen_runs, printed_lines, spacing, text_lines
from statementpress import hyphenation, layout
from statementpress.builder import build, prepare
from statementpress.columns import parallel_columns_text
from statementpress.errors import SourceError
from statementpress.labels import statement_labels
from statementpress.model import Statement, SubList, plain_text
from statementpress.reader import load

ENGLISH = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"
FIXTURES = ROOT / "tests" / "fixtures"
HARBOUR_EN = FIXTURES / "harbour-accord-2031.en.md"
HARBOUR_ZH = FIXTURES / "harbour-accord-2031.zh.md"
ID = "ca-china-fm-2020-07-16"
MM = 72 / 25.4
PARALLEL_EXTENSIONS = ("pdf", "docx", "html")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every edition of our two versions, the parallel ones included, by file name."""
    out = tmp_path_factory.mktemp("parallel")
    return {p.name: p for p in build([SOURCE, ENGLISH], out=out)}


@pytest.fixture(scope="module")
def statements() -> dict[str, Statement]:
    """The two versions as the writers receive them (typeset), by language."""
    return {st.meta.lang: st for st in (prepare(load(SOURCE)), prepare(load(ENGLISH)))}


@pytest.fixture(scope="module")
def pdf_words(built) -> list[list[dict]]:
    """pdfplumber's words of each page of the parallel PDF (x0, x1, top in pt, fontname)."""
    with pdfplumber.open(built[f"{ID}.ru-en.pdf"]) as document:
        return [page.extract_words(extra_attrs=["fontname"]) for page in document.pages]


def expected_words(st: Statement, numbers: bool = True) -> list[str]:
    """The words a column prints, in reading order: title block, text with the article
    numbers, signatories (title, then name), notes with their numbers (without the numbers
    where Word numbers them: `numbers=False`, and without the notes, Word's footnotes)."""
    m = st.meta
    parts = [m.kind or "", *m.title, m.subtitle or ""]
    parts.extend(plain_text(p) for p in st.preamble)
    for article in st.articles:
        if numbers:
            parts.append(f"{article.number}.")
        for block in article.blocks:
            if isinstance(block, SubList):
                parts.extend(plain_text(p) for item in block.items for p in item.paragraphs)
            else:
                parts.append(plain_text(block))
    parts.extend(plain_text(p) for p in st.closing)
    for s in st.signatories:
        parts.extend((s.title, s.name))
    for note in st.notes if numbers else ():
        parts.append(f"{note.number}.")
        parts.extend(plain_text(p) for p in note.paragraphs)
    return words(" ".join(parts))


# -- the build ------------------------------------------------------------------------------


def test_build_writes_the_three_parallel_editions(built):
    for ext in PARALLEL_EXTENSIONS:
        path = built[f"{ID}.ru-en.{ext}"]
        assert path.parent.name == ID and path.stat().st_size > 10_000
    # Beside the single editions of each language, which stay as they were.
    assert {f"{ID}.ru.pdf", f"{ID}.en.pdf", f"{ID}.ru.html", f"{ID}.en.html"} <= set(built)


def test_each_language_page_links_the_parallel_editions(built):
    for lang, word in (("ru", "параллельный текст"), ("en", "parallel text")):
        page = html.parse(str(built[f"{ID}.{lang}.html"])).getroot()
        links = {a.get("href"): a for a in page.xpath("//nav[@class='editions']//a")}
        for ext in PARALLEL_EXTENSIONS:
            label = ext.upper()
            link = links[f"{ID}.ru-en.{ext}"]
            assert link.text == f"{label} (ru + en, {word})"
            assert link.get("hreflang") is None  # two languages: none of them alone


def test_format_parallel_selects_only_the_parallel_editions(tmp_path):
    written = build([SOURCE, ENGLISH], ["parallel"], out=tmp_path)
    assert sorted(p.name for p in written) == [
        f"{ID}.ru-en.{ext}" for ext in sorted(PARALLEL_EXTENSIONS)
    ]


def test_single_version_gets_no_parallel_edition(tmp_path):
    assert build([ENGLISH], ["parallel"], out=tmp_path) == []


# -- PDF ------------------------------------------------------------------------------------


def _column_boundary() -> float:
    """The x between the two columns of the official layout: half the text width."""
    return (30 + (210 - 30 - 10) / 2) * MM


def test_pdf_points_start_at_the_same_height_in_both_columns(pdf_words, statements):
    middle = _column_boundary()
    numbers = [f"{a.number}." for a in statements["ru"].articles]
    found: dict[str, list[tuple[int, str, float]]] = {}
    for page, page_words in enumerate(pdf_words):
        for w in page_words:
            if w["text"] in numbers:
                column = "left" if w["x1"] < middle else "right"
                found.setdefault(w["text"], []).append((page, column, w["top"]))
    for number in numbers:
        # The first "N." of each column is the article's (the notes come after the text).
        left = next(x for x in found[number] if x[1] == "left")
        right = next(x for x in found[number] if x[1] == "right")
        assert left[0] == right[0], f"{number} on pages {left[0] + 1} and {right[0] + 1}"
        assert abs(left[2] - right[2]) <= 1, f"{number} at {left[2]:.1f} and {right[2]:.1f} pt"


def test_pdf_signatories_start_at_the_same_height(pdf_words, statements):
    middle = _column_boundary()
    for ru, en in zip(statements["ru"].signatories, statements["en"].signatories, strict=True):
        tops = {}
        for page, page_words in enumerate(pdf_words):
            for w in page_words:
                side = "ru" if w["x1"] < middle else "en"
                name = ru.name if side == "ru" else en.name
                # The names are printed in bold under each signatory's title and line.
                bold = "Bold" in w["fontname"]
                if side not in tops and bold and w["text"] == name.split()[0]:
                    tops[side] = (page, round(w["top"]))
        assert tops["ru"] == tops["en"]


def test_pdf_columns_hold_their_sources_words_in_order(built, statements):
    columns = parallel_columns_text(built[f"{ID}.ru-en.pdf"])
    assert list(columns) == ["ru", "en"]
    for lang, st in statements.items():
        expected = expected_words(st)
        assert_words_in_order(normalise(columns[lang], set(expected)), expected)
    # Nothing of one language leaks into the other column.
    assert "Parties" not in columns["ru"] and "Стороны" not in columns["en"]


def test_pdf_two_languages_on_a4_portrait_numbers_from_page_two(built, pdf_words):
    reader = PdfReader(built[f"{ID}.ru-en.pdf"])
    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(210 * MM, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(297 * MM, abs=0.01)
    body = [w for page in pdf_words for w in page if w["top"] > 20 * MM - 3]
    assert min(w["x0"] for w in body) == pytest.approx(30 * MM, abs=1)
    assert max(w["x1"] for w in body) <= (210 - 10) * MM + 3
    assert not [w for w in pdf_words[0] if w["bottom"] < 20 * MM]
    for number, page_words in enumerate(pdf_words[1:], start=2):
        assert [w["text"] for w in page_words if w["bottom"] < 20 * MM] == [str(number)]


def test_pdf_is_tagged_pdfa3b_with_both_sources(built):
    reader = PdfReader(built[f"{ID}.ru-en.pdf"])
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "ru"
    assert reader.attachments == {
        SOURCE.name: [SOURCE.read_bytes()],
        ENGLISH.name: [ENGLISH.read_bytes()],
    }
    assert len(root["/AF"]) == 2
    result = subprocess.run(
        ["qpdf", "--check", str(built[f"{ID}.ru-en.pdf"])], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pdf_columns_hyphenate_by_their_own_language(built):
    markup = (built[f"{ID}.ru-en.html"]).read_text(encoding="utf-8")
    page = html.fromstring(markup.encode())
    for row in page.xpath("//tbody/tr"):
        assert [td.get("lang") for td in row.xpath("td")] == ["ru", "en"]
    columns = parallel_columns_text(built[f"{ID}.ru-en.pdf"])
    # Both columns are hyphenated (narrow justified columns need it), each by its rules.
    assert re.search(r"[а-я]-\n[а-я]", columns["ru"])
    assert re.search(r"[a-z]-\n[a-z]", columns["en"])


def test_parallel_builds_are_byte_identical(built, tmp_path):
    for again in build([SOURCE, ENGLISH], ["parallel"], out=tmp_path):
        assert again.read_bytes() == built[again.name].read_bytes(), again.name


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> dict[str, Path]:
    """The English-Chinese fixture's parallel editions: sub-items and a Chinese column."""
    out = tmp_path_factory.mktemp("harbour")
    return {p.suffix: p for p in build([HARBOUR_EN, HARBOUR_ZH], ["parallel"], out=out)}


def test_chinese_column_in_the_chinese_face_sub_items_aligned(harbour):
    assert harbour[".pdf"].name == "harbour-accord-2031.en-zh.pdf"
    with pdfplumber.open(harbour[".pdf"]) as document:
        chars = [c for page in document.pages for c in page.chars]
        lines = [
            (i, w)
            for i, page in enumerate(document.pages)
            for w in page.extract_words(extra_attrs=["fontname"])
            if "Bold" not in w["fontname"]  # not the title block
        ]
    middle = _column_boundary()
    han = [c for c in chars if "\u4e00" <= c["text"] <= "\u9fff"]
    assert han and all("NotoSerifSC" in c["fontname"].replace("-", "") for c in han)
    assert all(c["x0"] > middle for c in han)
    latin = [c for c in chars if c["text"].isascii() and c["text"].isalpha()]
    assert all("PTSerif" in c["fontname"].replace("-", "") for c in latin)

    # Article numbers and both sub-items' markers start at the same height in both columns
    # (within a point: the two faces place their glyphs a little differently in the line).
    def starts_line(page: int, word: dict) -> bool:
        left_side = word["x1"] < middle
        return not [
            w
            for i, w in lines
            if i == page
            and abs(w["top"] - word["top"]) < 3
            and w["x0"] < word["x0"]
            and (w["x1"] < middle) == left_side
        ]

    for marker, count in (("1.", 1), ("2.", 1), ("–", 2)):
        found = [(i, w) for i, w in lines if w["text"] == marker and starts_line(i, w)]
        left = [(i, w["top"]) for i, w in found if w["x1"] < middle]
        right = [(i, w["top"]) for i, w in found if w["x0"] > middle]
        assert len(left) >= count and len(right) >= count
        for (page_l, top_l), (page_r, top_r) in zip(left[:count], right[:count], strict=True):
            assert page_l == page_r and abs(top_l - top_r) <= 1, (marker, top_l, top_r)


def test_chinese_column_has_its_characters_in_order(harbour):
    zh = prepare(load(HARBOUR_ZH))
    column = "".join(words(parallel_columns_text(harbour[".pdf"])["zh"]))
    expected = "".join(" ".join(expected_words(zh)).split())
    position = 0
    for index, ch in enumerate(expected):
        position = column.find(ch, position)
        assert position >= 0, f"character {index} {ch!r} of the Chinese text missing"
        position += 1


def test_three_languages_on_a4_landscape(tmp_path):
    german = tmp_path / "harbour-accord-2031.de.md"
    german.write_text(
        HARBOUR_EN.read_text(encoding="utf-8")
        .replace("lang: en", "lang: de")
        .replace("authoritative: true\n", ""),
        encoding="utf-8",
    )
    (pdf,) = build([HARBOUR_ZH, german, HARBOUR_EN], ["parallel-pdf"], out=tmp_path / "out")
    # The authoritative English first, then the others in the order given.
    assert pdf.name == "harbour-accord-2031.en-zh-de.pdf"
    reader = PdfReader(pdf)
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(297 * MM, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(210 * MM, abs=0.01)
    columns = parallel_columns_text(pdf)
    assert list(columns) == ["en", "zh", "de"]
    # Each column against its own version as typeset (German and English quotes differ).
    for lang, source in (("en", HARBOUR_EN), ("de", german)):
        expected = expected_words(prepare(load(source)))
        assert_words_in_order(normalise(columns[lang], set(expected)), expected)


# -- HTML -----------------------------------------------------------------------------------


def test_html_cells_carry_their_language(built):
    page = html.parse(str(built[f"{ID}.ru-en.html"])).getroot()
    assert [th.get("lang") for th in page.xpath("//thead//th")] == ["ru", "en"]
    rows = page.xpath("//table[@id='parallel']/tbody/tr")
    # Title, 2 preamble paragraphs, 16 article paragraphs, 6 signatories in two rows each
    # (title; line and name), notes.
    assert len(rows) == 32
    for row in rows:
        assert [td.get("lang") for td in row.xpath("td")] == ["ru", "en"]
    # The translation says what it is, in its own cell.
    (notice,) = page.xpath("//td[@lang='en']//p[@class='translation-notice']")
    assert "The authoritative text is the Russian original." in notice.text_content()
    assert not page.xpath("//td[@lang='ru']//p[@class='translation-notice']")


def test_html_note_calls_link_to_their_columns_notes(built, statements):
    page = html.parse(str(built[f"{ID}.ru-en.html"])).getroot()
    ids = set(page.xpath("//@id"))
    for lang, st in statements.items():
        calls = page.xpath(f"//td[@lang='{lang}']//a[@class='noteref']")
        assert [a.text for a in calls] == [str(n.number) for n in st.notes]
        for a in calls:
            assert a.get("href") == f"#note-{lang}-{a.text}" and a.get("href")[1:] in ids
        notes = page.xpath(f"//td[@lang='{lang}']//aside[@class='note']")
        assert [n.get("id") for n in notes] == [f"note-{lang}-{n.number}" for n in st.notes]


def test_html_stands_alone(built):
    page = html.parse(str(built[f"{ID}.ru-en.html"])).getroot()
    assert not page.xpath("//link[@rel='stylesheet'] | //script | //img")
    assert page.xpath("//meta[@name='viewport']")


def _stacking_width(page) -> int:
    css = "".join(page.xpath("//style/text()"))
    # The single page's stylesheet has media queries of its own: the parallel one stacks.
    queries = re.findall(r"@media \(max-width: (\d+)px\) \{(.*?)\n\}", css, re.S)
    found = next((q for q in queries if ".parallel td" in q[1]), None)
    assert found, "no media query for narrow screens"
    assert re.search(r"\.parallel td \{[^}]*display: block", found[1])
    assert re.search(r"\.lang-tag \{[^}]*display: inline-block", found[1])
    return int(found[0])


def test_html_stacks_on_phones(built):
    page = html.parse(str(built[f"{ID}.ru-en.html"])).getroot()
    width = _stacking_width(page)
    # Stacked at a phone's 390 px, side by side on a laptop's 1280 px.
    assert 390 < width < 1280
    tags = page.xpath("//td/span[@class='lang-tag']/text()")
    assert set(tags) == {"RU", "EN"}


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("width, stacked", [(390, True), (1280, False)])
def test_html_layout_in_a_browser(built, tmp_path, width, stacked):
    """The first article's two cells, measured by the browser: one under the other on a
    phone, side by side on a laptop."""
    probe = (
        "<script>addEventListener('load', () => {"
        "const [a, b] = document.querySelectorAll('#article-1 > td');"
        "const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();"
        "document.body.dataset.probe = [ra.top, ra.bottom, rb.top, rb.left, ra.left].join(' ');"
        "});</script></body>"
    )
    page = tmp_path / "page.html"
    page.write_text(
        built[f"{ID}.ru-en.html"].read_text(encoding="utf-8").replace("</body>", probe),
        encoding="utf-8",
    )
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={width},900",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    a_top, a_bottom, b_top, b_left, a_left = map(
        float, re.search(r'data-probe="([^"]+)"', dom)[1].split()
    )
    if stacked:
        assert b_top >= a_bottom and b_left == a_left
    else:
        assert b_top == a_top and b_left > a_left


# -- checks ---------------------------------------------------------------------------------

ONE_ARTICLE = (
    MINIMAL.replace("lang: ru", "lang: en")
    .replace("2. Вторая статья[^b] и снова[^a].\n", "")
    .replace("[^b]: Второе *примечание*.\n", "")
)


def _line(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def test_versions_that_cannot_be_aligned_fail_located_and_write_nothing(write_source, tmp_path):
    ru = write_source(MINIMAL, "test-statement.ru.md")
    en = write_source(ONE_ARTICLE, "test-statement.en.md")
    with pytest.raises(SourceError) as info:
        build([ru, en], out=tmp_path / "out")
    assert info.value.format_message() == (
        f"{en}:{_line(ONE_ARTICLE, '1. ')}:1: error: the 'en' version of 'test-statement' "
        f"cannot be printed beside {ru} in the parallel editions: 1 article here and 2 in "
        f"{ru}:{_line(MINIMAL, '2. ')}:1; make the versions match point for point"
    )
    assert not (tmp_path / "out").exists()


def test_check_command_reports_the_difference(write_source):
    ru = write_source(MINIMAL, "test-statement.ru.md")
    en = write_source(ONE_ARTICLE.replace("   - подпункт два.\n", ""), "test-statement.en.md")
    result = CliRunner().invoke(
        __import__("statementpress.cli", fromlist=["cli"]).cli, ["check", str(ru), str(en)]
    )
    assert result.exit_code == 1
    # The first difference: the list of article 1 lost a sub-item (located at the lists).
    assert (
        f"{en}:{_line(ONE_ARTICLE, '   - ')}:4: error: the 'en' version of 'test-statement' "
        f"cannot be printed beside {ru} in the parallel editions: the list in article 1 has "
        f"1 sub-item here and 2 in {ru}:{_line(MINIMAL, '   - ')}:4;"
    ) in result.output


def test_without_parallel_editions_a_difference_is_a_warning(write_source, tmp_path, caplog):
    ru = write_source(MINIMAL, "test-statement.ru.md")
    en = write_source(ONE_ARTICLE, "test-statement.en.md")
    written = build([ru, en], ["html"], out=tmp_path / "out")
    assert len(written) == 2
    assert "cannot be printed beside" in caplog.text and ": error:" not in caplog.text


# -- DOCX -----------------------------------------------------------------------------------


def _document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


@pytest.fixture(scope="module")
def document(built) -> etree._Element:
    return _document(built[f"{ID}.ru-en.docx"])


def test_docx_is_one_table_with_a_column_per_language(document, statements):
    body = document.find(f"{W}body")
    (table,) = body.findall(f"{W}tbl")
    assert [child.tag for child in body] == [f"{W}tbl", f"{W}sectPr"]
    assert len(table.findall(f"{W}tblGrid/{W}gridCol")) == 2
    rows = table.findall(f"{W}tr")
    # The language headings (repeated on every page), then the aligned units of the HTML
    # page but for its notes row: Word's notes are footnotes.
    assert len(rows) == 1 + 31
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert "".join(rows[0].itertext()) == "РусскийEnglish"
    for row in rows:
        assert len(row.findall(f"{W}tc")) == 2
        # Rows may break across pages.
        assert row.find(f"{W}trPr/{W}cantSplit") is None
    styles = {p.get(f"{W}val") for p in table.iter(f"{W}pStyle")}
    assert {"StatementTitle", "StatementArticle", "StatementArticleContinued"} <= styles
    assert {"StatementPreamble", "SignatoryTitle", "SignatoryName", "TranslationNotice"} <= styles


def test_docx_every_run_carries_its_columns_language(document):
    (table,) = document.iter(f"{W}tbl")
    for row in table.findall(f"{W}tr"):
        for lang, cell in zip(("ru", "en"), row.findall(f"{W}tc"), strict=True):
            runs = list(cell.iter(f"{W}r"))
            assert runs
            assert {r.find(f"{W}rPr/{W}lang").get(f"{W}val") for r in runs} == {lang}


def test_docx_real_footnotes_numbered_per_language(built, document, statements):
    (table,) = document.iter(f"{W}tbl")
    with zipfile.ZipFile(built[f"{ID}.ru-en.docx"]) as archive:
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
    bodies = {n.get(f"{W}id"): n for n in notes.findall(f"{W}footnote") if not n.get(f"{W}type")}
    assert len(bodies) == sum(len(st.notes) for st in statements.values())
    for k, lang in enumerate(("ru", "en")):
        cells = [row.findall(f"{W}tc")[k] for row in table.findall(f"{W}tr")]
        refs = [r for cell in cells for r in cell.iter(f"{W}footnoteReference")]
        # Each column's calls show its own numbers, 1, 2, …: custom marks, as Word writes them.
        assert [r.getnext().text for r in refs] == [str(n.number) for n in statements[lang].notes]
        assert all(r.get(f"{W}customMarkFollows") == "1" for r in refs)
        # Each ends with its language's editorial mark, as the single DOCX's footnotes do.
        mark = statement_labels(statements[lang].meta)["editorial_mark"]
        for ref, note in zip(refs, statements[lang].notes, strict=True):
            text = "".join(bodies[ref.get(f"{W}id")].itertext())
            assert text.startswith(f"{note.number} ")
            # Ending, as in the single DOCX, with the language's mark of an editorial note.
            mark = statement_labels(statements[lang].meta)["editorial_mark"]
            assert text.endswith(mark)
            expected = " ".join(plain_text(p) for p in note.paragraphs) + mark
            assert words(text)[1:] == words(expected)
            langs = {e.get(f"{W}val") for e in bodies[ref.get(f"{W}id")].iter(f"{W}lang")}
            assert langs == {lang}


def test_docx_columns_hold_their_sources_words_in_order(built, statements):
    columns = parallel_columns_text(built[f"{ID}.ru-en.docx"])
    assert list(columns) == ["ru", "en"]
    for lang, st in statements.items():
        expected = expected_words(st, numbers=False)
        assert_words_in_order(normalise(columns[lang], set(expected)), expected)


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory) -> Path:
    """The parallel DOCX converted to PDF by LibreOffice."""
    return libreoffice.to_pdf(built[f"{ID}.ru-en.docx"], tmp_path_factory.mktemp("lo"))


def test_docx_renders_side_by_side_in_libreoffice(rendered, statements):
    with pdfplumber.open(rendered) as document:
        pages = [page.extract_words() for page in document.pages]
    middle = _column_boundary()
    # Word numbers the articles; LibreOffice prints "N." level in both columns.
    for article in statements["ru"].articles:
        found = [
            (i, w["top"], w["x0"] < middle)
            for i, words_on_page in enumerate(pages)
            for w in words_on_page
            if w["text"] == f"{article.number}."
        ]
        left = next(x for x in found if x[2])
        right = next(x for x in found if not x[2])
        assert left[0] == right[0] and abs(left[1] - right[1]) <= 1, (article.number, found)
    text = {
        side: " ".join(w["text"] for p in pages for w in p if (w["x0"] < middle) == side)
        for side in (True, False)
    }
    assert "Стороны" in text[True] and "Parties" in text[False]
    assert "Parties" not in text[True] and "Стороны" not in text[False]


def test_versions_without_hand_signatures_print_no_signature_lines(built, document, statements):
    """Both versions were adopted at a videoconference (`signature: name-only`): as in their
    single editions, the parallel page and DOCX print each title and name, no line."""
    assert {st.meta.signature for st in statements.values()} == {"name-only"}
    page = html.parse(str(built[f"{ID}.ru-en.html"])).getroot()
    assert not page.xpath("//*[contains(@class, 'signature-line')]")
    for lang, st in statements.items():
        names = page.xpath(f"//td[@lang='{lang}']//p[@class='signatory-name']/text()")
        assert names == [s.name for s in st.signatories]
    (table,) = document.iter(f"{W}tbl")
    styles = [p.get(f"{W}val") for p in table.iter(f"{W}pStyle")]
    assert "SignatoryLine" not in styles
    assert styles.count("SignatoryName") == 2 * len(statements["ru"].signatories)


def test_docx_columns_start_aligned_with_the_policys_soft_hyphens(built, document):
    """The columns' text styles follow `[parallel] align`; hyphenation is the layout's soft
    hyphens, planned per column at its width (automatic hyphenation off), in both columns."""
    lay = layout.load("official")
    with zipfile.ZipFile(built[f"{ID}.ru-en.docx"]) as archive:
        styles = etree.fromstring(archive.read("word/styles.xml"))
        settings = etree.fromstring(archive.read("word/settings.xml"))
    jc = {
        st.get(f"{W}styleId"): st.find(f"{W}pPr/{W}jc").get(f"{W}val")
        for st in styles.iter(f"{W}style")
        if st.find(f"{W}pPr/{W}jc") is not None
    }
    assert lay.get("parallel.align") == "left"
    for style in ("StatementPreamble", "StatementArticle", "StatementArticleContinued"):
        assert jc[style] == "left", style
    assert settings.find(f"{W}autoHyphenation").get(f"{W}val") == "false"
    (table,) = document.iter(f"{W}tbl")
    for k in (0, 1):
        cells = [row.findall(f"{W}tc")[k] for row in table.findall(f"{W}tr")]
        assert sum(len(list(cell.iter(f"{W}softHyphen"))) for cell in cells) > 0


def test_docx_columns_in_libreoffice_keep_word_spaces_and_the_policy(rendered):
    """Rendered by LibreOffice: every word space the face's own, no line past its cell, and
    each column's hyphens within the policy (the share, runs, fragment lengths)."""
    lay = layout.load("official")
    left = lay.number("page.margin_left_mm")
    width = (lay.number("parallel.page_width_mm") - left - lay.number("page.margin_right_mm")) / 2
    half = lay.number("parallel.column_gap_mm") / 2
    boxes = [(left + k * width + half, left + (k + 1) * width - half) for k in (0, 1)]
    lines = text_lines(printed_lines(rendered, boxes), lay.number("parallel.size_pt"))
    height = lay.number("parallel.size_pt") * lay.number("text.line_height")
    for k, lang in enumerate(("ru", "en")):
        own = [line for line in lines if line.column == k]
        assert len(own) > 150
        assert max(line.right for line in own) <= boxes[k][1] + 0.1
        inside = [
            line
            for line, following in zip(own, own[1:], strict=False)
            if following.page == line.page and abs(following.top - line.top - height) < 1
        ]
        measured = spacing(inside)
        assert measured.count > 400 and measured.largest - measured.median <= 0.05, measured
        policy = hyphenation.policy(lay, lang)
        hyphenated = sum(line.hyphenated for line in own)
        assert 0 < hyphenated <= len(own) / 6, (lang, hyphenated, len(own))
        assert hyphen_runs(own) <= policy.max_consecutive
        for before, after in fragments(own):
            assert len(before) >= policy.min_before and len(after) >= policy.min_after


# -- verify ---------------------------------------------------------------------------------


def test_verify_passes_the_parallel_editions(built):
    from statementpress.verify import verify

    folder = built[f"{ID}.ru-en.pdf"].parent.parent
    parallel = [built[f"{ID}.ru-en.{ext}"] for ext in PARALLEL_EXTENSIONS]
    assert verify(folder, [SOURCE, ENGLISH], only=parallel, epubcheck=False) == []


@pytest.mark.parametrize(
    "lang, old, new", [("en", "Parties", "Partys"), ("ru", "Стороны", "Сторона")]
)
def test_verify_finds_a_word_missing_from_one_column(built, tmp_path, lang, old, new):
    from statementpress.verify import verify

    page = tmp_path / ID / f"{ID}.ru-en.html"
    page.parent.mkdir()
    markup = built[f"{ID}.ru-en.html"].read_text(encoding="utf-8")
    cell = f'<td lang="{lang}" xml:lang="{lang}">'
    # The first occurrence of the word in that language's cells only.
    start = markup.index(old, markup.index(cell))
    page.write_text(markup[:start] + new + markup[start + len(old) :], encoding="utf-8")
    problems = verify(tmp_path, [SOURCE, ENGLISH], epubcheck=False)
    assert [p.path for p in problems] == [str(page)]
    assert problems[0].message.startswith(f"column {lang}: preamble, word ")
    assert f"{old!r} missing" in problems[0].message


def test_manifest_lists_the_parallel_editions(built):
    import json

    folder = built[f"{ID}.ru-en.pdf"].parent.parent
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (statement,) = [s for s in manifest["statements"] if s["id"] == ID]
    assert statement["languages"] == ["en", "ru"]
    parallel = {e["path"]: e for e in statement["editions"] if e["lang"] == "ru-en"}
    assert sorted(parallel) == [f"{ID}/{ID}.ru-en.{ext}" for ext in sorted(PARALLEL_EXTENSIONS)]
    for entry in parallel.values():
        # Described by the first column's version: the authoritative Russian text.
        assert entry["authoritative"] is True and entry["source"] == str(SOURCE)
