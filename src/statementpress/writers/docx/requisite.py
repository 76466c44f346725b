"""The QR-code requisite of the DOCX editions: a picture in the first page's footer (or header).

The code is a DrawingML picture of a 1-bit PNG (`qr.png`, 10 pixels a module: about 540 dpi
at 25 mm), inline in a paragraph of its own, aligned to the layout's side. A picture, not
vector shapes: Word, LibreOffice and every other reader draw a picture the same way, while a
custom geometry of hundreds of rectangles is drawn (or dropped) differently by each. The
PNG's bytes depend on the payload alone, so the document stays reproducible.

It goes in the first page's footer for a bottom position (the section's footer distance
becomes `qr.margin_mm`: the other pages' footers are empty) and in its header for a top
position (at the header's distance, `page.number_top_mm`, which the page numbers share:
Word has one header distance per section). Word and LibreOffice end the first page's text
above a footer taller than the bottom margin, so the code never overlaps the text.
"""

from __future__ import annotations

import copy
import io

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.section import _Footer, _Header
from docx.shared import Mm, Pt

from statementpress import qr


def add(doc: Document, code: qr.Requisite | None) -> None:
    """Put `code` (None: nothing) on the first page of the document's only section."""
    if code is None:
        return
    section = doc.sections[0]
    if not section.different_first_page_header_footer:
        # The first page gets a header and footer of its own: they start as copies of the
        # other pages' (the page number when it is printed from page 1).
        section.different_first_page_header_footer = True
        _copy(section.header, section.first_page_header)
        _copy(section.footer, section.first_page_footer)
    if code.edge == "bottom":
        story: _Header | _Footer = section.first_page_footer
        section.footer_distance = Mm(code.margin_mm)
    else:
        story = section.first_page_header
    story.is_linked_to_previous = False
    paragraph = story.add_paragraph() if _has_content(story) else story.paragraphs[0]
    paragraph.style = None  # Normal (python-docx's footer names a style this file lacks)
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if code.side == "right" else WD_ALIGN_PARAGRAPH.LEFT
    # Single line spacing: an exact line height (the layout's body text) would clip the
    # picture to one line.
    fmt.line_spacing = 1.0
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = fmt.left_indent = fmt.right_indent = Pt(0)
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(qr.png(code.text)), width=Mm(code.size_mm), height=Mm(code.size_mm))
    # The picture's alternative text names what it encodes (docPr is DrawingML's shape info).
    for props in run._r.iter(qn("wp:docPr")):
        props.set("descr", code.label)
        props.set("name", "QR code")


def _has_content(story: _Header | _Footer) -> bool:
    return any(p._p.xpath("./w:r") for p in story.paragraphs) or len(story.paragraphs) > 1


def _copy(source: _Header | _Footer, target: _Header | _Footer) -> None:
    """Give `target` the paragraphs of `source`, if `source` has a definition of its own."""
    if source.is_linked_to_previous:
        return
    target.is_linked_to_previous = False
    element = target._element
    for child in list(element):
        element.remove(child)
    for child in source._element:
        element.append(copy.deepcopy(child))
