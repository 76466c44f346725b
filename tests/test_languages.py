"""Any-language sources: English and Chinese fixtures, translations of one statement, missing faces."""

from __future__ import annotations

import pytest
from lxml import html

from conftest import MINIMAL, ROOT
from statementpress.builder import build
from statementpress.errors import SourceError
from statementpress.writers import GROUP_WRITERS

FIXTURES = ROOT / "tests" / "fixtures"
EN = FIXTURES / "harbour-accord-2031.en.md"
ZH = FIXTURES / "harbour-accord-2031.zh.md"


def test_translations_share_one_folder(tmp_path):
    written = build([EN, ZH], ["html"], out=tmp_path)
    assert [p.name for p in written] == [
        "harbour-accord-2031.en.html",
        "harbour-accord-2031.zh.html",
    ]
    assert {p.parent for p in written} == {tmp_path / "harbour-accord-2031"}
    en = html.parse(str(written[0])).getroot()
    assert en.get("lang") == "en"
    assert en.xpath("string(//p[@class='dateline']/time)") == "9\u00a0March\u00a02031"
    zh = html.parse(str(written[1])).getroot()
    assert zh.xpath("string(//p[@class='dateline']/time)") == "2031年3月9日"


def test_two_authoritative_languages_rejected(tmp_path):
    zh = tmp_path / "zh.md"
    zh.write_text(
        ZH.read_text(encoding="utf-8").replace("lang: zh", "lang: zh\nauthoritative: true"),
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as info:
        build([EN, zh], ["html"], out=tmp_path / "out")
    assert str(info.value.format_message()).startswith(
        f"{zh}:5:1: error: {EN} already marks its language version of 'harbour-accord-2031' "
        "authoritative"
    )


def test_language_without_a_face_fails_naming_the_key(write_source, tmp_path):
    japanese = MINIMAL.replace("lang: ru", "lang: ja").replace("Первая статья.", "第一条。")
    source = write_source(japanese)
    with pytest.raises(SourceError) as info:
        build([source], ["html"], out=tmp_path / "out")
    lines = info.value.format_message().splitlines()
    line = japanese.split("\n").index("1. 第一条。") + 1
    assert lines[0] == (
        f"{source}:{line}:4: error: '第' (U+7B2C) has no glyph in the face 'PT Serif' "
        "([fonts.default] of layout 'official'); write another character, or set a face that "
        "covers this 'ja' text in [fonts.ja] of layout.toml"
    )
    assert len(lines) == 4  # 第, 一, 条 and 。, each at its place
    assert not (tmp_path / "out").exists()


def test_many_missing_glyphs_are_summarised(write_source, tmp_path):
    text = "".join(chr(0x4E00 + i) for i in range(30))
    source = write_source(MINIMAL.replace("lang: ru", "lang: ja").replace("Первая статья.", text))
    with pytest.raises(SourceError) as info:
        build([source], ["html"], out=tmp_path / "out")
    lines = info.value.format_message().splitlines()
    assert len(lines) == 9
    assert lines[-1].endswith(
        "'丈' (U+4E08) and 21 more characters have no glyph in 'PT Serif': "
        "this 'ja' text needs its own face in [fonts.ja] of layout.toml"
    )


def test_check_command_runs_the_glyph_check(write_source):
    from click.testing import CliRunner

    from statementpress.cli import cli

    source = write_source(MINIMAL.replace("Первая статья.", "Первая статья ☃."))
    result = CliRunner().invoke(cli, ["check", str(source)])
    assert result.exit_code == 1
    assert "'☃' (U+2603) has no glyph" in result.output


# -- every edition of every language ----------------------------------------------------------

import re  # noqa: E402
import subprocess  # noqa: E402
import zipfile  # noqa: E402

from checks import epubcheck  # noqa: E402
from conftest import SOURCE  # noqa: E402
from statementpress import load  # noqa: E402
from statementpress.model import plain_text  # noqa: E402

ONE_LETTER = "вВсСкКуУоОиИаАяЯ"


@pytest.fixture(scope="module")
def fixture_editions(tmp_path_factory):
    """Every edition of the English and Chinese fixtures, built once."""
    out = tmp_path_factory.mktemp("languages")
    return {p.name: p for p in build([EN, ZH], out=out)}


@pytest.fixture(scope="module")
def russian_editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("ru")
    return {p.suffix: p for p in build([SOURCE], ["docx", "epub"], out=out)}


def pdf_lines(path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_russian_pdf_lines_keep_short_words_and_initials(official_pdf, statement):
    lines = pdf_lines(official_pdf)
    assert len(lines) > 50
    names = {s.name for s in statement.signatories}  # "Ван И" is a name, not a preposition
    assert lines, "nothing to check: lines is empty"
    for line in lines:
        if line in names:
            continue
        assert not re.search(rf"(?:^|\s)[{ONE_LETTER}]$", line), line
        assert not line.startswith("Тлеуберди"), line
    assert any("М.Б.Тлеуберди" in line for line in lines)


def docx_text(path) -> str:
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode()
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def epub_text(path) -> str:
    with zipfile.ZipFile(path) as zf:
        xhtml = zf.read("EPUB/statement.xhtml").decode()
    return re.sub(r"<[^>]+>", "", xhtml)


@pytest.mark.parametrize("kind", [".docx", ".epub"])
def test_russian_docx_and_epub_carry_no_break_spaces(russian_editions, kind):
    text = (docx_text if kind == ".docx" else epub_text)(russian_editions[kind])
    assert not re.search(rf"(?<![\w-])[{ONE_LETTER}] ", text)
    assert "в\u00a0формате видеоконференции" in text
    assert "16\u00a0июля\u00a02020\u00a0г." in text
    assert "(далее\u00a0— Стороны)" in text


def test_fixtures_build_into_every_format(fixture_editions):
    expected = {
        f"harbour-accord-2031.{lang}.{ext}"
        for lang in ("en", "zh")
        for ext in ("pdf", "docx", "epub", "html")
    }
    # The two versions also make the parallel editions (English, authoritative, first).
    expected |= {f"harbour-accord-2031.en-zh.{w.extension}" for w in GROUP_WRITERS.values()}
    assert set(fixture_editions) == expected


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fixture_epubs_pass_epubcheck(fixture_editions, lang):
    epubcheck(fixture_editions[f"harbour-accord-2031.{lang}.epub"])


@pytest.mark.parametrize("lang, family", [("en", "PT-Serif"), ("zh", "Noto-Serif-SC")])
def test_fixture_pdfs_embed_only_the_layout_face(fixture_editions, lang, family):
    listing = subprocess.run(
        ["pdffonts", str(fixture_editions[f"harbour-accord-2031.{lang}.pdf"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert rows
    assert rows, "nothing to check: rows is empty"
    for row in rows:
        assert row[0].split("+", 1)[1].startswith(family), listing
        assert row[-5:-2] == ["yes", "yes", "yes"], listing  # embedded, subset, ToUnicode


def test_chinese_pdf_draws_every_character(fixture_editions):
    """Each CJK character of the source comes back out of the PDF, in order: none is .notdef."""
    statement = load(ZH)
    source = "".join(plain_text(p) for a in statement.articles for p in a.paragraphs)
    extracted = "".join(pdf_lines(fixture_editions["harbour-accord-2031.zh.pdf"]))
    cjk = [ch for ch in source if "\u4e00" <= ch <= "\u9fff"]
    assert len(cjk) > 50, "the fixture should have Chinese text to compare"
    position = 0
    for index, ch in enumerate(cjk):
        found = extracted.find(ch, position)
        assert found >= 0, f"CJK character {index} {ch!r} not found in order in the PDF text"
        position = found + 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fixture_docx_language_and_hyphenation(fixture_editions, lang):
    with zipfile.ZipFile(fixture_editions[f"harbour-accord-2031.{lang}.docx"]) as zf:
        styles = zf.read("word/styles.xml").decode()
        settings = zf.read("word/settings.xml").decode()
    assert f'w:val="{lang}"' in styles
    # The word processor never hyphenates by itself: English gets the layout's soft hyphens
    # (and its limits for an editor who turns hyphenation on), Chinese none.
    hyphenation = re.search(r'<w:autoHyphenation w:val="(\w+)"', settings).group(1)
    assert hyphenation == "false"
    assert ("<w:consecutiveHyphenLimit" in settings) == (lang == "en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fixture_text_in_every_edition(fixture_editions, lang):
    statement = load(EN if lang == "en" else ZH)
    first = statement.articles[0].paragraphs[0].content[0].text  # the text before a note call
    probe = first[:8] if lang == "zh" else " ".join(first.split()[:3])
    pdf = "".join(pdf_lines(fixture_editions[f"harbour-accord-2031.{lang}.pdf"]))
    assert probe.replace(" ", "") in pdf.replace(" ", "")
    for text in (
        docx_text(fixture_editions[f"harbour-accord-2031.{lang}.docx"]),
        epub_text(fixture_editions[f"harbour-accord-2031.{lang}.epub"]),
    ):
        assert probe in text.replace("\u00a0", " ")


@pytest.mark.parametrize(
    "path, dateline",
    [
        (EN, "9\u00a0March\u00a02031, Port Lumen"),
        (ZH, "2031年3月9日，光明港"),
    ],
)
def test_dateline_separator_follows_the_language(fixture_editions, path, dateline):
    lang = path.name.split(".")[1]
    page = html.parse(str(fixture_editions[f"harbour-accord-2031.{lang}.html"])).getroot()
    assert page.xpath("string(//p[@class='dateline'])") == dateline
    assert dateline in docx_text(fixture_editions[f"harbour-accord-2031.{lang}.docx"])


def test_chinese_epub_embeds_a_subset_covering_its_text(fixture_editions):
    import io

    from fontTools.ttLib import TTFont

    from statementpress import fonts, layout

    path = fixture_editions["harbour-accord-2031.zh.epub"]
    with zipfile.ZipFile(path) as zf:
        names = sorted(n for n in zf.namelist() if n.startswith("EPUB/fonts/"))
        # The regular, and the bold synthesised from it (the face has no bold file).
        assert names == [
            "EPUB/fonts/NotoSerifSC-Regular-SyntheticBold.otf",
            "EPUB/fonts/NotoSerifSC-Regular.otf",
        ]
        faces = [zf.read(name) for name in names]
        opf = zf.read("EPUB/package.opf").decode()
    whole = fonts.face_for(layout.load("official"), "zh").regular
    assert 'media-type="font/otf"' in opf
    shown = {ch for ch in epub_text(path) if not ch.isspace()}
    for data in faces:
        assert len(data) < whole.stat().st_size / 20  # a subset, not the 11 MB face
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        assert not [ch for ch in shown if ord(ch) not in cmap]


def test_authoritative_language_is_marked_on_its_page(fixture_editions):
    en = html.parse(str(fixture_editions["harbour-accord-2031.en.html"])).getroot()
    zh = html.parse(str(fixture_editions["harbour-accord-2031.zh.html"])).getroot()
    assert en.xpath("string(//nav//p[@class='authoritative'])") == (
        "This language version is authoritative."
    )
    assert not zh.xpath("//nav//p[@class='authoritative']")


@pytest.mark.parametrize("lang, expected", [("zh", "opentype"), ("en", "truetype")])
def test_epub_font_face_format_matches_the_embedded_file(fixture_editions, lang, expected):
    import io

    from fontTools.ttLib import TTFont

    with zipfile.ZipFile(fixture_editions[f"harbour-accord-2031.{lang}.epub"]) as zf:
        css = zf.read("EPUB/css/epub.css").decode()
        sources = re.findall(r'url\("\.\./([^"]+)"\) format\("(\w+)"\)', css)
        assert sources and {fmt for _, fmt in sources} == {expected}
        assert sources, "nothing to check: sources is empty"
        for href, _ in sources:
            font = TTFont(io.BytesIO(zf.read(f"EPUB/{href}")))
            # CFF outlines (the Chinese .otf) are OpenType; glyf outlines are TrueType.
            assert ("CFF " in font) == (expected == "opentype"), href


@pytest.mark.parametrize("lang", ["kk", "ky", "tg", "tk", "uz"])
def test_a_docx_in_a_language_without_a_hyphenation_dictionary_is_built(
    write_source, tmp_path, lang
):
    # Like the PDF, the DOCX is left unhyphenated where pyphen has no dictionary (the
    # official layout hyphenates): it used to refuse the edition while writing it.
    import docx

    path = write_source(MINIMAL.replace("lang: ru", f"lang: {lang}"), f"{lang}.md")
    (written,) = build([path], ["docx"], out=tmp_path / "out")
    text = "".join(p.text for p in docx.Document(str(written)).paragraphs)
    assert "\u00ad" not in text and text
