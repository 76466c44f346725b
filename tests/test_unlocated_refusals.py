"""Refusals that used to surface late without a line and column: characters written as YAML
escapes, zero-width characters, and an escaped note call."""

from __future__ import annotations

import pytest

from conftest import MINIMAL
from statementpress import fonts, layout
from statementpress.builder import build, prepare, prepare_all
from statementpress.errors import SourceError
from statementpress.model import plain_text
from statementpress.reader import load
from statementpress.verify import verify


def errors(path) -> list[str]:
    with pytest.raises(SourceError) as info:
        load(path)
    return info.value.format_message().splitlines()


def where(text: str, needle: str) -> tuple[int, int]:
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


ESCAPES = [
    ("\\u202E", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\\u200E", "U+200E (LEFT-TO-RIGHT MARK)"),
    ("\\u2066", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
    ("\\x00", "control character U+0000"),
    ("\\x07", "control character U+0007"),
    ("\\N", "control character U+0085"),
    ("\\L", "line separator U+2028"),
    ("\\P", "paragraph separator U+2029"),
    ("\\uFFFD", "U+FFFD"),
    ("\\ud800", "surrogate (half of a character) U+D800"),
]
# Each front matter string, as a line of MINIMAL and that line with a double-quoted value.
FIELDS = {
    "kind": ("kind: Совместное заявление", 'kind: "Совместное {} заявление"'),
    "title": ("title: |\n  министров\n  иностранных дел", 'title: "министров {}"'),
    "place": ("date: 2021-05-12", 'date: 2021-05-12\nplace: "Моск{}ва"'),
    "subtitle": ("date: 2021-05-12", 'date: 2021-05-12\nsubtitle: "в {} формате"'),
    "name": ("  - name: И.И. Иванов", '  - name: "И.И. {}Иванов"'),
    "title of a signatory": (
        "    title: Министр\n    party: Сторона А",
        '    title: "Мин{}истр"\n    party: Сторона А',
    ),
    "party": ("    party: Сторона Б", '    party: "Сторона {}Б"'),
}


@pytest.mark.parametrize("escape, described", ESCAPES, ids=[e[0] for e in ESCAPES])
@pytest.mark.parametrize("field", FIELDS)
def test_yaml_escapes_are_located_at_the_escape(write_source, field, escape, described):
    line, value = FIELDS[field]
    assert line in MINIMAL
    text = MINIMAL.replace(line, value.format(escape), 1)
    path = write_source(text)
    at = where(text, escape)
    (found,) = errors(path)
    assert found.startswith(f"{path}:{at[0]}:{at[1]}: error: the YAML escape gives "), found
    assert described in found and found.endswith("is not allowed in a source; delete it")


def test_a_joiner_escape_outside_a_joining_script_is_located(write_source):
    text = MINIMAL.replace(
        "    title: Министр\n    party: Сторона А",
        '    title: "Мини\\u200dстр"\n    party: Сторона А',
    )
    path = write_source(text)
    at = where(text, "\\u200d")
    (found,) = errors(path)
    assert found.startswith(f"{path}:{at[0]}:{at[1]}: error: written as a YAML escape, ")
    assert "U+200D (ZERO WIDTH JOINER) is allowed only after a letter of a script" in found


def test_a_joiner_escape_in_a_joining_script_is_kept(write_source):
    text = MINIMAL.replace("  - name: И.И. Иванов", '  - name: "می\\u200cخواهم"')
    assert load(write_source(text)).signatories[0].name == "می\u200cخواهم"


# -- zero-width characters in the body ----------------------------------------------------------


@pytest.mark.parametrize(
    "written, ch",
    [
        ("Пер\u200dвая", "\u200d"),
        ("Пер\u200cвая", "\u200c"),
        ("Пер&#x200D;вая", "\u200d"),
        ("Пер\u200eвая", "\u200e"),
        ("Пер&#x200F;вая", "\u200f"),
        ("Пер\u061cвая", "\u061c"),
    ],
)
def test_joiners_and_bidi_marks_out_of_place_are_located(write_source, written, ch):
    text = MINIMAL.replace("Первая статья", f"{written} статья")
    path = write_source(text)
    at = where(text, written[3:])
    (found,) = errors(path)
    assert found.startswith(f"{path}:{at[0]}:{at[1]}: error: "), found
    assert f"U+{ord(ch):04X}" in found


def test_break_hints_pass_the_glyph_check_and_every_edition(write_source, tmp_path):
    """Soft hyphen, zero-width space and word joiner are allowed: the face is not asked to
    draw them, and every edition says the same words."""
    text = MINIMAL.replace(
        "Первая статья.", "Пер\u00adвая ста\u200bтья и сло\u2060во, дол\u00adгое\u200bслово."
    )
    path = write_source(text)
    (pair,) = prepare_all([path])
    face = fonts.face_for(pair[1], "ru")
    assert fonts.missing_glyphs(face, "\u00ad\u200b\u2060") == []
    out = tmp_path / "build"
    build([path], formats=["pdf", "docx", "epub", "html"], out=out)
    assert verify(out, [path], epubcheck=False) == []


def test_soft_hyphen_asks_the_face_for_its_hyphen(tmp_path, monkeypatch):
    face = fonts.face_for(layout.load("official"), "ru")
    lacking = fonts.FontFace(
        face.family, face.key, face.files, "\u2010", face.hyphenate, face.subset
    )  # PT Serif has no U+2010
    assert fonts.missing_glyphs(lacking, "пере\u00adнос") == ["\u2010"]
    assert fonts.missing_glyphs(lacking, "перенос") == []


# -- an escaped note call ----------------------------------------------------------------------


def test_escaped_note_call_is_literal_text(write_source):
    text = MINIMAL.replace("Первая статья.", "Первая статья \\[^a] и \\[^нет].")
    st = load(write_source(text))
    assert "[^a] и [^нет]." in plain_text(st.articles[0].paragraphs[0])
    assert [n.key for n in prepare(st).notes] == ["a", "b"]


def test_unescaped_unknown_call_is_still_located_with_the_escape_as_hint(write_source):
    text = MINIMAL.replace("Первая статья.", "Первая статья [^нет].")
    path = write_source(text)
    at = where(text, "[^нет]")
    (found,) = errors(path)
    assert found.startswith(f"{path}:{at[0]}:{at[1]}: error: annotation reference [^нет] has no")
    assert "write '\\[^нет]' for the text itself" in found
