"""Parallel DOCX edition: one table, a column per language, a row per aligned unit.

The document is the single edition's (`package`): the same named styles, made from the
layout's values at the parallel text size, the same page number header, font table and
properties. Its body is one table (`statementpress.parallel.rows`): a header row naming
each column's language, repeated on every page, then the title block, each preamble
paragraph, each article paragraph and sub-item, each closing paragraph and each signatory
(title, then line and name), a row each. Rows may break across pages (no `w:cantSplit`).

Every run of a column carries the column's language (`w:lang`), and its face where it is
not the first column's. Its text is aligned by `[parallel] align` and hyphenated as the
single edition is, with soft hyphens where its language's policy breaks a word at the
column's width (`hyphens.Hyphenator`, all of a column's paragraphs and notes together, so
that at most the policy's share of lines ends in a hyphen). Each column numbers its articles
and its notes by itself: articles through a Word list of their own, notes as real footnotes
whose reference shows the note's number in its language (`w:customMarkFollows`), since Word
numbers footnotes once through the document; each note opens with that mark, as Word writes
a custom mark, and ends with the editorial mark. Word prints footnotes across the page foot,
in the order of their calls.
"""

from __future__ import annotations

import copy
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.shared import Emu, Mm
from docx.table import Table

from statementpress import fonts, parallel, qr, reproducible, zipout
from statementpress.dates import format_date
from statementpress.errors import Diagnostic
from statementpress.labels import autonym, labels, statement_labels, translation_notice
from statementpress.layout import Layout
from statementpress.model import Inline, NoteRef, Paragraph, Statement, SubItem, Text
from statementpress.writers.docx import body, package, requisite
from statementpress.writers.docx import styles as s
from statementpress.writers.docx.hyphens import Hyphenator, hyphenated
from statementpress.writers.docx.oxml import (
    CT_AbstractNum,
    CT_Footnotes,
    CT_NumberingDefinitions,
    CT_RunProperties,
    checked,
    el,
    level,
    number,
    put,
    styled_run,
)

# The language heading of each column, repeated at the top of every page.
HEADING = s.StyleName("Parallel Column Heading", "ParallelColumnHeading")
TABLE = s.StyleName("Parallel Columns", "ParallelColumns")


def check(statements: Sequence[Statement], layouts: Sequence[Layout]) -> list[Diagnostic]:
    """The versions must line up unit by unit (`parallel.check`)."""
    return parallel.check(statements)


def scaled(layout: Layout) -> Layout:
    """The layout with the sizes of the parallel edition: text at `parallel.size_pt`, the
    title block and signatures in proportion, so that the single edition's style
    definitions make the parallel edition's styles."""
    values: dict[str, Any] = copy.deepcopy(layout.values)
    size = layout.number("parallel.size_pt")
    scale = size / layout.number("text.size_pt")
    values["text"]["size_pt"] = size
    # The columns' text is aligned as in the parallel PDF (start-aligned by default: a narrow
    # justified column opens wide word spaces).
    values["text"]["align"] = layout.get("parallel.align")
    values["title"]["size_pt"] = layout.number("title.size_pt") * scale
    values["notice"]["size_pt"] = layout.number("notice.size_pt") * scale
    for key in (
        "title_size_pt",
        "name_size_pt",
        "line_space_pt",
        "space_before_pt",
        "row_gap_pt",
        "name_space_pt",
    ):
        values["signatures"][key] = layout.number(f"signatures.{key}") * scale
    return Layout(layout.name, layout.dirs, values)


def write(statements: Sequence[Statement], layouts: Sequence[Layout], dest: Path) -> Path:
    """Write the parallel DOCX of `statements` (in column order) to `dest`."""
    layout = scaled(layouts[0])
    faces = [fonts.face_for(layout, st.meta.lang) for st in statements]
    for st, face in zip(statements, faces, strict=True):
        fonts.check_coverage(face, st, extra=fonts.layout_glyphs(layout, face))
    blob = _Builder(statements, layout, faces).build()
    return zipout.write_zip(dest, package.entries(blob), reproducible.build_time(statements[0]))


class _Builder:
    """One parallel document: the single edition's parts, then the table of columns."""

    def __init__(
        self, statements: Sequence[Statement], layout: Layout, faces: Sequence[fonts.FontFace]
    ) -> None:
        self.statements = statements
        self.layout = layout
        self.faces = faces
        self.doc: Document = docx.Document()
        # Footnote ids run through the document; each column shows its own numbers.
        self.footnotes: list[tuple[int, int, int]] = []  # (id, column, note number)
        # The numbered lists of sub-items, by (article block, column).
        self.list_ids: dict[tuple[str, int], int] = {}
        self.current_column = 0
        # Each column's soft hyphens, by its language's policy at its width (hyphens.py), as
        # in the single edition; None for a column whose face is not hyphenated (Chinese).
        self.hyphens = [
            Hyphenator(layout, face, st.meta.lang, self._column_text_mm())
            if hyphenated(layout, face, st.meta.lang)
            else None
            for st, face in zip(statements, faces, strict=True)
        ]
        # Each column's text paragraphs and notes (paragraph, style, list label), hyphenated
        # together once the document is written (`Hyphenator.paragraphs`).
        self.hyphenated: list[list[tuple[Any, s.StyleName, str]]] = [[] for _ in statements]

    def _column_text_mm(self) -> float:
        """The width of a column's text: its share of the text width less the cell margins
        (half the gap on each side)."""
        n = self.layout.number
        width = n("parallel.page_width_mm")
        if len(self.statements) >= n("parallel.landscape_from"):
            width = n("parallel.page_height_mm")
        text = width - n("page.margin_left_mm") - n("page.margin_right_mm")
        return text / len(self.statements) - n("parallel.column_gap_mm")

    def build(self) -> bytes:
        doc, layout, first = self.doc, self.layout, self.statements[0]
        face, lang = self.faces[0], first.meta.lang
        package._clear_body(doc)
        package._strip_template(doc)
        self._page_setup()
        package.styles_part(doc, layout, face, lang, fresh=True)
        self._styles()
        lists = package.numbering_part(doc, layout, first, fresh=True)
        self.lists = [lists] + [
            body.Lists(lists.numbering, lists.numbered_abstract, lists.bulleted_abstract)
            for _ in self.statements[1:]
        ]
        self.article_lists = [self._article_list(k) for k in range(len(self.statements))]
        # The columns carry the layout's soft hyphens; automatic hyphenation stays off.
        hyphenate = any(self.hyphens)
        package.settings_part(doc, layout, lang, fresh=True, hyphenate=hyphenate, soft=hyphenate)
        self._table()
        self._footnotes()
        for hyphens, paragraphs in zip(self.hyphens, self.hyphenated, strict=True):
            if hyphens is not None:
                hyphens.paragraphs(paragraphs)
        package.header_part(doc, layout)
        # The code of the first column's version: the authoritative text, where there is one.
        requisite.add(doc, qr.requisite(first, layout))
        embed = bool(layout.get("docx.embed_fonts"))
        seen: set[str] = set()
        for k, column_face in enumerate(self.faces):
            if column_face.family not in seen:
                package.font_table_part(doc, column_face, embed=embed, fresh=k == 0)
                seen.add(column_face.family)
        package.core_properties(doc, first)
        doc.core_properties.title = " | ".join(st.meta.title_text for st in self.statements)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    # -- page, styles, lists --------------------------------------------------------------------

    def _page_setup(self) -> None:
        package._page_setup(self.doc, self.layout)
        n = self.layout.number
        sec = self.doc.sections[0]
        width, height = Mm(n("parallel.page_width_mm")), Mm(n("parallel.page_height_mm"))
        if len(self.statements) >= n("parallel.landscape_from"):
            sec.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
        sec.page_width, sec.page_height = width, height

    def _styles(self) -> None:
        n = self.layout.number
        s.add_style(
            self.doc,
            s.ParagraphStyleDef(
                HEADING,
                15,
                n("parallel.heading_size_pt"),
                align=s._ALIGN["center"],
                after_pt=n("parallel.row_space_pt"),
            ),
        )
        gap = s.twips_mm(n("parallel.column_gap_mm") / 2)
        s.add_style(self.doc, s.TableStyleDef(TABLE, 16, gap))
        # The columns' rule; cells take half the gap on each side.
        style = s.by_id(self.doc, TABLE).element
        tblpr = style.find(qn("w:tblPr"))
        borders = tblpr.find(qn("w:tblBorders"))
        rule = n("parallel.column_rule_pt")
        if rule:
            inside = borders.find(qn("w:insideV"))
            inside.set(qn("w:val"), "single")
            inside.set(qn("w:sz"), str(max(2, round(rule * 8))))
            inside.set(qn("w:color"), s.colour(self.layout.get("colours.rule")))
        margins = tblpr.find(qn("w:tblCellMar"))
        margins.find(qn("w:left")).set(qn("w:w"), str(gap))

    def _article_list(self, column: int) -> int:
        """A list of the column's own for its article numbers, so that each column counts
        its articles from its first (Word counts a list through the whole document)."""
        numbering: CT_NumberingDefinitions = self.lists[0].numbering
        articles = self.statements[column].articles
        start = articles[0].number if articles else 1
        abstract_id = max(int(a.abstractNumId) for a in numbering.abstractNum_lst) + 1
        nsid = hashlib.sha256(f"parallel-articles-{column}".encode()).hexdigest()[:8].upper()
        indent = s.twips_mm(self.layout.number("text.indent_cm") * 10)
        text = self.layout.get("docx.article_number")
        lvl = level(start, "decimal", text, indent, style=s.ARTICLE.id)
        numbering.add_abstract(CT_AbstractNum.single_level(abstract_id, nsid, lvl))
        return numbering.add_instance(abstract_id)

    # -- the table ------------------------------------------------------------------------------

    def _table(self) -> None:
        n = self.layout.number
        count = len(self.statements)
        sec = self.doc.sections[0]
        width = int(sec.page_width or 0) - int(sec.left_margin or 0) - int(sec.right_margin or 0)
        column_width = Emu(width // count)
        rows = [r for r in parallel.rows(self.statements) if r.kind != "notes"]
        table: Table = self.doc.add_table(rows=len(rows) + 1, cols=count)
        table._tbl.tblStyle_val = TABLE.id
        table.autofit = False
        tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(round(width / 635)))  # EMU to twips
        for column in table.columns:
            column.width = column_width
        header = table.rows[0]
        header._tr.get_or_add_trPr().append(el("tblHeader"))
        for k, st in enumerate(self.statements):
            cell = header.cells[k]
            cell.width = column_width
            p = cell.paragraphs[0]
            p.style = s.by_id(self.doc, HEADING)
            self._language(p.add_run(autonym(st.meta.lang))._r, k)
        space = n("parallel.row_space_pt")
        for row, tr in zip(rows, table.rows[1:], strict=True):
            for k, cell in enumerate(tr.cells):
                cell.width = column_width
                first = cell.paragraphs[0]._p
                self._cell(row, k, cell)
                cell._tc.remove(first)  # python-docx's empty first paragraph
                # The space above the unit: on its first paragraph, the one direct setting.
                ppr = cell.paragraphs[0]._p.get_or_add_pPr()
                before = space
                if row.kind == "signature":  # under its title: the line, or the name alone
                    line = self.statements[k].meta.signature == "line"
                    before = 0 if line else n("signatures.name_space_pt")
                elif row.id == "signatory-1":
                    before = n("signatures.space_before_pt")
                elif row.kind == "signatory":
                    before = n("signatures.row_gap_pt")
                spacing = ppr.get_or_add_spacing()
                spacing.set(qn("w:before"), str(s.twips_pt(before)))
                for run in cell._tc.iter(qn("w:r")):
                    self._language(run, k)

    def _paragraph(
        self, cell: Any, style: s.StyleName, content: tuple[Inline, ...] = (), label: str = ""
    ) -> CT_P:
        """A paragraph of `style` in `cell`; `label` is the number Word gives it ("1.")."""
        p = cell.add_paragraph(style=s.by_id(self.doc, style))._p
        column = self.current_column
        body.add_inlines(p, content, set(), call=lambda p, ref: self._call(p, ref, column))
        if style in body.TEXT_STYLES and content:
            self.hyphenated[column].append((p, style, label))
        return p

    def _cell(self, row: parallel.Row, k: int, cell: Any) -> None:
        self.current_column = k
        item = row.cells[k]
        st = self.statements[k]
        if row.kind == "title":
            m = st.meta
            if m.kind:
                self._paragraph(cell, s.KIND, (Text(m.kind),))
            title = self._paragraph(cell, s.TITLE)
            for i, line in enumerate(m.title):
                if i:
                    title.add_r().add_br()
                title.add_r().text = line
            if m.subtitle:
                self._paragraph(cell, s.SUBTITLE, (Text(m.subtitle),))
            date = format_date(m.date, m.lang)
            place = f"{labels(m.lang)['place_separator']}{m.place}" if m.place else ""
            self._paragraph(cell, s.DATELINE, (Text(date + place),))
            notice = translation_notice(m)
            if notice:
                self._paragraph(cell, s.TRANSLATION_NOTICE, (Text(notice),))
        elif row.kind in ("preamble", "closing"):
            style = s.PREAMBLE if row.kind == "preamble" else s.CLOSING
            self._paragraph(cell, style, checked(Paragraph, item).content)
        elif row.kind == "article":
            style = s.ARTICLE if row.number is not None else s.ARTICLE_CONT
            label = ""
            if row.number is not None:
                label = body.article_label(self.layout, row.number)
            p = self._paragraph(cell, style, checked(Paragraph, item).content, label)
            if row.number is not None:
                number(p.get_or_add_pPr(), self.article_lists[k])
        elif row.kind == "subitem":
            if row.number is not None:  # an article that opens with its list: the number alone
                number(self._paragraph(cell, s.ARTICLE).get_or_add_pPr(), self.article_lists[k])
            self._subitem(cell, row, checked(SubItem, item), k)
        elif row.kind == "signatory":
            self._paragraph(cell, s.SIG_TITLE, (Text(item.title),))
        elif row.kind == "signature":
            if st.meta.signature == "line":  # a line to sign on, as in the single edition
                self._paragraph(cell, s.SIG_LINE)
            self._paragraph(cell, s.SIG_NAME, (Text(item.name),))

    def _subitem(self, cell: Any, row: parallel.Row, item: SubItem, k: int) -> None:
        lists = self.lists[k]
        # Each column's numbered lists restart: a list per column and article block.
        key = row.id.rsplit("-", 1)[0]
        if row.ordered:
            if (key, k) not in self.list_ids:
                start = item.number if item.number is not None else 1
                self.list_ids[(key, k)] = lists.numbered(start)
            num_id = self.list_ids[(key, k)]
        else:
            num_id = lists.bulleted()
        for i, para in enumerate(item.paragraphs):
            p = self._paragraph(cell, s.SUBITEM, para.content)
            if i == 0:
                number(p.get_or_add_pPr(), num_id)

    def _language(self, run: Any, k: int) -> None:
        """The column's language on a run, and its face where it is not the first column's."""
        lang = self.statements[k].meta.lang
        rpr = checked(CT_RunProperties, run.get_or_add_rPr())
        put(rpr, el("lang", val=lang, eastAsia=lang))
        family = self.faces[k].family
        if family != self.faces[0].family:
            put(rpr, el("rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=family))

    # -- notes ----------------------------------------------------------------------------------

    def _call(self, p: CT_P, ref: NoteRef, column: int) -> None:
        """A footnote reference showing the note's number in its column; a later call of
        the same note shows the number only."""
        # As Word writes a custom mark: the reference and the mark in one run.
        run = styled_run(s.FOOTNOTE_REF.id)
        if ref.occurrence == 1:
            note_id = len(self.footnotes) + 1
            self.footnotes.append((note_id, column, ref.number))
            run.append(el("footnoteReference", customMarkFollows=1, id=note_id))
        text = el("t")
        text.text = str(ref.number)
        run.append(text)
        p.append(run)

    def _footnotes(self) -> None:
        """footnotes.xml: each call's note, opening with its number in its column and ending
        with its language's editorial mark, as in the single edition."""
        root = CT_Footnotes.new()
        for note_id, column, number_ in self.footnotes:
            st = self.statements[column]
            model = st.note(number_)
            note = root.add_note(note_id)
            editorial = statement_labels(st.meta)["editorial_mark"]
            for p in body.fill_footnote(note, model, set(), editorial, mark=str(number_)):
                self.hyphenated[column].append((p, s.FOOTNOTE_TEXT, ""))
            for run in note.iter(qn("w:r")):
                self._language(run, column)
        package._unrelate(self.doc, RT.FOOTNOTES)
        part = XmlPart(
            PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root, self.doc.part.package
        )
        self.doc.part.relate_to(part, RT.FOOTNOTES)
