"""The HTML and EPUB editions read back: their pages walked by element, class and role.

The page's body is read in document order, except what the editions add around the text:
the document head, scripts, styles, drawings (the QR code's SVG and its name), navigation
(the HTML page's list of editions, the EPUB navigation document) and the headings and back
links the layout labels. Elements marked never to be shown (`hidden`, an inline `display:
none`) are not read either. A note call is an element of class `noteref` (role
`doc-noteref`); a note starts at its `note-number`; every item of a `subitems` list starts
with its marker: the `subitem-marker` element that prints it ("1)", "–"), else its `value`
or its place in the list.
The EPUB's content documents are read in the spine order of its package document.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from statementpress.verify import zipread
from statementpress.verify.text import Words, call, item, note_start, number_of

# Elements whose text is not the statement's.
_SKIP_TAGS = {"head", "script", "style", "template", "nav", "svg"}
_SKIP_CLASSES = {"signatures-heading", "notes-heading"}
_SKIP_ROLES = {"doc-backlink"}
# Elements that start and end a block: text on either side of them never forms one word.
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
# Spans the layout shows as lines of their own (the kind line and each line of the title).
_BLOCK_CLASSES = {"kind", "title-line"}
CONTAINER = "META-INF/container.xml"
OPF = "{http://www.idpf.org/2007/opf}"
CONTAINER_NS = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def _name(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class _Walker:
    """Sends the text of a page to the body or, inside the notes section, to the notes."""

    def __init__(self) -> None:
        self.body = Words()
        self.notes = Words()

    def walk(self, el: Any, out: Words, marker: str | None = None) -> None:
        """Read one element (its text, children and their tails) into `out`."""
        name = _name(el)
        classes = set((el.get("class") or "").split())
        role = el.get("role") or ""
        if not name or name in _SKIP_TAGS or _hidden(el):
            return
        text = "".join(el.itertext())
        if "note-number" in classes:
            # The note's printed number (in the EPUB it is also the back link).
            out.mark(note_start(number_of(text) or "?"))
            return
        if classes & _SKIP_CLASSES or role in _SKIP_ROLES or "backlink" in classes:
            return
        if "subitem-marker" in classes:
            # The marker a sub-item prints ("1)", "–"): its number, or a bullet.
            out.mark(item(number_of(text)))
            return
        if "noteref" in classes or role == "doc-noteref":
            number = number_of(text)
            if number is None:
                out.text(text)
            else:
                out.mark(call(number))
            return
        if (name == "section" and "notes" in classes) or role == "doc-endnotes":
            out = self.notes
        block = name in _BLOCK_TAGS or bool(classes & _BLOCK_CLASSES)
        if block:
            out.boundary()
        if marker is not None:
            out.mark(marker)
        if el.text:
            out.text(el.text)
        children = list(el)
        markers = _markers(children, name, classes, el.get("start"))
        for child, child_marker in zip(children, markers, strict=True):
            self.walk(child, out, child_marker)
            if child.tail:
                out.text(child.tail)
        if block:
            out.boundary()


def _hidden(el: Any) -> bool:
    """Whether an element is never shown: the `hidden` attribute or an inline
    `display: none` (its words then count as missing, as a reader cannot see them)."""
    style = (el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style


def _markers(
    children: list[Any], name: str, classes: set[str], start: str | None
) -> list[str | None]:
    """For each child of a list of sub-items, the marker of the item it is: its `value`
    (else the next number) in a numbered list, a bullet otherwise; None for the rest, and
    for an item that prints its marker (a `subitem-marker` element, read where it stands)."""
    out: list[str | None] = [None] * len(children)
    if name not in ("ol", "ul") or "subitems" not in classes:
        return out
    number = int(start) if start and start.strip().isdigit() else 1
    for index, child in enumerate(children):
        if _name(child) != "li":
            continue
        value = (child.get("value") or "").strip()
        number = int(value) if value.isdigit() else number
        printed = any(
            isinstance(e.tag, str) and "subitem-marker" in (e.get("class") or "").split()
            for e in child.iter()
        )
        out[index] = None if printed else item(number if name == "ol" else None)
        number += 1
    return out


def _read(root: Any, walker: _Walker) -> None:
    body = next((el for el in root.iter() if _name(el) == "body"), None)
    if body is None:
        raise zipread.PackageError("the page has no body")
    walker.walk(body, walker.body)


def extract_html(path: Path) -> tuple[Words, Words]:
    """The words of the HTML page's statement and of its notes."""
    import lxml.html

    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise zipread.PackageError(
            f"the page is not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    walker = _Walker()
    _read(lxml.html.document_fromstring(text), walker)
    return walker.body.done(), walker.notes.done()


def spine(archive: zipfile.ZipFile) -> list[str]:
    """The EPUB's content documents in reading order (its navigation document left out)."""
    container = zipread.xml(archive, CONTAINER)
    rootfile = container.find(f"{CONTAINER_NS}rootfiles/{CONTAINER_NS}rootfile")
    if rootfile is None or not rootfile.get("full-path"):
        raise zipread.PackageError(f"{CONTAINER} names no package document")
    opf_path = rootfile.get("full-path")
    opf = zipread.xml(archive, opf_path)
    folder = posixpath.dirname(opf_path)
    manifest = {entry.get("id"): entry for entry in opf.iter(f"{OPF}item") if entry.get("id")}
    documents = []
    for ref in opf.iter(f"{OPF}itemref"):
        entry = manifest.get(ref.get("idref"))
        if entry is None:
            raise zipread.PackageError(f"the spine names {ref.get('idref')!r}, not in the manifest")
        if "nav" in (entry.get("properties") or "").split():
            continue
        documents.append(posixpath.normpath(posixpath.join(folder, unquote(entry.get("href", "")))))
    return documents


def extract_epub(path: Path) -> tuple[Words, Words]:
    """The words of the EPUB's statement and of its notes, document by document."""
    walker = _Walker()
    with zipfile.ZipFile(path) as archive:
        for name in spine(archive):
            _read(zipread.xml(archive, name), walker)
    return walker.body.done(), walker.notes.done()
