"""HTML writer: one standalone HTML5 page per statement; its `render` is reused by PDF and EPUB."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from statementpress import __version__
from statementpress.dates import format_date
from statementpress.errors import Diagnostic
from statementpress.labels import labels, translation_notice
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.writers import Edition, human_size

GENERATOR = f"statementpress {__version__}"


def render(
    statement: Statement,
    layout: Layout,
    mode: str,
    stylesheets: Iterable[Mapping[str, str]] = (),
    editions: Iterable[Mapping[str, str]] | None = None,
) -> str:
    """The statement as one page of markup.

    `mode` is "html", "pdf" or "epub" (the package's `fmt` macros adapt notes and attributes
    to it); each stylesheet is `{"text": css}` to inline or `{"href": url}` to link.
    `editions` are the links of a page that lists the other editions (even none); None in
    an edition that lists none.
    """
    return layout.render(
        "statement.html.j2",
        s=statement,
        m=statement.meta,
        mode=mode,
        labels=labels(statement.meta.lang),
        date_text=format_date(statement.meta.date, statement.meta.lang),
        notice=translation_notice(statement.meta),
        generator=GENERATOR,
        stylesheets=list(stylesheets),
        editions=None if editions is None else list(editions),
    )


def _links(editions: Sequence[Edition], lang: str) -> list[dict[str, str]]:
    """Links to the given editions of the statement (other formats and languages), in order.

    Each label names its language when there is more than one; a parallel edition's names
    its languages in column order ("PDF (ru + en, parallel text)", in the words of the
    page's language `lang`) and its link has no `hreflang`. The builder gives only the
    editions of the same build, so the page depends on the build alone, not on what an
    earlier build left in the folder.
    """
    found = [
        {
            "href": e.path.name,
            "label": e.writer.label,
            "lang": "" if len(e.langs) > 1 else e.lang,
            "media_type": e.writer.media_type,
            "size": human_size(e.path.stat().st_size),
        }
        for e in editions
    ]
    if len({e.lang for e in editions}) > 1:
        for link, e in zip(found, editions, strict=True):
            link["label"] = f"{link['label']} ({e.lang})"
    for link, e in zip(found, editions, strict=True):
        if len(e.langs) > 1:
            link["label"] = f"{e.writer.label} ({' + '.join(e.langs)}, {labels(lang)['parallel']})"
    return found


def page(statement: Statement, layout: Layout, editions: Sequence[Edition] = ()) -> str:
    """The HTML edition's markup, its stylesheet inlined so that the page stands alone."""
    from statementpress.fonts import face_for

    css = layout.render("screen.css.j2", family=face_for(layout, statement.meta.lang).family)
    return render(
        statement,
        layout,
        mode="html",
        stylesheets=[{"text": css}],
        editions=_links(editions, statement.meta.lang),
    )


# The layout's templates this edition renders (their parents and imports are followed).
TEMPLATES = ("statement.html.j2", "screen.css.j2")


def check(statement: Statement, layout: Layout) -> list[Diagnostic]:
    """The page's templates compile and render for this statement."""
    from statementpress import checks

    return checks.templates(layout, TEMPLATES) or checks.rendered(lambda: page(statement, layout))


def write(
    statement: Statement, layout: Layout, dest: Path, editions: Sequence[Edition] = ()
) -> Path:
    """Write the HTML edition to `dest`.

    `editions` are the statement's other editions from the same build, in every language,
    which the builder wrote before the page; the page links them.
    """
    dest.write_text(page(statement, layout, editions), encoding="utf-8")
    return dest
