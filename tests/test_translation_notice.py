"""A translation's `translation` key: read and checked by the reader, printed by every edition.

The English version of our statement says `translation: {of: ru, note: …}`; each of its
editions prints the note and a sentence naming the authoritative Russian text under the
title block. The Russian version, `authoritative: true`, prints neither.
"""

from __future__ import annotations

import subprocess
import zipfile

import pytest

from conftest import MINIMAL, ROOT, SOURCE
from statementpress.builder import build
from statementpress.errors import SourceError
from statementpress.labels import translation_notice
from statementpress.model import Translation
from statementpress.reader import load

ENGLISH = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"
NOTICE = "Unofficial translation by the editors. The authoritative text is the Russian original."

# A Russian source that says it translates an English original.
TRANSLATED = MINIMAL.replace(
    "lang: ru\n", "lang: ru\ntranslation:\n  of: en\n  note: Перевод редакции.\n"
)


def errors_of(path) -> list[str]:
    with pytest.raises(SourceError) as info:
        load(path)
    return info.value.format_message().splitlines()


def test_english_source_names_the_russian_original():
    english, russian = load(ENGLISH), load(SOURCE)
    assert english.meta.translation == Translation(
        of="ru", note="Unofficial translation by the editors."
    )
    assert english.meta.authoritative is False
    assert russian.meta.authoritative is True
    assert russian.meta.translation is None
    assert translation_notice(english.meta) == NOTICE
    assert translation_notice(russian.meta) is None


def test_notice_is_in_the_language_of_the_translation(write_source):
    meta = load(write_source(TRANSLATED)).meta
    assert translation_notice(meta) == (
        "Перевод редакции. Аутентичным является текст оригинала (английский язык)."
    )


def test_note_is_optional(write_source):
    meta = load(
        write_source(MINIMAL.replace("lang: ru\n", "lang: ru\ntranslation: {of: zh}\n"))
    ).meta
    assert meta.translation == Translation(of="zh")
    assert translation_notice(meta) == "Аутентичным является текст оригинала (китайский язык)."


@pytest.mark.parametrize(
    "value, line, col, message",
    [
        ("translation: ru", 4, 14, "'translation' must be a table with 'of'"),
        ("translation: {note: Перевод}", 4, 14, "'translation' is missing 'of'"),
        ("translation: {of: русский}", 4, 19, "invalid of 'русский': use a BCP 47 language tag"),
        ("translation: {of: ru}", 4, 19, "'of' names this source's own language 'ru'"),
        ("translation: {of: en, by: me}", 4, 23, "unknown translation key 'by'"),
        ("translation: {of: en, note: 12}", 4, 29, "'note' must be text, but YAML reads '12'"),
        (
            "authoritative: true\ntranslation: {of: en}",
            5,
            14,
            "an authoritative version is not a translation",
        ),
    ],
)
def test_translation_errors_are_located(write_source, value, line, col, message):
    path = write_source(MINIMAL.replace("lang: ru\n", f"lang: ru\n{value}\n"))
    (error,) = errors_of(path)
    assert error.startswith(f"{path}:{line}:{col}: error: {message}")


@pytest.fixture(scope="module")
def english_editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("notice")
    written = build([ENGLISH], ["pdf", "docx", "epub", "html"], out=out)
    return {p.suffix: p for p in written}


def test_html_page_prints_the_notice_under_the_title_block(english_editions):
    from lxml import html

    page = html.parse(str(english_editions[".html"])).getroot()
    (notice,) = page.xpath("//p[@class='translation-notice']")
    assert notice.text_content() == NOTICE
    assert notice.getprevious().get("id") == "title"


def test_pdf_prints_the_notice_on_its_first_page(english_editions):
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(english_editions[".pdf"]), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert " ".join(NOTICE.split()) in " ".join(text.split())


def test_epub_prints_the_notice(english_editions):
    with zipfile.ZipFile(english_editions[".epub"]) as book:
        pages = [book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml")]
    assert any(
        f'class="translation-notice" id="translation-notice" role="note">{NOTICE}<' in p
        for p in pages
    )


def test_docx_prints_the_notice_in_its_style(english_editions):
    with zipfile.ZipFile(english_editions[".docx"]) as document:
        body = document.read("word/document.xml").decode()
        styles = document.read("word/styles.xml").decode()
    assert f'<w:pStyle w:val="TranslationNotice"/></w:pPr><w:r><w:t>{NOTICE}</w:t>' in body
    assert '<w:name w:val="Translation Notice"/>' in styles


def test_authoritative_version_prints_no_notice(tmp_path):
    from lxml import html

    (path,) = build([SOURCE], ["html"], out=tmp_path)
    page = html.parse(str(path)).getroot()
    assert page.xpath("//*[@class='translation-notice']") == []
    assert page.xpath("//header[@id='title']")


def test_translation_must_name_the_authoritative_language(tmp_path):
    english = tmp_path / "en.md"
    english.write_text(
        ENGLISH.read_text(encoding="utf-8").replace("  of: ru\n", "  of: zh\n"), encoding="utf-8"
    )
    line = english.read_text(encoding="utf-8").split("\n").index("translation:") + 1
    with pytest.raises(SourceError) as info:
        build([SOURCE, english], ["html"], out=tmp_path / "out")
    assert info.value.format_message() == (
        f"{english}:{line}:1: error: 'translation' says the authoritative text is in 'zh', but "
        f"{SOURCE}, the authoritative version of 'ca-china-fm-2020-07-16', is in 'ru'; "
        "make them agree"
    )
    assert not (tmp_path / "out").exists()
