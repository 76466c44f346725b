"""DOCX writer: a Word document on named styles, Word numbering, true footnotes and a PAGE field.

The package is cut as Pandoc cuts its DOCX writer: `package` assembles the parts (one
function per part), `body` converts the statement's blocks and inlines, `styles` defines the
named styles from layout values, and `oxml` extends python-docx's element classes with what
this writer adds. See docs/docx.md for what the edition contains.
"""

from __future__ import annotations

from pathlib import Path

from statementpress import fonts, reproducible, zipout
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.writers.docx import package
from statementpress.writers.docx.styles import StyleName

__all__ = ["StyleName", "write"]


def write(statement: Statement, layout: Layout, dest: Path) -> Path:
    """Write the DOCX edition of `statement` to `dest`."""
    face = fonts.face_for(layout, statement.meta.lang)
    extra = fonts.layout_glyphs(layout, face)
    if statement.meta.kind and layout.get("title.kind_uppercase"):
        extra += statement.meta.kind.upper()  # shown in capitals (w:caps)
    fonts.check_coverage(face, statement, extra=extra)
    blob = package.build(statement, layout, face)
    return zipout.write_zip(dest, package.entries(blob), reproducible.build_time(statement))
