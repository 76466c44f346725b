"""Builder: every check before anything is written; the build itself is tested in
test_transaction.py."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import MINIMAL, SOURCE
from statementpress.builder import build, resolve_formats
from statementpress.errors import BuildError, SourceError
from statementpress.writers import GROUP_WRITERS, WRITERS, Writer


def test_resolve_formats_order_and_all():
    assert resolve_formats(["html"]) == ["html"]
    assert resolve_formats([]) == resolve_formats(["all"]) == [*WRITERS, *GROUP_WRITERS]
    # "parallel" is every group writer (the parallel editions), after the per-statement ones.
    assert resolve_formats(["parallel", "pdf"]) == ["pdf", *GROUP_WRITERS]
    assert resolve_formats(["parallel-pdf"]) == ["parallel-pdf"]
    with pytest.raises(BuildError, match="valid formats"):
        resolve_formats(["rtf"])


@dataclass(frozen=True)
class TextWriter(Writer):
    """A fifth format for the tests: the statement's plain title, without a module."""

    def write(self, statement, layout, dest):
        dest.write_text(statement.meta.full_title + "\n", encoding="utf-8")
        return dest

    def check(self, statement, layout):
        return []


@pytest.mark.parametrize("first", [False, True], ids=["appended", "before-the-page"])
def test_a_format_added_to_the_registry_is_linked_by_the_page(
    write_source, tmp_path, monkeypatch, first
):
    from lxml import html

    from statementpress import builder

    txt = TextWriter("txt", "txt", "text/plain", "Text", "unused")
    # Appended after "html", or put before every other writer: the page links it either way,
    # in registry order after the page's own position is taken out.
    registry = {"txt": txt, **WRITERS} if first else {**WRITERS, "txt": txt}
    monkeypatch.setattr(builder, "WRITERS", registry)
    written = build([write_source()], ["txt", "html", "epub"], out=tmp_path / "out")
    names = [p.name for p in written]
    assert names[-1] == "test-statement.ru.html"  # the page after everything it links
    page = html.parse(str(written[-1])).getroot()
    links = [(a.get("href"), a.text, a.get("type")) for a in page.xpath("//nav//a")]
    expected = [
        ("test-statement.ru.epub", "EPUB", "application/epub+zip"),
        ("test-statement.ru.txt", "Text", "text/plain"),
    ]
    assert links == (expected[::-1] if first else expected)
    assert (
        (tmp_path / "out" / "test-statement" / "test-statement.ru.txt")
        .read_text(encoding="utf-8")
        .startswith("Совместное заявление")
    )


def test_build_output_path(tmp_path):
    (path,) = build([SOURCE], ["html"], out=tmp_path)
    assert path == tmp_path / "ca-china-fm-2020-07-16" / "ca-china-fm-2020-07-16.ru.html"


def test_duplicate_id_and_lang_rejected(write_source, tmp_path):
    a = write_source(MINIMAL, name="a.md")
    b = write_source(MINIMAL, name="b.md")
    with pytest.raises(SourceError) as info:
        build([a, b], ["html"], out=tmp_path / "out")
    assert str(info.value.format_message()) == (
        f"{b}:3:1: error: {a} is already the 'ru' version of 'test-statement'; give this "
        "source another id, or the lang of its language"
    )
    assert not (tmp_path / "out").exists()


def test_errors_of_several_files_reported_together(write_source, tmp_path):
    a = write_source(MINIMAL.replace("kind:", "knid:"), name="a.md")
    b = write_source(MINIMAL.replace("lang: ru", "lang: 1"), name="b.md")
    with pytest.raises(SourceError) as info:
        build([a, b], ["html"], out=tmp_path / "out")
    assert {d.path for d in info.value.diagnostics} == {str(a), str(b)}


def test_one_language_written_two_ways_is_one_language(write_source, tmp_path):
    a = write_source(MINIMAL, name="a.md")
    b = write_source(MINIMAL.replace("lang: ru", "lang: RU"), name="b.md")
    with pytest.raises(SourceError) as info:
        build([a, b], ["html"], out=tmp_path / "out")
    assert str(info.value.format_message()) == (
        f"{b}:3:1: error: {a} is already the 'ru' version of 'test-statement'; give this "
        "source another id, or the lang of its language"
    )
