"""Paragraph line breaking for the PDF edition: where each justified or ragged line ends.

WeasyPrint fills a line as full as it can and only then looks at the next one, so a
paragraph gets either many hyphens or wide word spaces. Here each justified paragraph is
broken as a whole instead, in the manner of Knuth and Plass: of every way to break it into
lines that fit, the one with the least demerits, where a line's demerits grow with the
cube of its stretched word spaces and a hyphen costs `hyphen_penalty` more; no more than
`max_consecutive` hyphenated lines follow each other, no hyphen is placed where the policy
or a previous layout forbade it. A start-aligned (ragged) paragraph that is hyphenated
(`hyphens: auto`, the parallel edition's narrow columns) is planned the same way, its
lines' demerits growing with the cube of the white they leave at their end: an even rag
with few hyphens.

The chosen breaks are written into the page markup with invisible characters that
WeasyPrint and Pango honour and that never reach the PDF's text: a word joiner (U+2060)
after every space or hyphen where the line must not break, a soft hyphen (U+00AD) where a
word is to be hyphenated, and `hyphens: manual` on the paragraph; a ragged line that is
to end at a space ends in a line break (`<br/>`), as WeasyPrint would otherwise fill it
with the next words. Widths come from Pango, word by word in the styles a first layout
gave each character; a word's kerning against its spaces is left out, which makes a line
at most slightly narrower than planned, never wider. A paragraph that WeasyPrint then
breaks otherwise than planned is left to it.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from statementpress import layout_keys
from statementpress.hyphenation import Policy
from statementpress.writers.pdf_lines import SHY, WJ, Analysis, Char

# Planned lines stay this much (px) short of their width, for rounding in Pango.
_SAFETY = 0.5
_LINE_PENALTY = 10
_INFINITE = float("inf")
_LETTERS = re.compile(r"[^\W\d_]+")
# Characters Pango may break after inside a word: joined to what follows unless chosen.
_BREAK_AFTER = frozenset("-\u2010\u2013\u2014/")
# Alignments of a ragged paragraph, planned when it is hyphenated.
_RAGGED = frozenset(("start", "end", "left", "right"))
# Stands for a line break in a text node while the marks are being written (`write`).
_BR = "\0"
# Two em dashes (the Chinese dash "——") never break apart (UAX #14: B2 × B2), and a CJK
# face draws them as one glyph: a joiner between them would leave that glyph without its
# text in the PDF's text layer (WeasyPrint maps it to the empty cluster before the joiner).
_UNBROKEN_PAIRS = frozenset({("\u2014", "\u2014")})


# Slots: a long statement has a Break per word, which a __dict__ each would double.
@dataclass(slots=True)
class Break:
    """A place a line may end: before character `at`, at a space or inside a word.

    `width`: the text from the paragraph's start up to here, with the hyphen a line ending
    here adds and without the space before `at`; `resume`: that text when a line starts
    here (the space is dropped); `stretch`: the word spaces (and no-break spaces) before.
    """

    at: int
    kind: str  # "space", "hyphen" (added) or "real" (after a hyphen of the text)
    width: float
    resume: float
    stretch: int
    resume_stretch: int


@dataclass(slots=True)
class Paragraph:
    """What the planner needs of one justified element: its breaks and line widths."""

    width: float
    indent: float
    size: float
    breaks: list[Break]
    end: Break
    # How much narrower than the face's own a word space is set (CSS word-spacing), in em:
    # the room a line has to shrink, as the justification only widens spaces.
    shrink: float = 0.0
    # The chosen breaks (their `at`), from the last plan.
    chosen: list[int] = field(default_factory=list)
    # The language whose hyphenation policy the plan follows (a parallel edition's column).
    lang: str | None = None
    # Start-aligned: the lines are not stretched, the white is left at their end.
    ragged: bool = False
    # At badness 100: a justified line's added space per word space, a ragged line's white
    # at its end, in em (the layout's `text.space_stretch_em` and `text.rag_em`).
    stretch_em: float = field(default_factory=lambda: layout_keys.default("text.space_stretch_em"))
    rag_em: float = field(default_factory=lambda: layout_keys.default("text.rag_em"))
    # The breaks in arrays while `breaks` is empty (`pack`): a long statement's planned
    # paragraphs are kept through every layout, and a Break object is ~5 times larger.
    packed: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)

    def kind(self, at: int) -> str:
        """The kind of the (first) break before character `at`, "end" if there is none.

        Found by bisection, the breaks being in order of `at`: a table of them all would be
        another entry per break of a long statement, all of them alive while it is planned.
        """
        if self.packed is not None:
            ats, codes = self.packed[0], self.packed[1]
            index = bisect_left(ats, at)
            return _KINDS[codes[index]] if index < len(ats) and ats[index] == at else "end"
        index = bisect_left(self.breaks, at, key=_at)
        found = index < len(self.breaks) and self.breaks[index].at == at
        return self.breaks[index].kind if found else "end"

    def places(self) -> list[tuple[int, str]]:
        """Each break's `at` and `kind`, in order, packed (`pack`) or not."""
        if self.packed is not None:
            ats, kinds = self.packed[0], self.packed[1]
            return [(at, _KINDS[code]) for at, code in zip(ats, kinds, strict=True)]
        return [(b.at, b.kind) for b in self.breaks]


def _at(b: Break) -> int:
    return b.at


# The kinds of breaks in `Paragraph.packed`, by their code there.
_KINDS = ("space", "hyphen", "real", "end")


def pack(paragraph: Paragraph) -> None:
    """Keep `paragraph`'s breaks in arrays instead of objects, until `unpack`.

    The numbers go into arrays as they are (machine doubles and 64-bit integers), so that
    the breaks made again are equal to the first.
    """
    if paragraph.packed is not None:
        return
    breaks = paragraph.breaks
    paragraph.packed = (
        array("q", [b.at for b in breaks]),
        bytes(_KINDS.index(b.kind) for b in breaks),
        array("d", [b.width for b in breaks]),
        array("d", [b.resume for b in breaks]),
        array("q", [b.stretch for b in breaks]),
        array("q", [b.resume_stretch for b in breaks]),
    )
    paragraph.breaks = []


def unpack(paragraph: Paragraph) -> None:
    """Make `paragraph`'s breaks objects again, as they were before `pack`."""
    if paragraph.packed is None:
        return
    ats, kinds, widths, resumes, stretches, resume_stretches = paragraph.packed
    paragraph.breaks = [
        Break(at, _KINDS[code], width, resume, stretch, resume_stretch)
        for at, code, width, resume, stretch, resume_stretch in zip(
            ats, kinds, widths, resumes, stretches, resume_stretches, strict=True
        )
    ]
    paragraph.packed = None


class Measure:
    """Text widths from Pango, by style, cached."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], float] = {}
        self._styles: list[Any] = []  # kept alive, so that their ids stay theirs

    def __call__(self, text: str, style: Any) -> float:
        from weasyprint.text.line_break import create_layout, line_size

        key = (id(style), text)
        if key not in self._cache:
            self._styles.append(style)
            layout = create_layout(text, style, None, None, 0)
            width, _ = line_size(layout.get_first_line()[0], style)
            layout.deactivate()
            self._cache[key] = float(width)
        return self._cache[key]

    def space(self, style: Any) -> float:
        return self("x x", style) - self("xx", style)


def _dictionary(style: Any, policy: Policy) -> Any:
    import pyphen

    lang = style["lang"] and pyphen.language_fallback(style["lang"])
    if not lang:
        return None
    return pyphen.Pyphen(lang=lang, left=policy.min_before, right=policy.min_after)


def _runs(chars: list[Char], styles: list[Any], first: int, last: int) -> list[tuple[str, Any]]:
    """The characters first..last-1 as runs of one style and one text node."""
    runs: list[tuple[str, Any]] = []
    key = None
    for char, style in zip(chars[first:last], styles[first:last], strict=True):
        here = (id(style), id(char.node), char.attr)
        if here == key:
            runs[-1] = (runs[-1][0] + char.char, style)
        else:
            runs.append((char.char, style))
            key = here
    return runs


def _options(word: str, styles: list[Any], start: int, policy: Policy) -> list[tuple[int, str]]:
    """Breaks inside one word (characters start..): (index of the next character, kind)."""
    found: list[tuple[int, str]] = []
    for match in _LETTERS.finditer(word):
        letters = match.group(0)
        style = styles[start + match.start()]
        if len(letters) < policy.min_word or style["hyphens"] == "none":
            continue
        dictionary = _dictionary(style, policy)
        if dictionary is None:
            continue
        for position in dictionary.positions(letters):
            found.append((start + match.start() + position, "hyphen"))
    for match in re.finditer(r"(?<=[^\W\d_])-(?=[^\W\d_])", word):
        before = re.search(r"[^\W\d_]*$", word[: match.start()])
        after = re.match(r"[^\W\d_]*", word[match.end() :])
        if (
            before
            and after
            and len(before.group(0)) >= policy.min_before
            and len(after.group(0)) >= policy.min_after
        ):
            found.append((start + match.end(), "real"))
    return sorted(found)


def plannable(style: Any) -> bool:
    """Whether the lines of a block in `style` are planned: justified, or ragged and
    hyphenated, and wrapped as usual."""
    align = style["text_align_all"]
    ragged = align in _RAGGED and style["hyphens"] == "auto"
    return (align == "justify" or ragged) and style["white_space"] == "normal"


def measure(
    analysis: Analysis,
    element: Any,
    policy: Policy,
    widths: Measure,
    shrink: float = 0.0,
    spacing: Mapping[str, float] | None = None,
) -> Paragraph | None:
    """The breaks of a justified or ragged element of a first layout (see `plannable`), or
    None if it cannot be planned.

    `shrink` (em) is how much narrower its word spaces and no-break spaces will be set when
    it is justified; `spacing` may give the paragraph's `stretch_em` and `rag_em` (the
    layout's, see `Paragraph`).
    """
    element_lines = analysis.of(element)
    if not element_lines or not plannable(element_lines[0].texts[0].style):
        return None
    style = element_lines[0].texts[0].style
    # Its characters are made only now, for an element that is planned.
    chars, styles = analysis.source(element)
    if styles is None or not chars or None in styles:
        return None
    ragged = style["text_align_all"] != "justify"
    if ragged:
        shrink = 0.0  # a ragged line's spaces keep the face's width
    # Words: runs of characters with no space between them.
    words: list[tuple[int, int]] = []
    for index, char in enumerate(chars):
        if index == 0 or char.space_before:
            words.append((index, index + 1))
        else:
            words[-1] = (words[-1][0], index + 1)
    size = float(style["font_size"])
    narrower = shrink * size  # per space and no-break space

    def nbsp(first: int, last: int) -> int:
        return sum(c.char == "\xa0" for c in chars[first:last])

    breaks: list[Break] = []
    width = 0.0
    stretch = 0
    for number, (first, last) in enumerate(words):
        text = "".join(c.char for c in chars[first:last])
        if number:
            space = widths.space(styles[first - 1]) - narrower
            breaks.append(Break(first, "space", width, width + space, stretch, stretch + 1))
            width += space
            stretch += 1
        for at, kind in _options(text, styles, first, policy):
            head = _runs(chars, styles, first, at)
            hyphen = styles[at - 1]["hyphenate_character"] if kind == "hyphen" else ""
            head_width = sum(widths(t, s) for t, s in head[:-1]) + widths(
                head[-1][0] + hyphen, head[-1][1]
            )
            bare = sum(widths(t, s) for t, s in head) - narrower * nbsp(first, at)
            head_width -= narrower * nbsp(first, at)
            inside = stretch + nbsp(first, at)
            breaks.append(Break(at, kind, width + head_width, width + bare, inside, inside))
        width += sum(widths(t, s) for t, s in _runs(chars, styles, first, last))
        width -= narrower * nbsp(first, last)
        stretch += nbsp(first, last)
    # A word's width is the sum of its runs: the text after a break inside it is measured as
    # the whole word less the part before, kerning across the break aside.
    end = Break(len(chars), "end", width, width, stretch, stretch)
    first_line = element_lines[0]
    paragraph = Paragraph(first_line.width, first_line.indent, size, breaks, end, shrink)
    paragraph.ragged = ragged
    for name, value in (spacing or {}).items():
        setattr(paragraph, name, value)  # stretch_em, rag_em
    return paragraph


@dataclass(slots=True)
class Lines:
    """Every line that may be set in a paragraph, with its demerits before any hyphen
    penalty: the part of the planning that does not depend on the penalty, made once for
    the many penalties the search in `pdf_rounds` tries (`plan`).

    Places are numbered from 0 (the paragraph's start) to `len(at) + 1` (its end); `at[n]`
    is the character place `n` stands for (n >= 1). The lines that end at place `j` start at
    places `j - 1`, `j - 2`, ... (starting earlier only makes a line longer, so those that
    fit are the places just before it): their demerits are
    `demerits[first[j]:first[j + 1]]`, in that order.
    """

    at: list[int]
    hyphenated: list[bool]  # by place: a line ending there ends in a hyphen
    first: array[int]
    demerits: array[float]


def lines(paragraph: Paragraph, forbidden: Collection[int] = ()) -> Lines:
    """The lines `paragraph` may be set in (see `Lines`); no line ends in a word at a
    place of `forbidden`. Its breaks may be packed (`pack`): they are read as they are."""
    if paragraph.packed is not None:
        ats, codes, widths, resumes, stretches, resume_stretches = paragraph.packed
        kinds = [_KINDS[code] for code in codes]
    else:
        breaks = paragraph.breaks
        ats = [b.at for b in breaks]
        kinds = [b.kind for b in breaks]
        widths = [b.width for b in breaks]
        resumes = [b.resume for b in breaks]
        stretches = [b.stretch for b in breaks]
        resume_stretches = [b.resume_stretch for b in breaks]
    usable = [n for n, kind in enumerate(kinds) if kind == "space" or ats[n] not in forbidden]
    end = paragraph.end
    # The places: the paragraph's start, every usable break, its end.
    at = [0, *(ats[n] for n in usable), end.at]
    width = [0.0, *(widths[n] for n in usable), end.width]
    resume = [0.0, *(resumes[n] for n in usable), end.resume]
    stretch = [0, *(stretches[n] for n in usable), end.stretch]
    resume_stretch = [0, *(resume_stretches[n] for n in usable), end.resume_stretch]
    hyphenated = [False, *(kinds[n] in ("hyphen", "real") for n in usable), False]
    full = paragraph.width - _SAFETY
    # The first line's room is less its indent (subtracted first, as it always was).
    first_line = paragraph.width - paragraph.indent - _SAFETY
    size, shrink, ragged = paragraph.size, paragraph.shrink, paragraph.ragged
    stretch_em, rag_em = paragraph.stretch_em, paragraph.rag_em
    last = len(at) - 1
    first = array("q", [0, 0])
    demerits = array("d")
    for j in range(1, len(at)):
        end_width, end_stretch = width[j], stretch[j]
        for i in range(j - 1, -1, -1):
            available = first_line if i == 0 else full
            natural = end_width - resume[i]
            if natural > available:
                break  # starting earlier only makes the line longer
            if j == last:
                cost = 0.0
            elif ragged:
                white = (available + _SAFETY - natural) / size
                cost = (_LINE_PENALTY + 100 * (white / rag_em) ** 3) ** 2
            else:
                spaces = end_stretch - resume_stretch[i]
                if spaces <= 0:
                    cost = 1e12
                else:
                    extra = (available + _SAFETY - natural) / spaces / size
                    # Measured from the face's own space: below it the line is shrunk.
                    extra -= shrink
                    scale = stretch_em if extra >= 0 else shrink
                    badness = 100 * (abs(extra) / scale) ** 3
                    cost = (_LINE_PENALTY + badness) ** 2
            demerits.append(cost)
        first.append(len(demerits))
    return Lines(at, hyphenated, first, demerits)


def plan(
    paragraph: Paragraph,
    policy: Policy,
    hyphen_penalty: float,
    forbidden: Collection[int],
    possible: Lines | None = None,
) -> list[int] | None:
    """The breaks (their `at`) of the best way to set `paragraph`, or None if none fits.

    No line ends in a word at a place of `forbidden`; `possible` is `lines(paragraph,
    forbidden)` when the caller kept it (made here otherwise).

    A dynamic program over the places a line may end, each with the number of hyphenated
    lines in a row that end there (`max_consecutive` at most), on flat lists: it runs for
    every paragraph at every hyphen penalty the search tries.
    """
    if possible is None:
        possible = lines(paragraph, forbidden)
    return _search(possible, policy.max_consecutive, hyphen_penalty**2)


def plan_in(
    paragraph: Paragraph,
    policy: Policy,
    hyphen_penalty: float,
    forbidden: Collection[int],
    count: int,
    whole: Collection[int] = (),
    possible: Lines | None = None,
) -> list[int] | None:
    """As `plan`, in exactly `count` lines, none of the lines numbered in `whole` (from 1)
    ending in a hyphen: None if no such setting fits.

    For a paragraph planned again after a layout in which a page ended in one of its
    hyphens: set in as many lines as before, it leaves the pages after it as they were, and
    the line that ends the page ends at a space (not at another place in the same word),
    so the next layout finds nothing new to correct there. `possible` as in `plan`.
    """
    if possible is None:
        possible = lines(paragraph, forbidden)
    return _search(possible, policy.max_consecutive, hyphen_penalty**2, count, whole)


def _search(
    possible: Lines,
    limit: int,
    penalty: float,
    count: int | None = None,
    whole: Collection[int] = (),
) -> list[int] | None:
    """The dynamic program of `plan` (`count` None) and `plan_in`: for each place a line may
    end and each number of hyphenated lines in a row ending there (`limit` at most), the
    least demerits of setting the text up to it, `penalty` more for each hyphen; with
    `count`, one layer of those per number of lines. On flat lists: it runs for every
    paragraph at every hyphen penalty the search in `pdf_rounds` tries."""
    hyphenated, first, line_demerits = possible.hyphenated, possible.first, possible.demerits
    runs = limit + 1
    size = len(hyphenated) * runs
    # demerits[layer][place * runs + run], previous[layer][...]: where that last line
    # started, in the layer before it (with `count`: layer k holds the settings in k lines)
    # or the same one.
    layers = 1 if count is None else count + 1
    demerits = [[_INFINITE] * size for _ in range(layers)]
    previous = [[-1] * size for _ in range(layers)]
    demerits[0][0] = 0.0
    if count is None:
        steps = [(0, demerits[0], demerits[0], previous[0])]
    else:
        steps = [(k, demerits[k - 1], demerits[k], previous[k]) for k in range(1, layers)]
    for j in range(1, len(hyphenated)):
        hyphen = hyphenated[j]
        # One more hyphenated line in a row, or the run of hyphens ends.
        target = j * runs + 1 if hyphen else j * runs
        start = j * runs
        for cost in line_demerits[first[j] : first[j + 1]]:
            start -= runs  # the line starts one place earlier
            if hyphen:
                cost += penalty
            for k, earlier, here, back in steps:
                if hyphen and k in whole:
                    continue
                for run in range(limit if hyphen else runs):
                    before = earlier[start + run]
                    if before == _INFINITE:
                        continue
                    total = before + cost
                    at = target + run if hyphen else target
                    if total < here[at]:
                        here[at] = total
                        back[at] = start + run
    return _chosen(possible, runs, demerits, previous, layered=count is not None)


def _chosen(
    possible: Lines,
    runs: int,
    demerits: list[list[float]],
    previous: list[list[int]],
    layered: bool = False,
) -> list[int] | None:
    """The breaks of the best setting that ends at the paragraph's end (in the last layer
    of `demerits`), found by following `previous` back to the start (each step one layer
    down when `layered`)."""
    last = (len(possible.hyphenated) - 1) * runs
    finals = demerits[-1][last : last + runs]
    least = min(finals)
    if least == _INFINITE:
        return None
    layer = len(previous) - 1
    place = previous[layer][last + finals.index(least)]
    chosen: list[int] = []
    while place >= runs:  # not the paragraph's start
        chosen.append(possible.at[place // runs])
        if layered:
            layer -= 1
        place = previous[layer][place]
    return sorted(chosen)


def write(element: Any, chars: list[Char], paragraph: Paragraph) -> None:
    """Write `paragraph.chosen` into the markup of `element` (see the module)."""
    chosen = set(paragraph.chosen)
    inserts: dict[tuple[int, str], list[tuple[int, str]]] = {}

    def insert(char: Char, offset: int, text: str) -> None:
        inserts.setdefault((id(char.node), char.attr), []).append((offset, text))

    for index, char in enumerate(chars):
        if char.space_before and index not in chosen:
            insert(char, char.offset, WJ)  # after the space, before the word
        if char.space_before and index in chosen and paragraph.ragged:
            insert(char, char.offset, _BR)
        if index in chosen and paragraph.kind(index) == "hyphen":
            insert(char, char.offset, SHY)
        following = chars[index + 1] if index + 1 < len(chars) else None
        joined = following is not None and not following.space_before
        pair = (char.char, following.char) if following is not None else None
        if (
            char.char in _BREAK_AFTER
            and joined
            and index + 1 not in chosen
            and pair not in _UNBROKEN_PAIRS
        ):
            insert(char, char.offset + 1, WJ)  # no break after this hyphen or dash
    nodes = {(id(c.node), c.attr): (c.node, c.attr) for c in chars}
    parents = {id(child): parent for parent in element.iter() for child in parent}
    for key, marks in inserts.items():
        node, attr = nodes[key]
        text = getattr(node, attr)
        for offset, mark in sorted(marks, reverse=True):
            text = text[:offset] + mark + text[offset:]
        _set_text(node, attr, text, parents)
    own = "hyphens: manual"
    if paragraph.shrink:
        own += f"; word-spacing: -{paragraph.shrink:g}em"
    style = element.get("style")
    element.set("style", f"{style}; {own}" if style else own)


def _set_text(node: Any, attr: str, text: str, parents: dict[int, Any]) -> None:
    """Set the `attr` ("text" or "tail") of `node` to `text`, each `_BR` in it a `<br/>`."""
    from xml.etree import ElementTree

    first, *rest = text.split(_BR)
    if not rest:
        setattr(node, attr, text)
        return
    setattr(node, attr, first or None)
    breaks = []
    for part in rest:
        br = ElementTree.Element("br")
        br.tail = part or None
        breaks.append(br)
    if attr == "text":
        parent, at = node, 0
    else:
        parent = parents[id(node)]
        at = list(parent).index(node) + 1
    for offset, br in enumerate(breaks):
        parent.insert(at + offset, br)


def followed(analysis: Analysis, element: Any, paragraph: Paragraph) -> bool:
    """Whether the laid-out lines of `element` break where `paragraph` was planned to."""
    starts = [line.start for line in analysis.of(element)]
    return starts == [0, *paragraph.chosen]


def _word(text: str, offset: int, compound: bool) -> tuple[int, int]:
    """The word of `text` around `offset`: letters, and with `compound` their hyphens."""

    def part(char: str) -> bool:
        return bool(_LETTERS.match(char)) or (compound and char == "-")

    start = end = offset
    while start > 0 and part(text[start - 1]):
        start -= 1
    while end < len(text) and part(text[end]):
        end += 1
    return start, end


def keep_whole(root: Any, chars: list[Char], places: set[int]) -> int:
    """Keep the word at each of `places` (character indexes) whole; how many were marked.

    For a paragraph that is not planned: the word goes into a span with `hyphens: none`,
    or `white-space: nowrap` where it breaks at a hyphen of its own (a compound).
    """
    from xml.etree import ElementTree

    parents = {id(child): parent for parent in root.iter() for child in parent}
    by_node: dict[tuple[int, str], list[Char]] = {}
    for index in places:
        if index < len(chars):
            by_node.setdefault((id(chars[index].node), chars[index].attr), []).append(chars[index])
    count = 0
    for found in by_node.values():
        done: list[tuple[int, int]] = []
        for char in sorted(found, key=lambda c: c.offset, reverse=True):
            if any(s <= char.offset < e for s, e in done):
                continue  # a word already kept whole: the node's text now ends before it
            text = getattr(char.node, char.attr)
            compound = char.offset > 0 and text[char.offset - 1] == "-"
            start, end = _word(text, char.offset, compound)
            if end <= start or any(s < end and start < e for s, e in done):
                continue
            style = "white-space: nowrap; hyphens: none" if compound else "hyphens: none"
            span = ElementTree.Element("span", {"style": style})
            span.text = text[start:end]
            span.tail = text[end:] or None
            setattr(char.node, char.attr, text[:start] or None)
            if char.attr == "text":
                char.node.insert(0, span)
            else:
                parent = parents[id(char.node)]
                parent.insert(list(parent).index(char.node) + 1, span)
            done.append((start, end))
            count += 1
    return count
