"""Line-level passes of the PDF edition, around WeasyPrint's layout.

What the PDF's layout rounds (`pdf_rounds`) and line planner (`pdf_plan`) need of a laid-out
page, and two corrections of WeasyPrint:

* `exact_justification`: justified lines end exactly at the text box. WeasyPrint widens a
  justified line by putting Pango letter spacing on its spaces; Pango then shapes the
  spaces apart from their neighbours and the face's kerning against the space is lost, so
  the drawn line came out up to 2 px wider than the width it was given, past the right
  margin. The spacing is now measured as drawn and solved for the exact width.
* `analyse`: every line of every page, matched character by character to the markup of
  its element (`chars`), so that a line's break has an index that holds from one layout to
  the next, a hyphen at a line's end is known as added by hyphenation or the text's own,
  and each character's style is known for measuring.
* `violations`: the lines that end in a hyphen against the policy of their language (more
  than `max_consecutive` in a row, a page's or a column's last line, a fragment too short
  at a hyphen of the text), for the next round to forbid. A page with columns (the table
  cells of a parallel edition) is read column by column: each column is a flow of its own.
* `soft_hyphens`: the hyphens hyphenation added are drawn inside a marked-content span
  whose `/ActualText` is a soft hyphen (U+00AD), so that text extraction that honours it
  (Acrobat, poppler) does not take them for hyphens of the text.

Everything here touches WeasyPrint's internals (boxes, `layout.inline`, `draw.text`),
checked with WeasyPrint 70; the PDF tests measure the results from the output.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from statementpress.hyphenation import Policy

# Characters that collapse to spaces in the page markup; U+00A0 is text, not a space here.
_SPACE = " \t\n\r\f"
# Invisible characters the line planner puts in the markup (pdf_plan): a word joiner after a
# space or hyphen where the line must not break, a soft hyphen where it breaks in a word.
WJ = "\u2060"
SHY = "\xad"
INVISIBLE = (WJ, SHY)
# Set on a TextBox whose hyphen at the end was added by hyphenation (see `soft_hyphens`).
_ADDED_HYPHEN = "_statementpress_added_hyphen"


# --- justification --------------------------------------------------------------------------


def _drawn_width(context: Any, box: Any, spacing: float) -> float:
    """The width of `box`'s text as drawn with `spacing` added to each space."""
    from weasyprint.text.line_break import create_layout, line_size

    layout = create_layout(box.text, box.style, context, None, spacing)
    layout.set_text(box.text, justify=True)
    width, _ = line_size(layout.get_first_line()[0], box.style)
    layout.deactivate()
    return float(width)


def _spacing_for(context: Any, box: Any, spaces: int, wanted: float) -> float:
    """The spacing per space that makes `box`'s drawn text exactly `wanted` wider.

    The drawn width is affine in the spacing once it is not zero (what shaping loses does
    not depend on it), so two measurements give it.
    """
    first = wanted / spaces
    if not first:
        return 0.0
    natural = _drawn_width(context, box, 0)
    at_first = _drawn_width(context, box, first) - natural
    slope = _drawn_width(context, box, first + 1) - natural - at_first
    if slope <= 0:
        return first
    return first + (wanted - at_first) / slope


def _add_spacing(context: Any, box: Any, spacing: float, x_advance: float) -> float:
    """WeasyPrint's `add_word_spacing`, with each text box's spacing solved as drawn."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.inline import count_expandable_spaces
    from weasyprint.text.line_break import create_layout

    if isinstance(box, boxes.TextBox):
        box.justification_spacing = spacing
        box.position_x += x_advance
        spaces = count_expandable_spaces(box)
        if spaces:
            wanted = spacing * spaces
            box.justification_spacing = _spacing_for(context, box, spaces, wanted)
            layout = create_layout(box.text, box.style, context, None, box.justification_spacing)
            layout.deactivate()
            box.pango_layout = layout
            box.width += wanted
            x_advance += wanted
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
        for child in children:
            if child.is_in_normal_flow():
                x_advance = _add_spacing(context, child, spacing, x_advance)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


def _justify_line(context: Any, line: Any, extra_width: float) -> None:
    from weasyprint.layout.inline import count_expandable_spaces

    spaces = count_expandable_spaces(line)
    if spaces:
        _add_spacing(context, line, extra_width / spaces, 0)


@contextmanager
def exact_justification() -> Iterator[None]:
    """Within the block, WeasyPrint justifies lines to their exact width (see the module)."""
    from weasyprint.layout import inline

    original = inline.justify_line
    inline.justify_line = _justify_line
    try:
        yield
    finally:
        inline.justify_line = original


# --- the lines of a laid-out document -------------------------------------------------------


class Char(NamedTuple):
    """A character of an element's text as the markup has it (spaces aside)."""

    char: str
    node: Any
    attr: str  # "text" or "tail" of `node`
    offset: int
    space_before: bool  # a (collapsible) space separates it from the previous character


@dataclass(slots=True)
class Line:
    """One line box of a page, in a flow: the body text or the page's footnotes, and in a
    column: the table column of its cell (a parallel edition's language), else 0."""

    page: int
    flow: str
    element: Any
    texts: list[Any]
    text: str
    column: int = 0
    # The language of the line's block (CSS `lang`), whose hyphenation policy it follows.
    lang: str | None = None
    # The width of the block the line is in, and where the line's own text starts in it.
    width: float = 0.0
    indent: float = 0.0
    last: bool = False
    # Index (in the element's `chars`) of the line's first character and of the first one
    # after the line, when the line could be matched to the markup.
    start: int | None = None
    end: int | None = None
    # "added" (by hyphenation) or "real" (a hyphen of the text) when the line ends in one.
    hyphen: str | None = None
    before: str = ""
    after: str = ""
    problems: list[str] = field(default_factory=list)


def _line_boxes(
    box: Any, flow: str, block: Any = None, column: int = 0
) -> Iterator[tuple[Any, str, Any, int]]:
    """The line boxes under `box`: each with its flow, its block and its table column."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        yield box, flow, block, column
        return
    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.FootnoteAreaBox):
        flow = "notes"
    if isinstance(box, boxes.TableCellBox):
        column = box.grid_x
    for child in getattr(box, "children", None) or ():
        yield from _line_boxes(child, flow, box, column)


def _texts(line_box: Any) -> list[Any]:
    """The text boxes of the line's content (no list markers or other generated text)."""
    from weasyprint.formatting_structure import boxes

    return [
        box
        for box in line_box.descendants()
        if isinstance(box, boxes.TextBox) and "::" not in (box.element_tag or "")
    ]


def lines(document: Any) -> list[Line]:
    """Every line of every page that holds text, in order, the last of each flow and column
    on the page marked."""
    found: list[Line] = []
    for index, page in enumerate(document.pages):
        on_page: list[Line] = []
        for line_box, flow, block, column in _line_boxes(page._page_box, "body"):
            texts = _texts(line_box)
            text = "".join(box.text for box in texts)
            if text.strip():
                x = block.content_box_x() if block is not None else line_box.position_x
                on_page.append(
                    Line(
                        index,
                        flow,
                        line_box.element,
                        texts,
                        text,
                        column=column,
                        lang=(block or line_box).style["lang"],
                        width=block.width if block is not None else line_box.width,
                        indent=texts[0].position_x - x,
                    )
                )
        for in_flow in flows(on_page):
            in_flow[-1].last = True
        found.extend(on_page)
    return found


def flows(all_lines: list[Line]) -> list[list[Line]]:
    """`all_lines` cut into the sequences a reader follows: per flow (text, notes) and per
    column, each in order."""
    out: dict[tuple[str, int], list[Line]] = {}
    for line in all_lines:
        out.setdefault((line.flow, line.column), []).append(line)
    return [out[key] for key in sorted(out)]


def _slots(element: Any, own_lines: set[Any]) -> list[tuple[Any, str]]:
    """The text nodes of `element` that its own lines show, in order: (node, "text"/"tail").

    Descendants that lay out lines of their own (footnotes, nested blocks) are left out.
    """
    out: list[tuple[Any, str]] = []

    def visit(node: Any) -> None:
        if node.text:
            out.append((node, "text"))
        for child in node:
            if isinstance(child.tag, str) and child not in own_lines:
                visit(child)
            if child.tail:
                out.append((child, "tail"))

    visit(element)
    return out


def chars(element: Any, own_lines: set[Any]) -> list[Char]:
    """The characters of `element`'s own lines in the markup, spaces and invisibles aside.

    Their indexes name places in the text whatever marks a layout adds (the invisible
    characters of `INVISIBLE`), so they hold from one layout of the page to the next.
    """
    out: list[Char] = []
    space = False
    for node, attr in _slots(element, own_lines):
        for offset, char in enumerate(getattr(node, attr)):
            if char in _SPACE:
                space = True
            elif char not in INVISIBLE:
                # One string object per character (`sys.intern`): Python makes a new one
                # for each character of a text beyond Latin-1 (Cyrillic, Chinese), and a long
                # statement has millions of `Char`s.
                char = sys.intern(char)
                out.append(Char(char, node, attr, offset, space and bool(out)))
                space = False
    return out


def _match(element_lines: list[Line], source: list[Char]) -> tuple[list[Any], list[Any]] | None:
    """Match the printed lines of one element to its markup: the style of each character,
    and for each line its `start`, `end` and `hyphen`.

    The printed characters are matched one by one against the markup's (spaces aside); a
    hyphen at a line's end that the markup does not have there was added by hyphenation.
    None when the two differ otherwise (text-transform, generated text): nothing is known.
    The lines are left as they are (`_align` sets what is found).
    """
    styles: list[Any] = [None] * len(source)
    marks: list[tuple[int, int, str | None]] = []
    position = 0
    for line in element_lines:
        hyphen = line.texts[-1].style["hyphenate_character"]
        start = position
        pending = False  # ends in a hyphen: added or real, the markup tells below
        for box_index, box in enumerate(line.texts):
            text = box.text
            if box_index == len(line.texts) - 1:
                text = text.rstrip(_SPACE)
                if hyphen and text.endswith(hyphen) and len(line.text.strip()) > len(hyphen):
                    pending = True
                    text = text[: -len(hyphen)]
            for char in text:
                if char in _SPACE or char in INVISIBLE:
                    continue
                if position >= len(source) or source[position].char != char:
                    return None
                styles[position] = box.style
                position += 1
        kind = None
        if pending:
            ahead = "".join(c.char for c in source[position : position + len(hyphen)])
            if ahead == hyphen:
                kind = "real"
                for _ in hyphen:
                    styles[position] = line.texts[-1].style
                    position += 1
            else:
                kind = "added"
        marks.append((start, position, kind))
    return styles, marks


def _align(element_lines: list[Line], source: list[Char]) -> bool:
    """Set each line's `start`, `end` and `hyphen` from its element's markup (`_match`);
    whether the lines matched it (else nothing is set)."""
    matched = _match(element_lines, source)
    if matched is None:
        return False
    for line, (start, end, hyphen) in zip(element_lines, matched[1], strict=True):
        line.start, line.end = start, end
        if hyphen is not None:
            line.hyphen = hyphen
    return True


def _fragments(all_lines: list[Line]) -> None:
    """The letters before a line's final hyphen and those that start the next line."""
    if not all_lines:
        return  # a flow without lines: a statement without notes has no note lines
    for line, following in zip(all_lines, [*all_lines[1:], None], strict=True):
        if line.hyphen is None:
            continue
        head = line.text.rstrip(_SPACE)[: -len(line.texts[-1].style["hyphenate_character"])]
        before = re.search(r"[^\W\d_]*$", head.replace("\xad", "").replace(WJ, ""))
        line.before = before.group(0) if before else ""
        if following is not None and following.element is line.element:
            text = following.text.lstrip(_SPACE).replace(WJ, "")
            after = re.match(r"[^\W\d_]*", text)
            line.after = after.group(0) if after else ""


@dataclass
class Analysis:
    """A laid-out document's lines, and for each element with lines its characters."""

    lines: list[Line]
    # The characters and their styles of the elements asked for (`source`), made on first
    # use: the characters of a long statement's every element at once are hundreds of MB.
    # A caller done with an element pops it from both.
    chars: dict[Any, list[Char]]
    # The style of each character of an element, where its lines matched the markup.
    styles: dict[Any, list[Any]]
    # The elements with lines of their own (left out of another element's characters).
    own_lines: set[Any] = field(default_factory=set)
    # The lines by element, made on first use (`of`): a long statement has many of both.
    by_element: dict[Any, list[Line]] = field(default_factory=dict)

    def of(self, element: Any) -> list[Line]:
        """The lines of `element`, in order."""
        if not self.by_element:
            for line in self.lines:
                self.by_element.setdefault(line.element, []).append(line)
        return list(self.by_element.get(element, ()))

    def source(self, element: Any) -> tuple[list[Char], list[Any] | None]:
        """The characters of `element`'s markup (`chars`) and the style of each, None when
        its lines did not match the markup."""
        if element not in self.chars:
            source = chars(element, self.own_lines)
            self.chars[element] = source
            matched = _match(self.of(element), source)
            if matched is not None:
                self.styles[element] = matched[0]
        return self.chars[element], self.styles.get(element)


def analyse(document: Any) -> Analysis:
    """The lines of `document`, matched to the markup of their elements.

    Each element's characters are made for the match and dropped after it, so that only
    one element's are held at a time (`Analysis.source` makes them again on demand).
    """
    all_lines = lines(document)
    own_lines = {line.element for line in all_lines}
    analysis = Analysis(all_lines, {}, {}, own_lines)
    for element in {line.element: None for line in all_lines}:
        element_lines = analysis.of(element)
        # The element itself is never one of its descendants: `own_lines` as it is will do.
        if not _align(element_lines, chars(element, own_lines)):
            for line in element_lines:
                line.start = line.end = None
                line.hyphen = "real" if line.text.rstrip(_SPACE).endswith("-") else None
                line.problems.append("unmatched")
    for in_flow in flows(all_lines):
        _fragments(in_flow)
    return analysis


def violations(analysis: Analysis, policy_for: Callable[[str | None], Policy]) -> list[Line]:
    """The lines that end in a hyphen against the policy of their language
    (`policy_for(line.lang)`), each with its `problems`.

    More than `max_consecutive` in a row, the last line of a page's text or notes or of a
    column on the page (unless `page_end`), a fragment shorter than the policy's at a
    hyphen of the text.
    """
    found: list[Line] = []
    for in_flow in flows(analysis.lines):
        run = 0
        for line in in_flow:
            run = run + 1 if line.hyphen else 0
            if not line.hyphen:
                continue
            policy = policy_for(line.lang)
            problems = []
            if run > policy.max_consecutive:
                problems.append(f"hyphen {run} lines in a row")
            if line.last and not policy.page_end:
                problems.append("hyphen on the last line of a page")
            if line.hyphen == "real" and (
                len(line.before) < policy.min_before or len(line.after) < policy.min_after
            ):
                problems.append("fragment too short")
            if problems:
                line.problems.extend(problems)
                found.append(line)
                run = 0  # the fix ends the run here
    return found


# --- the added hyphens in the text layer ----------------------------------------------------


def mark_added_hyphens(analysis: Analysis) -> int:
    """Flag the text boxes whose final hyphen hyphenation added; how many."""
    count = 0
    for line in analysis.lines:
        if line.hyphen == "added":
            setattr(line.texts[-1], _ADDED_HYPHEN, True)
            count += 1
    return count


class _HoldLastText:
    """A stream that holds back its last `show_text` until `finish`, passing all else on."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._held: str | None = None

    def _flush(self) -> None:
        if self._held is not None:
            self._stream.show_text(self._held)
            self._held = None

    def show_text(self, text: str) -> None:
        self._flush()
        self._held = text

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._stream, name)
        if not inspect.ismethod(attribute):
            return attribute  # data, such as the rectangles Pango fills in

        def call(*args: Any, **kwargs: Any) -> Any:
            self._flush()
            return attribute(*args, **kwargs)

        return call

    def finish(self) -> None:
        """Show the held text, its last glyph (the hyphen) in a soft-hyphen span."""
        import pydyf

        held, self._held = self._held, None
        if held is None:
            return
        found = re.fullmatch(r"(.*?)([0-9a-f]{4})>(-?\d+(?:\.\d+)?)?", held, re.S)
        if found is None:
            self._stream.show_text(held)
            return
        head, glyph, kern = found.groups()
        head = head[:-1] if head.endswith("<") else head + ">"
        if head:
            self._stream.show_text(head)
        pydyf.Stream.begin_marked_content(
            self._stream, "Span", pydyf.Dictionary({"ActualText": pydyf.String("\xad")})
        )
        self._stream.show_text(f"<{glyph}>{kern or ''}")
        pydyf.Stream.end_marked_content(self._stream)


@contextmanager
def soft_hyphens() -> Iterator[None]:
    """Within the block, flagged text boxes draw their hyphen as a soft hyphen's glyph."""
    from weasyprint.draw import text

    original = text.draw_first_line

    def draw_first_line(stream: Any, textbox: Any, *args: Any) -> Any:
        if not getattr(textbox, _ADDED_HYPHEN, False):
            return original(stream, textbox, *args)
        held = _HoldLastText(stream)
        emojis = original(held, textbox, *args)
        held.finish()
        return emojis

    text.draw_first_line = draw_first_line
    try:
        yield
    finally:
        text.draw_first_line = original
