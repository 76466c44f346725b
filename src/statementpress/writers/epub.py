"""EPUB writer: an EPUB 3.3 package of the HTML rendering.

With navigation, fonts and accessibility metadata.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from statementpress import fonts, hyphenation, reproducible, zipout
from statementpress.dates import format_date
from statementpress.errors import Diagnostic
from statementpress.labels import statement_labels, unit_label
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
    # Prose for people, so in the book's language: `package` takes it from the labels
    # (labels.py, "a11y_summary"), naming the statement's units.
    summary="",
    conforms_to="EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
)


# The labels the EPUB displays (its pages and its navigation); the unit's name is shown
# through `toc`.
_SHOWN_LABELS = (
    "preamble",
    "signatures",
    "notes",
    "back",
    "contents",
    "closing",
    "place_separator",
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
    lab = statement_labels(statement.meta)
    points = [NavPoint(f"{CONTENT}#title", statement.meta.full_title)]
    if statement.preamble:
        points.append(NavPoint(f"{CONTENT}#preamble", lab["preamble"]))
    points.extend(
        NavPoint(f"{CONTENT}#article-{a.number}", unit_label(lab, a.number))
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
    lab = statement_labels(statement.meta)
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
    # One item per file, named after its first style: a face may use one file for several.
    first_style: dict[Path, str] = {}
    for style, path in face.files.items():
        first_style.setdefault(path, style)
    font_items = [
        ManifestItem(
            id=f"font-{style.replace('_', '-')}",
            href=_font_href(path),
            media_type=fonts.media_type(path),
            data=fonts.subset(path, shown) if face.subset else fonts.font_bytes(path),
        )
        for path, style in first_style.items()
    ]
    extra = []
    bold = fonts.synthetic_bold(face, shown)
    if bold is not None:
        # The bold made from the regular (synthetic_bold.py), so that reading systems show
        # the same bold as the PDF instead of drawing their own or none.
        path = _synthetic_bold_path(face)
        font_items.append(
            ManifestItem("font-bold-synthetic", _font_href(path), fonts.media_type(path), bold)
        )
        extra.append(_synthetic_bold_source(face))
    css, page = _documents(statement, layout, face, extra)
    return [
        ManifestItem("statement", CONTENT, "application/xhtml+xml", page),
        ManifestItem("css", STYLESHEET, "text/css", css.encode("utf-8")),
        *font_items,
    ]


def _synthetic_bold_path(face: fonts.FontFace) -> Path:
    """The name of the bold synthesised from the face's regular."""
    return Path(face.regular.stem + "-SyntheticBold" + fonts.SYNTHETIC_BOLD_SUFFIX)


def _synthetic_bold_source(face: fonts.FontFace) -> dict[str, Any]:
    """The @font-face source of the bold synthesised from the face's regular."""
    path = _synthetic_bold_path(face)
    return {
        "url": _relative(_font_href(path), PurePosixPath(STYLESHEET).parent),
        "format": fonts.css_format(path),
        "weight": fonts.CSS_STYLES["bold"][0],
        "style": fonts.CSS_STYLES["bold"][1],
    }


def _documents(
    statement: Statement,
    layout: Layout,
    face: fonts.FontFace,
    extra_sources: Sequence[dict[str, Any]] = (),
) -> tuple[str, bytes]:
    """The stylesheet and the content document rendered from the layout's templates (the
    document checked to be well-formed XML); `extra_sources` are @font-face sources besides
    the face's own files (a synthesised bold)."""
    css_folder = PurePosixPath(STYLESHEET).parent
    sources = fonts.font_face_sources(face, lambda path: _relative(_font_href(path), css_folder))
    sources += extra_sources
    css = layout.render(
        "epub.css.j2",
        faces=sources,
        family=face.family,
        hyphens=face.hyphenate and layout.get("text.hyphenate"),
        hyphenate_character=face.hyphenate_character,
        policy=hyphenation.policy(layout, statement.meta.lang),
    )
    page = html.render(statement, layout, mode="epub", stylesheets=[{"href": STYLESHEET}])
    return css, _well_formed(CONTENT, page)


# The layout's templates this edition renders (their parents and imports are followed).
TEMPLATES = ("statement.html.j2", "epub.css.j2")


def check(statement: Statement, layout: Layout) -> list[Diagnostic]:
    """Templates compile and render to well-formed XHTML that makes a reading system fetch
    nothing from the network (`remote`); the face has the labels and date the package
    shows; `SOURCE_DATE_EPOCH`, if set, is a time ZIP can store."""
    from statementpress import checks

    face = fonts.face_for(layout, statement.meta.lang)
    # The bold the writer synthesises where the face has none, so that the stylesheet is
    # rendered with the sources it is written with.
    extra = [_synthetic_bold_source(face)] if fonts.synthesises_bold(face) else []

    def documents() -> tuple[bytes, list[str]]:
        css, page = _documents(statement, layout, face, extra)
        return page, [css]

    found = checks.templates(layout, TEMPLATES) or checks.rendered_locally(
        layout, "EPUB", TEMPLATES, documents, xml=True
    )
    found += checks.drawn_glyphs(statement, layout, checks.language_drawn(statement, layout))
    return found + reproducible.problems(zip_format=True)


def nav(statement: Statement) -> ManifestItem:
    """The navigation document: the table of contents and the landmarks."""
    text = (
        _templates()
        .get_template("nav.xhtml.j2")
        .render(
            lang=statement.meta.lang,
            labels=statement_labels(statement.meta),
            stylesheet=STYLESHEET,
            toc=toc(statement),
            landmarks=landmarks(statement),
        )
    )
    return ManifestItem("nav", NAV, "application/xhtml+xml", _well_formed(NAV, text), "nav")


def package(
    statement: Statement,
    items: list[ManifestItem],
    spine: list[SpineRef],
    when: datetime.datetime,
    publisher: str = "",
) -> zipout.Entry:
    """The package document (OPF): metadata, the manifest of `items` and the reading order.

    The parties issued the statement: they are its creators. The publisher is whoever
    publishes this edition (`epub.publisher` in the layout), left out when not given.
    """
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
            publisher=publisher,
            modified=modified(when),
            # The summary is prose for people: in the book's language.
            a11y=ACCESSIBILITY._replace(summary=statement_labels(m)["a11y_summary"]),
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
    # Everything the package shows besides the text, for the subset of the fonts.
    lab = statement_labels(statement.meta)
    added = " ".join(
        [
            *(lab[key] for key in _SHOWN_LABELS),
            *(p.text for p in toc(statement)),
            fonts.layout_glyphs(layout, face),
            format_date(statement.meta.date, statement.meta.lang),
        ]
    )
    when = reproducible.build_time(statement)
    shown = fonts.statement_text(statement) + added
    items = [nav(statement), *content(statement, layout, face, shown)]
    entries = [
        mimetype(),
        container(),
        package(statement, items, spine=SPINE, when=when, publisher=layout.get("epub.publisher")),
        *(zipout.Entry(str(ROOT / item.href), item.data) for item in items),
    ]
    return zip_epub(dest, entries, when)
