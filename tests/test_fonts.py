"""Fonts: faces come from the PyPI font package, and a face that lacks a glyph stops the build."""

from __future__ import annotations

import pytest

from statementpress import fonts, layout
from statementpress.errors import BuildError


def test_official_face_from_font_package():
    face = fonts.face_for(layout.load("official"), "ru")
    assert face.family == "PT Serif" and face.key == "fonts.default"
    assert set(face.files) == set(fonts.STYLES)
    assert all("fontpkg_pt_serif" in str(p) and p.is_file() for p in face.files.values())


def test_canonical_statement_is_covered(statement):
    fonts.check_coverage(fonts.face_for(layout.load("official"), "ru"), statement)


def test_missing_glyph_names_language_and_key(statement):
    face = fonts.face_for(layout.load("official"), "ru")
    with pytest.raises(BuildError, match=r"U\+4E2D.*\[fonts\.ru\]"):
        fonts.check_coverage(face, statement, extra="中")
