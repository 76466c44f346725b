"""Line-level passes of the PDF edition, around WeasyPrint's layout.

WeasyPrint breaks lines greedily and knows only part of the hyphenation policy (fragment
lengths and the zone, given in CSS). This module adds what it lacks:

* `exact_justification`: justified lines end exactly at the text box. WeasyPrint widens a
  justified line by putting Pango letter spacing on its spaces; Pango then shapes the
  spaces apart from their neighbours and the face's kerning against the space is lost, so
  the drawn line came out up to 2 px wider than the width it was given, past the right
  margin. The spacing is now measured as drawn and solved for the exact width.
* `violations` and `keep`: after a layout, the lines that end in a hyphen against the policy
  (more than `max_consecutive` in a row, a page's last line, a fragment too short at a real
  hyphen) are found, and the word at each is marked in the page markup so that it is not
  broken there (`hyphens: none`, or `white-space: nowrap` for a compound); the caller lays
  out again. Each mark removes one break, so the passes end; the result depends on the
  input alone.
* `soft_hyphens`: the hyphens hyphenation added are drawn inside a marked-content span
  whose `/ActualText` is a soft hyphen (U+00AD), so that text extraction that honours it
  (Acrobat, poppler) does not take them for hyphens of the text.

Everything here touches WeasyPrint's internals (boxes, `layout.inline`, `draw.text`),
checked with WeasyPrint 70; the PDF tests measure the results from the output.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from statementpress.hyphenation import Policy

# Characters that collapse to spaces in the page markup; U+00A0 is text, not a space here.
_SPACE = " \t\n\r\f"
_LETTERS = re.compile(r"[^\W\d_]+")
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


@dataclass
class Line:
    """One line box of a page, in a flow: the body text or the page's footnotes."""

    page: int
    flow: str
    element: Any
    texts: list[Any]
    text: str
    last: bool = False
    # "added" (by hyphenation) or "real" (a hyphen of the text) when the line ends in one.
    hyphen: str | None = None
    # Where the line breaks in the markup: (element, "text" or "tail", offset).
    at: tuple[Any, str, int] | None = None
    before: str = ""
    after: str = ""
    problems: list[str] = field(default_factory=list)


def _line_boxes(box: Any, flow: str) -> Iterator[tuple[Any, str]]:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox):
        yield box, flow
        return
    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.FootnoteAreaBox):
        flow = "notes"
    for child in getattr(box, "children", None) or ():
        yield from _line_boxes(child, flow)


def _texts(line_box: Any) -> list[Any]:
    """The text boxes of the line's content (no list markers or other generated text)."""
    from weasyprint.formatting_structure import boxes

    return [
        box
        for box in line_box.descendants()
        if isinstance(box, boxes.TextBox) and "::" not in (box.element_tag or "")
    ]


def lines(document: Any) -> list[Line]:
    """Every line of every page that holds text, in order, its flow's last marked."""
    found: list[Line] = []
    for index, page in enumerate(document.pages):
        on_page: list[Line] = []
        for line_box, flow in _line_boxes(page._page_box, "body"):
            texts = _texts(line_box)
            text = "".join(box.text for box in texts)
            if text.strip():
                on_page.append(Line(index, flow, line_box.element, texts, text))
        for flow in ("body", "notes"):
            in_flow = [line for line in on_page if line.flow == flow]
            if in_flow:
                in_flow[-1].last = True
        found.extend(on_page)
    return found


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


def _source_chars(slots: list[tuple[Any, str]]) -> list[tuple[str, Any, str, int]]:
    return [
        (char, node, attr, offset)
        for node, attr in slots
        for offset, char in enumerate(getattr(node, attr))
        if char not in _SPACE and char != "\xad"
    ]


def _align(element_lines: list[Line], slots: list[tuple[Any, str]]) -> bool:
    """Find where each line of one element breaks in its markup, and how it ends.

    The printed characters are matched one by one against the markup's (spaces aside); a
    hyphen at a line's end that the markup does not have there was added by hyphenation.
    False when the two differ otherwise (text-transform, generated text): nothing is known.
    """
    source = _source_chars(slots)
    position = 0
    for line in element_lines:
        hyphen = line.texts[-1].style["hyphenate_character"]
        body = line.text.rstrip(_SPACE)
        ends_in_hyphen = bool(hyphen) and body.endswith(hyphen) and len(body) > len(hyphen)
        printed = body[: -len(hyphen)] if ends_in_hyphen else body
        for char in printed:
            if char in _SPACE or char == "\xad":
                continue
            if position >= len(source) or source[position][0] != char:
                return False
            position += 1
        if ends_in_hyphen:
            ahead = "".join(c for c, *_ in source[position : position + len(hyphen)])
            if ahead == hyphen:
                line.hyphen = "real"
                position += len(hyphen)
            else:
                line.hyphen = "added"
            if position < len(source):
                line.at = source[position][1:]
    return True


def _fragments(all_lines: list[Line]) -> None:
    """The letters before a line's final hyphen and those that start the next line."""
    for line, following in zip(all_lines, [*all_lines[1:], None], strict=True):
        if line.hyphen is None:
            continue
        head = line.text.rstrip(_SPACE)[: -len(line.texts[-1].style["hyphenate_character"])]
        before = re.search(r"[^\W\d_]*$", head)
        line.before = before.group(0) if before else ""
        if following is not None and following.element is line.element:
            after = re.match(r"[^\W\d_]*", following.text.lstrip(_SPACE))
            line.after = after.group(0) if after else ""


def violations(document: Any, policy: Policy) -> list[Line]:
    """The lines that end in a hyphen against `policy`, each with its `problems`."""
    all_lines = lines(document)
    own_lines = {line.element for line in all_lines}
    by_element: dict[Any, list[Line]] = {}
    for line in all_lines:
        by_element.setdefault(line.element, []).append(line)
    for element, element_lines in by_element.items():
        hyphenated = any(line.text.rstrip(_SPACE).endswith("-") for line in element_lines)
        if hyphenated and not _align(element_lines, _slots(element, own_lines - {element})):
            element_lines[0].problems.append("unaligned")
    for flow in ("body", "notes"):
        _fragments([line for line in all_lines if line.flow == flow])
    found: list[Line] = []
    for flow in ("body", "notes"):
        run = 0
        for line in (line for line in all_lines if line.flow == flow):
            run = run + 1 if line.hyphen else 0
            if not line.hyphen:
                continue
            if run > policy.max_consecutive:
                line.problems.append(f"hyphen {run} lines in a row")
            if line.last and not policy.page_end:
                line.problems.append("hyphen on the last line of a page")
            if line.hyphen == "real" and (
                len(line.before) < policy.min_before or len(line.after) < policy.min_after
            ):
                line.problems.append("fragment too short")
            if line.problems and line.at is not None:
                found.append(line)
                run = 0  # the fix ends the run here
    return found


# --- marks in the page markup ---------------------------------------------------------------


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


def _wrap(root: Any, node: Any, attr: str, start: int, end: int, style: str) -> None:
    """Put text[start:end] of the node's `attr` ("text" or "tail") into a styled span."""
    text = getattr(node, attr)
    span = ElementTree.Element("span", {"style": style})
    span.text = text[start:end]
    span.tail = text[end:] or None
    setattr(node, attr, text[:start] or None)
    if attr == "text":
        node.insert(0, span)
    else:
        parent = next(p for p in root.iter() if any(child is node for child in p))
        parent.insert(list(parent).index(node) + 1, span)


def keep(html: Any, found: list[Line]) -> int:
    """Mark the word at each line of `found` so that it is not broken there; how many.

    `html` is the WeasyPrint HTML document whose tree the lines' elements belong to; its
    selector tree is rebuilt, since it keeps each element's children.
    """
    import cssselect2

    places: dict[tuple[int, str], list[tuple[int, Any, str, str]]] = {}
    for line in found:
        assert line.at is not None
        node, attr, offset = line.at
        compound = line.hyphen == "real"
        style = "white-space: nowrap; hyphens: none" if compound else "hyphens: none"
        places.setdefault((id(node), attr), []).append((offset, node, attr, style))
    count = 0
    for marks in places.values():
        # From the end of a text node, so that earlier offsets stay valid.
        done: list[tuple[int, int]] = []
        for offset, node, attr, style in sorted(marks, key=lambda m: m[0], reverse=True):
            compound = style.startswith("white-space")
            start, end = _word(getattr(node, attr), offset, compound)
            if end <= start or any(s < end and start < e for s, e in done):
                continue
            _wrap(html.etree_element, node, attr, start, end, style)
            done.append((start, end))
            count += 1
    if count:
        html.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            html.etree_element, content_language=None
        )
    return count


# --- the added hyphens in the text layer ----------------------------------------------------


def mark_added_hyphens(document: Any) -> int:
    """Flag the text boxes whose final hyphen hyphenation added; how many."""
    all_lines = lines(document)
    own_lines = {line.element for line in all_lines}
    by_element: dict[Any, list[Line]] = {}
    for line in all_lines:
        by_element.setdefault(line.element, []).append(line)
    count = 0
    for element, element_lines in by_element.items():
        if not any(line.text.rstrip(_SPACE).endswith("-") for line in element_lines):
            continue
        if _align(element_lines, _slots(element, own_lines - {element})):
            for line in element_lines:
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
