"""Layout lookup: --layout-dir, ./layouts of the project, built-in layouts, shadowing, and
an unknown layout named by a source located at its `layout:` line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL
from statementpress import layout
from statementpress.cli import cli
from statementpress.errors import LayoutError


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder as the current directory, with no layout variable set."""
    monkeypatch.delenv(layout.ENV_DIRS, raising=False)
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def make_layout(folder: Path, name: str, toml: str) -> Path:
    (folder / name).mkdir(parents=True)
    (folder / name / "layout.toml").write_text(toml, encoding="utf-8")
    return folder / name


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_a_project_layout_shadows_the_built_in_one_and_may_extend_it(project):
    own = make_layout(
        project / "layouts", "official", 'inherit = "official"\n[page]\nwidth_mm = 148\n'
    )
    loaded = layout.load("official")
    assert loaded.number("page.width_mm") == 148
    assert loaded.number("page.height_mm") == 297  # from the built-in official it extends
    assert loaded.dirs[0].resolve() == own.resolve()
    assert loaded.dirs[1] == layout._BUNDLED / "official"


def test_layout_dirs_come_first_in_the_order_given(project, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    make_layout(first, "mine", 'inherit = "official"\n[page]\nwidth_mm = 100\n')
    make_layout(second, "mine", 'inherit = "official"\n[page]\nwidth_mm = 200\n')
    make_layout(project / "layouts", "mine", 'inherit = "official"\n[page]\nwidth_mm = 300\n')
    assert layout.load("mine", [first, second]).number("page.width_mm") == 100
    assert layout.load("mine", [second, first]).number("page.width_mm") == 200
    assert layout.load("mine").number("page.width_mm") == 300
    assert layout.search_path([first])[0] == first
    assert layout.search_path([first])[-1] == layout._BUNDLED


def test_layout_dir_on_build_and_check(project, tmp_path, write_source):
    dirs = tmp_path / "shared-layouts"
    make_layout(dirs, "ministry", 'inherit = "official"\n[signatures]\ncolumns = 2\n')
    source = write_source(MINIMAL.replace("lang: ru", "lang: ru\nlayout: ministry"))
    # Named by the source, and with --layout given before or after --layout-dir.
    for args in (
        ["check", str(source), "--layout-dir", str(dirs)],
        ["check", str(source), "--layout", "ministry", "--layout-dir", str(dirs)],
        ["check", str(source), "--layout-dir", str(dirs), "--layout", "ministry"],
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
    out = project / "out"
    result = run("build", str(source), "-f", "html", "-o", str(out), "--layout-dir", str(dirs))
    assert result.exit_code == 0, result.output
    assert (out / "test-statement" / "test-statement.ru.html").is_file()
    without = run("check", str(source), "--layout", "ministry")
    assert without.exit_code == 2 and "unknown layout 'ministry'" in without.output


def test_a_missing_layout_dir_is_a_usage_error(project):
    result = run("check", "--layout-dir", str(project / "nowhere"))
    assert result.exit_code == 2 and "nowhere" in result.output


def test_unknown_layout_in_a_source_is_located_at_its_layout_line(project, write_source):
    text = MINIMAL.replace("lang: ru", "lang: ru\nlayout: fancy")
    source = write_source(text)
    out = project / "out"
    result = run("build", str(source), "-f", "html", "-o", str(out))
    line = text.split("\n").index("layout: fancy") + 1
    assert result.exit_code == 1
    assert result.output.startswith(f"{source}:{line}:1: error: unknown layout 'fancy'; ")
    assert "available layouts: booklet, official" in result.output
    assert not out.exists()


def test_a_layout_the_reader_accepts_is_resolved_with_the_dirs_given(project, tmp_path):
    from statementpress.reader import parse

    text = MINIMAL.replace("lang: ru", "lang: ru\nlayout: not-installed-here")
    assert parse(text.encode(), "s.md").meta.layout == "not-installed-here"


def test_unknown_parent_is_a_layout_error_of_the_child(project):
    child = make_layout(project / "layouts", "child", 'inherit = "nope"\n')
    with pytest.raises(LayoutError) as info:
        layout.load("child")
    assert not isinstance(info.value, layout.UnknownLayoutError)
    message = info.value.format_message()
    assert message.startswith(f"{child / 'layout.toml'}: inherit: unknown layout 'nope'")


@pytest.mark.parametrize("name", ["../official", "a/b", ".hidden", ""])
def test_malformed_names_are_refused(project, name):
    assert not layout.is_name(name)
    with pytest.raises(layout.UnknownLayoutError, match="invalid layout name"):
        layout.load(name)


def test_a_problem_names_the_file_that_sets_the_value(project):
    base = make_layout(project / "layouts", "base", 'inherit = "official"\n[text]\nsize_pt = 0\n')
    top = make_layout(project / "layouts", "top", 'inherit = "base"\n[page]\nwidth_mm = 0\n')
    with pytest.raises(LayoutError) as info:
        layout.load("top")
    assert info.value.format_message().splitlines() == [
        f"layout 'top' ({top / 'layout.toml'}): 'page.width_mm' must be greater than 0, not 0",
        f"layout 'top' ({base / 'layout.toml'}): 'text.size_pt' must be greater than 0, not 0",
    ]
