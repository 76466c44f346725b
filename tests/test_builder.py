"""Builder: sources validated before anything is written, editions written atomically."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, SOURCE
from statementpress.builder import build, resolve_formats, write_atomically
from statementpress.errors import BuildError, SourceError
from statementpress.writers import WRITERS


def test_resolve_formats_order_and_all():
    assert resolve_formats(["html"]) == ["html"]
    assert resolve_formats([]) == resolve_formats(["all"]) == list(WRITERS)
    assert list(WRITERS)[-1] == "html"  # the page lists the editions written before it
    with pytest.raises(BuildError, match="valid formats"):
        resolve_formats(["rtf"])


def test_failed_write_leaves_old_file_and_no_partial(tmp_path):
    dest = tmp_path / "x.html"
    dest.write_text("good")

    def fail(tmp):
        tmp.write_text("half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_atomically(fail, dest)
    assert dest.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["x.html"]


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
