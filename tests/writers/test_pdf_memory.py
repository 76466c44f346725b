"""What the PDF's layout rounds keep between layouts, kept small and given back unchanged.

A long statement's line analysis holds no characters until a paragraph is measured
(`pdf_lines.Analysis.source`), and its planned paragraphs keep their breaks packed in arrays
(`pdf_plan.pack`); both must give back exactly what the objects held, or the plan, and so the
PDF, would change.
"""

from __future__ import annotations

from statementpress import hyphenation, layout
from statementpress.writers import pdf_lines, pdf_plan


def _paragraph() -> pdf_plan.Paragraph:
    """Breaks with floats that are not round in binary and indexes past the small ints."""
    breaks = [
        pdf_plan.Break(300 + k, kind, 10.1 * k + 0.3, 10.1 * k + 3.7, k, k + 1)
        for k, kind in enumerate(["space", "hyphen", "space", "real", "space"] * 4, start=1)
    ]
    end = pdf_plan.Break(400, "end", 250.123, 250.123, 21, 21)
    return pdf_plan.Paragraph(61.7, 5.5, 10, breaks, end)


def test_packed_breaks_come_back_equal():
    paragraph = _paragraph()
    before = list(paragraph.breaks)
    kinds = {b.at: b.kind for b in before}
    assert all(paragraph.kind(at) == kind for at, kind in kinds.items())
    assert paragraph.kind(299) == paragraph.kind(399) == "end"
    pdf_plan.pack(paragraph)
    assert paragraph.breaks == [] and paragraph.packed is not None
    # Packed, the places and kinds are still known (the markup is written from them).
    assert paragraph.places() == [(b.at, b.kind) for b in before]
    assert all(paragraph.kind(at) == kind for at, kind in kinds.items())
    assert paragraph.kind(399) == "end"
    pdf_plan.unpack(paragraph)
    assert paragraph.packed is None
    assert paragraph.breaks == before


def test_a_packed_paragraph_is_planned_as_before():
    policy = hyphenation.policy(layout.load("official"), "en")
    paragraph = _paragraph()
    first = pdf_plan.plan(paragraph, policy, policy.penalty, {305})
    assert first  # the paragraph needs several lines: a plan that could differ
    pdf_plan.pack(paragraph)
    pdf_plan.unpack(paragraph)
    assert pdf_plan.plan(paragraph, policy, policy.penalty, {305}) == first


def test_analysis_makes_characters_on_demand():
    """After `analyse`, no element's characters are held; asked for, they are the markup's,
    each with the style of the text box that printed it."""
    import weasyprint

    words = " ".join(["justified words of a paragraph"] * 12)
    page = weasyprint.HTML(
        string=(
            "<style>@page { size: 80mm 200mm; margin: 10mm }"
            " p { text-align: justify; font-size: 10pt }</style>"
            f"<p>{words} <em>and emphasis</em> {words}</p>"
        )
    )
    document = page.render()
    analysis = pdf_lines.analyse(document)
    assert len(analysis.lines) > 3
    assert analysis.chars == {} and analysis.styles == {}
    element = analysis.lines[0].element
    chars, styles = analysis.source(element)
    expected = f"{words} and emphasis {words}".replace(" ", "")
    assert "".join(c.char for c in chars) == expected
    assert styles is not None and None not in styles and len(styles) == len(chars)
    # The lines were matched all the same: they cover the characters end to end.
    lines = analysis.of(element)
    assert lines[0].start == 0 and lines[-1].end == len(chars)
    assert all(a.end == b.start for a, b in zip(lines, lines[1:], strict=False))
