"""Source positions in the model: keys, values, blocks and inline nodes placed where they
were written, kept through the typography pass, and never part of equality."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, ROOT, SOURCE
from statementpress import load
from statementpress.builder import build, prepare
from statementpress.errors import SourceError
from statementpress.model import Emphasis, LineBreak, NoteRef, Paragraph, Text, walk
from statementpress.positions import Pos, Span, realign, span
from statementpress.typography import CURLY_QUOTES

EN = ROOT / "tests" / "fixtures" / "harbour-accord-2031.en.md"
ZH = ROOT / "tests" / "fixtures" / "harbour-accord-2031.zh.md"
NBSP = "\u00a0"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


def pos_of(text: str, needle: str) -> Pos:
    """Where `needle` is first written in `text`, as the reader counts (1-based)."""
    line = line_of(text, needle)
    return Pos(line, text.split("\n")[line - 1].index(needle) + 1)


# -- the position type ---------------------------------------------------------------------


def test_span_places_each_character_across_its_breaks():
    where = span([(0, Pos(3, 5)), (4, Pos(3, 9)), (6, Pos(4, 2))])
    assert where == Span(3, 5, breaks=((6, Pos(4, 2)),))  # the mark at 4 just continues
    assert [str(where.at(i)) for i in (0, 5, 6, 8)] == ["3:5", "3:10", "4:2", "4:4"]
    assert span([(0, Pos(1, 1)), (3, Pos(1, 4))]) == Pos(1, 1)  # one line: a plain Pos
    assert span([]) is None


@pytest.mark.parametrize(
    "old, new, probe",
    [
        ("a - b", f"a{NBSP}\u2014 b", "b"),  # a spaced hyphen becomes a dash, one longer
        ("в  формате, с", f"в{NBSP}формате, с", ","),  # two spaces become one
        ("№5 и", f"№{NBSP}5 и", "и"),  # a space inserted
        ('say  "North"  now', "say \u201cNorth\u201d now", "now"),  # quotes made curly
    ],
)
def test_realign_keeps_every_kept_character_in_place(old, new, probe):
    where = realign(Pos(7, 3), old, new)
    assert where.at(new.index(probe)) == Pos(7, 3 + old.index(probe))
    assert where.at(0) == Pos(7, 3)


def test_realign_keeps_only_the_start_when_letters_change():
    assert realign(Span(2, 1, ((3, Pos(3, 1)),)), "abc def", "xyz") == Pos(2, 1)
    assert realign(None, "a", "b") is None


# -- what the reader records ---------------------------------------------------------------


def test_front_matter_keys_and_values_are_placed(write_source):
    meta = load(write_source()).meta
    assert meta.positions["lang"].key == Pos(3, 1)
    assert meta.positions["lang"].value == Pos(3, 7)
    assert meta.positions["signatories"].key == pos_of(MINIMAL, "signatories:")
    title = meta.positions["title"].value  # a block: each line where it was written
    assert title.at(0) == Pos(6, 3)
    assert title.at(len("министров\nиностранных")) == Pos(7, 3 + len("иностранных"))


def test_quoted_and_folded_values_are_placed_character_by_character(write_source):
    text = MINIMAL.replace("kind: Совместное заявление", 'kind: "Совместное  заявление"')
    text = text.replace("title: |", "title: >")
    meta = load(write_source(text)).meta
    assert meta.positions["kind"].value.at(len("Совместное  ")) == Pos(4, 8 + len("Совместное  "))
    # Folded: one line of text from two lines of source.
    assert meta.title == ("министров иностранных дел",)
    assert meta.positions["title"].value.at(len("министров ")) == Pos(7, 3)


def test_signatories_are_placed(write_source):
    second = load(write_source()).signatories[1]
    assert second.pos == pos_of(MINIMAL, "name: П.П. Петров")
    assert second.positions["name"].value == pos_of(MINIMAL, "П.П. Петров")
    assert second.positions["party"].key == Pos(15, 5)


def test_blocks_are_placed_where_their_text_starts(write_source):
    st = load(write_source())
    assert st.preamble[0].pos == pos_of(MINIMAL, "Преамбула")
    first, second = st.articles
    assert first.pos == pos_of(MINIMAL, "1. Первая")
    assert [p.pos for p in first.paragraphs] == [
        pos_of(MINIMAL, "Первая статья"),
        pos_of(MINIMAL, "Второй абзац"),
    ]
    (sublist,) = first.sublists
    assert [item.paragraphs[0].pos for item in sublist.items] == [
        pos_of(MINIMAL, "подпункт один"),
        pos_of(MINIMAL, "подпункт два"),
    ]
    assert [n.pos for n in st.notes] == [pos_of(MINIMAL, "[^a]:"), pos_of(MINIMAL, "[^b]:")]
    assert st.notes[1].paragraphs[0].pos == pos_of(MINIMAL, "Второе")


def test_inline_nodes_are_placed(write_source):
    text = MINIMAL.replace(
        "Первая статья.", "Первая *статья* \\* &amp; далее  \n   конец[^a] и\n   ещё."
    )
    para = load(write_source(text)).articles[0].paragraphs[0]
    nodes = list(walk(para.content))
    assert [type(n).__name__ for n in nodes] == [
        "Text",
        "Emphasis",
        "Text",
        "Text",
        "LineBreak",
        "Text",
        "NoteRef",
        "Text",
    ]
    emphasis = next(n for n in nodes if isinstance(n, Emphasis))
    assert emphasis.pos == pos_of(text, "*статья*")
    assert emphasis.children[0].pos == pos_of(text, "статья*")
    after = nodes[3]
    assert isinstance(after, Text) and after.text == " * & далее"
    assert after.pos.at(after.text.index("*")) == pos_of(text, "\\*")  # at the escape
    assert after.pos.at(after.text.index("&")) == pos_of(text, "&amp;")
    assert after.pos.at(after.text.index("далее")) == pos_of(text, "далее")
    assert isinstance(nodes[4], LineBreak) and nodes[4].pos.line == line_of(text, "далее")
    ref = next(n for n in nodes if isinstance(n, NoteRef))
    assert ref.pos == pos_of(text, "[^a] и")
    last = nodes[-1]
    # A run over two lines: its second line is where it was written, after the indentation.
    assert last.text == " и ещё."
    assert last.pos.at(last.text.index("ещё")) == pos_of(text, "ещё.")


@pytest.mark.parametrize("path", [SOURCE, EN, ZH], ids=["ru", "en", "zh"])
@pytest.mark.parametrize("typeset", [False, True], ids=["as read", "typeset"])
def test_every_character_is_where_its_position_says(path, typeset):
    statement = load(path)
    if typeset:
        statement = prepare(statement)
    lines = path.read_text(encoding="utf-8").split("\n")
    checked = 0
    for text, where in statement.strings():
        assert where is not None, text
        for offset, ch in enumerate(text):
            if typeset and (ch.isspace() or ch in "-\u2013\u2014"):
                continue  # the typography pass may have made these
            pos = where.at(offset)
            written = lines[pos.line - 1][pos.col - 1 : pos.col] or "\n"
            # A line break of the model (between title lines, a soft break) stands for
            # the end of its source line. English typesetting makes a straight quote curly
            # in its place (typography.CURLY_QUOTES: the curly one and what it was written as).
            assert (
                written == ch
                or (ch in " \n" and written in " \n")
                or (typeset and CURLY_QUOTES.get(ch) == written)
            ), (text, offset, pos)
            checked += 1
    assert checked > 200


def test_positions_take_no_part_in_equality(write_source):
    a = load(write_source(MINIMAL, name="a.md"))
    moved = MINIMAL.replace("---\n\nПреамбула", "---\n\n\n\nПреамбула").replace(
        "lang: ru", "lang:    ru"
    )
    b = load(write_source(moved, name="b.md"))
    assert a.preamble[0].pos != b.preamble[0].pos
    assert a.meta.positions["lang"].value != b.meta.positions["lang"].value
    assert (a.meta, a.preamble, a.articles, a.notes) == (b.meta, b.preamble, b.articles, b.notes)
    assert hash(a.meta) == hash(b.meta)
    assert Paragraph((Text("x", Pos(1, 1)),), Pos(1, 1)) == Paragraph((Text("x"),))


# -- problems located through the model ---------------------------------------------------


def glyph_errors(source, tmp_path) -> list[str]:
    with pytest.raises(SourceError) as info:
        build([source], ["html"], out=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    return info.value.format_message().splitlines()


def test_missing_glyph_located_after_typography_changed_the_line(write_source, tmp_path):
    # Typography binds "и  в" with one no-break space each (two characters shorter) before
    # the snowman, on the second line of the paragraph.
    text = MINIMAL.replace("Второй абзац первой статьи.", "Второй абзац\n   и  в  нём ☃ знак.")
    source = write_source(text)
    assert (
        prepare(load(source))
        .articles[0]
        .paragraphs[1]
        .content[0]
        .text.endswith(f"и{NBSP}в{NBSP}нём ☃ знак.")
    )
    (line,) = glyph_errors(source, tmp_path)
    where = pos_of(text, "☃")
    assert line.startswith(f"{source}:{where.line}:{where.col}: error: '☃' (U+2603) has no glyph")


def test_missing_glyph_in_the_front_matter_and_from_a_character_reference(write_source, tmp_path):
    text = MINIMAL.replace("иностранных дел", "иностранных ☃ дел").replace(
        "Вторая статья", "Вторая &#x2602; статья"
    )
    source = write_source(text)
    lines = glyph_errors(source, tmp_path)
    assert [line.split(": error: ")[0] for line in lines] == [
        f"{source}:{pos_of(text, '☃').line}:{pos_of(text, '☃').col}",
        f"{source}:{pos_of(text, '&#x2602;').line}:{pos_of(text, '&#x2602;').col}",
    ]
    assert "'☂' (U+2602)" in lines[1]
