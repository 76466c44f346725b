"""Hyphenation of the DOCX edition: a soft hyphen wherever the layout's policy breaks a word.

Word processors hyphenate with their own dictionaries and limits. Word has no minimum
fragment length; LibreOffice reads neither `w:consecutiveHyphenLimit` nor a fragment length
from a DOCX and splits off two letters ("Уз-"). So the writer decides the hyphens: it breaks
each text paragraph into lines first fit, as Word and LibreOffice do, with the advance widths
of the embedded face, and where the policy of `statementpress.hyphenation` breaks a word at a
line's end it puts a `w:softHyphen` there and nowhere else. A compound's own hyphen that would
end a line against the policy ("из-/за", a third hyphenated line in a row) becomes a
`w:noBreakHyphen`. Automatic hyphenation is off in settings.xml, so a word processor breaks
words only at those points; if its line breaks come out slightly different, a soft hyphen
inside a line stays invisible. The policy's limits are also written to settings.xml for an
editor who turns automatic hyphenation on (see `package.settings_part`).

What the plan cannot know is where pages break, so the policy's `page_end` is not applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from statementpress import fonts, hyphenation
from statementpress.layout import Layout
from statementpress.writers.docx import styles as s
from statementpress.writers.docx.oxml import el

PT_PER_MM = 72 / 25.4
# LibreOffice draws a superscript at 58 % of the size; Word at about two thirds. The note
# calls are a few characters, so the smaller width is near enough for both.
SUPERSCRIPT_SCALE = 0.58
# Word and LibreOffice place glyphs in twentieths of a point: a hyphenated prefix must fit
# with this to spare, or the word processor may find that it does not.
SLACK_PT = 0.25
# How much the hyphenation zone is widened at a time to keep to the policy's share of
# hyphenated lines (`Hyphenator.paragraphs`).
ZONE_STEP_MM = 1.0


class Metrics:
    """Advance widths of one font file, in units of its em.

    Without kerning: neither Word nor LibreOffice kerns a DOCX run that has no `w:kern`
    (LibreOffice's ragged lines measure as the plain advances, to 0.2 pt).
    """

    def __init__(self, path: Path) -> None:
        from fontTools.ttLib import TTFont

        with TTFont(str(path), lazy=True) as font:
            self.em = font["head"].unitsPerEm
            self.cmap = dict(font.getBestCmap())
            self.advance = {name: adv for name, (adv, _) in font["hmtx"].metrics.items()}

    def widths(self, text: str, size: float) -> list[float]:
        """The advance of each character of `text` at `size` points."""
        scale = size / self.em
        return [self.advance.get(self.cmap.get(ord(ch), ""), self.em // 2) * scale for ch in text]


@lru_cache(maxsize=8)
def metrics(path: Path) -> Metrics:
    """The metrics of a font file, read once per process."""
    return Metrics(path)


@dataclass
class Unit:
    """One character as laid out: its width, its font and size, and where it is in the XML
    (`t` is `None` for what a word processor draws itself: note numbers, line breaks)."""

    char: str
    width: float
    font: Metrics | None = None
    size: float = 0.0
    t: etree._Element | None = None
    offset: int = 0


@dataclass(frozen=True)
class Geometry:
    """A paragraph's measure in points: the first line's width and the others'."""

    first: float
    rest: float


@dataclass(frozen=True)
class Style:
    """The character formatting the layout gives a run: which file, at which size."""

    file: str  # "regular", "bold", "italic", "bold_italic"
    size: float


@dataclass(frozen=True)
class Line:
    """A planned line: it ends before unit `end`; `hyphen` is "soft" (one of ours), "real"
    (a compound's own hyphen) or "" (a space or the paragraph's end)."""

    end: int
    hyphen: str = ""


@dataclass
class Segment:
    """Characters up to a break opportunity: `units[start:end]`, `spaces` of them trailing."""

    start: int
    end: int
    spaces: int
    points: list[int] = field(default_factory=list)  # unit indexes a soft hyphen may precede


class Glue(Exception):
    """The plan found a compound's hyphen that must not end a line (unit `index`)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def letters(units: list[Unit], start: int, step: int) -> int:
    """How many letters run from unit `start` in direction `step` (+1 or -1)."""
    count, i = 0, start
    while 0 <= i < len(units) and units[i].char.isalpha():
        count, i = count + 1, i + step
    return count


class Hyphenator:
    """Plans the soft hyphens of the text paragraphs of one document."""

    def __init__(
        self, layout: Layout, face: fonts.FontFace, lang: str, measure_mm: float | None = None
    ) -> None:
        """`measure_mm`: the width of the text paragraphs' lines where it is not the page's
        text width (a column of the parallel edition); the notes run across the page."""
        import pyphen

        n = layout.number
        self.policy = hyphenation.policy(layout, lang)
        self.files = face.files
        self.hyphen = face.hyphenate_character
        self.zone = self.policy.zone_mm * PT_PER_MM
        language = pyphen.language_fallback(lang.replace("-", "_"))
        assert language is not None, "made only where `hyphenated` says so"
        self.dictionary = pyphen.Pyphen(
            lang=language, left=self.policy.min_before, right=self.policy.min_after
        )
        width = n("page.width_mm") - n("page.margin_left_mm") - n("page.margin_right_mm")
        self.width = width * PT_PER_MM
        self.measure = (width if measure_mm is None else measure_mm) * PT_PER_MM
        self.indent = n("text.indent_cm") * 10 * PT_PER_MM
        self.text = Style("regular", n("text.size_pt"))
        self.notes = Style("regular", n("notes.size_pt"))
        self.hyphenated = 0  # soft hyphens placed
        self.lines: list[tuple[str, str]] = []  # every planned line: its text and hyphen

    def paragraph(self, p: etree._Element, style: s.StyleName, label: str = "") -> None:
        """Hyphenate paragraph `p` of a text style; `label` is its list number ("1."), which
        Word draws at the first-line indent with a space after it."""
        self.apply(p, *self._setting(style, label))

    def paragraphs(self, items: list[tuple[etree._Element, s.StyleName, str]]) -> None:
        """Hyphenate `items` (paragraph, style, label) as one text, keeping to the policy's
        `max_share` of hyphenated lines as the PDF does: the zone is widened in steps of
        `ZONE_STEP_MM` until it holds (a narrow column hyphenates more lines than a page's
        width does with the same zone)."""
        while True:
            lines = hyphens = 0
            for p, style, label in items:
                base, geometry = self._setting(style, label)
                planned = self._lines(self.units(p, base), geometry)[0]
                lines += len(planned)
                hyphens += sum(line.hyphen == "soft" for line in planned)
            if hyphens <= self.policy.max_share * lines or self.zone >= self.measure:
                break
            self.zone += ZONE_STEP_MM * PT_PER_MM
        for p, style, label in items:
            self.paragraph(p, style, label)

    def _setting(self, style: s.StyleName, label: str) -> tuple[Style, Geometry]:
        """The character style and the line widths of a paragraph of `style`."""
        if style == s.FOOTNOTE_TEXT:
            return self.notes, Geometry(self.width, self.width)
        if style == s.SUBITEM:  # a hanging number, the text at the indent
            narrow = self.measure - self.indent
            return self.text, Geometry(narrow, narrow)
        first = self.measure - self.indent
        if label:
            first -= sum(self._metrics(self.text).widths(label + " ", self.text.size))
        return self.text, Geometry(first, self.measure)

    def _metrics(self, style: Style) -> Metrics:
        return metrics(self.files.get(style.file) or self.files["regular"])

    def _run_style(self, run: etree._Element, base: Style) -> Style:
        """The file and size of a run of a paragraph in `base`, by its character style."""
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            return base
        rstyle = rpr.find(qn("w:rStyle"))
        name = rstyle.get(qn("w:val")) if rstyle is not None else None
        if name == s.FOOTNOTE_REF.id:
            return Style("regular", base.size * SUPERSCRIPT_SCALE)
        if name == s.STRONG.id:
            italic = rpr.find(qn("w:i")) is not None
            return Style("bold_italic" if italic else "bold", base.size)
        if name == s.EMPHASIS.id:
            return Style("italic", base.size)
        return base

    def units(self, p: etree._Element, base: Style) -> list[Unit]:
        """The characters of paragraph `p` in order, a line break as "\\n"."""
        out: list[Unit] = []
        for run in p.iter(qn("w:r")):
            style = self._run_style(run, base)
            m = self._metrics(style)
            for child in run:
                if child.tag == qn("w:t") and child.text:
                    widths = m.widths(child.text, style.size)
                    out.extend(
                        Unit(ch, w, m, style.size, child, i)
                        for i, (ch, w) in enumerate(zip(child.text, widths, strict=True))
                    )
                elif child.tag == qn("w:br"):
                    out.append(Unit("\n", 0.0))
                elif child.tag in (qn("w:footnoteReference"), qn("w:footnoteRef")):
                    if child.get(qn("w:customMarkFollows")) in ("1", "true", "on"):
                        continue  # the mark is the text that follows
                    # A call shows its note's number, a note's mark that of its w:footnote.
                    owner = child if child.tag == qn("w:footnoteReference") else p.getparent()
                    number = owner.get(qn("w:id"), "") if owner is not None else ""
                    size = base.size * SUPERSCRIPT_SCALE
                    out.extend(
                        Unit(ch, w) for ch, w in zip(number, m.widths(number, size), strict=True)
                    )
        return out

    def segments(self, units: list[Unit], glued: set[int]) -> list[Segment]:
        """The units cut after every break opportunity (a space, a line break, a hyphen
        between letters unless `glued`), with each word's hyphenation points."""
        out: list[Segment] = []
        start = 0
        for i, u in enumerate(units):
            nxt = units[i + 1].char if i + 1 < len(units) else ""
            prev = units[i - 1].char if i else ""
            compound = u.char == "-" and prev.isalpha() and nxt.isalpha() and i not in glued
            if u.char == "\n" or (u.char == " " and nxt != " ") or compound:
                out.append(Segment(start, i + 1, 1 if u.char in " \n" else 0))
                start = i + 1
        if start < len(units):
            out.append(Segment(start, len(units), 0))
        for seg in out:
            seg.points = list(self._points(units, seg))
        return out

    def _points(self, units: list[Unit], seg: Segment) -> Iterator[int]:
        """Where the policy lets a word of `seg` break: inside runs of letters of one text
        element, at least `min_word` letters long, at the dictionary's points."""
        i = seg.start
        while i < seg.end:
            if not units[i].char.isalpha() or units[i].t is None:
                i += 1
                continue
            j = i
            while j < seg.end and units[j].char.isalpha() and units[j].t is units[i].t:
                j += 1
            word = "".join(u.char for u in units[i:j])
            if len(word) >= self.policy.min_word:
                yield from (i + k for k in self.dictionary.positions(word))
            i = j

    def plan(self, units: list[Unit], geometry: Geometry, glued: set[int]) -> list[Line]:
        """First-fit line breaking with the policy's hyphens: the paragraph's lines.

        Raises `Glue` when a compound's hyphen would end a line against the policy.
        """
        segs = self.segments(units, glued)
        lines: list[Line] = []
        x, avail, in_a_row = 0.0, geometry.first, 0
        k = 0
        start = segs[0].start if segs else 0
        while k < len(segs):
            seg = segs[k]
            width = sum(u.width for u in units[start : seg.end])
            trailing = sum(u.width for u in units[seg.end - seg.spaces : seg.end])
            if x == 0 or x + width - trailing <= avail:
                x += width
                k += 1
                start = segs[k].start if k < len(segs) else 0
                if units[seg.end - 1].char == "\n":
                    lines.append(Line(seg.end))
                    x, avail, in_a_row = 0.0, geometry.rest, 0
                continue
            end = segs[k - 1].end if k else 0
            if end and units[end - 1].char == "-" and not segs[k - 1].spaces:
                # The line ends at a compound's hyphen: a hyphenated line like ours.
                short = (
                    letters(units, end - 2, -1) < self.policy.min_before
                    or letters(units, end, 1) < self.policy.min_after
                )
                if short or in_a_row >= self.policy.max_consecutive:
                    raise Glue(end - 1)
                lines.append(Line(start, "real"))
                in_a_row += 1
            else:
                point = self._break(units, segs, k, start, x, avail, in_a_row)
                if point is None:
                    lines.append(Line(start))
                    in_a_row = 0
                else:
                    lines.append(Line(point, "soft"))
                    in_a_row += 1
                    start = point
            x, avail = 0.0, geometry.rest
        lines.append(Line(len(units)))
        return lines

    def _break(
        self,
        units: list[Unit],
        segs: list[Segment],
        k: int,
        start: int,
        x: float,
        avail: float,
        in_a_row: int,
    ) -> int | None:
        """The point at which the word that does not fit is hyphenated, or None."""
        if in_a_row >= self.policy.max_consecutive or k == len(segs) - 1:
            return None  # a third hyphen in a row, or the paragraph's last word
        before = segs[k - 1] if k else None
        trailing = (
            sum(u.width for u in units[before.end - before.spaces : before.end]) if before else 0
        )
        if avail - (x - trailing) <= self.zone:
            return None  # the line is full enough without it
        for point in reversed(segs[k].points):
            if point <= start:
                break
            last = units[point - 1]
            hyphen = sum(last.font.widths(self.hyphen, last.size)) if last.font else 0.0
            if x + sum(u.width for u in units[start:point]) + hyphen <= avail - SLACK_PT:
                return point
        return None

    def _lines(self, units: list[Unit], geometry: Geometry) -> tuple[list[Line], set[int]]:
        """The planned lines of a paragraph, and the compound hyphens glued on the way."""
        glued: set[int] = set()
        while True:
            try:
                return self.plan(units, geometry, glued), glued
            except Glue as glue:
                glued.add(glue.index)

    def apply(self, p: etree._Element, base: Style, geometry: Geometry) -> None:
        """Plan paragraph `p` and put the soft and non-breaking hyphens into it."""
        units = self.units(p, base)
        lines, glued = self._lines(units, geometry)
        cuts: dict[etree._Element, list[tuple[int, str]]] = {}
        for line in lines:
            unit = units[line.end] if line.hyphen == "soft" else None
            if unit is not None and unit.t is not None and unit.offset:
                cuts.setdefault(unit.t, []).append((unit.offset, "softHyphen"))
        for index in glued:
            unit = units[index]
            if unit.t is not None:
                cuts.setdefault(unit.t, []).append((unit.offset, "noBreakHyphen"))
        for t, marks in cuts.items():
            split(t, marks)
        self.hyphenated += sum(line.hyphen == "soft" for line in lines)
        starts = [0, *(line.end for line in lines)]
        for a, line in zip(starts, lines, strict=False):
            self.lines.append(("".join(u.char for u in units[a : line.end]), line.hyphen))


def split(t: etree._Element, marks: list[tuple[int, str]]) -> None:
    """Put marks into text element `t`: ("softHyphen", offset) goes before character
    `offset`; ("noBreakHyphen", offset) replaces it (a "-"). The run then holds a `w:t`
    before each mark and one after the last."""
    text = t.text or ""
    done = 0
    for offset, tag in sorted(marks):
        piece = el("t")
        piece.text = text[done:offset]
        piece.set(qn("xml:space"), "preserve")
        t.addprevious(piece)
        t.addprevious(el(tag))
        done = offset + (1 if tag == "noBreakHyphen" else 0)
    t.text = text[done:]
    t.set(qn("xml:space"), "preserve")


def hyphenated(layout: Layout, face: fonts.FontFace, lang: str) -> bool:
    """Whether the DOCX text in `face` gets the layout's hyphens (`Hyphenator`): the layout
    and the face hyphenate, and there is a dictionary for `lang` (where there is none, the
    text is not hyphenated, as in the PDF)."""
    import pyphen

    wanted = layout.get("text.hyphenate") and face.hyphenate
    return bool(wanted and pyphen.language_fallback(lang.replace("-", "_")))
