"""DOCX writer: a Word document on named styles, Word numbering, true footnotes and a PAGE field."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statementpress import fonts, reproducible, zipout
from statementpress.dates import format_date
from statementpress.errors import LayoutError
from statementpress.labels import labels
from statementpress.layout import Layout
from statementpress.model import (
    Article,
    Emphasis,
    Inline,
    LineBreak,
    NoteRef,
    Paragraph,
    Statement,
    Strong,
    SubList,
    Text,
)
from statementpress.writers.html import GENERATOR

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CT_ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


@dataclass(frozen=True)
class StyleName:
    """A style's name as Word shows it and its id in the XML."""

    name: str
    id: str


# The named styles of the edition (documented in docs/docx.md). Footnote, header and the
# two character styles carry Word's built-in names, so Word treats them as its own.
KIND = StyleName("Statement Kind", "StatementKind")
TITLE = StyleName("Statement Title", "StatementTitle")
SUBTITLE = StyleName("Statement Subtitle", "StatementSubtitle")
DATELINE = StyleName("Statement Dateline", "StatementDateline")
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

# The styles Word needs in every document; everything else of python-docx's template goes.
_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
# Relationships of python-docx's template that carry its sample content, not ours.
_DROP_DOC_RELS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/webSettings",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme",
)
_DROP_PKG_RELS = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
)
_EMBED_TAGS = {
    "regular": "w:embedRegular",
    "bold": "w:embedBold",
    "italic": "w:embedItalic",
    "bold_italic": "w:embedBoldItalic",
}
_ALIGN = {
    "justify": "both",
    "left": "left",
    "right": "right",
    "center": "center",
    "centre": "center",
}
# Child order of rPr, pPr and settings in the WordprocessingML schema (ECMA-376 Part 1,
# §17.3.2.28, §17.3.1.26, §17.15.1.78): Word rejects a document whose children are out of
# order, so every element added to an existing one goes to its place.
_RPR_SEQ = tuple(
    f"w:{t}"
    for t in [
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
)
_PPR_SEQ = tuple(
    f"w:{t}"
    for t in [
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
)
_SETTINGS_SEQ = tuple(
    f"w:{t}"
    for t in [
        "writeProtection",
        "view",
        "zoom",
        "removePersonalInformation",
        "removeDateAndTime",
        "doNotDisplayPageBoundaries",
        "displayBackgroundShape",
        "printPostScriptOverText",
        "printFractionalCharacterWidth",
        "printFormsData",
        "embedTrueTypeFonts",
        "embedSystemFonts",
        "saveSubsetFonts",
        "saveFormsData",
        "mirrorMargins",
        "alignBordersAndEdges",
        "bordersDoNotSurroundHeader",
        "bordersDoNotSurroundFooter",
        "gutterAtTop",
        "hideSpellingErrors",
        "hideGrammaticalErrors",
        "activeWritingStyle",
        "proofState",
        "formsDesign",
        "attachedTemplate",
        "linkStyles",
        "stylePaneFormatFilter",
        "stylePaneSortMethod",
        "documentType",
        "mailMerge",
        "revisionView",
        "trackRevisions",
        "doNotTrackMoves",
        "doNotTrackFormatting",
        "documentProtection",
        "autoFormatOverride",
        "styleLockTheme",
        "styleLockQFSet",
        "defaultTabStop",
        "autoHyphenation",
        "consecutiveHyphenLimit",
        "hyphenationZone",
        "doNotHyphenateCaps",
        "showEnvelope",
        "summaryLength",
        "clickAndTypeStyle",
        "defaultTableStyle",
        "evenAndOddHeaders",
        "bookFoldRevPrinting",
        "bookFoldPrinting",
        "bookFoldPrintingSheets",
        "drawingGridHorizontalSpacing",
        "drawingGridVerticalSpacing",
        "displayHorizontalDrawingGridEvery",
        "displayVerticalDrawingGridEvery",
        "doNotUseMarginsForDrawingGridOrigin",
        "drawingGridHorizontalOrigin",
        "drawingGridVerticalOrigin",
        "doNotShadeFormData",
        "noPunctuationKerning",
        "characterSpacingControl",
        "printTwoOnOne",
        "strictFirstAndLastChars",
        "noLineBreaksAfter",
        "noLineBreaksBefore",
        "savePreviewPicture",
        "doNotValidateAgainstSchema",
        "saveInvalidXml",
        "ignoreMixedContent",
        "alwaysShowPlaceholderText",
        "doNotDemarcateInvalidXml",
        "saveXmlDataOnly",
        "useXSLTWhenSaving",
        "saveThroughXslt",
        "showXMLTags",
        "alwaysMergeEmptyNamespace",
        "updateFields",
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "mathPr",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    ]
)
# Package parts in this order first (Word needs [Content_Types].xml first), then by name.
_PART_ORDER = (
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/core.xml",
    "docProps/app.xml",
    "word/document.xml",
    "word/_rels/document.xml.rels",
)


def _twips_mm(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def _twips_pt(pt: float) -> int:
    return round(pt * 20)


def _w(tag: str, **attrs: Any):
    """A new `w:` element with `w:`-prefixed attributes (python-docx's OXML layer)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    return OxmlElement(f"w:{tag}", {qn(f"w:{k}"): str(v) for k, v in attrs.items()})


def _put(parent, child, order: Iterable[str]):
    """Insert `child` in `parent` at its schema position, replacing one of the same tag."""
    from docx.oxml.ns import qn

    order = list(order)
    for old in parent.findall(child.tag):
        parent.remove(old)
    tags = [qn(t) for t in order]
    try:
        later = set(tags[tags.index(child.tag) + 1 :])
    except ValueError:
        parent.append(child)
        return child
    for existing in parent:
        if existing.tag in later:
            existing.addprevious(child)
            return child
    parent.append(child)
    return child


def font_key(data: bytes) -> str:
    """A GUID for an embedded font, derived from its bytes so two builds use the same key."""
    h = hashlib.sha256(data).hexdigest()[:32].upper()
    return f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}}}"


def obfuscate_font(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1 §17.8.1: XOR the first 32 bytes with the key's 16 bytes, last first.

    The key bytes are the GUID's hex digits read as bytes in reverse order; applying the
    same operation again restores the font, which is how Word and LibreOffice read it.
    """
    guid = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


class _Builder:
    """Builds one statement into a python-docx Document, then returns the package bytes."""

    def __init__(self, statement: Statement, layout: Layout, face: fonts.FontFace) -> None:
        self.st = statement
        self.layout = layout
        self.face = face
        self.lang = statement.meta.lang
        reference = layout.get("docx.reference")
        self.reference = layout.find_file(reference) if reference else None
        self.repeated = _repeated_notes(statement)

    # -- values -----------------------------------------------------------------------------

    def num(self, key: str) -> float:
        return self.layout.number(key)

    def line(self, size_pt: float, height: float) -> tuple[int, str]:
        """Line spacing (w:line, w:lineRule) for a size and a CSS-like line height."""
        rule = self.layout.get("docx.line_rule")
        if rule == "exact":
            return _twips_pt(size_pt * height), "exact"
        if rule == "multiple":
            return round(240 * height), "auto"
        raise LayoutError(
            f"layout {self.layout.name!r}: docx.line_rule must be "
            f"'exact' or 'multiple', not {rule!r}"
        )

    # -- the whole document -----------------------------------------------------------------

    def build(self) -> bytes:
        import docx

        self.doc = docx.Document(str(self.reference) if self.reference else None)
        self._clear_body()
        if self.reference is None:
            self._strip_template()
            self._page_setup()
        self._styles()
        self._numbering()
        self._article_numbering_on_style()
        self._settings()
        self._body()
        self._footnotes()
        if self.reference is None or not self._reference_has_header():
            self._header()
        self._font_table(embed=bool(self.layout.get("docx.embed_fonts")))
        self._properties()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def _clear_body(self) -> None:
        body = self.doc.element.body
        sect = body.sectPr
        for child in list(body):
            if child is not sect:
                body.remove(child)

    def _strip_template(self) -> None:
        """Remove the parts and attributes of python-docx's template that are not ours."""
        part = self.doc.part
        for rId, rel in list(part.rels.items()):
            if rel.reltype in _DROP_DOC_RELS:
                del part.rels[rId]
        pkg_rels = part.package.rels
        for rId, rel in list(pkg_rels.items()):
            if rel.reltype in _DROP_PKG_RELS:
                del pkg_rels[rId]
        sect = self.doc.element.body.sectPr
        for attr in list(sect.attrib):
            del sect.attrib[attr]  # revision ids of the template's author
        # app.xml: the template says "Microsoft Macintosh Word" and "Normal.dotm".
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        app = part.package.part_related_by(RT.EXTENDED_PROPERTIES)
        app._blob = (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/docPropsVTypes"><Application>{GENERATOR}</Application>'
            "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
            "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
            "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
        ).encode()

    def _reference_has_header(self) -> bool:
        from docx.oxml.ns import qn

        return self.doc.element.body.sectPr.find(qn("w:headerReference")) is not None

    def _page_setup(self) -> None:
        from docx.shared import Mm

        sec = self.doc.sections[0]
        sec.page_width = Mm(self.num("page.width_mm"))
        sec.page_height = Mm(self.num("page.height_mm"))
        sec.top_margin = Mm(self.num("page.margin_top_mm"))
        sec.bottom_margin = Mm(self.num("page.margin_bottom_mm"))
        sec.left_margin = Mm(self.num("page.margin_left_mm"))
        sec.right_margin = Mm(self.num("page.margin_right_mm"))
        sec.header_distance = Mm(self.num("page.number_top_mm"))
        sec.footer_distance = Mm(self.num("page.number_top_mm"))
        sec.gutter = 0

    # -- styles -----------------------------------------------------------------------------

    def _styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml.ns import qn

        styles_el = self.doc.styles.element
        if self.reference is None:
            for style in list(styles_el.findall(qn("w:style"))):
                if style.get(qn("w:styleId")) not in _KEEP_STYLES:
                    styles_el.remove(style)
            # Word's built-in styles stay out of the style gallery until used, so an editor
            # sees this document's styles first.
            latent = styles_el.find(qn("w:latentStyles"))
            if latent is not None:
                styles_el.remove(latent)
            latent = _w(
                "latentStyles",
                defLockedState=0,
                defUIPriority=99,
                defSemiHidden=1,
                defUnhideWhenUsed=1,
                defQFormat=0,
                count=376,
            )
            styles_el.find(qn("w:docDefaults")).addnext(latent)
            self._doc_defaults()
            self._normal()
        else:
            self._reference_language()
        self.existing = {s.style_id for s in self.doc.styles}

        size = self.num("text.size_pt")
        indent = self.num("text.indent_cm") * 10
        align = self.layout.get("text.align")
        tsize = self.num("title.size_pt")
        P, C = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER

        self._style(
            KIND,
            P,
            size=tsize,
            bold=self.layout.get("title.bold"),
            caps=self.layout.get("title.kind_uppercase"),
            align="center",
            keep_next=True,
            priority=1,
        )
        self._style(
            TITLE,
            P,
            size=tsize,
            bold=self.layout.get("title.bold"),
            align="center",
            keep_next=True,
            priority=2,
        )
        self._style(
            SUBTITLE,
            P,
            size=size,
            italic=self.layout.get("title.subtitle_italic"),
            align="center",
            keep_next=True,
            priority=3,
        )
        self._style(
            DATELINE,
            P,
            size=size,
            align="center",
            before=self.num("title.dateline_space_pt"),
            after=self.num("title.space_after_pt"),
            priority=4,
        )
        body = dict(size=size, align=align, first_line_mm=indent)
        self._style(PREAMBLE, P, priority=5, **body)
        self._style(ARTICLE_CONT, P, priority=7, **body)
        self._style(ARTICLE, P, priority=6, next_style=ARTICLE_CONT, **body)
        self._style(SUBITEM, P, size=size, align=align, left_mm=indent, priority=8)
        self._style(CLOSING, P, priority=9, **body)
        sig = dict(align="left", keep_next=True)
        self._style(SIG_TITLE, P, size=self.num("signatures.title_size_pt"), priority=10, **sig)
        self._style(
            SIG_LINE,
            P,
            size=self.num("signatures.title_size_pt"),
            priority=11,
            exact_pt=self.num("signatures.line_space_pt"),
            rule_below=True,
            **sig,
        )
        self._style(
            SIG_NAME,
            P,
            size=self.num("signatures.name_size_pt"),
            bold=self.layout.get("signatures.name_bold"),
            priority=12,
            **sig,
        )
        self._table_style()
        nsize = self.num("notes.size_pt")
        self._style(
            FOOTNOTE_TEXT,
            P,
            builtin=True,
            size=nsize,
            align=align,
            line=(nsize, self.num("notes.line_height")),
            after=self.num("notes.space_pt"),
            priority=99,
        )
        self._style(FOOTNOTE_REF, C, builtin=True, superscript=True, priority=99)
        self._style(
            HEADER,
            P,
            builtin=True,
            size=self.num("page.number_size_pt"),
            align="center",
            priority=99,
        )
        self._style(EMPHASIS, C, builtin=True, italic=True, priority=20)
        self._style(STRONG, C, builtin=True, bold=True, priority=22)

    def _rpr_basics(self, rpr) -> None:
        """Font, size, colour and language: what every style inherits from the defaults."""

        seq = _RPR_SEQ
        family = self.face.family
        _put(rpr, _w("rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=family), seq)
        half = round(self.num("text.size_pt") * 2)
        _put(rpr, _w("color", val=self.layout.get("colours.text").lstrip("#").upper()), seq)
        _put(rpr, _w("sz", val=half), seq)
        _put(rpr, _w("szCs", val=half), seq)
        _put(rpr, _w("lang", val=self.lang, eastAsia=self.lang), seq)

    def _doc_defaults(self) -> None:
        from docx.oxml.ns import qn

        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        defaults.clear()
        rpr_default = _w("rPrDefault")
        rpr = _w("rPr")
        rpr_default.append(rpr)
        self._rpr_basics(rpr)
        ppr_default = _w("pPrDefault")
        ppr = _w("pPr")
        ppr_default.append(ppr)
        line, rule = self.line(self.num("text.size_pt"), self.num("text.line_height"))
        _put(ppr, _w("spacing", before=0, after=0, line=line, lineRule=rule), _PPR_SEQ)
        defaults.append(rpr_default)
        defaults.append(ppr_default)

    def _reference_language(self) -> None:
        """The statement's language on a reference's defaults (its fonts and sizes stay)."""
        from docx.oxml.ns import qn

        styles_el = self.doc.styles.element
        defaults = styles_el.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = _w("docDefaults")
            styles_el.insert(0, defaults)
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is None:
            rpr_default = _w("rPrDefault")
            defaults.insert(0, rpr_default)
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = _w("rPr")
            rpr_default.append(rpr)
        _put(rpr, _w("lang", val=self.lang, eastAsia=self.lang), _RPR_SEQ)

    def _normal(self) -> None:
        from docx.oxml.ns import qn

        normal = self.doc.styles["Normal"]
        el = normal.element
        for child in list(el):
            if child.tag in (qn("w:pPr"), qn("w:rPr"), qn("w:rsid")):
                el.remove(child)
        self._rpr_basics(el.get_or_add_rPr())
        pf = normal.paragraph_format
        pf.space_before = 0
        from docx.shared import Pt

        pf.space_after = Pt(self.num("text.paragraph_space_pt"))
        line, rule = self.line(self.num("text.size_pt"), self.num("text.line_height"))
        self._spacing(el.get_or_add_pPr(), line=line, lineRule=rule)
        # Word has one switch for widows and orphans: it keeps two lines either side.
        pf.widow_control = max(self.num("text.widows"), self.num("text.orphans")) >= 2

    def _spacing(self, ppr, **attrs) -> None:
        from docx.oxml.ns import qn

        spacing = ppr.find(qn("w:spacing"))
        if spacing is None:
            spacing = _put(ppr, _w("spacing"), _PPR_SEQ)
        for k, v in attrs.items():
            spacing.set(qn(f"w:{k}"), str(v))

    def _style(
        self,
        sn: StyleName,
        kind,
        builtin: bool = False,
        priority: int = 50,
        size: float | None = None,
        bold: bool | None = None,
        italic: bool | None = None,
        caps: bool | None = None,
        superscript: bool = False,
        align: str | None = None,
        first_line_mm: float | None = None,
        left_mm: float | None = None,
        before: float | None = None,
        after: float | None = None,
        line: tuple[float, float] | None = None,
        exact_pt: float | None = None,
        keep_next: bool | None = None,
        rule_below: bool = False,
        next_style: StyleName | None = None,
    ) -> None:
        """Add one named style built from layout values (kept as is if a reference has it)."""
        from docx.enum.style import WD_STYLE_TYPE
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        if sn.id in self.existing:
            return
        style = self.doc.styles.add_style(sn.name, kind, builtin=builtin)
        style.element.set(qn("w:styleId"), sn.id)
        name_el = style.element.find(qn("w:name"))
        name_el.set(qn("w:val"), sn.name)  # python-docx would rename built-ins
        style.priority = priority
        style.quick_style = not builtin or sn in (EMPHASIS, STRONG)
        if kind != WD_STYLE_TYPE.CHARACTER:
            style.base_style = (
                self.doc.styles["Normal"] if kind == WD_STYLE_TYPE.PARAGRAPH else None
            )
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            style.next_paragraph_style = self._get(next_style) if next_style else style
        font = style.font
        if size is not None:
            font.size = Pt(size)
            _put(style.element.get_or_add_rPr(), _w("szCs", val=round(size * 2)), _RPR_SEQ)
        if bold is not None:
            font.bold = bold
        if italic is not None:
            font.italic = italic
        if caps:
            font.all_caps = True
        if superscript:
            font.superscript = True
        if kind != WD_STYLE_TYPE.PARAGRAPH:
            return
        pf = style.paragraph_format
        if align is not None:
            pf.alignment = {
                "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
                "left": WD_ALIGN_PARAGRAPH.LEFT,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
                "center": WD_ALIGN_PARAGRAPH.CENTER,
            }[_ALIGN.get(align, align)]
        if first_line_mm is not None:
            pf.first_line_indent = Mm(first_line_mm)
            pf.left_indent = 0
        if left_mm is not None:
            pf.left_indent = Mm(left_mm)
            pf.first_line_indent = 0
        if before is not None:
            pf.space_before = Pt(before)
        if after is not None:
            pf.space_after = Pt(after)
        ppr = style.element.get_or_add_pPr()
        if line is not None:
            value, rule = self.line(*line)
            self._spacing(ppr, line=value, lineRule=rule)
        if exact_pt is not None:
            self._spacing(ppr, line=_twips_pt(exact_pt), lineRule="exact")
        if keep_next is not None:
            pf.keep_with_next = keep_next
        if rule_below:
            thickness = self.num("signatures.line_thickness_pt")
            bdr = _w("pBdr")
            bdr.append(
                _w(
                    "bottom",
                    val="single",
                    sz=max(2, round(thickness * 8)),
                    space=1,
                    color=self.layout.get("colours.rule").lstrip("#").upper(),
                )
            )
            _put(ppr, bdr, _PPR_SEQ)
        self.existing.add(sn.id)

    def _get(self, sn: StyleName):
        for style in self.doc.styles:
            if style.style_id == sn.id:
                return style
        raise KeyError(sn.id)

    def _table_style(self) -> None:
        """A borderless table whose columns are separated by the layout's column gap."""
        from docx.enum.style import WD_STYLE_TYPE
        from docx.oxml.ns import qn

        if SIG_TABLE.id in self.existing:
            return
        style = self.doc.styles.add_style(SIG_TABLE.name, WD_STYLE_TYPE.TABLE)
        style.element.set(qn("w:styleId"), SIG_TABLE.id)
        style.priority = 13
        tblpr = _w("tblPr")
        borders = _w("tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_w(edge, val="nil"))
        tblpr.append(borders)
        margins = _w("tblCellMar")
        margins.append(_w("left", w=0, type="dxa"))
        margins.append(_w("right", w=_twips_mm(self.num("signatures.column_gap_mm")), type="dxa"))
        tblpr.append(margins)
        style.element.append(tblpr)
        self.existing.add(SIG_TABLE.id)

    # -- numbering --------------------------------------------------------------------------

    def _numbering(self) -> None:
        """Abstract numberings for articles, numbered and bulleted sub-items, and their nums.

        Articles take their numbers from the "Statement Article" style, so an article an
        editor inserts renumbers the rest; the first number is the source's.
        """
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn
        from docx.parts.numbering import NumberingPart

        try:
            part = self.doc.part.part_related_by(RT.NUMBERING)
        except KeyError:
            part = None
        if part is None or self.reference is None:
            # A fresh part: the template's has sample lists and Mac namespaces (and
            # python-docx cannot create one where a reference document has none).
            if part is not None:
                for rId, rel in list(self.doc.part.rels.items()):
                    if rel.reltype == RT.NUMBERING:
                        del self.doc.part.rels[rId]
            part = NumberingPart(
                PackURI("/word/numbering.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
                parse_xml(f'<w:numbering xmlns:w="{W_NS}"/>'.encode()),
                self.doc.part.package,
            )
            self.doc.part.relate_to(part, RT.NUMBERING)
        numbering = part.element
        ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
        abstract_base = max(ids, default=-1) + 1
        self.next_num = max(nums, default=0) + 1
        self.numbering_el = numbering
        indent = _twips_mm(self.num("text.indent_cm") * 10)
        first = self.st.articles[0].number if self.st.articles else 1

        def abstract(
            offset: int, fmt: str, text: str, ppr_ind: dict, suff: str, pstyle: str | None = None
        ):
            el = _w("abstractNum", abstractNumId=abstract_base + offset)
            el.append(
                _w(
                    "nsid",
                    val=hashlib.sha256(f"{fmt}{text}{offset}".encode()).hexdigest()[:8].upper(),
                )
            )
            el.append(_w("multiLevelType", val="singleLevel"))
            lvl = _w("lvl", ilvl=0)
            lvl.append(_w("start", val=first if offset == 0 else 1))
            lvl.append(_w("numFmt", val=fmt))
            if pstyle:
                lvl.append(_w("pStyle", val=pstyle))
            lvl.append(_w("suff", val=suff))
            lvl.append(_w("lvlText", val=text))
            lvl.append(_w("lvlJc", val="left"))
            ppr = _w("pPr")
            if suff == "tab":
                tabs = _w("tabs")
                tabs.append(_w("tab", val="num", pos=indent))
                ppr.append(tabs)
            ppr.append(_w("ind", **ppr_ind))
            lvl.append(ppr)
            el.append(lvl)
            first_num = numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(el)
            else:
                numbering.append(el)
            return abstract_base + offset

        self.abs_article = abstract(
            0,
            "decimal",
            self.layout.get("docx.article_number"),
            {"left": 0, "firstLine": indent},
            "space",
            ARTICLE.id,
        )
        self.abs_subitem = abstract(
            1,
            "decimal",
            "%1" + self.layout.get("lists.number_suffix"),
            {"left": indent, "hanging": indent},
            "tab",
        )
        self.abs_bullet = abstract(
            2, "bullet", self.layout.get("lists.bullet"), {"left": indent, "hanging": indent}, "tab"
        )
        self.article_num = self._new_num(self.abs_article)
        self.bullet_num: int | None = None

    def _new_num(self, abstract_id: int, start: int | None = None) -> int:
        num_id = self.next_num
        self.next_num += 1
        el = _w("num", numId=num_id)
        el.append(_w("abstractNumId", val=abstract_id))
        if start is not None:
            override = _w("lvlOverride", ilvl=0)
            override.append(_w("startOverride", val=start))
            el.append(override)
        self.numbering_el.append(el)
        return num_id

    def _article_numbering_on_style(self) -> None:

        ppr = self._get(ARTICLE).element.get_or_add_pPr()
        numpr = _w("numPr")
        numpr.append(_w("ilvl", val=0))
        numpr.append(_w("numId", val=self.article_num))
        _put(ppr, numpr, _PPR_SEQ)

    # -- settings ---------------------------------------------------------------------------

    def _settings(self) -> None:

        settings = self.doc.settings.element
        seq = _SETTINGS_SEQ
        if self.reference is None:
            settings.clear()  # the template's rsids, docId and Mac compatibility flags
            _put(settings, _w("zoom", percent=100), seq)
            _put(
                settings, _w("defaultTabStop", val=_twips_mm(self.num("text.indent_cm") * 10)), seq
            )
            _put(settings, _w("characterSpacingControl", val="doNotCompress"), seq)
            compat = _w("compat")
            compat.append(
                _w(
                    "compatSetting",
                    name="compatibilityMode",
                    uri="http://schemas.microsoft.com/office/word",
                    val=15,
                )
            )
            _put(settings, compat, seq)
            _put(settings, _w("decimalSymbol", val="."), seq)
            _put(settings, _w("listSeparator", val=";"), seq)
        if self.layout.get("docx.embed_fonts"):
            _put(settings, _w("embedTrueTypeFonts"), seq)
        hyphenate = self.layout.get("text.hyphenate") and self.face.hyphenate
        _put(settings, _w("autoHyphenation", val="true" if hyphenate else "false"), seq)
        footnote_pr = _w("footnotePr")
        footnote_pr.append(_w("footnote", id=-1))
        footnote_pr.append(_w("footnote", id=0))
        _put(settings, footnote_pr, seq)
        _put(settings, _w("themeFontLang", val=self.lang), seq)

    # -- body -------------------------------------------------------------------------------

    def _para(self, style: StyleName, content: tuple[Inline, ...] = ()):
        p = self.doc.add_paragraph(style=self._get(style))
        self._inline(p, content)
        return p

    def _inline(self, p, nodes: tuple[Inline, ...], marks: frozenset[str] = frozenset()):
        for node in nodes:
            if isinstance(node, Text):
                run = p.add_run(node.text)
                # Character styles by id, so this also works in footnotes (no python-docx
                # story there); bold italic is Strong plus italic.
                if "strong" in marks:
                    run._r.get_or_add_rPr().style = STRONG.id
                    if "em" in marks:
                        run.italic = True
                elif "em" in marks:
                    run._r.get_or_add_rPr().style = EMPHASIS.id
            elif isinstance(node, Emphasis):
                self._inline(p, node.children, marks | {"em"})
            elif isinstance(node, Strong):
                self._inline(p, node.children, marks | {"strong"})
            elif isinstance(node, LineBreak):
                p.add_run().add_break()
            elif isinstance(node, NoteRef):
                self._note_call(p, node)

    def _ref_run(self):
        from docx.oxml.text.run import CT_R

        run = _w("r")
        rpr = _w("rPr")
        rpr.append(_w("rStyle", val=FOOTNOTE_REF.id))
        run.append(rpr)
        assert isinstance(run, CT_R)
        return run

    def _note_call(self, p, ref: NoteRef) -> None:
        """A footnote reference; a later call of the same note is a NOTEREF field to it."""
        el = p._p
        bookmark = f"_RefNote{ref.number}"
        if ref.occurrence == 1:
            run = self._ref_run()
            run.append(_w("footnoteReference", id=ref.number))
            if ref.number in self.repeated:
                el.append(_w("bookmarkStart", id=ref.number, name=bookmark))
                el.append(run)
                el.append(_w("bookmarkEnd", id=ref.number))
            else:
                el.append(run)
            return
        for part in _field(f" NOTEREF {bookmark} \\f \\h ", str(ref.number)):
            run = self._ref_run()
            run.append(part)
            el.append(run)

    def _body(self) -> None:
        m = self.st.meta
        if m.kind:
            self._para(KIND, (Text(m.kind),))
        title = self._para(TITLE)
        for i, line in enumerate(m.title):
            if i:
                title.add_run().add_break()
            title.add_run(line)
        if m.subtitle:
            self._para(SUBTITLE, (Text(m.subtitle),))
        date = format_date(m.date, m.lang)
        separator = labels(m.lang)["place_separator"]
        self._para(DATELINE, (Text(date + (f"{separator}{m.place}" if m.place else "")),))
        for para in self.st.preamble:
            self._para(PREAMBLE, para.content)
        for article in self.st.articles:
            self._article(article)
        for para in self.st.closing:
            self._para(CLOSING, para.content)
        self._signatures()

    def _article(self, article: Article) -> None:
        for index, block in enumerate(article.blocks):
            if isinstance(block, Paragraph):
                self._para(ARTICLE if index == 0 else ARTICLE_CONT, block.content)
            else:
                if index == 0:
                    self._para(ARTICLE)  # the number alone, as the HTML edition prints it
                self._sublist(block)

    def _sublist(self, sub: SubList) -> None:
        if sub.ordered:
            start = sub.items[0].number if sub.items and sub.items[0].number is not None else 1
            num_id = self._new_num(self.abs_subitem, start)
        else:
            if self.bullet_num is None:
                self.bullet_num = self._new_num(self.abs_bullet)
            num_id = self.bullet_num
        for item in sub.items:
            for k, para in enumerate(item.paragraphs):
                p = self._para(SUBITEM, para.content)
                if k == 0:  # further paragraphs of an item align with its text, unnumbered
                    self._num_pr(p, num_id)

    def _num_pr(self, p, num_id: int) -> None:

        numpr = _w("numPr")
        numpr.append(_w("ilvl", val=0))
        numpr.append(_w("numId", val=num_id))
        _put(p._p.get_or_add_pPr(), numpr, _PPR_SEQ)

    def _signatures(self) -> None:
        """The signatories side by side in a borderless table, kept with the text above."""
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.oxml.table import CT_TrPr
        from docx.shared import Mm, Pt

        sigs = self.st.signatories
        if not sigs:
            return
        body = self.doc.element.body
        paragraphs = body.findall(f"{{{W_NS}}}p")
        if paragraphs:
            from docx.text.paragraph import Paragraph as DocxParagraph

            DocxParagraph(paragraphs[-1], self.doc._body).paragraph_format.keep_with_next = True
        cols = max(1, min(int(self.num("signatures.columns")), len(sigs)))
        rows = [sigs[i : i + cols] for i in range(0, len(sigs), cols)]
        width_mm = (
            self.num("page.width_mm")
            - self.num("page.margin_left_mm")
            - self.num("page.margin_right_mm")
        )
        table = self.doc.add_table(rows=len(rows), cols=cols)
        table.style = self._get(SIG_TABLE)
        table.autofit = False
        tbl_w = table._tbl.tblPr.find(f"{{{W_NS}}}tblW")
        tbl_w.set(f"{{{W_NS}}}type", "dxa")
        tbl_w.set(f"{{{W_NS}}}w", str(_twips_mm(width_mm)))
        col_w = Mm(width_mm / cols)
        for column in table.columns:
            column.width = col_w
        for r, (row, group) in enumerate(zip(table.rows, rows, strict=True)):
            tr_pr = row._tr.get_or_add_trPr()
            assert isinstance(tr_pr, CT_TrPr)
            tr_pr.append(_w("cantSplit"))
            for c, cell in enumerate(row.cells):
                cell.width = col_w
                # Titles of different lengths: the signature lines and names of a row still
                # line up, as GOST's "on one level" asks.
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                if c >= len(group):
                    continue
                sig = group[c]
                first = cell.paragraphs[0]
                first.style = self._get(SIG_TITLE)
                first.add_run(sig.title)
                # The one direct setting: the block's distance from the text above, or
                # between rows (a style cannot tell the first row from the others).
                gap = "signatures.space_before_pt" if r == 0 else "signatures.row_gap_pt"
                first.paragraph_format.space_before = Pt(self.num(gap))
                cell.add_paragraph(style=self._get(SIG_LINE))
                cell.add_paragraph(sig.name, style=self._get(SIG_NAME))

    # -- footnotes --------------------------------------------------------------------------

    def _footnotes(self) -> None:
        """The footnotes part: separators, then one footnote per note, by number."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart
        from docx.oxml import parse_xml

        root = parse_xml(f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}"/>'.encode())
        for kind, fid in (("separator", -1), ("continuationSeparator", 0)):
            note = _w("footnote", type=kind, id=fid)
            p = _w("p")
            ppr = _w("pPr")
            ppr.append(_w("spacing", before=0, after=0, line=240, lineRule="auto"))
            p.append(ppr)
            run = _w("r")
            run.append(_w(kind))
            p.append(run)
            note.append(p)
            root.append(note)
        from docx.text.paragraph import Paragraph as DocxParagraph

        for model in self.st.notes:
            note = _w("footnote", id=model.number)
            for k, para in enumerate(model.paragraphs):
                p_el = _w("p")
                note.append(p_el)
                p = DocxParagraph(p_el, None)
                p_el.get_or_add_pPr().append(_w("pStyle", val=FOOTNOTE_TEXT.id))
                if k == 0:
                    mark = self._ref_run()
                    mark.append(_w("footnoteRef"))
                    p_el.append(mark)
                    p.add_run(" ")
                self._inline(p, tuple(n for n in para.content if not isinstance(n, NoteRef)))
            root.append(note)
        existing = None
        try:
            existing = self.doc.part.part_related_by(RT.FOOTNOTES)
        except KeyError:
            pass
        if existing is not None:
            for rId, rel in list(self.doc.part.rels.items()):
                if rel.reltype == RT.FOOTNOTES:
                    del self.doc.part.rels[rId]
        part = XmlPart(PackURI("/word/footnotes.xml"), CT_FOOTNOTES, root, self.doc.part.package)
        self.doc.part.relate_to(part, RT.FOOTNOTES)

    # -- header -----------------------------------------------------------------------------

    def _header(self) -> None:
        """A centred PAGE field in the header, from `page.number_from_page` (1 or 2)."""
        sec = self.doc.sections[0]
        start = int(self.num("page.number_from_page"))
        if start not in (1, 2):
            raise LayoutError(
                f"layout {self.layout.name!r}: page.number_from_page must be 1 "
                f"or 2 in the DOCX edition (one section), not {start}"
            )
        sec.different_first_page_header_footer = start == 2
        header = sec.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.style = self._get(HEADER)
        for part in _field(" PAGE ", "2"):
            run = _w("r")
            run.append(part)
            p._p.append(run)
        if start == 2:
            first = sec.first_page_header
            first.is_linked_to_previous = False
            first.paragraphs[0].style = self._get(HEADER)

    # -- fonts ------------------------------------------------------------------------------

    def _font_table(self, embed: bool) -> None:
        """fontTable.xml naming the layout's face; `embed` adds its files, obfuscated."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part, XmlPart
        from docx.oxml import parse_xml
        from docx.oxml.ns import qn

        try:
            table_part = self.doc.part.part_related_by(RT.FONT_TABLE)
        except KeyError:
            table_part = None
        if table_part is None or self.reference is None:
            root = parse_xml(f'<w:fonts xmlns:w="{W_NS}" xmlns:r="{R_NS}"/>'.encode())
        else:
            root = parse_xml(table_part.blob)
        if table_part is not None:
            for rId, rel in list(self.doc.part.rels.items()):
                if rel.reltype == RT.FONT_TABLE:
                    del self.doc.part.rels[rId]
        for old in root.findall(qn("w:font")):
            if old.get(qn("w:name")) == self.face.family:
                root.remove(old)
        part = XmlPart(
            PackURI("/word/fontTable.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
            root,
            self.doc.part.package,
        )
        font = _w("font", name=self.face.family)
        panose, sig = _font_signature(self.face.regular)
        font.append(_w("panose1", val=panose))
        font.append(_w("family", val="roman"))
        font.append(_w("pitch", val="variable"))
        font.append(_w("sig", **sig))
        for index, style in enumerate(fonts.STYLES, start=1):
            path = self.face.files.get(style)
            if path is None or not embed:
                continue
            data = path.read_bytes()
            key = font_key(data)
            blob = obfuscate_font(data, key)
            odttf = Part(
                PackURI(f"/word/fonts/font{index}.odttf"), CT_ODTTF, blob, self.doc.part.package
            )
            rId = part.relate_to(odttf, RT.FONT)
            mark = _w(_EMBED_TAGS[style][2:], fontKey=key)
            mark.set(f"{{{R_NS}}}id", rId)
            font.append(mark)
        root.append(font)
        self.doc.part.relate_to(part, RT.FONT_TABLE)

    # -- properties -------------------------------------------------------------------------

    def _properties(self) -> None:
        m = self.st.meta
        when = reproducible.build_time(self.st).replace(tzinfo=None)
        cp = self.doc.core_properties
        cp.title = m.title_text
        cp.subject = m.full_title
        cp.keywords = "; ".join(p for p in (m.kind, *self.st.parties) if p)
        cp.category = m.kind or ""
        cp.comments = f"{m.full_title}, {format_date(m.date, m.lang)}"
        cp.language = m.lang
        cp.identifier = m.id
        cp.author = GENERATOR
        cp.last_modified_by = GENERATOR
        cp.created = when
        cp.modified = when
        cp.revision = 1


def _repeated_notes(statement: Statement) -> set[int]:
    """Numbers of the notes called more than once (their first call gets a bookmark)."""

    def refs(nodes) -> Iterator[NoteRef]:
        for n in nodes:
            if isinstance(n, NoteRef):
                yield n
            elif isinstance(n, (Emphasis, Strong)):
                yield from refs(n.children)

    return {
        r.number for p in statement.text_paragraphs() for r in refs(p.content) if r.occurrence > 1
    }


def _field(instruction: str, result: str) -> list:
    """The run contents of a complex field: begin, instruction, separate, result, end."""
    instr = _w("instrText")
    instr.text = instruction
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text = _w("t")
    text.text = result
    return [
        _w("fldChar", fldCharType="begin"),
        instr,
        _w("fldChar", fldCharType="separate"),
        text,
        _w("fldChar", fldCharType="end"),
    ]


def _font_signature(path: Path) -> tuple[str, dict[str, str]]:
    """The PANOSE number and Unicode/code-page signature of a font, for fontTable.xml."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        os2 = font["OS/2"]
        p = os2.panose
        panose = (
            bytes(
                [
                    p.bFamilyType,
                    p.bSerifStyle,
                    p.bWeight,
                    p.bProportion,
                    p.bContrast,
                    p.bStrokeVariation,
                    p.bArmStyle,
                    p.bLetterForm,
                    p.bMidline,
                    p.bXHeight,
                ]
            )
            .hex()
            .upper()
        )
        sig = {
            "usb0": f"{os2.ulUnicodeRange1:08X}",
            "usb1": f"{os2.ulUnicodeRange2:08X}",
            "usb2": f"{os2.ulUnicodeRange3:08X}",
            "usb3": f"{os2.ulUnicodeRange4:08X}",
            "csb0": f"{getattr(os2, 'ulCodePageRange1', 0):08X}",
            "csb1": f"{getattr(os2, 'ulCodePageRange2', 0):08X}",
        }
    return panose, sig


def _entries(blob: bytes) -> list[zipout.Entry]:
    """The package's parts in a fixed order, for a reproducible zip."""
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        data = {name: zf.read(name) for name in zf.namelist()}
    first = [n for n in _PART_ORDER if n in data]
    rest = sorted(n for n in data if n not in _PART_ORDER)
    return [zipout.Entry(n, data[n]) for n in first + rest]


def write(statement: Statement, layout: Layout, dest: Path) -> Path:
    """Write the DOCX edition of `statement` to `dest`."""
    face = fonts.face_for(layout, statement.meta.lang)
    extra = fonts.layout_glyphs(layout, face)
    if statement.meta.kind and layout.get("title.kind_uppercase"):
        extra += statement.meta.kind.upper()  # shown in capitals (w:caps)
    fonts.check_coverage(face, statement, extra=extra)
    blob = _Builder(statement, layout, face).build()
    return zipout.write_zip(dest, _entries(blob), reproducible.build_time(statement))
