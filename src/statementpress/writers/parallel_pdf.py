"""Parallel PDF edition: the parallel page markup typeset by WeasyPrint in columns, as a
tagged PDF/A-3b with every language's source attached, like the single PDF (`pdf.save`).

The columns are the cells of one table, one row per aligned unit: WeasyPrint breaks a row
that does not fit across pages with every column continuing at the top of the next page,
so each unit starts on the same line in every column (docs/parallel.md).

The columns are typeset like the single PDF (`pdf_rounds.render`): each justified
paragraph's lines planned at its column's width with its language's face and hyphenation
policy, justified lines ending exactly at the column's edge, hyphens kept off a column's
last line on a page, and added hyphens soft in the text layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from statementpress import fonts, hyphenation, parallel
from statementpress.errors import Diagnostic
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.writers import parallel_html, pdf


def stylesheet(statements: Sequence[Statement], layout: Layout) -> str:
    """The layout's print stylesheet for the first column, then the parallel rules, with
    the @font-face rules of the other columns' faces."""
    cols = parallel_html.columns(statements, layout)
    base = pdf.stylesheet(statements[0], layout)
    declared = {cols[0]["face"].family}
    faces: list[dict[str, object]] = []
    for c in cols[1:]:
        face = c["face"]
        # Every column's text is drawn in its own face: it must have every glyph.
        fonts.check_coverage(face, c["s"], extra=fonts.layout_glyphs(layout, face))
        if face.family in declared:
            continue
        declared.add(face.family)
        faces.extend(
            {"family": face.family, **f} for f in fonts.font_face_sources(face, Path.as_uri)
        )
    policies = [hyphenation.policy(layout, c["lang"]) for c in cols]
    return base + layout.render(
        "parallel-print.css.j2", columns=cols, faces=faces, policies=policies
    )


# The layout's templates this edition renders (their parents and imports are followed).
TEMPLATES = (parallel_html.TEMPLATE, "print.css.j2", "parallel-print.css.j2")


def check(statements: Sequence[Statement], layouts: Sequence[Layout]) -> list[Diagnostic]:
    """The versions must line up unit by unit (`parallel.check`); the templates compile
    and render, every column's face has its glyphs (as `write` would find them)."""
    from statementpress import checks

    layout = layouts[0]
    return (
        parallel.check(statements)
        or checks.templates(layout, TEMPLATES)
        or checks.rendered(
            lambda: (
                stylesheet(statements, layout),
                parallel_html.render(statements, layout, mode="pdf"),
            )
        )
    )


def write(statements: Sequence[Statement], layouts: Sequence[Layout], dest: Path) -> Path:
    """Write the parallel PDF of `statements` (in column order) to `dest`."""
    layout = layouts[0]
    # Each column's notes follow its text (not footnotes): no note is kept with its call.
    document = pdf.laid_out(
        statements,
        layout,
        stylesheet(statements, layout),
        parallel_html.render(statements, layout, mode="pdf"),
        footnotes=False,
    )
    pdf._metadata(document, statements[0])
    document.metadata.title = parallel_html.title(statements)
    pdf.save(document, statements, layout, dest)
    return dest
