"""Parallel HTML edition: the language versions of one statement side by side, one table row
per aligned unit; its `render` is reused by the parallel PDF.

On a wide screen the columns stand side by side; below the width the columns need, each
row's cells are stacked (the statement read unit by unit, every cell labelled with its
language). The stylesheet is inlined, so the page stands alone like the single HTML page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from statementpress import fonts, parallel, qr
from statementpress.dates import format_date
from statementpress.errors import Diagnostic
from statementpress.labels import autonym, statement_labels, translation_notice
from statementpress.layout import Layout
from statementpress.model import Statement, primary_language
from statementpress.writers.html import GENERATOR

TEMPLATE = "parallel.html.j2"


def columns(statements: Sequence[Statement], layout: Layout) -> list[dict[str, Any]]:
    """What the templates know of each column, in column order."""
    return [
        {
            "s": st,
            "m": st.meta,
            "lang": st.meta.lang,
            "labels": statement_labels(st.meta),
            "date_text": format_date(st.meta.date, st.meta.lang),
            "notice": translation_notice(st.meta),
            "name": autonym(st.meta.lang),
            "tag": primary_language(st.meta.lang).upper(),
            "face": fonts.face_for(layout, st.meta.lang),
        }
        for st in statements
    ]


def title(statements: Sequence[Statement]) -> str:
    """The edition's title: the first version's full title and the languages, "ru | en"."""
    langs = " | ".join(st.meta.lang for st in statements)
    return f"{statements[0].meta.full_title} ({langs})"


def render(
    statements: Sequence[Statement],
    layout: Layout,
    mode: str,
    stylesheets: Iterable[Mapping[str, str]] = (),
    code: qr.Requisite | None = None,
) -> str:
    """The versions, in column order, as one page of markup; `mode` is "html" or "pdf";
    `code` is the QR-code requisite the page shows at its end (none in the PDF)."""
    return layout.render(
        TEMPLATE,
        columns=columns(statements, layout),
        rows=parallel.rows(statements),
        mode=mode,
        title=title(statements),
        generator=GENERATOR,
        stylesheets=list(stylesheets),
        qr=code,
    )


def stylesheet(statements: Sequence[Statement], layout: Layout) -> str:
    """The single page's screen stylesheet, then the parallel page's own rules."""
    cols = columns(statements, layout)
    return layout.render("screen.css.j2", family=cols[0]["face"].family) + layout.render(
        "parallel-screen.css.j2", columns=cols
    )


# The layout's templates this edition renders (their parents and imports are followed).
TEMPLATES = (TEMPLATE, "screen.css.j2", "parallel-screen.css.j2")


def page(statements: Sequence[Statement], layout: Layout) -> str:
    """The parallel HTML page of `statements` (in column order), its stylesheet inlined."""
    return render(
        statements,
        layout,
        mode="html",
        stylesheets=[{"text": stylesheet(statements, layout)}],
        # The code of the first column's version: the authoritative text, where there is one.
        code=qr.requisite(statements[0], layout),
    )


def check(statements: Sequence[Statement], layouts: Sequence[Layout]) -> list[Diagnostic]:
    """The versions must line up unit by unit (`parallel.check`); then the page, rendered
    as it is written, must make a reader's browser fetch nothing from the network."""
    from statementpress import checks

    return (
        parallel.check(statements)
        or checks.templates(layouts[0], TEMPLATES)
        or checks.rendered_locally(
            layouts[0], "parallel HTML", TEMPLATES, lambda: (page(statements, layouts[0]), ())
        )
    )


def write(statements: Sequence[Statement], layouts: Sequence[Layout], dest: Path) -> Path:
    """Write the parallel HTML page of `statements` (in column order) to `dest`."""
    dest.write_text(page(statements, layouts[0]), encoding="utf-8")
    return dest
