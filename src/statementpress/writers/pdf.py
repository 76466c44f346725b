"""PDF writer: the shared page markup typeset by WeasyPrint as a tagged PDF/A-3b with its source."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from statementpress import fonts, hyphenation, qr, reproducible, urlguard
from statementpress.dates import format_date
from statementpress.errors import Diagnostic, LayoutError
from statementpress.labels import statement_labels, translation_notice
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.reproducible import build_time
from statementpress.writers import html, pdf_lines, pdf_rounds

log = logging.getLogger("statementpress")


def rule_svg(layout: Layout) -> str:
    """The separator above the notes: an SVG of the rule's own size, because WeasyPrint
    stretches a gradient."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}pt">'
        '<rect width="100%" height="100%" fill="{c}"/></svg>'
    ).format(
        w=layout.number("notes.rule_width_mm"),
        h=layout.number("notes.rule_thickness_pt"),
        c=layout.get("colours.rule"),
    )


def rule_url(layout: Layout) -> str:
    """The separator as a `data:` URL, encoded as Jinja's `urlencode` does (a layout's
    stylesheet may still write `"data:image/svg+xml," ~ rule_svg | urlencode`)."""
    from jinja2.filters import do_urlencode

    return "data:image/svg+xml," + do_urlencode(rule_svg(layout))


def face_sources(statement: Statement, layout: Layout) -> tuple[fonts.FontFace, list]:
    """The statement's face and its @font-face sources: the face's files, and a synthesised
    bold (a data: URL) where the layout asks for one."""
    face = fonts.face_for(layout, statement.meta.lang)
    # The face has every character drawn (the check made sure): the text, the labels, the
    # date as printed, a translation's notice, the page and note numbers and the hyphen. A
    # subset of the face (with a synthesised bold) must keep all of them: a character it
    # lacks prints as .notdef, and its font's text layer then reads wrongly.
    lab = statement_labels(statement.meta)
    drawn = " ".join(
        [
            fonts.layout_glyphs(layout, face),
            *lab.values(),
            format_date(statement.meta.date, statement.meta.lang),
            translation_notice(statement.meta) or "",
        ]
    )
    return face, fonts.print_sources(face, fonts.statement_text(statement) + drawn)


def stylesheet(statement: Statement, layout: Layout) -> str:
    """The print stylesheet of the layout, with the face's files from its font package and
    the QR-code requisite of `statement` on the first page."""
    face, faces = face_sources(statement, layout)
    lab = statement_labels(statement.meta)
    return layout.render(
        "print.css.j2",
        rule_svg=rule_svg(layout),
        rule_url=rule_url(layout),
        face=face,
        faces=faces,
        m=statement.meta,
        labels=lab,
        hyph=hyphenation.policy(layout, statement.meta.lang),
        qr=qr.requisite(statement, layout),
    )


# The layout's templates this edition renders (their parents and imports are followed).
TEMPLATES = ("statement.html.j2", "print.css.j2")


def check(statement: Statement, layout: Layout) -> list[Diagnostic]:
    """Templates compile and render; the face has the labels and date the pages print;
    `SOURCE_DATE_EPOCH`, if set, is a time a PDF date can hold."""
    from statementpress import checks

    found = checks.templates(layout, TEMPLATES) or checks.rendered(
        lambda: (stylesheet(statement, layout), html.render(statement, layout, mode="pdf"))
    )
    found += checks.drawn_glyphs(statement, layout, checks.language_drawn(statement, layout))
    return found + reproducible.problems(zip_format=False)


def _w3c(statement: Statement) -> str:
    return build_time(statement).strftime("%Y-%m-%dT%H:%M:%SZ")


def _regroup_notes(tree: list, note_label: str, notes_label: str) -> list:
    """The outline with every note moved under one "Notes" entry after everything else.

    WeasyPrint orders bookmarks by their place on the pages, so a footnote's bookmark would
    land among the articles of its page; readers expect the notes together.
    """
    notes: list = []

    def strip(nodes: list) -> list:
        kept = []
        for label, target, children, state in nodes:
            if label.startswith(note_label):
                notes.append((label, target, [], "closed"))
            else:
                kept.append((label, target, strip(children), state))
        return kept

    kept = strip(tree)
    if notes:
        kept.append((notes_label, notes[0][1], notes, "closed"))
    return kept


def _metadata(document: Any, statement: Statement) -> None:
    m = statement.meta
    meta = document.metadata
    # Kind and title as one line: what a viewer shows in its window title and a library in
    # its list ("Совместное заявление встречи …", not the title's lower-case tail).
    meta.title = m.full_title
    meta.description = m.full_title
    meta.keywords = [k for k in (m.kind, *statement.parties) if k]
    meta.authors = list(statement.parties) or [s.name for s in statement.signatories]
    meta.generator = html.GENERATOR
    meta.created = meta.modified = _w3c(statement)
    meta.lang = m.lang
    # The page's other <meta> (description, dcterms.date) are not PDF fields.
    meta.custom = {}
    meta.attachments = []


def _bleed_boxes(pdf: Any, bleed_mm: float) -> None:
    """Set every page's BleedBox to the layout's bleed around its TrimBox.

    The CSS `bleed` covers the slug area too (the crop marks are drawn there), and
    WeasyPrint puts the BleedBox anywhere up to 10 pt outside the trim: the print shop reads
    the bleed from this box.
    """
    import pydyf

    bleed = bleed_mm * 72 / 25.4
    # Kids is flat: number, 0, "R" for each page.
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        trim = page.get("TrimBox")
        if trim is not None:
            left, top, right, bottom = (float(v) for v in trim)
            page["BleedBox"] = pydyf.Array(
                [left - bleed, top - bleed, right + bleed, bottom + bleed]
            )


def _finish(document: Any, pdf: Any, layout: Layout) -> None:
    """Last touches on WeasyPrint's PDF objects before the file is written.

    WeasyPrint's PDF/A-3 step lists an attachment in /AF twice (from the embedded files and
    from its file specification): keep each once. The language is only in the catalog's
    /Lang; add it to the XMP packet too (dc:language), where archives and `pdfinfo -meta`
    read it. The BleedBox is the layout's bleed (`_bleed_boxes`).
    """
    from xml.sax.saxutils import escape

    import pydyf

    _bleed_boxes(pdf, layout.number("page.bleed_mm"))

    files = pdf.catalog.get("AF")
    if files:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(files))
    reference = pdf.catalog.get("Metadata")
    if reference and document.metadata.lang:
        stream = pdf.objects[int(reference.split()[0])]
        language = (
            '<rdf:Description rdf:about=""><dc:language><rdf:Bag><rdf:li>'
            f"{escape(document.metadata.lang)}</rdf:li></rdf:Bag></dc:language>"
            "</rdf:Description></rdf:RDF>"
        ).encode()
        stream.stream = [
            part.replace(b"</rdf:RDF>", language, 1) if isinstance(part, bytes) else part
            for part in stream.stream
        ]


# The class of the element that prints a sub-item's marker in the page markup.
MARKER_CLASS = "subitem-marker"


@contextmanager
def marker_labels() -> Iterator[None]:
    """Within the block, the tagged PDF gives each sub-item's marker (the markup's
    `subitem-marker`, printed as text since WeasyPrint ignores `@counter-style`) the
    structure role `Lbl`, the role WeasyPrint gives a CSS list marker: the marker is the
    item's label, told apart from the text by structure (`statementpress verify` reads it
    so). Touches WeasyPrint's tagging internals (checked with WeasyPrint 70); where they
    differ, the marker stays a `Span`."""
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    if original is None:
        yield
        return

    def build(box: Any, *args: Any, **kwargs: Any) -> Any:
        element = getattr(box, "element", None)
        if (
            element is not None
            and getattr(box, "element_tag", None) == "span"
            and MARKER_CLASS in (element.get("class") or "").split()
        ):
            box.element_tag = "li::marker"  # what WeasyPrint tags as `Lbl`
        return original(box, *args, **kwargs)

    tags._build_box_tree = build
    try:
        yield
    finally:
        tags._build_box_tree = original


def save(document: Any, statements: Sequence[Statement], layout: Layout, dest: Path) -> None:
    """Write a rendered document as the layout's PDF variant (PDF/A-3b), tagged, with every
    statement's source attached: the single edition has one, a parallel edition one per
    language."""
    import weasyprint

    first = statements[0]
    when = build_time(first).replace(tzinfo=None)
    sources = [
        weasyprint.Attachment(
            string=st.source.data,
            name=Path(st.source.path).name,
            description=st.meta.full_title,
            created=when,
            modified=when,
            relationship="Source",
        )
        for st in statements
    ]
    # The file identifier is derived from what the PDF is made of, never from time or path.
    identifier = hashlib.sha256(
        b"".join(st.source.data for st in statements)
        + layout.name.encode()
        + html.GENERATOR.encode()
    ).hexdigest()[:32]
    # The list markers' labels, and the added hyphens drawn as soft hyphens in the text layer.
    with marker_labels(), pdf_lines.soft_hyphens():
        document.write_pdf(
            dest,
            pdf_variant=layout.get("pdf.variant"),
            pdf_tags=bool(layout.get("pdf.tags")),
            pdf_identifier=identifier.encode(),
            attachments=sources,
            finisher=lambda document, pdf: _finish(document, pdf, layout),
        )


def guarded_fetcher(layout: Layout, statements: Sequence[Statement]) -> Any:
    """The only URLs WeasyPrint may fetch for a PDF of `statements` (the first one's page
    furniture): the files of their faces and our own data: URLs (the separator, a synthesised
    bold, the QR code); any other URL a layout's templates name stops the build (urlguard)."""
    files = [p for st in statements for p in fonts.face_for(layout, st.meta.lang).files.values()]
    _face, faces = face_sources(statements[0], layout)
    ours = [rule_url(layout), *(f["url"] for f in faces if f["url"].startswith("data:"))]
    code = qr.requisite(statements[0], layout)
    if code is not None:
        ours.append(code.data_uri)
    return urlguard.guarded_fetcher(files, ours)


def laid_out(
    statements: Sequence[Statement],
    layout: Layout,
    css: str,
    markup: str,
    footnotes: bool = True,
) -> Any:
    """`markup` laid out with the stylesheet `css` in the layout rounds (`pdf_rounds`): the
    WeasyPrint document of the PDF of `statements` (one, or a parallel edition's columns),
    its added hyphens marked for the text layer. Only their faces' font files and our own
    data: URLs are fetched (`guarded_fetcher`); a URL refused is the layout's error."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    fetcher = guarded_fetcher(layout, statements)
    try:
        # The stylesheet goes to WeasyPrint as a CSS object, not inlined in the page: its
        # @font-face rules need the font configuration, and its strings must not be
        # HTML-escaped.
        font_config = FontConfiguration()
        sheet = weasyprint.CSS(
            string=css, font_config=font_config, base_url=urlguard.BASE_URL, url_fetcher=fetcher
        )
        document, analysis = pdf_rounds.render(
            markup, statements[0], layout, [sheet], font_config, fetcher, footnotes=footnotes
        )
    except FatalURLFetchingError as exc:
        raise refused(layout, exc) from None
    pdf_lines.mark_added_hyphens(analysis)
    return document  # the analysis is not needed to write the file: freed before it is


def write(statement: Statement, layout: Layout, dest: Path) -> Path:
    """Write the PDF edition of `statement` to `dest` (PDF/A-3b, tagged, source attached)."""
    lab = statement_labels(statement.meta)
    document = laid_out(
        [statement],
        layout,
        stylesheet(statement, layout),
        html.render(statement, layout, mode="pdf"),
    )
    _metadata(document, statement)

    make_tree = document.make_bookmark_tree
    document.make_bookmark_tree = lambda *args, **kwargs: _regroup_notes(
        make_tree(*args, **kwargs), lab["note"] + " ", lab["notes"]
    )
    save(document, [statement], layout, dest)
    return dest


def refused(layout: Layout, exc: BaseException) -> LayoutError:
    """The layout error for a URL the guarded fetcher refused (or a file it could not read)."""
    url = getattr(exc, "url", None)
    if url is None:  # a file we serve could not be read
        return LayoutError(f"{layout.where}: the PDF edition: {exc}")
    return LayoutError(
        f"{layout.where}: the PDF edition's templates ask for "
        f"{urlguard.shown_url(url)!r}; a layout may load only its face's font files "
        "(nothing is fetched)"
    )
