"""Content conversion: the statement's blocks and inlines as WordprocessingML.

Every paragraph gets a named style (styles.py) and no direct formatting of its runs; sub-items
take Word numbering; a note call is a footnote reference, and a later call of the same note a
NOTEREF field to a bookmark on the first; the signatories sit side by side in a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.shared import Pt, Twips
from docx.styles.style import ParagraphStyle

from statementpress.dates import format_date
from statementpress.labels import statement_labels, translation_notice
from statementpress.layout import Layout
from statementpress.model import (
    Article,
    Emphasis,
    Inline,
    LineBreak,
    Note,
    NoteRef,
    Paragraph,
    Statement,
    Strong,
    SubList,
    Text,
)
from statementpress.writers.docx import styles as s
from statementpress.writers.docx.hyphens import Hyphenator
from statementpress.writers.docx.oxml import (
    CT_CellProperties,
    CT_Footnote,
    CT_NumberingDefinitions,
    CT_RowProperties,
    CT_TableProperties,
    checked,
    complex_field,
    el,
    number,
    put,
    styled_run,
)

# The paragraphs of running text, which the layout's hyphenation applies to (headings, the
# title block and the signatories are never hyphenated).
TEXT_STYLES = (s.PREAMBLE, s.ARTICLE, s.ARTICLE_CONT, s.SUBITEM, s.CLOSING)


def leaves(
    nodes: tuple[Inline, ...], marks: frozenset[str] = frozenset()
) -> Iterator[tuple[Text | LineBreak | NoteRef, frozenset[str]]]:
    """The text, line breaks and note calls of `nodes` in order, each with its emphases.

    The writer's one recursion over inline nodes: the runs and `repeated_notes` use it.
    """
    for node in nodes:
        if isinstance(node, Emphasis):
            yield from leaves(node.children, marks | {"em"})
        elif isinstance(node, Strong):
            yield from leaves(node.children, marks | {"strong"})
        else:
            yield node, marks


def repeated_notes(statement: Statement) -> set[int]:
    """Numbers of the notes called more than once (their first call gets a bookmark)."""
    return {
        node.number
        for p in statement.text_paragraphs()
        for node, _ in leaves(p.content)
        if isinstance(node, NoteRef) and node.occurrence > 1
    }


@dataclass
class Lists:
    """The list definitions sub-items use and the bulleted list they share."""

    numbering: CT_NumberingDefinitions
    numbered_abstract: int
    bulleted_abstract: int
    bullets: int | None = None

    def numbered(self, start: int) -> int:
        """A new numbered list starting at `start`; returns its `w:numId`."""
        return self.numbering.add_instance(self.numbered_abstract, start)

    def bulleted(self) -> int:
        """The document's one bulleted list (bullets need no restart)."""
        if self.bullets is None:
            self.bullets = self.numbering.add_instance(self.bulleted_abstract)
        return self.bullets


def add_inlines(
    p: CT_P,
    nodes: tuple[Inline, ...],
    repeated: set[int],
    call: Callable[[CT_P, NoteRef], None] | None = None,
) -> None:
    """Runs for `nodes` at the end of `p`, emphasis by character style.

    Built on the `w:p` element, with no python-docx story around it, so footnotes use it
    too; bold italic is Strong plus italic. A note call is a footnote reference (`call`
    makes it instead where given: the parallel edition numbers each column's notes).
    """
    for node, marks in leaves(nodes):
        if isinstance(node, Text):
            run = p.add_r()
            if node.text:
                run.text = node.text
            if "strong" in marks:
                rpr = run.get_or_add_rPr()
                rpr.style = s.STRONG.id
                if "em" in marks:
                    put(rpr, el("i"))
            elif "em" in marks:
                run.get_or_add_rPr().style = s.EMPHASIS.id
        elif isinstance(node, LineBreak):
            p.add_r().add_br()
        elif call is not None:
            call(p, node)
        else:
            _note_call(p, node, repeated)


def _note_call(p: CT_P, ref: NoteRef, repeated: set[int]) -> None:
    """A footnote reference; a later call of the same note is a NOTEREF field to it."""
    bookmark = f"_RefNote{ref.number}"
    if ref.occurrence == 1:
        run = styled_run(s.FOOTNOTE_REF.id)
        run.append(el("footnoteReference", id=ref.number))
        if ref.number in repeated:
            p.append(el("bookmarkStart", id=ref.number, name=bookmark))
            p.append(run)
            p.append(el("bookmarkEnd", id=ref.number))
        else:
            p.append(run)
        return
    for part in complex_field(f" NOTEREF {bookmark} \\f \\h ", str(ref.number)):
        run = styled_run(s.FOOTNOTE_REF.id)
        run.append(part)
        p.append(run)


def fill_footnote(
    note: CT_Footnote,
    model: Note,
    repeated: set[int],
    editorial: str = "",
    hyphens: Hyphenator | None = None,
    mark: str | None = None,
) -> list[CT_P]:
    """The paragraphs of one note (returned), the first opening with the note's number
    mark, the last ending with `editorial` (the label that says the note is the editors');
    `hyphens` puts the layout's soft hyphens into them. The mark is Word's own number
    (`w:footnoteRef`), or the text `mark` where the call has a mark of its own."""
    made = []
    for k, para in enumerate(model.paragraphs):
        p = checked(CT_P, el("p"))
        note.append(p)
        p.get_or_add_pPr().style = s.FOOTNOTE_TEXT.id
        if k == 0:
            run = styled_run(s.FOOTNOTE_REF.id)
            if mark is None:
                run.append(el("footnoteRef"))
            else:
                text = el("t")
                text.text = mark
                run.append(text)
            p.append(run)
            p.add_r().text = " "
        add_inlines(p, tuple(n for n in para.content if not isinstance(n, NoteRef)), repeated)
        if editorial and k == len(model.paragraphs) - 1:
            p.add_r().text = editorial
        if hyphens is not None:
            hyphens.paragraph(p, s.FOOTNOTE_TEXT)
        made.append(p)
    return made


def article_label(layout: Layout, number: int) -> str:
    """The number Word shows before an article (the layout's `docx.article_number`, "%1"
    standing for the number): the hyphenation measures the first line with it."""
    return str(layout.get("docx.article_number")).replace("%1", str(number))


class BodyWriter:
    """Writes the statement's body into a python-docx document whose styles are in place."""

    def __init__(
        self,
        doc: Document,
        statement: Statement,
        layout: Layout,
        lists: Lists,
        repeated: set[int],
        hyphens: Hyphenator | None = None,
    ) -> None:
        self.doc = doc
        self.st = statement
        self.layout = layout
        self.lists = lists
        self.repeated = repeated  # see `repeated_notes`
        self.hyphens = hyphens  # soft hyphens in the text paragraphs, if the layout hyphenates

    def style(self, name: s.StyleName) -> ParagraphStyle:
        return checked(ParagraphStyle, s.by_id(self.doc, name))

    def paragraph(
        self, name: s.StyleName, content: tuple[Inline, ...] = (), label: str = ""
    ) -> CT_P:
        """A paragraph of style `name`; `label` is the number Word gives it ("1.")."""
        p = self.doc.add_paragraph(style=self.style(name))._p
        add_inlines(p, content, self.repeated)
        if self.hyphens is not None and name in TEXT_STYLES and content:
            self.hyphens.paragraph(p, name, label)
        return p

    def write(self) -> None:
        """Kind, title, subtitle, dateline, preamble, articles, closing, signatories."""
        m = self.st.meta
        if m.kind:
            self.paragraph(s.KIND, (Text(m.kind),))
        title = self.paragraph(s.TITLE)
        for i, line in enumerate(m.title):
            if i:
                title.add_r().add_br()
            run = title.add_r()
            if line:
                run.text = line
        if m.subtitle:
            self.paragraph(s.SUBTITLE, (Text(m.subtitle),))
        date = format_date(m.date, m.lang)
        separator = statement_labels(m)["place_separator"]
        self.paragraph(s.DATELINE, (Text(date + (f"{separator}{m.place}" if m.place else "")),))
        notice = translation_notice(m)
        if notice:
            self.paragraph(s.TRANSLATION_NOTICE, (Text(notice),))
        for para in self.st.preamble:
            self.paragraph(s.PREAMBLE, para.content)
        for article in self.st.articles:
            self.article(article)
        for para in self.st.closing:
            self.paragraph(s.CLOSING, para.content)
        self.signatures()

    def article(self, article: Article) -> None:
        for index, block in enumerate(article.blocks):
            if isinstance(block, Paragraph):
                if index == 0:
                    label = article_label(self.layout, article.number)
                    self.paragraph(s.ARTICLE, block.content, label)
                else:
                    self.paragraph(s.ARTICLE_CONT, block.content)
            else:
                if index == 0:
                    self.paragraph(s.ARTICLE)  # the number alone, as the HTML edition prints it
                self.sublist(block)

    def sublist(self, sub: SubList) -> None:
        if sub.ordered:
            first = sub.items[0].number if sub.items else None
            num_id = self.lists.numbered(first if first is not None else 1)
        else:
            num_id = self.lists.bulleted()
        for item in sub.items:
            for k, para in enumerate(item.paragraphs):
                p = self.paragraph(s.SUBITEM, para.content)
                if k == 0:  # further paragraphs of an item align with its text, unnumbered
                    number(p.get_or_add_pPr(), num_id)

    def signatures(self) -> None:
        """The signatories side by side in a borderless table, kept with the text above."""
        sigs = self.st.signatories
        if not sigs:
            return
        n = self.layout.number
        paragraphs = self.doc.paragraphs
        if paragraphs:
            paragraphs[-1].paragraph_format.keep_with_next = True
        cols = max(1, min(int(n("signatures.columns")), len(sigs)))
        rows = [sigs[i : i + cols] for i in range(0, len(sigs), cols)]
        text_mm = n("page.width_mm") - n("page.margin_left_mm") - n("page.margin_right_mm")
        width = s.twips_mm(text_mm)
        # The table spans the text width exactly: the style's right cell margin makes the
        # gap between columns, and the last column, which has no gap after it, is that much
        # narrower with no right margin, so every signature line is as long and the last
        # ends at the right edge of the text.
        column_gap = s.twips_mm(n("signatures.column_gap_mm"))
        line = (width - (cols - 1) * column_gap) // cols
        widths = [line + column_gap] * (cols - 1) + [width - (cols - 1) * (line + column_gap)]
        table = self.doc.add_table(rows=len(rows), cols=cols)
        table._tbl.tblStyle_val = s.SIG_TABLE.id  # what `table.style = …` sets, by id
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        tbl_w = tbl_pr.find(qn("w:tblW"))
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(width))
        put(checked(CT_TableProperties, tbl_pr), el("tblInd", w=0, type="dxa"))
        for column, twips in zip(table.columns, widths, strict=True):
            column.width = Twips(twips)
        for r, (row, group) in enumerate(zip(table.rows, rows, strict=True)):
            put(checked(CT_RowProperties, row._tr.get_or_add_trPr()), el("cantSplit"))
            for c, cell in enumerate(row.cells):
                cell.width = Twips(widths[c])
                if c == cols - 1:
                    margins = el("tcMar")
                    margins.append(el("right", w=0, type="dxa"))
                    put(checked(CT_CellProperties, cell._tc.get_or_add_tcPr()), margins)
                # Titles of different lengths: the signature lines and names of a row still
                # line up, as GOST's "on one level" asks.
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                if c >= len(group):
                    continue
                sig = group[c]
                first = cell.paragraphs[0]
                first.style = self.style(s.SIG_TITLE)
                first.add_run(sig.title)
                # The one direct setting: the block's distance from the text above, or
                # between rows (a style cannot tell the first row from the others).
                gap = "signatures.space_before_pt" if r == 0 else "signatures.row_gap_pt"
                first.paragraph_format.space_before = Pt(n(gap))
                if self.st.meta.signature == "line":
                    cell.add_paragraph(style=self.style(s.SIG_LINE))
                    cell.add_paragraph(sig.name, style=self.style(s.SIG_NAME))
                else:  # name-only: no line to sign on; the name follows its title
                    name = cell.add_paragraph(sig.name, style=self.style(s.SIG_NAME))
                    name.paragraph_format.space_before = Pt(n("signatures.name_space_pt"))
