"""Layouts: lookup, inheritance of values and templates, clear errors."""

from __future__ import annotations

import pytest

from statementpress import layout
from statementpress.errors import LayoutError


def test_official_values():
    official = layout.load("official")
    assert official.number("page.width_mm") == 210
    assert official.number("page.margin_left_mm") == 30
    assert official.get("fonts.default.family") == "PT Serif"
    assert "official" in layout.available()


def test_inherit_overrides_only_what_differs(tmp_path, monkeypatch):
    child = tmp_path / "child"
    child.mkdir()
    (child / "layout.toml").write_text('inherit = "official"\n[page]\nwidth_mm = 148\n')
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path))
    loaded = layout.load("child")
    assert loaded.number("page.width_mm") == 148
    assert loaded.number("page.height_mm") == 297  # inherited
    assert loaded.env.get_template("statement.html.j2")  # template from the parent


def test_unknown_layout_lists_names():
    with pytest.raises(LayoutError, match="available layouts: .*official"):
        layout.load("no-such-layout")


def test_missing_value_names_key():
    with pytest.raises(LayoutError, match="'page.nope'"):
        layout.load("official").get("page.nope")


def test_inherit_loop(tmp_path, monkeypatch):
    for a, b in (("a", "b"), ("b", "a")):
        (tmp_path / a).mkdir()
        (tmp_path / a / "layout.toml").write_text(f'inherit = "{b}"\n')
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path))
    with pytest.raises(LayoutError, match="inherit loop"):
        layout.load("a")


def write_layout(tmp_path, monkeypatch, toml: str, name: str = "x"):
    (tmp_path / name).mkdir()
    (tmp_path / name / "layout.toml").write_text(toml, encoding="utf-8")
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path))
    return tmp_path / name / "layout.toml"


@pytest.mark.parametrize(
    "override, message",
    [
        ('[text]\nsize_pt = "14pt"', "'text.size_pt' must be a number like 14, not '14pt'"),
        (
            '[signatures]\ncolumns = "three"',
            # The schema knows the two choices, so it names them rather than "a number".
            "'signatures.columns' must be 2 or 3, not 'three'",
        ),
        (
            '[title]\nkind_uppercase = "no"',
            "'title.kind_uppercase' must be true or false, not 'no'",
        ),
        ("[page]\nsize = 5", "'page.size' must be a string like 'A4', not 5"),
        ("notes = 3", "'notes' must be a table ([notes]), not 3"),
        ("[signatures]\ncolumns = 4", "'signatures.columns' must be 2 or 3, not 4"),
        ("[signatures]\ncolumns = 2.5", "'signatures.columns' must be 2 or 3, not 2.5"),
        ("[text]\nsize_pt = 0", "'text.size_pt' must be greater than 0, not 0"),
        ("[notes]\nline_height = -1", "'notes.line_height' must be greater than 0, not -1"),
        ("[page]\nmargin_left_mm = -5", "'page.margin_left_mm' must not be negative, not -5"),
        (
            '[text]\nalign = "centre"',
            "'text.align' must be 'justify' or 'left' or 'right' or 'center', not 'centre'",
        ),
        (
            '[colours]\ntext = "black"',
            "'colours.text' must be a colour like '#1f3b63', not 'black'",
        ),
        (
            "[page]\nnumber_from_page = 0",
            "'page.number_from_page' must be a whole number of at least 1, not 0",
        ),
    ],
)
def test_values_are_checked_against_the_official_types_and_ranges(
    tmp_path, monkeypatch, override, message
):
    path = write_layout(tmp_path, monkeypatch, f'inherit = "official"\n{override}\n')
    with pytest.raises(LayoutError) as info:
        layout.load("x")
    assert info.value.format_message() == f"layout 'x' ({path}): {message}"


def test_a_layout_that_does_not_inherit_must_have_every_key(tmp_path, monkeypatch):
    official = (layout.load("official").dirs[0] / "layout.toml").read_text(encoding="utf-8")
    path = write_layout(tmp_path, monkeypatch, official.replace("rule_width_mm = 50\n", ""))
    with pytest.raises(LayoutError) as info:
        layout.load("x")
    assert info.value.format_message() == (
        f"layout 'x' ({path}): lacks 'notes.rule_width_mm'; add it or inherit 'official'"
    )


def test_every_problem_is_listed(tmp_path, monkeypatch):
    write_layout(tmp_path, monkeypatch, "[page]\nwidth_mm = 148\n")
    with pytest.raises(LayoutError) as info:
        layout.load("x")
    lines = info.value.format_message().splitlines()
    assert len(lines) > 10 and all(" lacks '" in line for line in lines)
    assert not any("'page.width_mm'" in line for line in lines)


def test_int_and_float_are_interchangeable_and_custom_keys_are_free(tmp_path, monkeypatch):
    write_layout(
        tmp_path,
        monkeypatch,
        'inherit = "official"\ndescription = "mine"\n'
        "[text]\nsize_pt = 13.5\n[page]\nwidth_mm = 148.0\n[custom]\noffset_mm = -2\n",
    )
    loaded = layout.load("x")
    assert loaded.number("text.size_pt") == 13.5 and loaded.get("custom.offset_mm") == -2
