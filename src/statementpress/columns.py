"""A parallel edition read back: each language column's text, for checks and tests.

`parallel_columns_text(path)` returns `{lang: text}` for a parallel PDF, DOCX or HTML
edition (`<id>.<l1>-<l2>[-…].<ext>`), the columns in their order:

- PDF: the words of every page are cut into columns at the gutters, the vertical bands
  between the columns that no word crosses (the page number, centred in the top margin, and
  the column headings repeated at the top of each page after the first are left out); each
  column's lines are read top to bottom, page after page. The languages are
  those of the file name, else of the attached sources' front matter, in column order.
- DOCX: the cells of the table's columns, each paragraph one line, then the footnotes the
  column calls; the language is the `w:lang` of the column's runs.
- HTML: the cells by their `lang`, in row order (the stacked layout's language tags are not
  text of the statement).

Line-end hyphens are left as printed; a caller comparing words joins them (see
tests/parity.py).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

_NAME = re.compile(r"^[a-z0-9-]+\.((?:[A-Za-z0-9]+-)*[A-Za-z0-9]+)\.[a-z]+$")
# A gap between columns is at least this wide (pt); word spaces are narrower.
MIN_GUTTER_PT = 6
# Words on one line differ in `top` by less than this (pt): superscript calls sit higher.
LINE_TOLERANCE_PT = 3


def parallel_columns_text(path: str | Path) -> dict[str, str]:
    """The text of each language column of a parallel edition, by language tag."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf(path)
    if suffix == ".docx":
        return _docx(path)
    if suffix in (".html", ".xhtml"):
        return _html(path)
    raise ValueError(f"{path}: not a PDF, DOCX or HTML edition")


def _langs_from_name(path: Path, count: int) -> list[str] | None:
    """The languages a parallel edition's file name gives, if it gives `count` of them."""
    found = _NAME.match(path.name)
    if not found:
        return None
    # The id itself may contain "-": the languages are the last `count` parts.
    parts = found[1].split("-")
    return parts[-count:] if len(parts) >= count else None


# -- PDF ------------------------------------------------------------------------------------


def _gutters(words: list[dict[str, Any]]) -> list[float]:
    """The x of the middle of each band between columns that no word crosses."""
    spans = sorted((w["x0"], w["x1"]) for w in words)
    if not spans:
        return []
    cuts = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= MIN_GUTTER_PT:
            cuts.append((reach + x0) / 2)
        reach = max(reach, x1)
    return cuts


def _lines(words: list[dict[str, Any]]) -> list[str]:
    """Words grouped into lines by their `top`, each line left to right."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < LINE_TOLERANCE_PT:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])) for line in lines]


def _attached_langs(path: Path) -> list[str]:
    """The `lang:` of each source attached to the PDF, in the order they are attached."""
    from pypdf import PdfReader

    langs = []
    for datas in PdfReader(path).attachments.values():
        for data in datas:
            found = re.search(rb"^lang:\s*(\S+)", data, re.MULTILINE)
            if found:
                langs.append(found[1].decode())
    return langs


def _pdf(path: Path) -> dict[str, str]:
    import pdfplumber

    with pdfplumber.open(path) as document:
        pages = [page.extract_words(keep_blank_chars=False) for page in document.pages]
    body: list[list[dict[str, Any]]] = []
    for index, words in enumerate(pages):
        # The page number: alone on the topmost line, digits only (pages after the first).
        top = min((w["top"] for w in words), default=0)
        first_line = [w for w in words if abs(w["top"] - top) < LINE_TOLERANCE_PT]
        if index and len(first_line) == 1 and first_line[0]["text"].isdigit():
            words = [w for w in words if w not in first_line]
        body.append(words)
    cuts = _gutters([w for words in body for w in words])
    columns: list[list[str]] = [[] for _ in range(len(cuts) + 1)]
    headings: list[str | None] = [None] * len(columns)
    for index, words in enumerate(body):
        for k in range(len(columns)):
            low = cuts[k - 1] if k else float("-inf")
            high = cuts[k] if k < len(cuts) else float("inf")
            lines = _lines([w for w in words if low <= w["x0"] < high])
            # The column's heading (its language's name) repeats at the top of every page:
            # read once, so that a word broken across the page turn is read as one.
            if index == 0:
                headings[k] = lines[0] if lines else None
            elif lines and lines[0] == headings[k]:
                lines = lines[1:]
            columns[k].extend(lines)
    langs = _langs_from_name(path, len(columns)) or _attached_langs(path)
    return {lang: "\n".join(lines) for lang, lines in zip(langs, columns, strict=False)}


# -- DOCX -----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(path: Path) -> dict[str, str]:
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
        names = archive.namelist()
        notes = (
            etree.fromstring(archive.read("word/footnotes.xml"))
            if "word/footnotes.xml" in names
            else None
        )
    footnotes = {} if notes is None else {n.get(f"{_W}id"): n for n in notes.iter(f"{_W}footnote")}
    called: dict[int, list[str]] = {}
    table = root.find(f"{_W}body/{_W}tbl")
    if table is None:
        raise ValueError(f"{path}: no table of columns in the document")
    columns: dict[int, list[str]] = {}
    langs: dict[int, str] = {}
    for row in table.iter(f"{_W}tr"):
        for k, cell in enumerate(row.findall(f"{_W}tc")):
            for paragraph in cell.iter(f"{_W}p"):
                text = _paragraph_text(paragraph)
                if text:
                    columns.setdefault(k, []).append(text)
            called.setdefault(k, []).extend(
                ref.get(f"{_W}id") for ref in cell.iter(f"{_W}footnoteReference")
            )
            lang = cell.find(f".//{_W}rPr/{_W}lang")
            if lang is not None and k not in langs:
                langs[k] = lang.get(f"{_W}val", "")
    # Each column's footnotes after its text, in the order of their calls.
    for k, ids in called.items():
        for note_id in ids:
            note = footnotes.get(note_id)
            if note is not None:
                columns.setdefault(k, []).append(_paragraph_text(note))
    return {langs.get(k, str(k)): "\n".join(columns[k]) for k in sorted(columns)}


def _paragraph_text(element: Any) -> str:
    """The text of a WordprocessingML element; breaks and tabs are spaces, a non-breaking
    hyphen a hyphen (a soft hyphen, which only shows at a line's end, nothing)."""
    shown = {f"{_W}br": " ", f"{_W}tab": " ", f"{_W}noBreakHyphen": "-"}
    return "".join(
        (node.text or "") if node.tag == f"{_W}t" else shown[node.tag]
        for node in element.iter(f"{_W}t", *shown)
    )


# -- HTML -----------------------------------------------------------------------------------


_HTML_BLOCKS = ("p", "div", "h1", "h2", "header", "section", "aside", "li", "ul", "ol", "br")


def _html(path: Path) -> dict[str, str]:
    from lxml import html

    page = html.parse(str(path)).getroot()
    out: dict[str, list[str]] = {}
    for cell in page.xpath("//table[@id='parallel']/tbody/tr/td[@lang]"):
        for tag in cell.xpath(".//*[contains(concat(' ', @class, ' '), ' lang-tag ')]"):
            tag.drop_tree()
        # A block's text never runs into the next block's.
        for element in cell.iter(*_HTML_BLOCKS):
            element.tail = " " + (element.tail or "")
        out.setdefault(cell.get("lang"), []).append(" ".join(cell.text_content().split()))
    return {lang: "\n".join(parts) for lang, parts in out.items()}
