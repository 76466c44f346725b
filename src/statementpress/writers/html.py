"""HTML writer: one standalone HTML5 page per statement; its `render` is reused by PDF and EPUB.

The page stands alone: its stylesheet is inline, and the layout's face is embedded in it as
WOFF2 files of only the glyphs the page shows, as data URIs (`web_fonts`), so a reader sees
that face, not a fallback, and the page is still one reproducible file.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from statementpress import __version__, fonts, hyphenation, qr
from statementpress.dates import format_date
from statementpress.errors import Diagnostic
from statementpress.labels import labels, statement_labels, translation_notice
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
    code: qr.Requisite | None = None,
) -> str:
    """The statement as one page of markup.

    `mode` is "html", "pdf" or "epub" (the package's `fmt` macros adapt notes and attributes
    to it); each stylesheet is `{"text": css}` to inline or `{"href": url}` to link.
    `editions` are the links of a page that lists the other editions (even none); None in
    an edition that lists none. `code` is the QR-code requisite the page shows (the HTML
    page's; the PDF draws its own in the page margin).
    """
    return layout.render(
        "statement.html.j2",
        s=statement,
        m=statement.meta,
        mode=mode,
        labels=statement_labels(statement.meta),
        date_text=format_date(statement.meta.date, statement.meta.lang),
        notice=translation_notice(statement.meta),
        generator=GENERATOR,
        stylesheets=list(stylesheets),
        editions=None if editions is None else list(editions),
        qr=code,
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


def _values(statement: Statement, layout: Layout) -> dict[str, Any]:
    """What the stylesheet template is given besides the @font-face sources."""
    lang = statement.meta.lang
    face = fonts.face_for(layout, lang)
    hyphenate = layout.get("text.hyphenate") and face.hyphenate
    return {
        "family": face.family,
        "policy": hyphenation.policy(layout, lang) if hyphenate else None,
    }


def _render_page(
    statement: Statement,
    layout: Layout,
    links: list[dict[str, str]],
    code: qr.Requisite | None,
    faces: list[dict[str, Any]],
) -> str:
    """The page with its stylesheet inlined, given the links and @font-face sources."""
    css = layout.render("screen.css.j2", faces=faces, **_values(statement, layout))
    return render(
        statement, layout, mode="html", stylesheets=[{"text": css}], editions=links, code=code
    )


def page(statement: Statement, layout: Layout, editions: Sequence[Edition] = ()) -> str:
    """The HTML edition's markup, its stylesheet (and, with the layout's
    `screen.embed_fonts`, the face's glyphs it shows) inlined so that the page stands alone,
    and the layout's QR-code requisite beside the list of editions."""
    links = _links(editions, statement.meta.lang)
    code = qr.requisite(statement, layout)
    text = _render_page(statement, layout, links, code, [])
    if layout.get("screen.embed_fonts"):
        face = fonts.face_for(layout, statement.meta.lang)
        text = _render_page(statement, layout, links, code, web_fonts(face, text, layout))
    return text


# The layout's templates this edition renders (their parents and imports are followed).
TEMPLATES = ("statement.html.j2", "screen.css.j2")


def _checked_page(statement: Statement, layout: Layout) -> str:
    """The page as `page` writes it, but cheaply: links to an edition of every other
    format, and @font-face sources of the styles the face has without their glyphs (the
    templates see lists like those of the page written, so that what they write in a loop
    over them is checked too)."""
    from statementpress.writers import WRITERS

    m = statement.meta
    links = [
        {
            "href": f"{m.id}.{m.lang}.{w.extension}",
            "label": w.label,
            "lang": "",
            "media_type": w.media_type,
            "size": human_size(1024),
        }
        for w in WRITERS.values()
        if w.name != "html"
    ]
    faces = []
    if layout.get("screen.embed_fonts"):
        face = fonts.face_for(layout, m.lang)
        for style in styles_used("<em><strong>", layout):
            if style in face.files:
                weight, css_style = fonts.CSS_STYLES[style]
                url = "data:font/woff2;base64,"
                faces.append({"url": url, "format": "woff2", "weight": weight, "style": css_style})
    return _render_page(statement, layout, links, qr.requisite(statement, layout), faces)


def check(statement: Statement, layout: Layout) -> list[Diagnostic]:
    """The page's templates compile and render for this statement, and what they write
    makes a reader's browser fetch nothing from the network (`remote`)."""
    from statementpress import checks

    return checks.templates(layout, TEMPLATES) or checks.rendered_locally(
        layout, "HTML", TEMPLATES, lambda: (_checked_page(statement, layout), ())
    )


def write(
    statement: Statement, layout: Layout, dest: Path, editions: Sequence[Edition] = ()
) -> Path:
    """Write the HTML edition to `dest`.

    `editions` are the statement's other editions from the same build, in every language,
    which the builder wrote before the page; the page links them.
    """
    dest.write_text(page(statement, layout, editions), encoding="utf-8")
    return dest


def shown_text(page: str) -> str:
    """Every character the page shows: its text and title (markup, CSS and the values of
    attributes are not drawn)."""
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(page.encode("utf-8"))
    for style in root.iter("style"):
        style.drop_tree()
    return root.text_content()


def styles_used(page: str, layout: Layout) -> list[str]:
    """The face's styles the page draws: regular, bold (headings, names, the title),
    italic and bold italic where its markup or the layout asks for them."""
    italic = "<em>" in page or bool(layout.get("title.subtitle_italic"))
    both = "<em>" in page and "<strong>" in page
    return [
        style
        for style, used in (
            ("regular", True),
            ("bold", True),
            ("italic", italic),
            ("bold_italic", both),
        )
        if used
    ]


def web_fonts(face: fonts.FontFace, page: str, layout: Layout) -> list[dict[str, Any]]:
    """@font-face sources for the page: a data URI of a WOFF2 subset per style it uses,
    holding the glyphs of its text and of what CSS adds (numbers, markers, the hyphen)."""
    text = shown_text(page) + fonts.layout_glyphs(layout, face) + " "
    sources = []
    for style in styles_used(page, layout):
        path = face.files.get(style)
        if path is None:
            continue  # the browser makes the style from the regular face
        data = base64.b64encode(fonts.subset_data(path, text, flavor="woff2")).decode("ascii")
        weight, css_style = fonts.CSS_STYLES[style]
        sources.append(
            {
                "url": f"data:font/woff2;base64,{data}",
                "format": "woff2",
                "weight": weight,
                "style": css_style,
            }
        )
    return sources
