"""DOCX writer: a Word document on named styles, Word numbering, true footnotes and a PAGE field.

The package is cut as Pandoc cuts its DOCX writer: `package` assembles the parts (one
function per part), `body` converts the statement's blocks and inlines, `styles` defines the
named styles from layout values, and `oxml` extends python-docx's element classes with what
this writer adds. See docs/docx.md for what the edition contains.
"""

from __future__ import annotations

import logging
from pathlib import Path

from statementpress import fonts, reproducible, zipout
from statementpress.errors import Diagnostic
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.writers.docx import package
from statementpress.writers.docx.styles import StyleName

__all__ = ["StyleName", "check", "write"]

log = logging.getLogger("statementpress")


def check(statement: Statement, layout: Layout) -> list[Diagnostic]:
    """The face has the labels, date and capitals the document shows; the layout's DOCX
    values are ones this writer takes; `SOURCE_DATE_EPOCH`, if set, is a time ZIP can
    store. Document properties longer than Word takes are shortened, with a warning."""
    from statementpress import checks

    m = statement.meta
    drawn = checks.language_drawn(statement, layout)
    if m.kind and layout.get("title.kind_uppercase"):
        # Shown in capitals (w:caps): the capitals must have glyphs too.
        drawn.append(
            checks.Drawn(
                m.kind.upper(),
                "of the kind in capitals (title.kind_uppercase)",
                checks.source_place(statement, "kind"),
                "write the kind in letters the face has, or set title.kind_uppercase = false",
            )
        )
    found = checks.drawn_glyphs(statement, layout, drawn)
    start = layout.number("page.number_from_page")
    if start not in (1, 2):
        found.append(
            Diagnostic(
                *checks.layout_place(layout, "page.number_from_page"),
                f"page.number_from_page must be 1 or 2 for the DOCX edition (one section), "
                f"not {start}",
            )
        )
    found += package.reference_problems(layout)
    long = [n for n, v in package.core_values(statement).items() if len(v) > package.MAX_PROPERTY]
    if long:
        log.warning(
            "%s: the DOCX document properties %s are shortened to %d characters, as Word "
            "takes no more; the document's text is complete",
            statement.source.path,
            ", ".join(long),
            package.MAX_PROPERTY,
        )
    return found + reproducible.problems(zip_format=True)


def write(statement: Statement, layout: Layout, dest: Path) -> Path:
    """Write the DOCX edition of `statement` to `dest`."""
    face = fonts.face_for(layout, statement.meta.lang)
    blob = package.build(statement, layout, face)
    return zipout.write_zip(dest, package.entries(blob), reproducible.build_time(statement))
