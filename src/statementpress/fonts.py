"""Fonts: the layout's face for a language, its files from a PyPI font package, coverage checks."""

from __future__ import annotations

import hashlib
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
    # Editions that carry font files for reading only (EPUB) embed only the glyphs they use;
    # a layout may turn that off for a face (`subset = false`). The DOCX keeps whole faces.
    subset: bool = True
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
        subset=spec.get("subset", True),
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


def synthesises_bold(face: FontFace) -> bool:
    """Whether a bold is synthesised from the regular: the layout asks for one
    (`bold_synthesis_em`) and the face has no bold file."""
    return "bold" not in face.files and face.bold_synthesis_em > 0


def synthetic_bold(face: FontFace, text: str) -> bytes | None:
    """The bold face synthesised from the regular for the characters of `text`, where one
    is (`synthesises_bold`); else None."""
    if not synthesises_bold(face):
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


def subset_data(path: Path, text: str, flavor: str | None = None) -> bytes:
    """The font file reduced to exactly the glyphs that `text` needs (OpenType features
    kept), as a `flavor` web font ("woff2") or in its own format (None).

    The result depends only on the file and the characters of the text, so packages stay
    reproducible (and editions asking for the same characters share one subset).
    """
    return _subset(path, glyph_text(text), flavor)


# Font data is cached for the life of the process: a build of many statements reads, obfuscates
# and subsets each face once, not once per edition. Font package files do not change while a
# build runs, so a path is a sufficient key.
@lru_cache(maxsize=32)
def font_bytes(path: Path) -> bytes:
    """The bytes of a font file, read once per process."""
    return path.read_bytes()


@lru_cache(maxsize=32)
def obfuscated_font(path: Path) -> tuple[str, bytes]:
    """The font file as a DOCX embeds it: `(key, data)`, per ECMA-376 Part 1, 17.8.1.

    The key is a GUID derived from the file's bytes (so two builds use the same key); the
    data is the file with its first 32 bytes XORed with the key's 16 bytes (the GUID's hex
    digits read as bytes, last first). XORing again restores the font, which is how Word and
    LibreOffice read it.
    """
    data = font_bytes(path)
    digits = hashlib.sha256(data).hexdigest()[:32].upper()
    key = f"{{{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}}}"
    guid = bytes.fromhex(digits)[::-1]
    head = bytes(b ^ guid[i % 16] for i, b in enumerate(data[:32]))
    return key, head + data[32:]


# Alphabetic text is subset by whole runs of 128 code points around the characters it uses
# (Basic Latin, Cyrillic, General Punctuation, ...), so that every statement in a script asks
# for the same subset and a build of many computes it once. Text with ideographs (from U+2E80
# on: CJK, thousands of characters per block) needs a subset of its own whatever is done, so
# it keeps exactly the characters it uses, and its subset stays small.
_SUBSET_RUN = 128
_IDEOGRAPHS_FROM = 0x2E80
# Files fontTools subsets without optional packages; web fonts (WOFF, WOFF2) are kept whole.
SUBSET_TYPES = (".ttf", ".otf")


def subset_characters(text: str) -> str:
    """The characters an edition's subset of a face keeps for `text`, in code point order."""
    used = {ord(ch) for ch in text}
    if any(cp >= _IDEOGRAPHS_FROM for cp in used):
        return "".join(chr(cp) for cp in sorted(used))
    runs = {cp - cp % _SUBSET_RUN for cp in used}
    return "".join(chr(cp) for start in sorted(runs) for cp in range(start, start + _SUBSET_RUN))


def subset(path: Path, text: str) -> bytes:
    """The font file as an EPUB embeds it for `text`: the glyphs of `subset_characters`,
    OpenType features kept; computed once per process for each such pair.

    A file type fontTools cannot subset by itself (`SUBSET_TYPES`) is returned whole.
    """
    if path.suffix.lower() not in SUBSET_TYPES:
        return font_bytes(path)
    return _subset(path, subset_characters(text), None)


@lru_cache(maxsize=32)
def _subset(path: Path, characters: str, flavor: str | None) -> bytes:
    import io

    from fontTools import subset as fonttools_subset
    from fontTools.ttLib import TTFont

    options = fonttools_subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.flavor = flavor
    # The head table keeps the file's own dates: no timestamp of the build in the subset.
    with TTFont(io.BytesIO(font_bytes(path)), recalcTimestamp=False) as font:
        # Every name is kept, so the name table is set aside rather than pruned: pruning it
        # visits every table of the font to find the names in use, a third of the work.
        names = font.get("name")
        if names is not None:
            del font["name"]
        subsetter = fonttools_subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(ch) for ch in characters])
        subsetter.subset(font)
        if names is not None:
            font["name"] = names
        font.flavor = flavor
        out = io.BytesIO()
        font.save(out, reorderTables=not flavor)
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
