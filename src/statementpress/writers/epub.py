"""EPUB writer: an EPUB 3.3 package of the HTML rendering.

With navigation, fonts and accessibility metadata.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from statementpress import fonts, reproducible, zipout
from statementpress.labels import labels
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.writers import html

MEDIA_TYPE = "application/epub+zip"
# The publication's files live in this folder of the zip; the package document names the rest
# relative to itself.
ROOT = PurePosixPath("EPUB")
PACKAGE = ROOT / "package.opf"
CONTENT = "statement.xhtml"
NAV = "nav.xhtml"
STYLESHEET = "css/epub.css"
FONT_FOLDER = "fonts"

# Namespace of the EPUB identifiers, itself derived from a fixed name. Never change it: every
# edition's `dc:identifier` derives from it, and reading systems and libraries use that
# identifier to know an edition they already hold.
IDENTIFIER_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:statementpress:epub:identifier")


class ManifestItem(NamedTuple):
    """One resource of the publication: its manifest entry and its bytes."""

    id: str
    href: str  # relative to the package document
    media_type: str
    data: bytes
    properties: str = ""


class SpineRef(NamedTuple):
    """One document in the reading order; a non-linear one is reached only by its links."""

    idref: str
    linear: bool = True


# The reading order: the statement, then the navigation document out of the linear order
# (reading systems show it as their contents; the landmarks link to it, so it must be in the
# spine).
SPINE = [SpineRef("statement"), SpineRef("nav", linear=False)]


class NavPoint(NamedTuple):
    """One link of the navigation document; `type` is its epub:type in the landmarks."""

    href: str
    text: str
    type: str = ""


class Accessibility(NamedTuple):
    """The accessibility metadata of the package: every value is a fact about the file."""

    access_modes: tuple[str, ...]
    access_modes_sufficient: tuple[str, ...]
    features: tuple[str, ...]
    hazards: tuple[str, ...]
    summary: str
    conforms_to: str


# Text only (no images, audio or video), so text alone suffices. The features are what the
# writer builds: headings and sections, the nav's table of contents, a single document in
# reading order, no fixed sizes or colours, and DPUB-ARIA roles on notes and their calls.
ACCESSIBILITY = Accessibility(
    access_modes=("textual",),
    access_modes_sufficient=("textual",),
    features=(
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
        "ARIA",
    ),
    hazards=("none",),
    summary=(
        "This publication meets EPUB Accessibility 1.1 and WCAG 2.1 Level AA. It is text "
        "only, with no images, audio or video, in a single reflowable document read in "
        "order: headings, numbered articles, a table of contents, notes linked to and from "
        "their calls, and the signatories as a list. No length or colour is fixed, so "
        "reading system settings for text size and colours apply."
    ),
    conforms_to="EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
)


def identifier(statement: Statement) -> str:
    """The edition's stable `dc:identifier`: a name-based UUID of the statement's id and language.

    The language is part of the name because each language edition is its own publication.
    """
    m = statement.meta
    return f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{m.id}.{m.lang}')}"


def modified(when: datetime.datetime) -> str:
    """`dcterms:modified` as EPUB requires it: UTC to the second, `YYYY-MM-DDThh:mm:ssZ`."""
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=1)
def _templates():
    """The packaging templates kept with this module, autoescaped like every XML template."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("statementpress.writers", "epub_templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _well_formed(name: str, text: str) -> bytes:
    """The document as UTF-8, after checking that it parses as XML (a content document must)."""
    from lxml import etree

    from statementpress.errors import BuildError

    data = text.encode("utf-8")
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise BuildError(f"EPUB {name} is not well-formed XML ({exc}); fix the template") from None
    return data


def toc(statement: Statement) -> list[NavPoint]:
    """The table of contents: title, preamble, each article, closing, signatures, notes."""
    lab = labels(statement.meta.lang)
    points = [NavPoint(f"{CONTENT}#title", statement.meta.full_title)]
    if statement.preamble:
        points.append(NavPoint(f"{CONTENT}#preamble", lab["preamble"]))
    points.extend(
        NavPoint(f"{CONTENT}#article-{a.number}", f"{lab['article']} {a.number}")
        for a in statement.articles
    )
    if statement.closing:
        points.append(NavPoint(f"{CONTENT}#closing", lab["closing"]))
    points.append(NavPoint(f"{CONTENT}#signatures", lab["signatures"]))
    if statement.notes:
        points.append(NavPoint(f"{CONTENT}#notes", lab["notes"]))
    return points


def landmarks(statement: Statement) -> list[NavPoint]:
    """The landmarks: the table of contents and the start of the statement's text."""
    lab = labels(statement.meta.lang)
    return [
        NavPoint(f"{NAV}#toc", lab["contents"], "toc"),
        NavPoint(f"{CONTENT}#statement", statement.meta.full_title, "bodymatter"),
    ]


# The writer's steps, in the order of the package. Each returns what goes into the zip.


def mimetype() -> zipout.Entry:
    """The `mimetype` file: first in the zip and stored, so tools recognise an EPUB by its bytes."""
    return zipout.Entry("mimetype", MEDIA_TYPE.encode("ascii"), compress=False)


def container() -> zipout.Entry:
    """`META-INF/container.xml`, which points reading systems to the package document."""
    text = _templates().get_template("container.xml.j2").render(package_path=str(PACKAGE))
    return zipout.Entry("META-INF/container.xml", _well_formed("container.xml", text))


def content(
    statement: Statement, layout: Layout, face: fonts.FontFace, shown: str
) -> list[ManifestItem]:
    """The statement as one XHTML content document, its stylesheet and the embedded fonts.

    `shown` is every character the package displays: each face is embedded with only the
    glyphs those need (an EPUB is read, not edited), unless the layout says `subset = false`.
    """
    font_items = [
        ManifestItem(
            id=f"font-{style.replace('_', '-')}",
            href=_font_href(path),
            media_type=fonts.media_type(path),
            data=fonts.subset(path, shown) if face.subset else fonts.font_bytes(path),
        )
        for style, path in face.files.items()
    ]
    css_folder = PurePosixPath(STYLESHEET).parent
    css = layout.render(
        "epub.css.j2",
        faces=fonts.font_face_sources(face, lambda path: _relative(_font_href(path), css_folder)),
        family=face.family,
        hyphens=face.hyphenate and layout.get("text.hyphenate"),
        hyphenate_character=face.hyphenate_character,
    )
    page = html.render(statement, layout, mode="epub", stylesheets=[{"href": STYLESHEET}])
    return [
        ManifestItem("statement", CONTENT, "application/xhtml+xml", _well_formed(CONTENT, page)),
        ManifestItem("css", STYLESHEET, "text/css", css.encode("utf-8")),
        *font_items,
    ]


def nav(statement: Statement) -> ManifestItem:
    """The navigation document: the table of contents and the landmarks."""
    text = (
        _templates()
        .get_template("nav.xhtml.j2")
        .render(
            lang=statement.meta.lang,
            labels=labels(statement.meta.lang),
            stylesheet=STYLESHEET,
            toc=toc(statement),
            landmarks=landmarks(statement),
        )
    )
    return ManifestItem("nav", NAV, "application/xhtml+xml", _well_formed(NAV, text), "nav")


def package(
    statement: Statement, items: list[ManifestItem], spine: list[SpineRef], when: datetime.datetime
) -> zipout.Entry:
    """The package document (OPF): metadata, the manifest of `items` and the reading order."""
    m = statement.meta
    creators = statement.parties or tuple(s.name for s in statement.signatories)
    text = (
        _templates()
        .get_template("package.opf.j2")
        .render(
            lang=m.lang,
            identifier=identifier(statement),
            title=m.full_title,
            subtitle=m.subtitle,
            date=m.date.isoformat(),
            creators=creators,
            publishers=statement.parties,
            modified=modified(when),
            a11y=ACCESSIBILITY,
            manifest=items,
            spine=spine,
        )
    )
    return zipout.Entry(str(PACKAGE), _well_formed("package document", text))


def zip_epub(dest: Path, entries: list[zipout.Entry], when: datetime.datetime) -> Path:
    """Write the entries, `mimetype` first, as a reproducible zip at `dest`."""
    assert entries[0].name == "mimetype" and not entries[0].compress
    return zipout.write_zip(dest, entries, when)


def _font_href(path: Path) -> str:
    """Where a font file goes in the package, relative to the package document."""
    return f"{FONT_FOLDER}/{path.name}"


def _relative(href: str, folder: PurePosixPath) -> str:
    """`href` (relative to the package document) as seen from `folder` (also relative to it)."""
    return "../" * len(folder.parts) + href


def write(statement: Statement, layout: Layout, dest: Path) -> Path:
    """Write the EPUB edition to `dest`."""
    face = fonts.face_for(layout, statement.meta.lang)
    added = " ".join(
        [
            *labels(statement.meta.lang).values(),
            *(p.text for p in toc(statement)),
            fonts.layout_glyphs(layout, face),
        ]
    )
    fonts.check_coverage(face, statement, extra=added)
    when = reproducible.build_time(statement)
    shown = fonts.statement_text(statement) + added
    items = [nav(statement), *content(statement, layout, face, shown)]
    entries = [
        mimetype(),
        container(),
        package(statement, items, spine=SPINE, when=when),
        *(zipout.Entry(str(ROOT / item.href), item.data) for item in items),
    ]
    return zip_epub(dest, entries, when)
