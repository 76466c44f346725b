"""The QR-code requisite (GOST R 7.0.97-2025): what the code says, and its vector drawings.

The payload names the statement:

- when a base URL is known (from the source or the layout), the URL of the statement's HTML
  edition: `<base>/<id>/<id>.<lang>.html`, the path a build writes it to; a base URL that
  contains `{id}` or `{lang}` is a template filled in instead (`https://mfa.example/{lang}/{id}`);
- otherwise a URN that names the statement and the exact source it was built from:
  `urn:statementpress:<id>:<lang>:sha256:<64 lowercase hex digits of the source file's SHA-256>`.
  ("statementpress" is not a registered URN namespace: the form is this project's own.)

The code is generated with segno (QR Code Model 2, never Micro QR, error correction level M
or higher when that costs no extra size) and drawn here from its module matrix:

- `svg()`: an inline `<svg>` element of filled rectangles for the HTML and PDF editions
  (WeasyPrint draws inline SVG as vectors);
- `dark_runs()`: the dark modules as horizontal runs, for drawing the code as one vector shape
  in the DOCX (a DrawingML custom geometry with one rectangle per run);
- `png()`: a 1-bit PNG for readers that need a raster (and for decoding it in tests).

Everything depends only on the payload, so editions that carry the code stay reproducible.

`requisite()` reads the layout's `[qr]` table: whether an edition carries the code, which
corner of the first page, how large, and the base URL (docs/layouts.md, "The QR code").
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from statementpress.layout import Layout
    from statementpress.model import Statement

# The light margin a reader needs around the symbol, in modules (ISO/IEC 18004 asks for 4).
QUIET_ZONE = 4
# Error correction level: M restores up to 15 % of damaged modules (a folded or stamped page).
ERROR_LEVEL = "m"


def statement_url(base_url: str, statement_id: str, lang: str) -> str:
    """The URL of the statement's HTML edition under `base_url` (see the module's notes)."""
    if "{id}" in base_url or "{lang}" in base_url:
        return base_url.replace("{id}", statement_id).replace("{lang}", lang)
    return f"{base_url.rstrip('/')}/{statement_id}/{statement_id}.{lang}.html"


def statement_urn(statement_id: str, lang: str, source: bytes) -> str:
    """`urn:statementpress:<id>:<lang>:sha256:<hex>`, naming the statement and its source."""
    digest = hashlib.sha256(source).hexdigest()
    return f"urn:statementpress:{statement_id}:{lang}:sha256:{digest}"


def payload(statement_id: str, lang: str, source: bytes, base_url: str | None = None) -> str:
    """What the QR code of one language version encodes: its URL if a base URL is known,
    else its URN with the SHA-256 of the source bytes."""
    if base_url:
        return statement_url(base_url, statement_id, lang)
    return statement_urn(statement_id, lang, source)


def statement_payload(statement: Statement, base_url: str | None = None) -> str:
    """`payload()` for a loaded statement (its id, language and source file's bytes)."""
    return payload(statement.meta.id, statement.meta.lang, statement.source.data, base_url)


@lru_cache(maxsize=32)
def _matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    import segno

    code = segno.make_qr(text, error=ERROR_LEVEL, boost_error=True)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)


def modules(text: str, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The code's modules row by row, top first (True = dark), with `border` light modules
    around the symbol."""
    core = _matrix(text)
    width = len(core) + 2 * border
    light = [False] * width
    rows = [list(light) for _ in range(border)]
    rows.extend([False] * border + list(row) + [False] * border for row in core)
    rows.extend(list(light) for _ in range(border))
    return rows


def dark_runs(text: str, border: int = QUIET_ZONE) -> list[tuple[int, int, int]]:
    """The dark modules as horizontal runs `(row, column, length)`, rows from the top,
    columns from the left, in module units of a symbol with `border` light modules around it.

    Each run is one rectangle `column, row, length × 1`: few enough to draw the whole code as
    a single vector path (SVG) or custom shape (DOCX).
    """
    runs: list[tuple[int, int, int]] = []
    for y, row in enumerate(modules(text, border)):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append((y, start, x - start))
            else:
                x += 1
    return runs


def size_in_modules(text: str, border: int = QUIET_ZONE) -> int:
    """The width (= height) of the drawn code in modules, quiet zone included."""
    return len(_matrix(text)) + 2 * border


def svg(
    text: str,
    size: str = "20mm",
    border: int = QUIET_ZONE,
    title: str | None = None,
    colour: str = "#000000",
    css_class: str = "qr-code",
) -> str:
    """An inline `<svg>` element drawing the code as filled rectangles, `size` wide and high.

    `size` is any CSS length ("20mm", "8em"); the drawing scales to it (the viewBox is in
    modules). `title` becomes the element's accessible name. The light modules are left
    transparent: print the code on a light background.
    """
    n = size_in_modules(text, border)
    path = "".join(f"M{x} {y}h{length}v1h-{length}z" for y, x, length in dark_runs(text, border))
    label = (
        f' role="img" aria-label={quoteattr(title)}><title>{escape(title)}</title>'
        if title
        else ' aria-hidden="true">'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class={quoteattr(css_class)} '
        f'width={quoteattr(size)} height={quoteattr(size)} viewBox="0 0 {n} {n}" '
        f'shape-rendering="crispEdges"{label}'
        f"<path fill={quoteattr(colour)} d={quoteattr(path)}/></svg>"
    )


def png(text: str, scale: int = 10, border: int = QUIET_ZONE) -> bytes:
    """A 1-bit PNG of the code, `scale` pixels per module (10 gives about 600 dpi at 20 mm
    for a version 7 code)."""
    import segno

    code = segno.make_qr(text, error=ERROR_LEVEL, boost_error=True)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def describe(text: str) -> dict[str, object]:
    """Version, error correction level and size of the code for `text` (for notes and tests)."""
    import segno

    code = segno.make_qr(text, error=ERROR_LEVEL, boost_error=True)
    return {"version": code.version, "error": code.error, "modules": len(_matrix(text))}


@dataclass(frozen=True)
class Requisite:
    """The code one edition carries (the layout's `[qr]` for one statement): what it encodes,
    its accessible name, its corner of the first page and its sizes."""

    text: str
    label: str
    position: str
    size_mm: float
    margin_mm: float
    screen_size_em: float
    colour: str

    @property
    def edge(self) -> str:
        """The page edge whose margin holds the code: "bottom" or "top"."""
        return self.position.split("-")[0]

    @property
    def side(self) -> str:
        """The side of the text the code is flush with: "right" or "left"."""
        return self.position.split("-")[1]

    def page_margin_mm(self, margin_mm: float) -> float:
        """The first page's margin at `edge`, grown from the layout's `margin_mm` where the
        code and its distance from the edge need more."""
        return max(float(margin_mm), self.size_mm + self.margin_mm)

    @property
    def print_svg(self) -> str:
        """The drawing for a printed page, `size_mm` square (a page artifact: no name)."""
        return svg(self.text, f"{self.size_mm:g}mm", colour=self.colour)

    @property
    def data_uri(self) -> str:
        """`print_svg` as a `data:` URI, for a CSS `content: url(…)`."""
        return "data:image/svg+xml," + quote(self.print_svg, safe="")

    @property
    def screen_svg(self) -> str:
        """The drawing for the HTML page, `screen_size_em` square, named by `label`."""
        return svg(self.text, f"{self.screen_size_em:g}em", title=self.label, colour=self.colour)


def requisite(statement: Statement, layout: Layout) -> Requisite | None:
    """The code that `statement`'s editions in `layout` carry, or None when the layout's
    `qr.enabled` is false."""
    from statementpress.labels import statement_labels

    values = layout.get("qr")
    if not values["enabled"]:
        return None
    text = statement_payload(statement, values["base_url"] or None)
    return Requisite(
        text=text,
        label=f"{statement_labels(statement.meta)['qr_code']}: {text}",
        position=values["position"],
        size_mm=float(values["size_mm"]),
        margin_mm=float(values["margin_mm"]),
        screen_size_em=float(values["screen_size_em"]),
        colour=layout.get("colours.text"),
    )
