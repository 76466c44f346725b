"""The checks a build runs before writing: words without a break, glyphs a writer adds,
where a layout key is set, and every format having its own `check`."""

from __future__ import annotations

import importlib

import pytest

from statementpress import checks, layout, limits
from statementpress.errors import Diagnostic
from statementpress.positions import Pos
from statementpress.writers import WRITERS


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a" * 80, []),
        ("a" * 81, [(0, 81)]),
        ("x " + "a" * 81 + " y", [(2, 81)]),
        # Hyphens, dashes, the soft hyphen, the zero-width space and "/" are breaks.
        ("-".join(["a" * 50] * 3), []),
        ("\u00ad".join(["a" * 50] * 3), []),
        ("\u200b".join(["a" * 50] * 3), []),
        ("/".join(["a" * 50] * 3), []),
        # A no-break space is not: the typography pass binds words with it on purpose.
        ("\u00a0".join(["в"] * 50), [(0, 99)]),
        # CJK and Thai text breaks between characters.
        ("中" * 500, []),
        ("ก" * 500, []),
    ],
)
def test_long_words(text, found):
    words = limits.long_words([(text, Pos(1, 1))])
    assert [(w.start.col - 1, w.length) for w in words if w.start] == found


def test_a_word_goes_on_across_pieces_but_not_across_a_break():
    pieces = [("a" * 50, Pos(3, 5)), ("b" * 31, Pos(3, 60))]
    (word,) = limits.long_words(pieces)
    assert (word.start, word.length, word.sample) == (Pos(3, 5), 81, "a" * 24)
    assert list(limits.long_words([pieces[0], None, pieces[1]])) == []


@pytest.mark.parametrize(
    ("text", "size"), [("123", 123), ("2K", 2048), ("2M", 2 * 1024**2), ("1MiB", 1024**2)]
)
def test_sizes(text, size):
    assert limits.parse_size(text) == size


def test_an_invalid_size_is_none():
    assert limits.parse_size("lots") is None


def test_an_invalid_size_in_the_environment_is_an_error(monkeypatch):
    from statementpress.errors import BuildError

    monkeypatch.setenv(limits.MAX_SOURCE_SIZE_ENV, "lots")
    with pytest.raises(BuildError, match="STATEMENTPRESS_MAX_SOURCE_SIZE='lots' is not a size"):
        limits.max_source_size()
    assert limits.max_source_size(10) == 10  # the option wins


def test_a_layout_key_is_located_in_the_file_that_sets_it(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "layout.toml").write_text('inherit = "official"\n\n[lists]\n  bullet = "*"\n')
    chosen = layout.load("mine", [tmp_path])
    assert checks.layout_place(chosen, "lists.bullet") == (str(folder / "layout.toml"), 4, 3)
    # Set only by the parent: its file and line.
    path, line, col = checks.layout_place(chosen, "lists.number_suffix")
    assert path.endswith("official/layout.toml") and line > 1 and col == 1
    # Not set anywhere (a default): the table's header, else the layout's own file.
    assert checks.layout_place(chosen, "fonts.default.hyphenate")[1:] != (0, 0)
    assert checks.layout_place(chosen, "nowhere.at_all") == (str(folder / "layout.toml"), 0, 0)


def test_drawn_glyphs_are_located_where_they_are_set(statement):
    official = layout.load("official")
    drawn = [
        checks.Drawn("☃ и", "of the test", ("somewhere.toml", 7, 3), "change it"),
        # In the statement's own text: left to the text's check, not reported twice.
        checks.Drawn("Казахстан", "of the test", ("elsewhere.toml", 1, 1), "change it"),
    ]
    assert checks.drawn_glyphs(statement, official, drawn) == [
        Diagnostic(
            "somewhere.toml",
            7,
            3,
            "'☃' (U+2603) of the test has no glyph in the face 'PT Serif' ([fonts.default] of "
            "layout 'official'); change it",
        )
    ]


def test_the_canonical_statement_passes_every_check(statement):
    official = layout.load("official")
    assert checks.run([(statement, official)], list(WRITERS.values())) == []


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_format_has_a_check(name):
    module = importlib.import_module(WRITERS[name].module)
    assert callable(module.check)


@pytest.mark.parametrize(
    "template, fmt",
    [("parallel-print.css.j2", "parallel-pdf"), ("parallel-screen.css.j2", "parallel-html")],
)
def test_a_parallel_edition_s_broken_template_is_found_by_check(
    tmp_path, monkeypatch, template, fmt
):
    # `check` runs what `build` runs before writing: a template of a parallel edition that
    # fails to render is found there, located at its line, not when the edition is written.
    from click.testing import CliRunner

    from conftest import ROOT, SOURCE
    from statementpress.cli import cli

    folder = tmp_path / "layouts" / "x"
    folder.mkdir(parents=True)
    (folder / "layout.toml").write_text('inherit = "official"\n', encoding="utf-8")
    (folder / template).write_text("{{ no_such_value.attribute }}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    english = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"
    args = ["check", str(SOURCE), str(english), "--layout", "x", "--format", fmt]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert template in result.output and "Traceback" not in result.output
