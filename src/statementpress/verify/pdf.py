"""The PDF edition read back: its text by the structure tree, its fonts, its attached source.

The PDF is tagged, so its structure says what each piece of text is: the page content
marked as an artifact (page numbers, rules, crop marks) is not in the tree at all; the text
of the statement is in one `Art` element per page (inside the `Part` of the page's `main`)
and the footnotes of the page beside it; a note call is a `Link`, a sub-item's marker is an
`Lbl` (the PDF writer tags the printed marker so). Each footnote ends with the editorial
mark, which the expected words of the notes hold (`text.expected_notes`). Pieces of text
are read per marked-content id with pypdf; two pieces are on different lines when the
second starts lower by more than half a font size or further left than the first, and a
line that ends in a hyphen is remembered so the comparison can rejoin a word broken there.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statementpress.verify.text import Words, call, item, note_start, number_of

# Structure types that are blocks: text on either side of them never forms one word.
_BLOCKS = {
    "/Document",
    "/Art",
    "/Part",
    "/Sect",
    "/Div",
    "/P",
    "/H",
    "/H1",
    "/H2",
    "/H3",
    "/H4",
    "/H5",
    "/H6",
    "/L",
    "/LI",
    "/LBody",
    "/BlockQuote",
    "/Caption",
    "/Table",
    "/TR",
    "/TH",
    "/TD",
    "/Note",
}
# The elements of a page's structure that hold the statement's text: its `Art` (the HTML
# `article`), inside the `Part` of the page's `main`. The other elements of a page are its
# footnote area.
_TEXT_ROOTS = ("/Part", "/Art", None)
# pypdf logs what it repairs in a damaged file; verify reports the file as one problem line
# instead, so those records go nowhere (not to Python's last-resort handler on stderr).
logging.getLogger("pypdf").addHandler(logging.NullHandler())

# Form XObjects inside form XObjects are followed this deep for their fonts.
MAX_FORM_DEPTH = 8


class NotTagged(Exception):
    """The PDF has no structure tree, so its text cannot be told from its furniture."""


@dataclass(frozen=True)
class Piece:
    """Text shown by one text operation: where it starts (device space) and its font size."""

    text: str
    x: float
    y: float
    size: float


def _pieces(page: Any) -> dict[int, list[Piece]]:
    """The text of a page by marked-content id (text outside any id is dropped)."""
    stack: list[int | None] = []
    found: dict[int, list[Piece]] = {}
    named = (page.get("/Resources") or {}).get("/Properties") or {}

    def before(op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op == b"BDC":
            props: Any = args[1] if len(args) > 1 else {}
            if isinstance(props, str):  # a name of the page's /Properties resources
                props = named.get(props) or {}
            props = props.get_object() if hasattr(props, "get_object") else props
            mcid = props.get("/MCID") if hasattr(props, "get") else None
            stack.append(int(mcid) if mcid is not None else None)
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(t: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not t or t == "\n":
            return
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is None:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2]))
        found.setdefault(mcid, []).append(Piece(t, x, y, size * scale))

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


class _Reader:
    """Walks the structure tree in order, sending text and marks to the body or the notes."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.page_index = {page.indirect_reference: n for n, page in enumerate(reader.pages)}
        self.cache: dict[int, dict[int, list[Piece]]] = {}
        self.body = Words()
        self.notes = Words()
        self.last: Piece | None = None

    def pieces(self, page_ref: Any, mcid: int) -> list[Piece]:
        number = self.page_index.get(page_ref)
        if number is None:
            return []
        if number not in self.cache:
            self.cache[number] = _pieces(self.reader.pages[number])
        return self.cache[number].get(mcid, [])

    def content(self, node: Any, page: Any) -> Iterator[Piece]:
        """The pieces of text under a structure element, in order."""
        node = node.get_object()
        if isinstance(node, int):
            yield from self.pieces(page, node)
        elif isinstance(node, list):
            for child in node:
                yield from self.content(child, page)
        elif hasattr(node, "get"):
            if node.get("/Type") == "/MCR":
                yield from self.pieces(node.get("/Pg", page), int(node["/MCID"]))
            elif node.get("/Type") != "/OBJR" and "/K" in node:
                yield from self.content(node["/K"], node.get("/Pg", page))

    def send(self, out: Words, piece: Piece) -> None:
        """Append a piece, ending the line first when it starts on another line."""
        last = self.last
        if last is not None:
            size = max(last.size, piece.size)
            if abs(piece.y - last.y) > size / 2 or piece.x < last.x - size / 2:
                out.line_end()
        out.text(piece.text)
        self.last = piece

    def element(self, node: Any, out: Words, page: Any) -> None:
        """Read one structure element (or kid) into `out`."""
        node = node.get_object()
        if isinstance(node, (int, list)) or node.get("/Type") == "/MCR":
            for piece in self.content(node, page):
                self.send(out, piece)
            return
        if node.get("/Type") == "/OBJR" or "/K" not in node:
            return
        role = node.get("/S")
        page = node.get("/Pg", page)
        if role in ("/Link", "/Lbl"):
            text = "".join(p.text for p in self.content(node["/K"], page))
            number = number_of(text)
            if role == "/Link" and number is not None:
                out.mark(call(number))
            elif role == "/Lbl":
                out.mark(item(number))
            else:
                out.text(text)
            return
        block = role in _BLOCKS
        if block:
            out.line_end()
            self.last = None
        kids = node["/K"]
        for kid in kids if isinstance(kids, list) else [kids]:
            self.element(kid, out, page)
        if block:
            # A block ends a line; a paragraph broken across pages ends one block (in the
            # page's `Art`) with a hyphen where it broke a word.
            out.line_end()
            self.last = None

    def footnote(self, node: Any, page: Any) -> None:
        """One footnote: its printed number (the first piece, when it is one), then its text."""
        pieces = list(self.content(node, page))
        self.notes.boundary()
        self.last = None
        number = number_of(pieces[0].text) if pieces else None
        if number is not None:
            self.notes.mark(note_start(number))
            pieces = pieces[1:]
        for piece in pieces:
            self.send(self.notes, piece)
        self.notes.boundary()
        self.last = None

    def read(self) -> tuple[Words, Words]:
        root = self.reader.trailer["/Root"].get("/StructTreeRoot")
        if root is None or "/K" not in root.get_object():
            raise NotTagged
        kids = root.get_object()["/K"]
        top = kids.get_object() if isinstance(kids.get_object(), list) else [kids]
        for document in top:
            document = document.get_object()
            children = document.get("/K", [])
            children = children if isinstance(children, list) else [children]
            if document.get("/S") != "/Document":
                children = [document]
            for child in children:
                obj = child.get_object()
                page = obj.get("/Pg") if hasattr(obj, "get") else None
                if hasattr(obj, "get") and obj.get("/S") not in _TEXT_ROOTS:
                    # The footnote area of a page: each of its children is one footnote.
                    notes = obj.get("/K", [])
                    for note in notes if isinstance(notes, list) else [notes]:
                        self.footnote(note, page)
                else:
                    self.element(child, self.body, page)
        return self.body.done(), self.notes.done()


def extract(path: Path) -> tuple[Words, Words]:
    """The words of the PDF edition's statement and of its footnotes."""
    from pypdf import PdfReader

    return _Reader(PdfReader(path)).read()


def attachments(path: Path) -> dict[str, list[bytes]]:
    """The files attached to the PDF, by name."""
    from pypdf import PdfReader

    return {name: list(data) for name, data in PdfReader(path).attachments.items()}


def _fonts(resources: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Every font of a resource dictionary and of the form XObjects it uses (forms nest a
    few levels at most; a deeper or circular nesting is not followed)."""
    if resources is None or depth > MAX_FORM_DEPTH:
        return
    resources = resources.get_object()
    for name, font in (resources.get("/Font") or {}).items():
        yield name, font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), depth + 1)


def _embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # its glyphs are drawn by procedures inside the file
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def unembedded_fonts(path: Path) -> list[str]:
    """The base names of the fonts the PDF uses without embedding them."""
    from pypdf import PdfReader

    missing: dict[str, None] = {}
    for page in PdfReader(path).pages:
        for name, font in _fonts(page.get("/Resources")):
            if not _embedded(font):
                missing.setdefault(str(font.get("/BaseFont", name)).lstrip("/"), None)
    return list(missing)
