"""Package assembly: the parts of the .docx, one function per part, in a fixed order.

A fresh document starts from python-docx's template, stripped of everything that is not
ours; with a layout's `reference.docx` its styles, page set-up and header stay, and only what
the statement needs is added. Numbering, footnotes and the font table are always written
anew; the order of the steps fixes the relationship ids, so two builds are byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml.ns import nsdecls
from docx.oxml.parser import parse_xml
from docx.parts.numbering import NumberingPart
from docx.shared import Mm
from docx.styles.style import ParagraphStyle
from fontTools.ttLib import TTFont

from statementpress import fonts, hyphenation, qr, reproducible, zipout
from statementpress.dates import format_date
from statementpress.errors import Diagnostic, LayoutError
from statementpress.labels import statement_labels
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.writers.docx import body, requisite
from statementpress.writers.docx import styles as s
from statementpress.writers.docx.hyphens import Hyphenator, hyphenated
from statementpress.writers.docx.oxml import (
    CT_AbstractNum,
    CT_DocumentSettings,
    CT_Font,
    CT_FontTable,
    CT_Footnotes,
    CT_NumberingDefinitions,
    CT_StyleSheet,
    checked,
    complex_field,
    el,
    level,
    number,
    put,
    styled_run,
)
from statementpress.writers.html import GENERATOR

# The styles Word needs in every document; everything else of python-docx's template goes.
_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
# Relationships of python-docx's template that carry its sample content, not ours.
_DROP_DOC_RELS = (
    RT.CUSTOM_XML,
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    RT.WEB_SETTINGS,
    RT.THEME,
)
_DROP_PKG_RELS = (RT.THUMBNAIL,)
_CT_ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# The ten PANOSE digits in order (fontTools' names of the OS/2 table's fields).
_PANOSE = "bFamilyType bSerifStyle bWeight bProportion bContrast bStrokeVariation bArmStyle"
_PANOSE += " bLetterForm bMidline bXHeight"
# Package parts in this order first (Word needs [Content_Types].xml first), then by name.
_PART_ORDER = (
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/core.xml",
    "docProps/app.xml",
    "word/document.xml",
    "word/_rels/document.xml.rels",
)


def build(statement: Statement, layout: Layout, face: fonts.FontFace) -> bytes:
    """The statement as a .docx package (python-docx's zip, reordered by `entries`)."""
    name = layout.get("docx.reference")
    reference = layout.find_file(name) if name else None
    doc = docx.Document(str(reference) if reference else None)
    fresh = reference is None
    lang = statement.meta.lang
    repeated = body.repeated_notes(statement)
    _clear_body(doc)
    if fresh:
        _strip_template(doc)
        _page_setup(doc, layout)
    # The layout's hyphens, as soft hyphens (hyphens.py); a reference document's styles and
    # page may differ from the layout's, so there the word processor hyphenates itself.
    hyphenate = hyphenated(layout, face, lang)
    hyphenator = Hyphenator(layout, face, lang) if hyphenate and fresh else None
    styles_part(doc, layout, face, lang, fresh)
    lists = numbering_part(doc, layout, statement, fresh)
    settings_part(doc, layout, lang, fresh, hyphenate, soft=hyphenator is not None)
    body.BodyWriter(doc, statement, layout, lists, repeated, hyphenator).write()
    footnotes_part(doc, statement, repeated, hyphenator)
    if fresh or not doc.element.body.sectPr.headerReference_lst:
        header_part(doc, layout)
    requisite.add(doc, qr.requisite(statement, layout))
    font_table_part(doc, face, embed=bool(layout.get("docx.embed_fonts")), fresh=fresh)
    core_properties(doc, statement)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _clear_body(doc: Document) -> None:
    body_el = doc.element.body
    sect = body_el.sectPr
    for child in list(body_el):
        if child is not sect:
            body_el.remove(child)


def _unrelate(doc: Document, reltype: str) -> None:
    """Drop the document's relationships of `reltype` (its part is then not saved)."""
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype == reltype:
            del doc.part.rels[rel_id]


def _strip_template(doc: Document) -> None:
    """Remove the parts and attributes of python-docx's template that are not ours."""
    part = doc.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype in _DROP_DOC_RELS:
            del part.rels[rel_id]
    pkg_rels = part.package.rels
    for rel_id, rel in list(pkg_rels.items()):
        if rel.reltype in _DROP_PKG_RELS:
            del pkg_rels[rel_id]
    sect = doc.element.body.sectPr
    for attr in list(sect.attrib):
        del sect.attrib[attr]  # revision ids of the template's author
    # app.xml: the template says "Microsoft Macintosh Word" and "Normal.dotm".
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


def _page_setup(doc: Document, layout: Layout) -> None:
    n = layout.number
    sec = doc.sections[0]
    sec.page_width = Mm(n("page.width_mm"))
    sec.page_height = Mm(n("page.height_mm"))
    sec.top_margin = Mm(n("page.margin_top_mm"))
    sec.bottom_margin = Mm(n("page.margin_bottom_mm"))
    sec.left_margin = Mm(n("page.margin_left_mm"))
    sec.right_margin = Mm(n("page.margin_right_mm"))
    sec.header_distance = Mm(n("page.number_top_mm"))
    sec.footer_distance = Mm(n("page.number_top_mm"))
    sec.gutter = 0


def styles_part(
    doc: Document, layout: Layout, face: fonts.FontFace, lang: str, fresh: bool
) -> None:
    """styles.xml: defaults and Normal from the layout (a reference keeps its own but for
    the language), then every named style the document lacks."""
    sheet = checked(CT_StyleSheet, doc.styles.element)
    if fresh:
        for style in sheet.style_lst:
            if style.styleId not in _KEEP_STYLES:
                sheet.remove(style)
        # Word's built-in styles stay out of the style gallery until used, so an editor
        # sees this document's styles first.
        latent = el(
            "latentStyles",
            defLockedState=0,
            defUIPriority=99,
            defSemiHidden=1,
            defUnhideWhenUsed=1,
            defQFormat=0,
            count=376,
        )
        put(sheet, latent)
        s.defaults_and_normal(doc, sheet, s.text_defaults(layout, face, lang))
    else:
        rpr = sheet.get_or_add_docDefaults().get_or_add_rPrDefault().get_or_add_rPr()
        put(rpr, el("lang", val=lang, eastAsia=lang))
    existing = {style.style_id for style in doc.styles}
    for definition in s.definitions(layout):
        if definition.name.id not in existing:
            s.add_style(doc, definition)


def numbering_part(doc: Document, layout: Layout, statement: Statement, fresh: bool) -> body.Lists:
    """numbering.xml: list definitions for articles, numbered and bulleted sub-items.

    Articles take their numbers from the "Statement Article" style, so an article an
    editor inserts renumbers the rest; the first number is the source's.
    """
    try:
        part: Part | None = doc.part.part_related_by(RT.NUMBERING)
    except KeyError:
        part = None
    if part is None or fresh:
        # A fresh part: the template's has sample lists and Mac namespaces (and python-docx
        # cannot create one where a reference document has none).
        _unrelate(doc, RT.NUMBERING)
        root = parse_xml(f"<w:numbering {nsdecls('w')}/>".encode())
        part = NumberingPart(
            PackURI("/word/numbering.xml"), CT.WML_NUMBERING, root, doc.part.package
        )
        doc.part.relate_to(part, RT.NUMBERING)
    numbering = checked(CT_NumberingDefinitions, checked(XmlPart, part).element)
    base = max((int(a.abstractNumId) for a in numbering.abstractNum_lst), default=-1) + 1
    indent = s.twips_mm(layout.number("text.indent_cm") * 10)
    # Sub-items hang under their point: marker at `lists.marker_cm` (past the point's
    # number at the first-line indent), text at marker_cm + hang_cm.
    hang = s.twips_mm(layout.number("lists.hang_cm") * 10)
    text_at = s.twips_mm((layout.number("lists.marker_cm") + layout.number("lists.hang_cm")) * 10)

    def definition(offset: int, start: int, fmt: str, text: str, pstyle: str | None) -> int:
        nsid = hashlib.sha256(f"{fmt}{text}{offset}".encode()).hexdigest()[:8].upper()
        if pstyle:
            lvl = level(start, fmt, text, indent, style=pstyle)
        else:
            lvl = level(start, fmt, text, text_at, style=None, hanging=hang)
        return numbering.add_abstract(CT_AbstractNum.single_level(base + offset, nsid, lvl))

    first = statement.articles[0].number if statement.articles else 1
    articles = definition(0, first, "decimal", layout.get("docx.article_number"), s.ARTICLE.id)
    numbered = definition(1, 1, "decimal", "%1" + layout.get("lists.number_suffix"), None)
    bulleted = definition(2, 1, "bullet", layout.get("lists.bullet"), None)
    article_list = numbering.add_instance(articles)
    number(s.by_id(doc, s.ARTICLE).element.get_or_add_pPr(), article_list)
    return body.Lists(numbering, numbered, bulleted)


def settings_part(
    doc: Document, layout: Layout, lang: str, fresh: bool, hyphenate: bool, soft: bool
) -> None:
    """settings.xml: tab stop, compatibility, hyphenation, footnote separators, language.

    With `soft`, the text carries the layout's soft hyphens and automatic hyphenation stays
    off; the policy's limits (hyphenated lines in a row, the zone) are written all the same,
    for Word when an editor turns automatic hyphenation on, or when `hyphenate` without
    `soft` leaves hyphenation to it.
    """
    settings = checked(CT_DocumentSettings, doc.settings.element)
    if fresh:
        settings.clear()  # the template's rsids, docId and Mac compatibility flags
        put(settings, el("zoom", percent=100))
        put(settings, el("defaultTabStop", val=s.twips_mm(layout.number("text.indent_cm") * 10)))
        put(settings, el("characterSpacingControl", val="doNotCompress"))
        compat = el("compat")
        compat.append(
            el(
                "compatSetting",
                name="compatibilityMode",
                uri="http://schemas.microsoft.com/office/word",
                val=15,
            )
        )
        put(settings, compat)
        put(settings, el("decimalSymbol", val="."))
        put(settings, el("listSeparator", val=";"))
    if layout.get("docx.embed_fonts"):
        put(settings, el("embedTrueTypeFonts"))
    put(settings, el("autoHyphenation", val="true" if hyphenate and not soft else "false"))
    if hyphenate:
        policy = hyphenation.policy(layout, lang)
        put(settings, el("consecutiveHyphenLimit", val=policy.max_consecutive))
        put(settings, el("hyphenationZone", val=s.twips_mm(policy.zone_mm)))
    footnote_pr = el("footnotePr")
    footnote_pr.append(el("footnote", id=-1))
    footnote_pr.append(el("footnote", id=0))
    put(settings, footnote_pr)
    put(settings, el("themeFontLang", val=lang))


def footnotes_part(
    doc: Document, statement: Statement, repeated: set[int], hyphens: Hyphenator | None
) -> None:
    """footnotes.xml: the separators, then one footnote per note, by number."""
    root = CT_Footnotes.new()
    # Word lays the notes out page by page, so no heading can stand above them: each note
    # ends with the editorial mark ("— Прим. ред."), as editors' notes do in print.
    mark = statement_labels(statement.meta)["editorial_mark"]
    for note in statement.notes:
        body.fill_footnote(root.add_note(note.number), note, repeated, mark, hyphens)
    _unrelate(doc, RT.FOOTNOTES)
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root, doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


def header_part(doc: Document, layout: Layout) -> None:
    """A centred PAGE field in the header, from `page.number_from_page` (1 or 2)."""
    sec = doc.sections[0]
    start = int(layout.number("page.number_from_page"))
    if start not in (1, 2):
        raise LayoutError(
            f"layout {layout.name!r}: page.number_from_page must be 1 "
            f"or 2 in the DOCX edition (one section), not {start}"
        )
    style = checked(ParagraphStyle, s.by_id(doc, s.HEADER))
    sec.different_first_page_header_footer = start == 2
    header = sec.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.style = style
    for part in complex_field(" PAGE ", "2"):
        run = styled_run(None)
        run.append(part)
        p._p.append(run)
    if start == 2:
        first = sec.first_page_header
        first.is_linked_to_previous = False
        first.paragraphs[0].style = style


def font_table_part(doc: Document, face: fonts.FontFace, embed: bool, fresh: bool) -> None:
    """fontTable.xml naming the layout's face; `embed` adds its files, obfuscated."""
    try:
        table_part: Part | None = doc.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        table_part = None
    if table_part is None or fresh:
        root = CT_FontTable.new()
    else:
        root = checked(CT_FontTable, parse_xml(table_part.blob))
    _unrelate(doc, RT.FONT_TABLE)
    root.remove_font(face.family)
    part = XmlPart(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, root, doc.part.package)
    panose, signature = font_signature(face.regular)
    font = CT_Font.described(face.family, panose, signature)
    for index, style in enumerate(fonts.STYLES, start=1):
        path = face.files.get(style)
        if path is None or not embed:
            continue
        key, data = fonts.obfuscated_font(path)  # cached for the life of the process
        odttf = Part(PackURI(f"/word/fonts/font{index}.odttf"), _CT_ODTTF, data, doc.part.package)
        font.embed(style, key, part.relate_to(odttf, RT.FONT))
    root.append(font)  # after a reference's own fonts (nothing follows w:font)
    doc.part.relate_to(part, RT.FONT_TABLE)


def font_signature(path: Path) -> tuple[str, dict[str, str]]:
    """The PANOSE number and Unicode/code-page signature of a font, for fontTable.xml."""
    with TTFont(str(path), lazy=True) as font:
        os2 = font["OS/2"]
        panose = bytes(getattr(os2.panose, field) for field in _PANOSE.split())
        signature = {
            "usb0": f"{os2.ulUnicodeRange1:08X}",
            "usb1": f"{os2.ulUnicodeRange2:08X}",
            "usb2": f"{os2.ulUnicodeRange3:08X}",
            "usb3": f"{os2.ulUnicodeRange4:08X}",
            "csb0": f"{getattr(os2, 'ulCodePageRange1', 0):08X}",
            "csb1": f"{getattr(os2, 'ulCodePageRange2', 0):08X}",
        }
    return panose.hex().upper(), signature


# Word (and python-docx) take at most 255 characters in a text document property.
MAX_PROPERTY = 255


def core_values(statement: Statement) -> dict[str, str]:
    """The text properties of docProps/core.xml, by python-docx's name, before fitting."""
    m = statement.meta
    return {
        "title": m.full_title,  # kind and title as one line, as the other editions' titles
        "subject": m.full_title,
        "keywords": "; ".join(p for p in (m.kind, *statement.parties) if p),
        "category": m.kind or "",
        "comments": f"{m.full_title}, {format_date(m.date, m.lang)}",
        "language": m.lang,
        "identifier": m.id,
        "author": GENERATOR,
        "last_modified_by": GENERATOR,
    }


def fit(value: str, limit: int = MAX_PROPERTY) -> str:
    """`value`, cut to `limit` characters with an ellipsis where it is longer."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def core_properties(doc: Document, statement: Statement) -> None:
    """docProps/core.xml: title, subject, keywords, language, the generator, build time.

    A value longer than Word takes is shortened (the check has warned about it); the text
    of the document itself is never shortened.
    """
    when = reproducible.build_time(statement).replace(tzinfo=None)
    cp = doc.core_properties
    for name, value in core_values(statement).items():
        setattr(cp, name, fit(value))
    cp.created = when
    cp.modified = when
    cp.revision = 1


def reference_problems(layout: Layout) -> list[Diagnostic]:
    """A `docx.reference` the layout names that is missing or not a Word document."""
    name = layout.get("docx.reference")
    if not name:
        return []
    from statementpress.checks import layout_place

    try:
        docx.Document(str(layout.find_file(name)))
    except LayoutError as exc:
        problem = exc.format_message()
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        problem = f"{name!r} cannot be read as a Word document ({type(exc).__name__}: {exc})"
    else:
        return []
    return [Diagnostic(*layout_place(layout, "docx.reference"), problem)]


def entries(blob: bytes) -> list[zipout.Entry]:
    """The package's parts in a fixed order, for a reproducible zip."""
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        data = {name: zf.read(name) for name in zf.namelist()}
    first = [n for n in _PART_ORDER if n in data]
    rest = sorted(n for n in data if n not in _PART_ORDER)
    return [zipout.Entry(n, data[n]) for n in first + rest]
