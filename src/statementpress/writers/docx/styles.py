"""The named styles of the DOCX edition: one dataclass value per style, from layout values.

`definitions(layout)` says what each style is (size, weight, alignment, spacing, …) and
`add_style` makes one into a `w:style`; `TextDefaults` are the document defaults and the
Normal style every paragraph style is based on. The names are documented in docs/docx.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.text.parfmt import CT_PPr
from docx.shared import Mm, Pt
from docx.styles.style import BaseStyle, CharacterStyle, ParagraphStyle

from statementpress import fonts
from statementpress.errors import LayoutError
from statementpress.layout import Layout
from statementpress.writers.docx.oxml import (
    CT_ParagraphProperties,
    CT_RunProperties,
    CT_StyleDefinition,
    CT_StyleSheet,
    checked,
    el,
    put,
)


@dataclass(frozen=True)
class StyleName:
    """A style's name as Word shows it and its id in the XML."""

    name: str
    id: str


# Footnote, header and the two character styles carry Word's built-in names, so Word treats
# them as its own.
KIND = StyleName("Statement Kind", "StatementKind")
TITLE = StyleName("Statement Title", "StatementTitle")
SUBTITLE = StyleName("Statement Subtitle", "StatementSubtitle")
DATELINE = StyleName("Statement Dateline", "StatementDateline")
TRANSLATION_NOTICE = StyleName("Translation Notice", "TranslationNotice")
PREAMBLE = StyleName("Statement Preamble", "StatementPreamble")
ARTICLE = StyleName("Statement Article", "StatementArticle")
ARTICLE_CONT = StyleName("Statement Article Continued", "StatementArticleContinued")
SUBITEM = StyleName("Statement Sub-item", "StatementSubitem")
CLOSING = StyleName("Statement Closing", "StatementClosing")
SIG_TITLE = StyleName("Signatory Title", "SignatoryTitle")
SIG_LINE = StyleName("Signatory Line", "SignatoryLine")
SIG_NAME = StyleName("Signatory Name", "SignatoryName")
SIG_TABLE = StyleName("Signatory Block", "SignatoryBlock")
FOOTNOTE_TEXT = StyleName("footnote text", "FootnoteText")
FOOTNOTE_REF = StyleName("footnote reference", "FootnoteReference")
HEADER = StyleName("header", "Header")
EMPHASIS = StyleName("Emphasis", "Emphasis")
STRONG = StyleName("Strong", "Strong")

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "centre": WD_ALIGN_PARAGRAPH.CENTER,
}


def twips_mm(mm: float) -> int:
    """Millimetres in twentieths of a point, Word's unit for indents, tabs and widths."""
    return round(mm * 1440 / 25.4)


def twips_pt(pt: float) -> int:
    """Points in twentieths of a point."""
    return round(pt * 20)


def colour(value: str) -> str:
    """A layout colour ("#1a1a1a") as WordprocessingML writes it ("1A1A1A")."""
    return value.lstrip("#").upper()


@dataclass(frozen=True)
class LineSpacing:
    """`w:spacing/@w:line` and `@w:lineRule`: twips for "exact", 240ths of a line for "auto"."""

    line: int
    rule: str


def line_spacing(layout: Layout, size_pt: float, height: float) -> LineSpacing:
    """The spacing of lines of `size_pt` with a CSS-like line height, by `docx.line_rule`."""
    rule = layout.get("docx.line_rule")
    if rule == "exact":
        return LineSpacing(twips_pt(size_pt * height), "exact")
    if rule == "multiple":
        return LineSpacing(round(240 * height), "auto")
    raise LayoutError(
        f"layout {layout.name!r}: docx.line_rule must be 'exact' or 'multiple', not {rule!r}"
    )


@dataclass(frozen=True)
class BottomRule:
    """A single line under a paragraph: width in eighths of a point, colour."""

    eighths: int
    colour: str


@dataclass(frozen=True)
class ParagraphStyleDef:
    """A paragraph style based on Normal; `None` leaves a value to Normal."""

    name: StyleName
    priority: int
    size_pt: float | None = None
    builtin: bool = False
    gallery: bool = True
    bold: bool | None = None
    italic: bool | None = None
    caps: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    first_line_mm: float | None = None
    left_mm: float | None = None
    before_pt: float | None = None
    after_pt: float | None = None
    line: LineSpacing | None = None
    keep_next: bool | None = None
    # False: never hyphenated (w:suppressAutoHyphens), whatever the document's setting.
    hyphenate: bool | None = None
    rule_below: BottomRule | None = None
    next_style: StyleName | None = None  # after Enter; the style itself if None


@dataclass(frozen=True)
class CharacterStyleDef:
    """A character style (Word's built-in ones here)."""

    name: StyleName
    priority: int
    gallery: bool
    bold: bool | None = None
    italic: bool | None = None
    superscript: bool = False


@dataclass(frozen=True)
class TableStyleDef:
    """A borderless table whose columns are separated by a right cell margin."""

    name: StyleName
    priority: int
    column_gap: int  # twips


StyleDef = ParagraphStyleDef | CharacterStyleDef | TableStyleDef


def definitions(layout: Layout) -> tuple[StyleDef, ...]:
    """Every named style of the edition, in the order they are added to styles.xml."""
    n = layout.number
    size = n("text.size_pt")
    indent = n("text.indent_cm") * 10
    align = _ALIGN[layout.get("text.align")]
    centre = WD_ALIGN_PARAGRAPH.CENTER
    notes = n("notes.size_pt")
    # Headings, the title block and the signatory block are never hyphenated (layouts'
    # hyphenation policy): a title reads as a whole, and "Респуб-/лики" under a signature is
    # not how an official document writes a state's name.
    heading = ParagraphStyleDef(
        KIND, 1, n("title.size_pt"), align=centre, keep_next=True, hyphenate=False
    )
    text = ParagraphStyleDef(PREAMBLE, 5, size, align=align, first_line_mm=indent)
    signatory = ParagraphStyleDef(
        SIG_TITLE,
        10,
        n("signatures.title_size_pt"),
        align=WD_ALIGN_PARAGRAPH.LEFT,
        keep_next=True,
        hyphenate=False,
    )
    rule = BottomRule(
        max(2, round(n("signatures.line_thickness_pt") * 8)), colour(layout.get("colours.rule"))
    )
    return (
        replace(heading, bold=layout.get("title.bold"), caps=layout.get("title.kind_uppercase")),
        replace(heading, name=TITLE, priority=2, bold=layout.get("title.bold")),
        replace(
            heading,
            name=SUBTITLE,
            priority=3,
            size_pt=size,
            italic=layout.get("title.subtitle_italic"),
            before_pt=n("title.space_after_pt"),  # as the PDF's subtitle
        ),
        ParagraphStyleDef(
            DATELINE,
            4,
            size,
            align=centre,
            before_pt=n("title.dateline_space_pt"),
            after_pt=n("title.space_after_pt"),
            hyphenate=False,
        ),
        ParagraphStyleDef(
            TRANSLATION_NOTICE,
            14,
            n("notice.size_pt"),
            italic=layout.get("notice.italic"),
            align=centre,
            after_pt=n("notice.space_after_pt"),
        ),
        text,
        replace(text, name=ARTICLE_CONT, priority=7),  # before the article, which names it
        replace(text, name=ARTICLE, priority=6, next_style=ARTICLE_CONT),
        # A sub-item's text (and its unnumbered further paragraphs) hangs under its point.
        ParagraphStyleDef(
            SUBITEM,
            8,
            size,
            align=align,
            left_mm=(n("lists.marker_cm") + n("lists.hang_cm")) * 10,
        ),
        replace(text, name=CLOSING, priority=9),
        signatory,
        replace(
            signatory,
            name=SIG_LINE,
            priority=11,
            line=LineSpacing(twips_pt(n("signatures.line_space_pt")), "exact"),
            rule_below=rule,
        ),
        replace(
            signatory,
            name=SIG_NAME,
            priority=12,
            size_pt=n("signatures.name_size_pt"),
            bold=layout.get("signatures.name_bold"),
        ),
        TableStyleDef(SIG_TABLE, 13, twips_mm(n("signatures.column_gap_mm"))),
        ParagraphStyleDef(
            FOOTNOTE_TEXT,
            99,
            notes,
            builtin=True,
            gallery=False,
            align=align,
            line=line_spacing(layout, notes, n("notes.line_height")),
            after_pt=n("notes.space_pt"),
        ),
        CharacterStyleDef(FOOTNOTE_REF, 99, gallery=False, superscript=True),
        ParagraphStyleDef(
            HEADER,
            99,
            n("page.number_size_pt"),
            builtin=True,
            gallery=False,
            align=centre,
            hyphenate=False,
        ),
        CharacterStyleDef(EMPHASIS, 20, gallery=True, italic=True),
        CharacterStyleDef(STRONG, 22, gallery=True, bold=True),
    )


def by_id(doc: Document, name: StyleName) -> BaseStyle:
    """The style of `doc` with the id of `name` (a reference document's, or ours)."""
    for style in doc.styles:
        if style.style_id == name.id:
            return style
    raise KeyError(name.id)


def add_style(doc: Document, d: StyleDef) -> None:
    """Add the style `d` defines to `doc`."""
    if isinstance(d, TableStyleDef):
        table = _new(doc, d.name, WD_STYLE_TYPE.TABLE, False, d.priority)
        tblpr = el("tblPr")
        borders = el("tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(el(edge, val="nil"))
        tblpr.append(borders)
        margins = el("tblCellMar")
        margins.append(el("left", w=0, type="dxa"))
        margins.append(el("right", w=d.column_gap, type="dxa"))
        tblpr.append(margins)
        put(checked(CT_StyleDefinition, table.element), tblpr)
        return
    if isinstance(d, CharacterStyleDef):
        char = checked(CharacterStyle, _new(doc, d.name, WD_STYLE_TYPE.CHARACTER, True, d.priority))
        char.quick_style = d.gallery
        _font(char, None, d.bold, d.italic, False, d.superscript)
        return
    style = checked(
        ParagraphStyle, _new(doc, d.name, WD_STYLE_TYPE.PARAGRAPH, d.builtin, d.priority)
    )
    style.quick_style = d.gallery
    style.base_style = doc.styles["Normal"]
    style.next_paragraph_style = (
        checked(ParagraphStyle, by_id(doc, d.next_style)) if d.next_style else style
    )
    _font(style, d.size_pt, d.bold, d.italic, d.caps, False)
    pf = style.paragraph_format
    if d.align is not None:
        pf.alignment = d.align
    if d.first_line_mm is not None:
        pf.first_line_indent = Mm(d.first_line_mm)
        pf.left_indent = 0
    if d.left_mm is not None:
        pf.left_indent = Mm(d.left_mm)
        pf.first_line_indent = 0
    if d.before_pt is not None:
        pf.space_before = Pt(d.before_pt)
    if d.after_pt is not None:
        pf.space_after = Pt(d.after_pt)
    ppr = checked(CT_ParagraphProperties, style.element.get_or_add_pPr())
    if d.line is not None:
        set_line(ppr, d.line)
    if d.keep_next is not None:
        pf.keep_with_next = d.keep_next
    if d.hyphenate is False:
        put(ppr, el("suppressAutoHyphens"))
    if d.rule_below is not None:
        border = el("pBdr")
        border.append(
            el("bottom", val="single", sz=d.rule_below.eighths, space=1, color=d.rule_below.colour)
        )
        put(ppr, border)


def _new(
    doc: Document, name: StyleName, kind: WD_STYLE_TYPE, builtin: bool, priority: int
) -> BaseStyle:
    style = doc.styles.add_style(name.name, kind, builtin=builtin)
    style.element.set(qn("w:styleId"), name.id)
    style.element.get_or_add_name().set(qn("w:val"), name.name)  # python-docx renames built-ins
    style.priority = priority
    return style


def _font(
    style: CharacterStyle,
    size_pt: float | None,
    bold: bool | None,
    italic: bool | None,
    caps: bool,
    superscript: bool,
) -> None:
    font = style.font
    if size_pt is not None:
        font.size = Pt(size_pt)
        rpr = checked(CT_RunProperties, style.element.get_or_add_rPr())
        put(rpr, el("szCs", val=round(size_pt * 2)))
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if caps:
        font.all_caps = True
    if superscript:
        font.superscript = True


def set_line(ppr: CT_PPr, line: LineSpacing) -> None:
    """Set the line spacing of `ppr`, keeping its space before and after."""
    spacing = ppr.get_or_add_spacing()
    spacing.set(qn("w:line"), str(line.line))
    spacing.set(qn("w:lineRule"), line.rule)


@dataclass(frozen=True)
class TextDefaults:
    """What every style inherits: the face, text size and colour, language, line spacing."""

    family: str
    half_points: int
    colour: str
    lang: str
    line: LineSpacing
    paragraph_space_pt: float
    widow_control: bool


def text_defaults(layout: Layout, face: fonts.FontFace, lang: str) -> TextDefaults:
    """The document defaults and Normal style of `layout` for a statement in `lang`."""
    size = layout.number("text.size_pt")
    return TextDefaults(
        family=face.family,
        half_points=round(size * 2),
        colour=colour(layout.get("colours.text")),
        lang=lang,
        line=line_spacing(layout, size, layout.number("text.line_height")),
        paragraph_space_pt=layout.number("text.paragraph_space_pt"),
        # Word has one switch for widows and orphans: it keeps two lines either side.
        widow_control=max(layout.number("text.widows"), layout.number("text.orphans")) >= 2,
    )


def run_basics(rpr: CT_RunProperties, d: TextDefaults) -> None:
    """Face, size, colour and language on run properties (the defaults, or Normal)."""
    family = d.family
    put(rpr, el("rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=family))
    put(rpr, el("color", val=d.colour))
    put(rpr, el("sz", val=d.half_points))
    put(rpr, el("szCs", val=d.half_points))
    put(rpr, el("lang", val=d.lang, eastAsia=d.lang))


def defaults_and_normal(doc: Document, sheet: CT_StyleSheet, d: TextDefaults) -> None:
    """Document defaults from `d`; Normal restyled from them (python-docx's settings go)."""
    defaults = sheet.get_or_add_docDefaults()
    defaults.clear()
    run_basics(defaults.get_or_add_rPrDefault().get_or_add_rPr(), d)
    spacing = el("spacing", before=0, after=0, line=d.line.line, lineRule=d.line.rule)
    put(defaults.get_or_add_pPrDefault().get_or_add_pPr(), spacing)
    normal = checked(ParagraphStyle, doc.styles["Normal"])
    element = normal.element
    for child in list(element):
        if child.tag in (qn("w:pPr"), qn("w:rPr"), qn("w:rsid")):
            element.remove(child)
    run_basics(element.get_or_add_rPr(), d)
    pf = normal.paragraph_format
    pf.space_before = 0
    pf.space_after = Pt(d.paragraph_space_pt)
    set_line(element.get_or_add_pPr(), d.line)
    pf.widow_control = d.widow_control
