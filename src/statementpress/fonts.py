"""Fonts: the layout's face for a language, its files from a PyPI font package, coverage checks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

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

    @property
    def regular(self) -> Path:
        """The upright regular face, which every family has."""
        return self.files["regular"]


# The keys a face may have, with their types; the first three are required.
FACE_KEYS: dict[str, type] = {
    "family": str,
    "package": str,
    "regular": str,
    "dir": str,
    "bold": str,
    "italic": str,
    "bold_italic": str,
    "hyphenate_character": str,
    "hyphenate": bool,
    "subset": bool,
}
_REQUIRED = ("family", "package", "regular")
# Names that must not be empty (an empty file or package name is never meant).
_NON_EMPTY = ("family", "package", "dir", *STYLES)


def _faces(layout: Layout) -> dict[str, dict]:
    """The layout's `fonts` table, checked: every face a table of known keys and types."""
    fonts = layout.get("fonts")
    if not isinstance(fonts, dict):
        raise LayoutError(
            f"{layout.where}: 'fonts' must be a table of faces ([fonts.default], "
            f"[fonts.<language>]), not {fonts!r}"
        )
    for key, spec in fonts.items():
        if not isinstance(spec, dict):
            raise LayoutError(
                f"{layout.where}: 'fonts.{key}' must be a table ([fonts.{key}]) "
                f"with family, package and regular, not {spec!r}"
            )
        for name, value in spec.items():
            wanted = FACE_KEYS.get(name)
            if wanted is None:
                raise LayoutError(
                    f"{layout.where}: unknown key 'fonts.{key}.{name}'; a face "
                    f"has {', '.join(FACE_KEYS)}"
                )
            if not isinstance(value, wanted):
                kind = "true or false" if wanted is bool else "a string"
                raise LayoutError(
                    f"{layout.where}: 'fonts.{key}.{name}' must be {kind}, not {value!r}"
                )
            if name in _NON_EMPTY and not value.strip():
                raise LayoutError(f"{layout.where}: 'fonts.{key}.{name}' must not be empty")
        for name in _REQUIRED:
            if name not in spec:
                raise LayoutError(f"{layout.where}: [fonts.{key}] lacks {name!r}")
    return fonts


def face_for(layout: Layout, lang: str) -> FontFace:
    """The face `[fonts.<lang>]` of the layout, else `[fonts.default]`.

    Font files come from the PyPI package named by `package` (its `files/` folder), never
    from fonts installed on the machine, so every machine renders the same.
    """
    fonts = _faces(layout)
    key = primary_language(lang) if primary_language(lang) in fonts else "default"
    if key not in fonts:
        raise LayoutError(f"layout {layout.name!r} has no [fonts.default] and no [fonts.{key}]")
    spec = fonts[key]
    where = f"layout {layout.name!r}, [fonts.{key}]"
    package = spec["package"]
    try:
        root = files(package)
    except ModuleNotFoundError:
        raise LayoutError(
            f"{where}: font package {package!r} is not installed; add it to the project's "
            "dependencies (pip install it)"
        ) from None
    except (ImportError, TypeError, ValueError) as exc:
        raise LayoutError(
            f"{where}: font package {package!r} cannot be imported ({exc}); "
            "'package' is the import name of an installed font package"
        ) from None
    paths: dict[str, Path] = {}
    for style in STYLES:
        name = spec.get(style)
        if name is None:
            continue
        path = Path(str(root.joinpath(spec.get("dir", "files"), name)))
        if not path.is_file():
            raise LayoutError(f"{where}: {style} = {name!r} is not in package {package!r}")
        paths[style] = path
    return FontFace(
        family=spec["family"],
        key=f"fonts.{key}",
        files=paths,
        hyphenate_character=spec.get("hyphenate_character", "-"),
        hyphenate=spec.get("hyphenate", True),
        subset=spec.get("subset", True),
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
    """The font file reduced to the glyphs that `text` needs, with OpenType features kept.

    The result depends only on the file and on `subset_characters(text)`, never on the time,
    so packages stay reproducible; it is computed once per process for each such pair.
    A file type fontTools cannot subset by itself (`SUBSET_TYPES`) is returned whole.
    """
    if path.suffix.lower() not in SUBSET_TYPES:
        return font_bytes(path)
    return _subset(path, subset_characters(text))


@lru_cache(maxsize=32)
def _subset(path: Path, characters: str) -> bytes:
    import io

    from fontTools import subset as fonttools_subset
    from fontTools.ttLib import TTFont

    options = fonttools_subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
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
    paragraphs = list(statement.text_paragraphs())
    paragraphs.extend(p for note in statement.notes for p in note.paragraphs)
    parts.extend(plain_text(p) for p in paragraphs)
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


# Characters the editions lay out but never take from the face: plain space, tab, newline.
_NOT_DRAWN = frozenset(" \t\n")


def missing_glyphs(face: FontFace, text: str) -> list[str]:
    """The characters of `text` the face cannot draw, sorted, each once."""
    cmap = _cmap(face.regular)
    return sorted({ch for ch in text if ch not in _NOT_DRAWN and ord(ch) not in cmap})


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
