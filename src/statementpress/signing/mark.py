"""The visible mark of an electronic signature (GOST R 7.0.97-2025) and where it goes.

The mark is a bordered block: the heading "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ" (in English
for editions in other languages), then the certificate's serial number, its owner and its
validity period. It is typeset by WeasyPrint in the layout's face, as a one-page PDF the size
of the mark, which the signature's appearance then draws as a vector form.

It is placed in free space at the bottom of the last page: the lowest place above the
layout's bottom margin, at the right margin (else the left), where it overlaps nothing the
page draws (text, rules, images), as pdfminer.six reads the page's content boxes.
"""

from __future__ import annotations

import datetime
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from statementpress import fonts
from statementpress import layout as layouts
from statementpress.model import primary_language
from statementpress.signing import SigningError

MM = 72 / 25.4  # PDF points in a millimetre
# Width of the mark, and the clearance it keeps from anything the page draws.
WIDTH_MM = 80
CLEARANCE_PT = 6
# Blank space around the border inside the mark's own page, so that no viewer clips the border
# at the edge of the form.
INSET_MM = 0.5
# Step of the search for free space, upwards from the bottom margin.
STEP_PT = 2
# The layout used for the face and the margins when the build has no manifest naming one.
DEFAULT_LAYOUT = "official"

_TEXTS = {
    "ru": {
        "heading": "ДОКУМЕНТ ПОДПИСАН<br/>ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
        "certificate": "Сертификат",
        "owner": "Владелец",
        "valid": "Действителен с {start} по {end}",
    },
    "en": {
        "heading": "DOCUMENT SIGNED<br/>WITH AN ELECTRONIC SIGNATURE",
        "certificate": "Certificate",
        "owner": "Owner",
        "valid": "Valid from {start} to {end}",
    },
}


@dataclass(frozen=True)
class MarkFacts:
    """What the mark says: the certificate's serial, owner and validity period."""

    serial: str
    owner: str
    not_before: datetime.datetime
    not_after: datetime.datetime


def _date(value: datetime.datetime, lang: str) -> str:
    # GOST's numeric form for Russian (01.01.2026); ISO 8601 for every other language.
    if lang == "ru":
        return value.strftime("%d.%m.%Y")
    return value.date().isoformat()


def lines(facts: MarkFacts, lang: str) -> tuple[str, list[str]]:
    """The mark's heading (with a line break as `<br/>`) and its other lines, in the mark's
    language: Russian for a Russian edition, English for any other."""
    key = "ru" if primary_language(lang) == "ru" else "en"
    texts = _TEXTS[key]
    valid = texts["valid"].format(
        start=_date(facts.not_before, key), end=_date(facts.not_after, key)
    )
    return texts["heading"], [
        f"{texts['certificate']}: {facts.serial}",
        f"{texts['owner']}: {facts.owner}",
        valid,
    ]


def layout_for(edition: Path, build_dir: Path | None) -> layouts.Layout:
    """The layout an edition was built in, as the build's manifest.json says, else the
    default ("official")."""
    name = DEFAULT_LAYOUT
    manifest = build_dir / "manifest.json" if build_dir else None
    if build_dir and manifest and manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            wanted = edition.relative_to(build_dir).as_posix()
            for statement in data.get("statements", []):
                for ed in statement.get("editions", []):
                    if ed.get("path") == wanted and ed.get("layout"):
                        name = ed["layout"]
        except (ValueError, AttributeError, TypeError):
            pass  # an unreadable manifest is verify's to report; the mark uses the default
    if name not in layouts.available():
        name = DEFAULT_LAYOUT
    return layouts.load(name)


def _html(facts: MarkFacts, lang: str, layout: layouts.Layout, height_mm: float) -> str:
    face = fonts.face_for(layout, lang)
    heading, rest = lines(facts, lang)
    missing = fonts.missing_glyphs(face, heading.replace("<br/>", " ") + " ".join(rest))
    if missing:
        shown = " ".join(f"{ch!r}" for ch in missing[:8])
        raise SigningError(
            f"the face {face.family!r} ([{face.key}] of layout {layout.name!r}) has no glyph "
            f"for {shown} of the signature mark; sign with --invisible"
        )
    faces = "\n".join(
        f'@font-face {{ font-family: "{face.family}"; '
        f'src: url("{src["url"]}") format("{src["format"]}"); '
        f"font-weight: {src['weight']}; font-style: {src['style']}; }}"
        for src in fonts.font_face_sources(face, Path.as_uri)
    )
    text, accent = layout.get("colours.text"), layout.get("colours.accent")
    body = "".join(f"<p>{escape(line)}</p>" for line in rest)
    return f"""<!DOCTYPE html>
<html lang="{escape(lang)}"><head><meta charset="utf-8"/><style>
{faces}
@page {{ size: {WIDTH_MM + 2 * INSET_MM}mm {height_mm + 2 * INSET_MM:.2f}mm; margin: {INSET_MM}mm }}
html, body {{ margin: 0; padding: 0 }}
.mark {{ font-family: "{face.family}"; font-size: 9pt; line-height: 1.25; color: {text};
  border: 0.75pt solid {accent}; padding: 1.5mm 3mm 2mm;
  overflow-wrap: anywhere }}
.mark h1 {{ font-size: 8.5pt; font-weight: bold; text-align: center; margin: 0 0 1.2mm;
  letter-spacing: 0.03em; color: {accent} }}
.mark p {{ margin: 0 }}
</style></head><body><div class="mark"><h1>{heading}</h1>{body}</div></body></html>"""


def render(facts: MarkFacts, lang: str, layout: layouts.Layout) -> bytes:
    """The mark as a one-page PDF its own size (WIDTH_MM wide, as high as its lines, with
    INSET_MM of blank around the border)."""
    import weasyprint

    # Lay it out once on a tall page to learn its height, then on a page of that height.
    probe = weasyprint.HTML(string=_html(facts, lang, layout, 150)).render()
    height_px = 0.0
    for box in probe.pages[0]._page_box.descendants():
        if getattr(box, "element_tag", None) == "div":
            height_px = max(height_px, box.margin_height())
    height_mm = height_px * 0.75 / MM + 0.05
    document = weasyprint.HTML(string=_html(facts, lang, layout, height_mm)).render()
    if len(document.pages) != 1:
        raise SigningError("the signature mark does not fit on one page")  # pragma: no cover
    out = io.BytesIO()
    document.write_pdf(out)
    return out.getvalue()


def _content_boxes(pdf: bytes, page_index: int) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, y0, x1, y1, in points from the lower left) of everything drawn on a page,
    except white fills (a page background hides nothing).

    A form XObject (pdfminer's LTFigure) counts by what it draws, not by its bounding box:
    WeasyPrint wraps some drawings in forms as large as the page.
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTCurve, LTFigure

    boxes: list[tuple[float, float, float, float]] = []

    def collect(items: Any) -> None:
        for item in items:
            if isinstance(item, LTFigure):
                collect(item)
            elif isinstance(item, LTCurve) and not item.stroke and _white(item.non_stroking_color):
                continue
            else:
                x0, y0, x1, y1 = item.bbox
                boxes.append((x0, y0, x1, y1))

    for page in extract_pages(io.BytesIO(pdf), page_numbers=[page_index]):
        collect(page)
    return boxes


def _white(colour: Any) -> bool:
    if isinstance(colour, int | float):
        return colour >= 1
    if isinstance(colour, tuple | list) and colour:
        if len(colour) == 4:  # CMYK: no ink
            return all(c == 0 for c in colour)
        return all(isinstance(c, int | float) and c >= 1 for c in colour)
    return False


def place(
    pdf: bytes,
    page_index: int,
    page_box: tuple[float, float, float, float],
    size: tuple[float, float],
    layout: layouts.Layout,
) -> tuple[int, int, int, int] | None:
    """The rectangle (x1, y1, x2, y2) for a mark of `size` points on the page, or None.

    Whole points, as a signature field's box is given; the mark fits inside it unscaled.

    Candidates go upwards from the layout's bottom margin, each at the right margin then at
    the left; the first that keeps CLEARANCE_PT from every content box wins.
    """
    x0, y0, x1, y1 = page_box
    width, height = math.ceil(size[0]), math.ceil(size[1])
    left = math.ceil(x0 + layout.number("page.margin_left_mm") * MM)
    right = math.floor(x1 - layout.number("page.margin_right_mm") * MM)
    bottom = math.ceil(y0 + layout.number("page.margin_bottom_mm") * MM)
    top = math.floor(y1 - layout.number("page.margin_top_mm") * MM)
    occupied = _content_boxes(pdf, page_index)

    def free(ax: int, ay: int) -> bool:
        bx, by = ax + width, ay + height
        return all(
            bx + CLEARANCE_PT <= c[0]
            or ax - CLEARANCE_PT >= c[2]
            or by + CLEARANCE_PT <= c[1]
            or ay - CLEARANCE_PT >= c[3]
            for c in occupied
        )

    for y in range(bottom, top - height + 1, STEP_PT):
        for x in (right - width, left):
            if x >= left and free(x, y):
                return (x, y, x + width, y + height)
    return None
