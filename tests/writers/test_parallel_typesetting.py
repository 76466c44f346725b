"""The parallel PDF's columns typeset to the single PDF's standard, measured from the output.

Each column is read on its own (tests/printed.py cuts the glyphs at the columns' boxes, which
come from the layout's margins, `[parallel] column_gap_mm` and the number of languages):
its lines stay inside its box, its word spaces are the face's own (start-aligned columns,
the official layout) or stretched no more than the line planner needs (justified columns, a
derived layout), and its hyphens keep to its language's policy: at most 1 line in 6, never
more than 2 in a row, fragments of 3 letters or more, none on a column's last line on a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, SOURCE
from printed import MM, Line, fragments, hyphen_runs, printed_lines, spacing
from statementpress import hyphenation, layout, load
from statementpress.builder import prepare
from statementpress.writers import parallel_pdf, pdf_plan

ENGLISH = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"
LANGS = ("ru", "en")
JUSTIFIED = 'inherit = "official"\n\n[parallel]\nalign = "justify"\n'


def column_boxes(lay: layout.Layout, count: int) -> list[tuple[float, float]]:
    """The left and right edges (mm from the trim's left edge) of each column's text."""
    left = lay.number("page.margin_left_mm")
    right = lay.number("parallel.page_width_mm") - lay.number("page.margin_right_mm")
    gap = lay.number("parallel.column_gap_mm")
    width = (right - left - gap * (count - 1)) / count
    return [(left + k * (width + gap), left + k * (width + gap) + width) for k in range(count)]


@pytest.fixture(scope="module")
def statements():
    return [prepare(load(SOURCE)), prepare(load(ENGLISH))]


def _write(statements, lay: layout.Layout, dest: Path) -> Path:
    return parallel_pdf.write(statements, [lay] * len(statements), dest)


@pytest.fixture(scope="module")
def editions(statements, tmp_path_factory) -> dict[str, tuple[Path, layout.Layout]]:
    """The Russian-English parallel PDF start-aligned (the official layout), justified (a
    layout that inherits it), and justified by WeasyPrint alone, without the line planner."""
    root = tmp_path_factory.mktemp("parallel-type")
    folder = root / "layouts" / "justified"
    folder.mkdir(parents=True)
    (folder / "layout.toml").write_text(JUSTIFIED, encoding="utf-8")
    official = layout.load("official")
    justified = layout.load("justified", [root / "layouts"])
    out = {
        "start": (_write(statements, official, root / "start.pdf"), official),
        "justified": (_write(statements, justified, root / "justified.pdf"), justified),
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf_plan, "plannable", lambda style: False)
        out["unplanned"] = (_write(statements, justified, root / "unplanned.pdf"), justified)
    return out


@pytest.fixture(scope="module")
def columns(editions) -> dict[str, list[list[Line]]]:
    """Each edition's printed lines below the top margin, one list per column."""
    out = {}
    for name, (path, lay) in editions.items():
        boxes = column_boxes(lay, len(LANGS))
        top = lay.number("page.margin_top_mm") * MM
        lines = [line for line in printed_lines(path, boxes) if line.top >= top - 2]
        out[name] = [[line for line in lines if line.column == k] for k in range(len(boxes))]
    return out


def paragraph_lines(lines: list[Line], lay: layout.Layout) -> list[Line]:
    """The lines of the text and notes that the next line of their paragraph follows (one
    line height below, on the same page): the lines a justified column stretches."""
    text, notes = lay.number("parallel.size_pt"), lay.number("notes.size_pt")
    heights = {
        text: text * lay.number("text.line_height"),
        notes: notes * lay.number("notes.line_height"),
    }
    out = []
    for line, following in zip(lines, lines[1:], strict=False):
        size = next((s for s in heights if abs(line.size - s) < 0.2), None)
        if (
            size is not None
            and following.page == line.page
            and abs(following.size - line.size) < 0.2
            and abs(following.top - line.top - heights[size]) < 0.6
        ):
            out.append(line)
    return out


@pytest.mark.parametrize("name", ["start", "justified"])
def test_no_glyph_past_its_columns_box(editions, columns, name):
    _, lay = editions[name]
    for (left, right), lines in zip(column_boxes(lay, 2), columns[name], strict=True):
        assert len(lines) > 100
        overshoot = max(line.right for line in lines) - right
        assert overshoot <= 0.1, f"a line ends {overshoot:.2f} mm past its column"
        assert min(line.left for line in lines) >= left - 0.1
        # The fullest lines do reach the edge: the measure is not vacuous.
        assert overshoot > -1.0


def test_start_aligned_columns_keep_the_faces_word_space(columns, editions):
    _, lay = editions["start"]
    for lines in columns["start"]:
        measured = spacing(paragraph_lines(lines, lay))
        assert measured.count > 400
        # Nothing is stretched: every space is the face's (kerning aside).
        assert measured.largest - measured.median <= 0.03, measured
        # Their lines are start-aligned: their ends are ragged.
        _, right = column_boxes(lay, 2)[lines[0].column]
        short = [line for line in paragraph_lines(lines, lay) if right - line.right > 2]
        assert len(short) > len(paragraph_lines(lines, lay)) / 2


def test_justified_columns_end_at_the_edge_with_planned_spaces(columns, editions):
    """Justified, every line of a paragraph but its last ends at its column's edge; the
    planner keeps the spaces narrower than WeasyPrint's own line breaking does, and never
    narrower than the face's space less the layout's shrink."""
    _, lay = editions["justified"]
    natural = spacing(paragraph_lines(columns["start"][0], lay)).median
    shrink = lay.get("text").get("space_shrink_em", 0)
    indent = lay.number("text.indent_cm") * 10
    for k, (left, right) in enumerate(column_boxes(lay, 2)):
        # The paragraphs' lines: they start at the column's edge or at the first-line indent
        # (the title block's lines are centred).
        planned = [
            line
            for line in paragraph_lines(columns["justified"][k], lay)
            if min(abs(line.left - left), abs(line.left - left - indent)) < 0.2
        ]
        assert len(planned) > 150
        assert all(-0.2 <= line.right - right <= 0.1 for line in planned), [
            (line.text, round(line.right - right, 2))
            for line in planned
            if not -0.2 <= line.right - right <= 0.1
        ]
        own = spacing(planned)
        weasyprint = spacing(paragraph_lines(columns["unplanned"][k], lay))
        assert own.p95 < weasyprint.p95 and own.largest < weasyprint.largest, (own, weasyprint)
        assert min(g for line in planned for g in line.spaces) >= natural - shrink - 0.01


@pytest.mark.parametrize("name", ["start", "justified"])
def test_each_columns_hyphens_keep_to_its_languages_policy(editions, columns, name):
    _, lay = editions[name]
    for lang, lines in zip(LANGS, columns[name], strict=True):
        policy = hyphenation.policy(lay, lang)
        hyphenated = sum(line.hyphenated for line in lines)
        assert 0 < hyphenated <= len(lines) / 6, f"{lang}: {hyphenated} of {len(lines)} lines"
        assert hyphen_runs(lines) <= policy.max_consecutive == 2
        for before, after in fragments(lines):
            assert len(before) >= policy.min_before and len(after) >= policy.min_after
        assert policy.min_before >= 3 and policy.min_after >= 3
        # The last line of each column on each page: no word split across the page turn.
        for page in sorted({line.page for line in lines}):
            last = [line for line in lines if line.page == page][-1]
            assert not last.hyphenated, f"{lang}, page {page + 1}: {last.text!r}"


def test_added_hyphens_are_soft_in_the_text_layer(editions, columns):
    """Every hyphen that hyphenation added, in either column, is marked /ActualText U+00AD;
    hyphens of the text (a compound split at its hyphen) are not."""
    path, _ = editions["start"]
    sources = SOURCE.read_text(encoding="utf-8") + ENGLISH.read_text(encoding="utf-8")
    added = real = 0
    for lines in columns["start"]:
        for line, following in zip(lines, lines[1:], strict=False):
            if line.hyphenated:
                word = re.search(r"\w+-$", line.text)[0] + re.match(r"\w*", following.text)[0]
                if word in sources:
                    real += 1
                else:
                    added += 1
    marks = sum(
        page.get_contents().get_data().count(b"/ActualText") for page in PdfReader(path).pages
    )
    assert added > 20 and marks == added, (added, real, marks)


# -- the ragged planner, on a paragraph set in a monospaced face of 10 px (1 em) ------------


def _ragged(width: float) -> pdf_plan.Paragraph:
    """ "aaa bb cc ddddd": every letter and space 10 px, a line `width` px wide."""
    breaks = [
        pdf_plan.Break(3, "space", 30, 40, 0, 1),
        pdf_plan.Break(5, "space", 60, 70, 1, 2),
        pdf_plan.Break(7, "space", 90, 100, 2, 3),
    ]
    end = pdf_plan.Break(12, "end", 150, 150, 3, 3)
    return pdf_plan.Paragraph(width, 0, 10, breaks, end, ragged=True)


def test_ragged_lines_are_planned_for_an_even_rag():
    """Filled one by one, the lines would be "aaa bb" / "cc" / "ddddd", leaving 0 and 4 em at
    their ends; planned as a whole, "aaa" / "bb cc" / "ddddd" leave 3 and 1 em."""
    policy = hyphenation.policy(layout.load("official"), "en")
    assert pdf_plan.plan(_ragged(61), policy, policy.penalty, set()) == [3, 7]


def test_ragged_plan_is_written_as_line_breaks():
    """A ragged line that ends at a space ends in <br/> (WeasyPrint would fill it up); the
    other spaces are joined to the next word; the text itself is unchanged."""
    from xml.etree import ElementTree

    from statementpress.writers import pdf_lines

    element = ElementTree.fromstring("<p>aaa bb <em>cc</em> ddddd</p>")
    paragraph = _ragged(61)
    paragraph.chosen = [3, 7]
    pdf_plan.write(element, pdf_lines.chars(element, set()), paragraph)
    assert [child.tag for child in element.iter()] == ["p", "br", "em", "br"]
    lines = ElementTree.tostring(element, encoding="unicode").split("<br />")
    assert [re.sub(r"<[^>]+>|\s|\u2060", "", line) for line in lines] == ["aaa", "bbcc", "ddddd"]
    assert "".join(element.itertext()).replace(pdf_lines.WJ, "") == "aaa bb cc ddddd"
    assert element.get("style") == "hyphens: manual"
