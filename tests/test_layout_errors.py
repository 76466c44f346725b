"""Broken layouts and unwritable folders end in one clean message and exit code 1, never a traceback."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from conftest import ROOT
from statementpress.cli import cli

OFFICIAL = ROOT / "src" / "statementpress" / "layouts" / "official"


@pytest.fixture
def layouts(tmp_path, monkeypatch):
    """Write a layout folder `name` with `layout.toml` (and other files) on the search path."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(folder))

    def make(
        name: str,
        toml: str | None = None,
        copy_official: bool = False,
        files: dict[str, str] | None = None,
    ):
        target = folder / name
        if copy_official:
            shutil.copytree(OFFICIAL, target)
        else:
            target.mkdir()
        if toml is not None:
            (target / "layout.toml").write_text(toml, encoding="utf-8")
        for filename, text in (files or {}).items():
            (target / filename).write_text(text, encoding="utf-8")
        return target

    return make


def build(source, layout: str, fmt: str, out) -> tuple[int, str]:
    # catch_exceptions=False: an exception that is not the user's to fix fails the test.
    result = CliRunner().invoke(
        cli,
        ["build", str(source), "--layout", layout, "--format", fmt, "--out", str(out)],
        catch_exceptions=False,
    )
    return result.exit_code, result.output


def test_template_runtime_error_names_layout_template_and_line(layouts, write_source, tmp_path):
    layouts(
        "broken",
        'inherit = "official"\n',
        files={
            "screen.css.j2": '/* a stylesheet */\n\nbody { font-size: {{ L.text.size_pt + "x" }}; }\n'
        },
    )
    code, output = build(write_source(), "broken", "html", tmp_path / "out")
    assert code == 1
    assert "layout 'broken', template 'screen.css.j2'" in output and "line 3" in output
    assert "unsupported operand" in output and "Traceback" not in output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


def test_template_value_error_is_a_layout_error(layouts):
    from statementpress import layout
    from statementpress.errors import LayoutError

    layouts("percent", 'inherit = "official"\n', files={"bad.css.j2": "{{ '%q' % 1 }}\n"})
    with pytest.raises(LayoutError, match=r"template 'bad.css.j2'.*line 1: ValueError"):
        layout.load("percent").render("bad.css.j2")


def test_layout_without_the_note_rule_width(layouts, write_source, tmp_path):
    folder = layouts("no-rule", copy_official=True)
    toml = folder / "layout.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("rule_width_mm = 50\n", ""), encoding="utf-8"
    )
    code, output = build(write_source(), "no-rule", "pdf", tmp_path / "out")
    assert code == 1 and "'notes.rule_width_mm'" in output
    assert "no-rule" in output and "Traceback" not in output


def test_pdf_stylesheet_reads_values_through_the_layout(statement):
    from statementpress import layout
    from statementpress.errors import LayoutError
    from statementpress.writers import pdf

    official = layout.load("official")
    values = {**official.values, "notes": dict(official.values["notes"])}
    del values["notes"]["rule_width_mm"]
    lacking = layout.Layout("lacking", official.dirs, values)
    with pytest.raises(LayoutError, match=r"'notes.rule_width_mm'"):
        pdf.stylesheet(statement, lacking)


@pytest.mark.parametrize(
    "toml, key",
    [
        ('inherit = "official"\n[fonts.default]\npackage = ""\n', "'fonts.default.package'"),
        ('inherit = "official"\n[fonts.default]\nregular = 3\n', "'fonts.default.regular'"),
        ('inherit = "official"\n[fonts.default]\nhyphenate = "no"\n', "'fonts.default.hyphenate'"),
        ('inherit = "official"\n[fonts.default]\nfamly = "X"\n', "'fonts.default.famly'"),
        ('inherit = "official"\n[fonts.default]\npackage = "..nowhere"\n', "'..nowhere'"),
        ('inherit = "official"\nfonts = 3\n', "'fonts'"),
        ('inherit = "official"\n[fonts]\nzh = "Noto"\n', "'fonts.zh'"),
    ],
)
def test_bad_fonts_table_names_the_key(layouts, write_source, tmp_path, toml, key):
    layouts("fonty", toml)
    code, output = build(write_source(), "fonty", "html", tmp_path / "out")
    assert code == 1, output
    assert key in output and "fonty" in output and "Traceback" not in output


def test_new_into_a_file_path_is_a_clean_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("not a folder")
    result = CliRunner().invoke(
        cli, ["new", "x1", "-d", str(tmp_path / "file" / "x")], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert f"cannot create {tmp_path / 'file' / 'x' / 'x1.md'}" in result.output
    assert "Not a directory" in result.output or "exists" in result.output
