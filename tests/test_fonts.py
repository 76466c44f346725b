"""Fonts: faces come from the PyPI font package, and a face that lacks a glyph stops the build."""

from __future__ import annotations

import pytest

from statementpress import fonts, layout
from statementpress.errors import BuildError


def test_official_face_from_font_package():
    face = fonts.face_for(layout.load("official"), "ru")
    assert face.family == "PT Serif" and face.key == "fonts.default"
    assert set(face.files) == set(fonts.STYLES)
    assert all("fontpkg_pt_serif" in str(p) and p.is_file() for p in face.files.values())


def test_canonical_statement_is_covered(statement):
    fonts.check_coverage(fonts.face_for(layout.load("official"), "ru"), statement)


def test_missing_glyph_names_language_and_key(statement):
    face = fonts.face_for(layout.load("official"), "ru")
    with pytest.raises(BuildError, match=r"U\+4E2D.*\[fonts\.ru\]"):
        fonts.check_coverage(face, statement, extra="中")


def font_faces(css: str) -> dict[str, tuple[str, str]]:
    """(font-weight, font-style) of each @font-face rule, by the name of its file."""
    import re

    out = {}
    for block in re.findall(r"@font-face\s*\{([^}]*)\}", css):
        url = re.search(r'url\("([^"]+)"\)', block)[1]
        weight = re.search(r"font-weight:\s*(\w+)", block)[1]
        style = re.search(r"font-style:\s*(\w+)", block)[1]
        out[url.rsplit("/", 1)[-1]] = (weight, style)
    return out


def test_pdf_and_epub_declare_each_face_from_the_one_style_table(statement):
    from statementpress.writers import epub, pdf

    official = layout.load("official")
    face = fonts.face_for(official, "ru")
    expected = {
        path.name: (str(fonts.CSS_STYLES[style][0]), fonts.CSS_STYLES[style][1])
        for style, path in face.files.items()
    }
    assert len(set(expected.values())) == 4  # four different faces
    epub_css = next(
        item.data.decode()
        for item in epub.content(statement, official, face, "")
        if item.id == "css"
    )
    assert font_faces(pdf.stylesheet(statement, official)) == expected
    assert font_faces(epub_css) == expected


@pytest.mark.parametrize("space", ["\u202f", "\u2009"])
def test_typographic_spaces_are_checked_like_any_character(statement, space):
    face = fonts.face_for(layout.load("official"), "ru")
    with pytest.raises(BuildError, match=f"U\\+{ord(space):04X}"):
        fonts.check_coverage(face, statement, extra=space)


def test_plain_spaces_and_the_no_break_space_pass(statement):
    face = fonts.face_for(layout.load("official"), "ru")
    fonts.check_coverage(face, statement, extra=" \t\n\u00a0")


def test_synthetic_bold_takes_curves_skia_strokes_into_conics():
    """ "让" strokes into conics: the bold still has it, grown on every side."""
    import io

    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    face = fonts.face_for(layout.load("official"), "zh")
    boxes = []
    for data in (fonts.subset_data(face.regular, "让"), fonts.synthetic_bold(face, "让")):
        font = TTFont(io.BytesIO(data))
        glyphs = font.getGlyphSet()
        pen = BoundsPen(glyphs)
        glyphs[font.getBestCmap()[ord("让")]].draw(pen)
        boxes.append(pen.bounds)
    (x0, y0, x1, y1), (bx0, by0, bx1, by1) = boxes
    assert bx0 < x0 and by0 < y0 and bx1 > x1 and by1 > y1


def test_font_bytes_are_read_once_per_process():
    path = fonts.face_for(layout.load("official"), "ru").regular
    assert fonts.font_bytes(path) == path.read_bytes()
    assert fonts.font_bytes(path) is fonts.font_bytes(path)


def test_obfuscated_font_is_what_the_docx_embeds(statement, tmp_path):
    import zipfile

    from lxml import etree

    from statementpress.writers import docx

    official = layout.load("official")
    face = fonts.face_for(official, "ru")
    dest = docx.write(statement, official, tmp_path / "s.docx")
    with zipfile.ZipFile(dest) as zf:
        table = etree.fromstring(zf.read("word/fontTable.xml"))
        rels = etree.fromstring(zf.read("word/_rels/fontTable.xml.rels"))
        parts = {r.get("Id"): zf.read("word/" + r.get("Target")) for r in rels}
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    mark = table.find(f"{w}font[@{w}name='{face.family}']/{w}embedRegular")
    key, data = fonts.obfuscated_font(face.regular)
    assert (mark.get(f"{w}fontKey"), parts[mark.get(r_id)]) == (key, data)
    assert (
        data[32:] == face.regular.read_bytes()[32:] and data[:32] != face.regular.read_bytes()[:32]
    )
    assert fonts.obfuscated_font(face.regular) is fonts.obfuscated_font(face.regular)


def test_subset_characters_widen_alphabets_but_not_ideographs():
    kept = fonts.subset_characters("Жa")
    assert set(kept) == {chr(c) for c in [*range(0x00, 0x80), *range(0x400, 0x480)]}
    assert kept == "".join(sorted(kept))
    # With ideographs the subset is the text's own anyway: exactly its characters.
    assert fonts.subset_characters("中a中Ж") == "aЖ中"


def test_subset_is_shared_by_texts_of_one_script_and_recomputed_identically():
    path = fonts.face_for(layout.load("official"), "ru").regular
    first = fonts.subset(path, "Стороны заявляют")
    assert fonts.subset(path, "Министры приняли") is first  # the same Cyrillic run: cached
    fonts._subset.cache_clear()
    again = fonts.subset(path, "Стороны заявляют")
    assert again == first and again is not first  # a new process gets the same bytes
    assert len(first) < path.stat().st_size / 2
