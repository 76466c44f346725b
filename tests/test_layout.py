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
