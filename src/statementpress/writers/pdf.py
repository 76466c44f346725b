"""PDF writer: the shared page markup typeset by WeasyPrint as a tagged PDF/A-3b with its source."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from statementpress import fonts, urlguard
from statementpress.errors import LayoutError
from statementpress.labels import labels
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.reproducible import build_time
from statementpress.writers import html

log = logging.getLogger("statementpress")


def _rule_svg(layout: Layout) -> str:
    """The note separator: an SVG of the rule's own size and colour."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}pt">'
        '<rect width="100%" height="100%" fill="{c}"/></svg>'
    ).format(
        w=layout.number("notes.rule_width_mm"),
        h=layout.number("notes.rule_thickness_pt"),
        c=layout.get("colours.rule"),
    )


def _rule_url(layout: Layout) -> str:
    """The separator as a `data:` URL, encoded as Jinja's `urlencode` does (a layout's
    stylesheet may still write `"data:image/svg+xml," ~ rule_svg | urlencode`)."""
    from jinja2.filters import do_urlencode

    return "data:image/svg+xml," + do_urlencode(_rule_svg(layout))


def stylesheet(statement: Statement, layout: Layout) -> str:
    """The print stylesheet of the layout, with the face's files from its font package."""
    face = fonts.face_for(layout, statement.meta.lang)
    # Page numbers, note numbers and the hyphen are drawn too: the face must have them.
    fonts.check_coverage(face, statement, extra=fonts.layout_glyphs(layout, face))
    faces = fonts.font_face_sources(face, Path.as_uri)
    return layout.render(
        "print.css.j2",
        rule_svg=_rule_svg(layout),
        rule_url=_rule_url(layout),
        face=face,
        faces=faces,
        m=statement.meta,
        labels=labels(statement.meta.lang),
    )


def _displaced_note(document: Any, statement: Statement) -> tuple[int, int] | None:
    """The first note printed on another page than its call, as (note, page of the call)."""
    page_of: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            page_of.setdefault(name, index)
    for note in statement.notes:
        call = page_of.get(f"noteref-{note.number}")
        if call is not None and page_of.get(f"note-{note.number}") != call:
            return note.number, call
    return None


def _last_paragraph(page: Any) -> Any:
    """The element of the last paragraph that starts or continues on `page`."""
    from weasyprint.formatting_structure import boxes

    last = None
    for box in page._page_box.descendants():
        if isinstance(box, boxes.BlockBox) and box.element_tag == "p":
            last = box.element
    return last


def _render_keeping_notes(page: Any, statement: Statement, stylesheets: list, font_config: Any):
    """Lay out the page so that every note is printed on the page of its call.

    When a paragraph near the foot of a page would break against its orphans or widows,
    WeasyPrint moves the page's last footnote to the next page to make room, whatever
    `footnote-policy` says. Then that paragraph is moved to the next page instead, and the
    layout is done again; the result depends only on the input, so builds stay reproducible.
    """
    moved: set[Any] = set()
    for _ in range(len(statement.notes) + 1):
        document = page.render(stylesheets=stylesheets, font_config=font_config)
        displaced = _displaced_note(document, statement)
        if displaced is None:
            return document
        paragraph = _last_paragraph(document.pages[displaced[1]])
        if paragraph is None or paragraph in moved:
            break
        moved.add(paragraph)
        paragraph.set("style", "break-before: page")
    # The loop runs at least once and leaves only on a displaced note.
    assert displaced is not None
    log.warning(
        "%s: note %d does not fit on the page of its call; it is printed on the next page",
        statement.source.path,
        displaced[0],
    )
    return document


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
    meta.title = m.title_text
    meta.description = m.full_title
    meta.keywords = [k for k in (m.kind, *statement.parties) if k]
    meta.authors = list(statement.parties) or [s.name for s in statement.signatories]
    meta.generator = html.GENERATOR
    meta.created = meta.modified = _w3c(statement)
    meta.lang = m.lang
    # The page's other <meta> (description, dcterms.date) are not PDF fields.
    meta.custom = {}
    meta.attachments = []


def _finish(document: Any, pdf: Any) -> None:
    """Last touches on WeasyPrint's PDF objects before the file is written.

    WeasyPrint's PDF/A-3 step lists an attachment in /AF twice (from the embedded files and
    from its file specification): keep each once. The language is only in the catalog's
    /Lang; add it to the XMP packet too (dc:language), where archives and `pdfinfo -meta`
    read it.
    """
    from xml.sax.saxutils import escape

    import pydyf

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


def write(statement: Statement, layout: Layout, dest: Path) -> Path:
    """Write the PDF edition of `statement` to `dest` (PDF/A-3b, tagged, source attached)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    lab = labels(statement.meta.lang)
    # WeasyPrint fetches only the face's files and the separator's data: URL; any other URL
    # a layout's templates name stops the build (see `urlguard`).
    face = fonts.face_for(layout, statement.meta.lang)
    fetcher = urlguard.guarded_fetcher(face.files.values(), [_rule_url(layout)])
    try:
        # The stylesheet goes to WeasyPrint as a CSS object, not inlined in the page: its
        # @font-face rules need the font configuration, and its strings must not be
        # HTML-escaped.
        font_config = FontConfiguration()
        css = weasyprint.CSS(
            string=stylesheet(statement, layout),
            font_config=font_config,
            base_url=urlguard.BASE_URL,
            url_fetcher=fetcher,
        )
        markup = html.render(statement, layout, mode="pdf")
        page = weasyprint.HTML(string=markup, base_url=urlguard.BASE_URL, url_fetcher=fetcher)
        document = _render_keeping_notes(page, statement, [css], font_config)
    except FatalURLFetchingError as exc:
        url = getattr(exc, "url", None)
        if url is None:  # a file we serve could not be read
            raise LayoutError(f"{layout.where}: the PDF edition: {exc}") from None
        raise LayoutError(
            f"{layout.where}: the PDF edition's templates ask for "
            f"{urlguard.shown_url(url)!r}; a layout may load only its face's font files "
            "(nothing is fetched)"
        ) from None
    _metadata(document, statement)

    make_tree = document.make_bookmark_tree
    document.make_bookmark_tree = lambda *args, **kwargs: _regroup_notes(
        make_tree(*args, **kwargs), lab["note"] + " ", lab["notes"]
    )

    when = build_time(statement).replace(tzinfo=None)
    source = weasyprint.Attachment(
        string=statement.source.data,
        name=Path(statement.source.path).name,
        description=statement.meta.full_title,
        created=when,
        modified=when,
        relationship="Source",
    )
    # The file identifier is derived from what the PDF is made of, never from time or path.
    identifier = hashlib.sha256(
        statement.source.data + layout.name.encode() + html.GENERATOR.encode()
    ).hexdigest()[:32]
    document.write_pdf(
        dest,
        pdf_variant=layout.get("pdf.variant"),
        pdf_tags=bool(layout.get("pdf.tags")),
        pdf_identifier=identifier.encode(),
        attachments=[source],
        finisher=_finish,
    )
    return dest
