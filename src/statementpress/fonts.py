"""Fonts: the layout's face for a language, its files from a PyPI font package, coverage checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from statementpress import fontpkgs, layout_schema
from statementpress.characters import NON_PRINTING
from statementpress.errors import BuildError, LayoutError
from statementpress.layout import Layout
from statementpress.model import Statement, primary_language

STYLES = ("regular", "bold", "italic", "bold_italic")
# CSS font-weight and font-style of each style, for the @font-face rules of every edition.
CSS_STYLES: dict[str, tuple[int, str]] = {
    "regular": (400, "normal"),
    "bold": (700, "normal"),
    "italic": (400, "italic"),
    "bold_italic": (700, "italic"),
}


@dataclass(frozen=True)
class FontFace:
    """A font family chosen for one language: its files by style and its layout key."""

    family: str
    key: str
    files: dict[str, Path]
    hyphenate_character: str
    hyphenate: bool
    # Editions that carry font files (EPUB) embed only the glyphs they use.
    subset: bool = False
    # A face without a bold file: how much the synthesised bold grows each outline, in em
    # on every side (0: no synthesis; see synthetic_bold.py).
    bold_synthesis_em: float = 0.0

    @property
    def regular(self) -> Path:
        """The upright regular face, which every family has."""
        return self.files["regular"]


def _faces(layout: Layout) -> dict[str, dict]:
    """The layout's `fonts` table, checked against the layout schema (a Layout made by hand
    has not been through `layout.load`)."""
    fonts = layout.get("fonts")
    problems = layout_schema.face_problems(fonts)
    if problems:
        raise LayoutError("\n".join(f"{layout.where}: {p.message}" for p in problems))
    return fonts


def face_for(layout: Layout, lang: str) -> FontFace:
    """The face `[fonts.<lang>]` of the layout, else `[fonts.default]`.

    Font files come from the font package named by `package` (see `fontpkgs`: a package
    that declares itself, found without importing it), never from fonts installed on the
    machine, so every machine renders the same; each file must be one the package
    installed, inside its folder once symlinks are resolved.
    """
    fonts = _faces(layout)
    key = primary_language(lang) if primary_language(lang) in fonts else "default"
    if key not in fonts:
        raise LayoutError(f"layout {layout.name!r} has no [fonts.default] and no [fonts.{key}]")
    spec = fonts[key]
    where = f"{layout.where}, [fonts.{key}]"
    try:
        package = fontpkgs.find(spec["package"])
        paths = {
            style: package.file(f"{spec.get('dir', 'files')}/{spec[style]}")
            for style in STYLES
            if spec.get(style) is not None
        }
    except fontpkgs.FontPackageError as exc:
        raise LayoutError(f"{where}: {exc}") from None
    return FontFace(
        family=spec["family"],
        key=f"fonts.{key}",
        files=paths,
        hyphenate_character=spec.get("hyphenate_character", "-"),
        hyphenate=spec.get("hyphenate", True),
        subset=spec.get("subset", False),
        bold_synthesis_em=float(spec.get("bold_synthesis_em", 0)),
    )


# Each font file type statementpress knows: its media type and its CSS @font-face format.
FONT_TYPES = {
    ".ttf": ("font/ttf", "truetype"),
    ".otf": ("font/otf", "opentype"),
    ".woff": ("font/woff", "woff"),
    ".woff2": ("font/woff2", "woff2"),
}


def _font_type(path: Path) -> tuple[str, str]:
    try:
        return FONT_TYPES[path.suffix.lower()]
    except KeyError:
        raise LayoutError(
            f"{path.name}: not a font file type statementpress knows ({', '.join(FONT_TYPES)})"
        ) from None


def media_type(path: Path) -> str:
    """The media type of a font file, by its extension."""
    return _font_type(path)[0]


def css_format(path: Path) -> str:
    """The CSS `format()` name of a font file for @font-face, by its extension."""
    return _font_type(path)[1]


def font_face_sources(face: FontFace, url: Callable[[Path], str]) -> list[dict[str, Any]]:
    """One @font-face source per file of the face: its `url` (as `url` gives it for the
    edition), CSS `format`, `weight` and `style`, in the order of the face's styles."""
    return [
        {
            "url": url(path),
            "format": css_format(path),
            "weight": CSS_STYLES[style][0],
            "style": CSS_STYLES[style][1],
        }
        for style, path in face.files.items()
    ]


def glyph_text(text: str) -> str:
    """The characters a face subset for `text` must have, sorted, each once: the space
    included (layout engines draw it from the face), tab and newline not."""
    return "".join(sorted((set(text) | {" "}) - {"\t", "\n"}))


def synthetic_bold(face: FontFace, text: str) -> bytes | None:
    """The bold face synthesised from the regular for the characters of `text`, where the
    layout asks for one (`bold_synthesis_em`) and the face has no bold file; else None."""
    if "bold" in face.files or face.bold_synthesis_em <= 0:
        return None
    from statementpress import synthetic_bold as synth

    return synth.synthesize(subset_data(face.regular, text), face.bold_synthesis_em)


# The synthesised bold is an OpenType (CFF) file.
SYNTHETIC_BOLD_SUFFIX = ".otf"


def _data_url(data: bytes, named: Path) -> str:
    """A font's bytes as a data: URL (of the media type its file name says)."""
    import base64

    return f"data:{media_type(named)};base64," + base64.b64encode(data).decode("ascii")


def print_sources(face: FontFace, text: str) -> list[dict[str, Any]]:
    """The @font-face sources of the PDF, for a statement that prints the characters of
    `text`: the face's files, and a synthesised bold where the layout asks for one.

    WeasyPrint does not synthesise a missing bold itself. And fontconfig ranks a face's
    language coverage above its weight, so a bold of a few glyphs would lose to the whole
    regular: with a synthesised bold, the regular goes in as the same subset (both as data:
    URLs), and the weight decides.
    """
    sources = font_face_sources(face, Path.as_uri)
    bold = synthetic_bold(face, text)
    if bold is None:
        return sources
    regular = _data_url(subset_data(face.regular, text), face.regular)
    named = Path("bold" + SYNTHETIC_BOLD_SUFFIX)
    return [
        *(dict(s, url=regular) if s["url"] == face.regular.as_uri() else s for s in sources),
        {
            "url": _data_url(bold, named),
            "format": css_format(named),
            "weight": CSS_STYLES["bold"][0],
            "style": CSS_STYLES["bold"][1],
        },
    ]


def subset_data(path: Path, text: str) -> bytes:
    """The font file reduced to the glyphs that `text` needs (OpenType features kept).

    The result depends only on the file and the characters of the text, so packages stay
    reproducible (and editions asking for the same characters share one subset).
    """
    return _subset_data(path, glyph_text(text))


@lru_cache(maxsize=16)
def _subset_data(path: Path, text: str) -> bytes:
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    with TTFont(str(path), recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


@lru_cache(maxsize=16)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


def statement_text(statement: Statement) -> str:
    """Every character an edition of the statement prints (text, titles, names, notes)."""
    from statementpress.model import plain_text

    m = statement.meta
    parts = [m.kind or "", m.title_text, m.subtitle or "", m.place or ""]
    if m.translation and m.translation.note:
        parts.append(m.translation.note)
    parts.extend(plain_text(p) for p in statement.all_paragraphs())
    parts.extend(f"{s.name} {s.title} {s.party or ''}" for s in statement.signatories)
    return " ".join(parts)


def layout_glyphs(layout: Layout, face: FontFace) -> str:
    """Characters every edition draws besides the text: numbers, list markers, the hyphen."""
    return (
        "0123456789."
        + layout.get("lists.bullet")
        + layout.get("lists.number_suffix")
        + (face.hyphenate_character if face.hyphenate else "")
    )


def missing_glyphs(face: FontFace, text: str) -> list[str]:
    """The characters of `text` the face cannot draw, sorted, each once.

    Characters that take no room (spaces, tabs, the invisible line-breaking hints and
    joiners a source may hold, `characters.NON_PRINTING`) are never asked of the face; a
    soft hyphen asks for the face's hyphen instead, which a line broken there shows."""
    cmap = _cmap(face.regular)
    needed = set(text) - NON_PRINTING
    if "\u00ad" in text:
        needed.update(face.hyphenate_character)
    return sorted(ch for ch in needed if ord(ch) not in cmap)


def check_coverage(face: FontFace, statement: Statement, extra: str = "") -> None:
    """Fail the build, naming the language and the layout key, if the face lacks a character.

    This is what keeps tofu boxes and silent fallbacks to a system font out of the editions.
    """
    missing = missing_glyphs(face, statement_text(statement) + extra)
    if missing:
        lang = statement.meta.lang
        shown = " ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in missing[:8])
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        raise BuildError(
            f"{statement.source.path}: the face {face.family!r} ([{face.key}] of the layout) "
            f"has no glyph for {shown}{more} used by this {lang!r} statement; set a face "
            f"that covers the language in [fonts.{primary_language(lang)}] of layout.toml"
        )
