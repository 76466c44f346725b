"""A thin OXML layer on python-docx's own: the elements and children it does not model.

python-docx gives every WordprocessingML element it knows a custom lxml class whose
children are declared with `ZeroOrOne`/`ZeroOrMore` and their schema successors, so that a
child added later goes to its place (Word refuses a document whose children are out of
order). This module declares, the same way, what this writer adds beyond that: `w:szCs` and
`w:lang` in run properties, `w:pBdr` in paragraph properties, the settings it writes,
document defaults, `w:cantSplit` rows, a table style's `w:tblPr`, and whole parts python-docx
does not model: footnotes, complex fields, abstract numberings, the font table with embedded
fonts. Importing the module registers the classes with python-docx's parser.

python-docx does not keep its schema sequences (it deletes them once its children are
declared), so the successors of the children declared here are written out from the
WordprocessingML schema (ECMA-376 Part 1: rPr §17.3.2.28, pPr §17.3.1.26, settings
§17.15.1.78, and the trPr, style, docDefaults and font elements).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from docx.oxml.ns import nsdecls, qn
from docx.oxml.numbering import CT_Num, CT_Numbering
from docx.oxml.parser import OxmlElement, parse_xml, register_element_cls
from docx.oxml.settings import CT_Settings
from docx.oxml.simpletypes import ST_DecimalNumber, ST_String
from docx.oxml.styles import CT_Style, CT_Styles
from docx.oxml.table import CT_TrPr
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.parfmt import CT_PPr
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement, RequiredAttribute, ZeroOrMore, ZeroOrOne
from lxml import etree

_T = TypeVar("_T")


def tags(names: str) -> tuple[str, ...]:
    """Tags from local names in schema order ("a b m:c"); an unprefixed name is `w:`."""
    return tuple(n if ":" in n else f"w:{n}" for n in names.split())


def after(sequence: tuple[str, ...], tag: str) -> tuple[str, ...]:
    """The successors of `tag` in a schema sequence: the tags that must follow it."""
    return sequence[sequence.index(f"w:{tag}") + 1 :]


def el(tag: str, **attrs: object) -> etree._Element:
    """A new `w:` element (of its registered class, if any), with `w:` attributes in order."""
    return OxmlElement(f"w:{tag}", {qn(f"w:{k}"): str(v) for k, v in attrs.items()})


def put(parent: BaseOxmlElement, child: etree._Element) -> etree._Element:
    """Put `child` at its declared place in `parent`, replacing a child of the same tag."""
    name = etree.QName(child).localname
    getattr(parent, f"_remove_{name}")()
    getattr(parent, f"_insert_{name}")(child)
    return child


def checked(cls: type[_T], element: object) -> _T:
    """`element` as a `cls`, which python-docx types as a base class of it (checked)."""
    if not isinstance(element, cls):
        raise TypeError(f"{element!r} is not a {cls.__name__}")
    return element


# -- properties ---------------------------------------------------------------------------------

_RPR_TAIL = tags("szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang")
_RPR_TAIL += tags("eastAsianLayout specVanish oMath")


class CT_RunProperties(CT_RPr):
    """`w:rPr`, with the complex-script size and the language python-docx leaves out."""

    szCs = ZeroOrOne("w:szCs", successors=after(_RPR_TAIL, "szCs"))
    lang = ZeroOrOne("w:lang", successors=after(_RPR_TAIL, "lang"))


_PPR_TAIL = tags("pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct")
_PPR_TAIL += tags("topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid")
_PPR_TAIL += tags("spacing ind contextualSpacing mirrorIndents suppressOverlap jc")
_PPR_TAIL += tags("textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle")
_PPR_TAIL += tags("rPr sectPr pPrChange")


class CT_ParagraphProperties(CT_PPr):
    """`w:pPr`, with the paragraph borders python-docx leaves out."""

    pBdr = ZeroOrOne("w:pBdr", successors=after(_PPR_TAIL, "pBdr"))


class CT_RowProperties(CT_TrPr):
    """`w:trPr`, with "do not split the row across pages"."""

    cantSplit = ZeroOrOne("w:cantSplit", successors=tags("trHeight tblHeader tblCellSpacing jc"))


class CT_StyleDefinition(CT_Style):
    """`w:style`, with the table properties of a table style."""

    tblPr = ZeroOrOne("w:tblPr", successors=tags("trPr tcPr tblStylePr"))


class CT_StyleSheet(CT_Styles):
    """`w:styles`, with its document defaults."""

    get_or_add_docDefaults: Callable[[], CT_DocDefaults]
    docDefaults = ZeroOrOne("w:docDefaults", successors=tags("latentStyles style"))


class CT_DocDefaults(BaseOxmlElement):
    """`w:docDefaults`: the run and paragraph properties every style starts from."""

    get_or_add_rPrDefault: Callable[[], CT_RPrDefault]
    get_or_add_pPrDefault: Callable[[], CT_PPrDefault]
    rPrDefault = ZeroOrOne("w:rPrDefault", successors=tags("pPrDefault"))
    pPrDefault = ZeroOrOne("w:pPrDefault")


class CT_RPrDefault(BaseOxmlElement):
    """`w:rPrDefault`, holding the default `w:rPr`."""

    get_or_add_rPr: Callable[[], CT_RunProperties]
    rPr = ZeroOrOne("w:rPr")


class CT_PPrDefault(BaseOxmlElement):
    """`w:pPrDefault`, holding the default `w:pPr`."""

    get_or_add_pPr: Callable[[], CT_ParagraphProperties]
    pPr = ZeroOrOne("w:pPr")


_SETTINGS = tags("writeProtection view zoom removePersonalInformation removeDateAndTime")
_SETTINGS += tags("doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText")
_SETTINGS += tags("printFractionalCharacterWidth printFormsData embedTrueTypeFonts")
_SETTINGS += tags("embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins")
_SETTINGS += tags("alignBordersAndEdges bordersDoNotSurroundHeader bordersDoNotSurroundFooter")
_SETTINGS += tags("gutterAtTop hideSpellingErrors hideGrammaticalErrors activeWritingStyle")
_SETTINGS += tags("proofState formsDesign attachedTemplate linkStyles stylePaneFormatFilter")
_SETTINGS += tags("stylePaneSortMethod documentType mailMerge revisionView trackRevisions")
_SETTINGS += tags("doNotTrackMoves doNotTrackFormatting documentProtection autoFormatOverride")
_SETTINGS += tags("styleLockTheme styleLockQFSet defaultTabStop autoHyphenation")
_SETTINGS += tags("consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps showEnvelope")
_SETTINGS += tags("summaryLength clickAndTypeStyle defaultTableStyle evenAndOddHeaders")
_SETTINGS += tags("bookFoldRevPrinting bookFoldPrinting bookFoldPrintingSheets")
_SETTINGS += tags("drawingGridHorizontalSpacing drawingGridVerticalSpacing")
_SETTINGS += tags("displayHorizontalDrawingGridEvery displayVerticalDrawingGridEvery")
_SETTINGS += tags("doNotUseMarginsForDrawingGridOrigin drawingGridHorizontalOrigin")
_SETTINGS += tags("drawingGridVerticalOrigin doNotShadeFormData noPunctuationKerning")
_SETTINGS += tags("characterSpacingControl printTwoOnOne strictFirstAndLastChars")
_SETTINGS += tags("noLineBreaksAfter noLineBreaksBefore savePreviewPicture")
_SETTINGS += tags("doNotValidateAgainstSchema saveInvalidXml ignoreMixedContent")
_SETTINGS += tags("alwaysShowPlaceholderText doNotDemarcateInvalidXml saveXmlDataOnly")
_SETTINGS += tags("useXSLTWhenSaving saveThroughXslt showXMLTags alwaysMergeEmptyNamespace")
_SETTINGS += tags("updateFields hdrShapeDefaults footnotePr endnotePr compat docVars rsids")
_SETTINGS += tags("m:mathPr attachedSchema themeFontLang clrSchemeMapping")
_SETTINGS += tags("doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions")
_SETTINGS += tags("readModeInkLockDown smartTagType sl:schemaLibrary shapeDefaults")
_SETTINGS += tags("doNotEmbedSmartTags decimalSymbol listSeparator")


class CT_DocumentSettings(CT_Settings):
    """`w:settings`, with the settings this writer makes."""

    zoom = ZeroOrOne("w:zoom", successors=after(_SETTINGS, "zoom"))
    embedTrueTypeFonts = ZeroOrOne(
        "w:embedTrueTypeFonts", successors=after(_SETTINGS, "embedTrueTypeFonts")
    )
    defaultTabStop = ZeroOrOne("w:defaultTabStop", successors=after(_SETTINGS, "defaultTabStop"))
    autoHyphenation = ZeroOrOne("w:autoHyphenation", successors=after(_SETTINGS, "autoHyphenation"))
    characterSpacingControl = ZeroOrOne(
        "w:characterSpacingControl", successors=after(_SETTINGS, "characterSpacingControl")
    )
    footnotePr = ZeroOrOne("w:footnotePr", successors=after(_SETTINGS, "footnotePr"))
    compat = ZeroOrOne("w:compat", successors=after(_SETTINGS, "compat"))
    themeFontLang = ZeroOrOne("w:themeFontLang", successors=after(_SETTINGS, "themeFontLang"))
    decimalSymbol = ZeroOrOne("w:decimalSymbol", successors=after(_SETTINGS, "decimalSymbol"))
    listSeparator = ZeroOrOne("w:listSeparator")


# -- numbering ----------------------------------------------------------------------------------


class CT_NumberingDefinitions(CT_Numbering):
    """`w:numbering`, with its abstract numberings (all before the first `w:num`)."""

    abstractNum_lst: list[CT_AbstractNum]
    num_lst: list[CT_Num]
    _insert_abstractNum: Callable[[CT_AbstractNum], CT_AbstractNum]
    _insert_num: Callable[[CT_Num], CT_Num]
    abstractNum = ZeroOrMore("w:abstractNum", successors=tags("num numIdMacAtCleanup"))

    def add_abstract(self, abstract: CT_AbstractNum) -> int:
        """Insert `abstract` at its place; returns its id."""
        self._insert_abstractNum(abstract)
        return int(abstract.abstractNumId)

    def add_instance(self, abstract_id: int, start: int | None = None) -> int:
        """A new `w:num` of `abstract_id` after the highest id in use, optionally restarted."""
        num_id = max((int(n.get(qn("w:numId"))) for n in self.num_lst), default=0) + 1
        num = CT_Num.new(num_id, abstract_id)
        if start is not None:
            num.add_lvlOverride(ilvl=0).add_startOverride(start)
        self._insert_num(num)
        return num_id


class CT_AbstractNum(BaseOxmlElement):
    """`w:abstractNum`: a list definition; this writer's have a single level."""

    abstractNumId: int = RequiredAttribute("w:abstractNumId", ST_DecimalNumber)  # type: ignore[assignment]

    @staticmethod
    def single_level(abstract_id: int, nsid: str, level: etree._Element) -> CT_AbstractNum:
        """A one-level list definition: its id, its `w:nsid` and its `w:lvl`."""
        abstract = checked(CT_AbstractNum, el("abstractNum", abstractNumId=abstract_id))
        abstract.append(el("nsid", val=nsid))
        abstract.append(el("multiLevelType", val="singleLevel"))
        abstract.append(level)
        return abstract


def level(start: int, fmt: str, text: str, indent: int, style: str | None) -> etree._Element:
    """A `w:lvl` 0 of `fmt` ("decimal", "bullet") and level text `text`.

    A level linked to a paragraph style (an article's) puts its number at the first-line
    indent, a space after it; an unlinked one (a sub-item's) hangs its number, a tab stop at
    `indent` aligning the text after it.
    """
    lvl = el("lvl", ilvl=0)
    lvl.append(el("start", val=start))
    lvl.append(el("numFmt", val=fmt))
    if style:
        lvl.append(el("pStyle", val=style))
    lvl.append(el("suff", val="space" if style else "tab"))
    lvl.append(el("lvlText", val=text))
    lvl.append(el("lvlJc", val="left"))
    ppr = el("pPr")
    if style:
        ppr.append(el("ind", left=0, firstLine=indent))
    else:
        stops = el("tabs")
        stops.append(el("tab", val="num", pos=indent))
        ppr.append(stops)
        ppr.append(el("ind", left=indent, hanging=indent))
    lvl.append(ppr)
    return lvl


def number(ppr: CT_PPr, num_id: int) -> None:
    """Number the paragraphs of `ppr` (a paragraph's or a style's) in list `num_id`, level 0."""
    numpr = el("numPr")
    numpr.append(el("ilvl", val=0))
    numpr.append(el("numId", val=num_id))
    put(ppr, numpr)


# -- footnotes and fields -----------------------------------------------------------------------


class CT_Footnotes(BaseOxmlElement):
    """`w:footnotes`, the root of the footnotes part: two separators, then the notes."""

    _add_footnote: Callable[..., CT_Footnote]
    footnote = ZeroOrMore("w:footnote")

    @staticmethod
    def new() -> CT_Footnotes:
        """An empty part with the separator (-1) and continuation separator (0) notes."""
        root = checked(CT_Footnotes, parse_xml(f"<w:footnotes {nsdecls('w', 'r')}/>".encode()))
        for kind, note_id in (("separator", -1), ("continuationSeparator", 0)):
            note = root._add_footnote()
            note.set(qn("w:type"), kind)
            note.set(qn("w:id"), str(note_id))
            p = el("p")
            ppr = el("pPr")
            ppr.append(el("spacing", before=0, after=0, line=240, lineRule="auto"))
            p.append(ppr)
            run = el("r")
            run.append(el(kind))
            p.append(run)
            note.append(p)
        return root

    def add_note(self, number: int) -> CT_Footnote:
        """A new, empty footnote `number`, after the others."""
        return self._add_footnote(id=number)


class CT_Footnote(BaseOxmlElement):
    """`w:footnote`: the paragraphs of one note (also a separator's reference in settings)."""

    id: int = RequiredAttribute("w:id", ST_DecimalNumber)  # type: ignore[assignment]


def complex_field(instruction: str, result: str) -> list[etree._Element]:
    """The contents of a complex field's runs: begin, instruction, separate, result, end."""
    instr = el("instrText")
    instr.text = instruction
    instr.set(qn("xml:space"), "preserve")
    text = el("t")
    text.text = result
    return [
        el("fldChar", fldCharType="begin"),
        instr,
        el("fldChar", fldCharType="separate"),
        text,
        el("fldChar", fldCharType="end"),
    ]


def styled_run(style_id: str | None) -> CT_R:
    """A new, empty `w:r`, in character style `style_id` if given."""
    run = checked(CT_R, el("r"))
    if style_id is not None:
        run.get_or_add_rPr().style = style_id
    return run


# -- fonts --------------------------------------------------------------------------------------


class CT_FontTable(BaseOxmlElement):
    """`w:fonts`, the root of the font table part."""

    font_lst: list[CT_Font]
    font = ZeroOrMore("w:font")

    @staticmethod
    def new() -> CT_FontTable:
        """An empty font table."""
        return checked(CT_FontTable, parse_xml(f"<w:fonts {nsdecls('w', 'r')}/>".encode()))

    def remove_font(self, name: str) -> None:
        """Remove the entries of face `name` (before this writer adds its own)."""
        for font in self.font_lst:
            if font.name == name:
                self.remove(font)


_FONT = tags("altName panose1 charset family notTrueType pitch sig")
_FONT += tags("embedRegular embedBold embedItalic embedBoldItalic")
EMBED_TAGS = {
    "regular": "embedRegular",
    "bold": "embedBold",
    "italic": "embedItalic",
    "bold_italic": "embedBoldItalic",
}


class CT_Font(BaseOxmlElement):
    """`w:font`: a face's PANOSE number, family, pitch, signature and embedded files."""

    name: str = RequiredAttribute("w:name", ST_String)  # type: ignore[assignment]
    embedRegular = ZeroOrOne("w:embedRegular", successors=after(_FONT, "embedRegular"))
    embedBold = ZeroOrOne("w:embedBold", successors=after(_FONT, "embedBold"))
    embedItalic = ZeroOrOne("w:embedItalic", successors=after(_FONT, "embedItalic"))
    embedBoldItalic = ZeroOrOne("w:embedBoldItalic")

    @staticmethod
    def described(name: str, panose: str, signature: dict[str, str]) -> CT_Font:
        """A font entry for a roman face of variable pitch."""
        font = checked(CT_Font, el("font", name=name))
        font.append(el("panose1", val=panose))
        font.append(el("family", val="roman"))
        font.append(el("pitch", val="variable"))
        font.append(el("sig", **signature))
        return font

    def embed(self, style: str, key: str, rel_id: str) -> None:
        """Reference the obfuscated file of `style` ("regular", "bold", …) and its key."""
        mark = el(EMBED_TAGS[style], fontKey=key)
        mark.set(qn("r:id"), rel_id)
        put(self, mark)


register_element_cls("w:rPr", CT_RunProperties)
register_element_cls("w:pPr", CT_ParagraphProperties)
register_element_cls("w:trPr", CT_RowProperties)
register_element_cls("w:style", CT_StyleDefinition)
register_element_cls("w:styles", CT_StyleSheet)
register_element_cls("w:docDefaults", CT_DocDefaults)
register_element_cls("w:rPrDefault", CT_RPrDefault)
register_element_cls("w:pPrDefault", CT_PPrDefault)
register_element_cls("w:settings", CT_DocumentSettings)
register_element_cls("w:numbering", CT_NumberingDefinitions)
register_element_cls("w:abstractNum", CT_AbstractNum)
register_element_cls("w:footnotes", CT_Footnotes)
register_element_cls("w:footnote", CT_Footnote)
register_element_cls("w:fonts", CT_FontTable)
register_element_cls("w:font", CT_Font)
