"""A bold face synthesised from a regular one, for a family that has no bold on PyPI.

The Chinese face (Noto Serif SC from `pylopdf-fonts-zh-cn`) comes in one weight, and no
package on PyPI ships a bold Chinese serif; WeasyPrint 70 does not synthesise bold, so the
PDF would print titles and names in the regular weight. This module does what browsers and
word processors do for a missing bold ("fake bold"), but into a real font file that every
edition can embed: each outline is grown by a stroke of `grow_em` on every side (browsers
use about 0.02 em at text sizes) and merged with itself, the advance widths unchanged, so
the bold sets on the same grid as the regular. It is made from a subset of the regular
(fonts.synthetic_bold): only the glyphs a statement prints are redrawn.

The result depends only on the font file, the text and `grow_em`: builds stay reproducible.
"""

from __future__ import annotations

from functools import lru_cache

# Style name of the synthesised face in its name table, and its PostScript name's suffix:
# it must not pass for the type foundry's own bold.
STYLE = "Bold"
PS_SUFFIX = "-SyntheticBold"


def _private(top, glyph_id: int):
    """The Private dict of a glyph (a CID-keyed font has one per font dict)."""
    if hasattr(top, "FDArray") and top.FDArray is not None and hasattr(top, "FDSelect"):
        return top.FDArray[top.FDSelect[glyph_id]].Private
    return top.Private


def _embolden(glyph, glyph_set, width: float):
    """The outline of `glyph` grown by a stroke of `width` (both sides), as a pathops path."""
    import pathops

    path = pathops.Path()
    glyph.draw(path.getPen(glyphSet=glyph_set))
    if not list(path.segments):
        return path
    stroked = pathops.Path(path)
    stroked.stroke(width, pathops.LineCap.BUTT_CAP, pathops.LineJoin.MITER_JOIN, 4)
    # Skia may stroke a tight curve into conics ("让"), which the union cannot take and a
    # CFF outline cannot hold: as quadratic curves they are drawn the same.
    stroked.convertConicsToQuads()
    # CFF outlines run counter-clockwise; `op` also removes the overlaps of the union.
    return pathops.op(path, stroked, pathops.PathOp.UNION, fix_winding=True, clockwise=False)


def _rename(font) -> None:
    """Name table, OS/2 and head flags of a bold face; the PostScript name says it is made."""
    names = font["name"]
    family = names.getBestFamilyName() or "Font"
    ps_name = (names.getDebugName(6) or family.replace(" ", "")).split("-")[0] + PS_SUFFIX
    for record in list(names.names):
        if record.nameID in (2, 17):
            record.string = STYLE
        elif record.nameID in (4,):
            record.string = f"{family} {STYLE} (synthetic)"
        elif record.nameID in (3, 6, 20):
            record.string = ps_name
    cff = font["CFF "].cff
    cff.fontNames = [ps_name]
    os2 = font["OS/2"]
    os2.usWeightClass = 700
    os2.fsSelection = (os2.fsSelection | 1 << 5) & ~(1 << 6)  # bold, not regular
    font["head"].macStyle |= 1


@lru_cache(maxsize=8)
def synthesize(regular: bytes, grow_em: float) -> bytes:
    """An OpenType (CFF) bold face made from the `regular` CFF face's bytes (best a subset:
    every glyph is redrawn), its glyph ids, metrics and layout tables unchanged."""
    import io

    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(regular), recalcTimestamp=False) as font:
        if "CFF " not in font:
            raise ValueError("bold synthesis needs a CFF (.otf) face")
        width = 2 * grow_em * font["head"].unitsPerEm
        cff = font["CFF "].cff
        top = cff.topDictIndex[0]
        glyph_set = font.getGlyphSet()
        metrics = font["hmtx"].metrics
        for glyph_id, name in enumerate(font.getGlyphOrder()):
            path = _embolden(glyph_set[name], glyph_set, width)
            private = _private(top, glyph_id)
            advance = metrics[name][0]
            default = getattr(private, "defaultWidthX", 0)
            nominal = getattr(private, "nominalWidthX", 0)
            pen = T2CharStringPen(None if advance == default else advance - nominal, None)
            path.draw(pen)
            top.CharStrings[name] = pen.getCharString(private=private, globalSubrs=cff.GlobalSubrs)
        _rename(font)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()
