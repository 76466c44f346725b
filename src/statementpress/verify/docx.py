"""The DOCX edition read back: paragraphs by style name, Word numbering, footnotes.

The article numbers and sub-item markers are not text in the document: Word computes them
from the numbering part, so they are computed here the same way (a counter per abstract
numbering, restarted by a `startOverride`). A note call is a `w:footnoteReference`, numbered
as Word numbers footnotes, in order of their references; a later call of the same note is a
NOTEREF field whose shown result is its number. The signatory block is a table whose cells
hold each signatory's title, line and name, in order.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any

from statementpress.verify import zipread
from statementpress.verify.text import Words, call, item, note_start, number_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# The style names (as Word shows them) whose paragraphs carry the statement's numbering.
ARTICLE_STYLE = "Statement Article"
SUBITEM_STYLE = "Statement Sub-item"


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """The targets of a part's relationships, by the last word of their type, as zip names."""
    folder, name = posixpath.split(part)
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels not in archive.namelist():
        return {}
    out: dict[str, str] = {}
    for rel in zipread.xml(archive, rels).iter(f"{REL}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out.setdefault(rel.get("Type", "").rsplit("/", 1)[-1], posixpath.normpath(path))
    return out


class _Numbering:
    """Word's list numbering: the label each numbered paragraph gets, in document order."""

    def __init__(self, root: Any | None) -> None:
        self.formats: dict[str, tuple[str, int]] = {}  # abstractNumId -> (numFmt, start)
        self.nums: dict[str, tuple[str, int | None]] = {}  # numId -> (abstractNumId, override)
        self.counters: dict[str, int] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for abstract in root.iter(f"{W}abstractNum"):
            lvl = abstract.find(f"{W}lvl[@{W}ilvl='0']")
            if lvl is None:
                continue
            fmt = lvl.find(f"{W}numFmt")
            start = lvl.find(f"{W}start")
            self.formats[abstract.get(f"{W}abstractNumId", "")] = (
                fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                int(start.get(f"{W}val", "1")) if start is not None else 1,
            )
        for num in root.iter(f"{W}num"):
            abstract_id = num.find(f"{W}abstractNumId")
            override = num.find(f"{W}lvlOverride/{W}startOverride")
            self.nums[num.get(f"{W}numId", "")] = (
                abstract_id.get(f"{W}val", "") if abstract_id is not None else "",
                int(override.get(f"{W}val", "1")) if override is not None else None,
            )

    def next(self, num_id: str) -> tuple[str, int] | None:
        """The format and number of the next paragraph of list `num_id` (None: no list)."""
        if num_id not in self.nums:
            return None
        abstract_id, override = self.nums[num_id]
        fmt, start = self.formats.get(abstract_id, ("decimal", 1))
        if override is not None and num_id not in self.started:
            self.counters[abstract_id] = override - 1
        self.started.add(num_id)
        self.counters[abstract_id] = self.counters.get(abstract_id, start - 1) + 1
        return fmt, self.counters[abstract_id]


def _on(el: Any | None) -> bool | None:
    """The value of an on/off property element (`<w:vanish/>` is on), None where absent."""
    if el is None:
        return None
    return el.get(f"{W}val", "true") not in ("0", "false", "off")


class _Styles:
    """Style names, and what a style carries through `w:basedOn`: numbering, hidden text."""

    def __init__(self, root: Any | None) -> None:
        self.names: dict[str, str] = {}
        self.based: dict[str, str] = {}
        self.num: dict[str, str] = {}
        self.vanish: dict[str, bool] = {}
        if root is None:
            return
        for style in root.iter(f"{W}style"):
            sid = style.get(f"{W}styleId", "")
            name = style.find(f"{W}name")
            self.names[sid] = name.get(f"{W}val", sid) if name is not None else sid
            based = style.find(f"{W}basedOn")
            if based is not None:
                self.based[sid] = based.get(f"{W}val", "")
            num = style.find(f"{W}pPr/{W}numPr/{W}numId")
            if num is not None:
                self.num[sid] = num.get(f"{W}val", "")
            vanish = _on(style.find(f"{W}rPr/{W}vanish"))
            if vanish is not None:
                self.vanish[sid] = vanish

    def inherited(self, table: dict[str, Any], sid: str) -> Any | None:
        """A style's value in `table`, or the value of the style it is based on."""
        seen: set[str] = set()
        while sid and sid not in seen:
            if sid in table:
                return table[sid]
            seen.add(sid)
            sid = self.based.get(sid, "")
        return None

    def num_id(self, sid: str) -> str | None:
        """The numbering a paragraph style gives its paragraphs."""
        return self.inherited(self.num, sid)

    def hidden(self, run: Any, paragraph_style: str) -> bool:
        """Whether a run is hidden text (Word's "Hidden" font effect, `w:vanish`), set on
        the run, by its character style or by its paragraph's style: it is not shown."""
        direct = _on(run.find(f"{W}rPr/{W}vanish"))
        if direct is not None:
            return direct
        style = run.find(f"{W}rPr/{W}rStyle")
        if style is not None:
            by_style = self.inherited(self.vanish, style.get(f"{W}val", ""))
            if by_style is not None:
                return bool(by_style)
        return bool(self.inherited(self.vanish, paragraph_style))


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.footnote_numbers: dict[str, int] = {}
        self.field: list[dict[str, Any]] = []  # open fields: their instruction and state

    def paragraph(self, p: Any, out: Words) -> None:
        """One paragraph: its number or marker from Word numbering, then its runs."""
        out.boundary()
        style_el = p.find(f"{W}pPr/{W}pStyle")
        sid = style_el.get(f"{W}val", "") if style_el is not None else ""
        name = self.styles.names.get(sid, sid)
        num_el = p.find(f"{W}pPr/{W}numPr/{W}numId")
        num_id = num_el.get(f"{W}val", "") if num_el is not None else self.styles.num_id(sid)
        label = self.numbering.next(num_id) if num_id and num_id != "0" else None
        if label is not None:
            fmt, number = label
            if name == ARTICLE_STYLE:
                out.mark(f"{number}.")  # printed as the other editions print it
            elif name == SUBITEM_STYLE:
                out.mark(item(None if fmt == "bullet" else number))
            elif fmt != "bullet":
                out.mark(f"{number}.")
        self.runs(p, out, sid)
        out.boundary()

    def runs(self, parent: Any, out: Words, style: str) -> None:
        """The text, breaks, note calls and fields of a paragraph's shown runs."""
        hidden: set[Any] = set()
        for el in parent.iter():
            tag = el.tag
            if tag == f"{W}r" and self.styles.hidden(el, style):
                hidden.add(el)
            if el.getparent() in hidden:
                continue
            if tag == f"{W}fldChar":
                kind = el.get(f"{W}fldCharType")
                if kind == "begin":
                    self.field.append({"code": "", "shown": False, "result": ""})
                elif kind == "separate" and self.field:
                    self.field[-1]["shown"] = True
                elif kind == "end" and self.field:
                    self.end_field(self.field.pop(), out)
            elif tag == f"{W}instrText":
                if self.field:
                    self.field[-1]["code"] += el.text or ""
            elif self.field and not self.field[-1]["shown"]:
                continue  # the field's instruction part
            elif tag == f"{W}t":
                if self.field and self.field[-1]["code"].split()[:1] == ["NOTEREF"]:
                    self.field[-1]["result"] += el.text or ""
                else:
                    out.text(el.text or "")
            elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                out.boundary()
            elif tag == f"{W}noBreakHyphen":
                out.text("-")
            elif tag == f"{W}footnoteReference":
                fid = el.get(f"{W}id", "")
                number = self.footnote_numbers.setdefault(fid, len(self.footnote_numbers) + 1)
                out.mark(call(number))
            elif tag == f"{W}footnoteRef":
                out.mark(note_start("?"))  # numbered by the caller, which knows the note

    def end_field(self, field: dict[str, Any], out: Words) -> None:
        if field["code"].split()[:1] == ["NOTEREF"]:
            number = number_of(field["result"])
            if number is not None:
                out.mark(call(number))
            else:
                out.text(field["result"])


def extract(path: Path) -> tuple[Words, Words]:
    """The words of the DOCX edition's body (table cells included) and of its footnotes."""
    with zipfile.ZipFile(path) as archive:
        main = _rels(archive, "").get("officeDocument", "word/document.xml")
        rels = _rels(archive, main)
        styles = _Styles(zipread.xml(archive, rels["styles"]) if "styles" in rels else None)
        numbering = _Numbering(
            zipread.xml(archive, rels["numbering"]) if "numbering" in rels else None
        )
        reader = _Reader(styles, numbering)
        body = Words()
        document = zipread.xml(archive, main)
        for p in document.iter(f"{W}p"):
            reader.paragraph(p, body)
        notes = Words()
        footnotes = zipread.xml(archive, rels["footnotes"]) if "footnotes" in rels else None
        by_id = {}
        if footnotes is not None:
            for note in footnotes.iter(f"{W}footnote"):
                if note.get(f"{W}type") not in (None, "normal"):
                    continue  # separators
                by_id[note.get(f"{W}id", "")] = note
        # Notes in the order Word numbers them (by first reference), then any never called.
        order = sorted(by_id, key=lambda fid: reader.footnote_numbers.get(fid, len(by_id) + 1))
        for fid in order:
            words = Words()
            for p in by_id[fid].iter(f"{W}p"):
                reader.paragraph(p, words)
            number = reader.footnote_numbers.get(fid, "?")
            notes.tokens.extend(
                note_start(number) if t == note_start("?") else t for t in words.done().tokens
            )
    return body.done(), notes
