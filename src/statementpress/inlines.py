"""Inline reader: the inline nodes of one paragraph of markdown-it's syntax tree become
model nodes (text runs, emphasis, line breaks, note calls), each with its source position.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from statementpress.model import Emphasis, Inline, LineBreak, Pos, Strong, Text
from statementpress.positions import span

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

    from statementpress.body import BodyReader

# Inline node types the source format does not have: the message, and how the construct
# starts in the source (to locate it).
UNSUPPORTED_INLINE = {
    "html_inline": (
        "raw HTML is not allowed in a source; remove the tag or escape '<' as '\\<'",
        "<",
    ),
    "link": ("links are not part of the source format; write the address as plain text", "["),
    "image": ("images are not part of the source format; remove it", "!["),
    "code_inline": ("code spans are not part of the source format; remove the backticks", "`"),
}


class InlineReader:
    """One paragraph's inline nodes as model nodes, each placed in the source.

    markdown-it gives inline nodes no lines; the paragraph's inline content is its source
    lines without their indentation, so an offset in it is a line and column of the file.
    A cursor walks that content in step with the nodes: each node is found at or after where
    the previous one ended, so two identical constructs are placed each at its own place.
    """

    def __init__(self, body: BodyReader, inline: SyntaxTreeNode) -> None:
        self.body = body
        self.content = inline.content
        first = inline.map[0] if inline.map else 0
        self.where = _content_span(body, first, self.content)
        self.cursor = 0

    def locate(self, needle: str) -> Pos:
        """Where `needle` is written next (the cursor moves past it), else the cursor."""
        found = self.content.find(needle, self.cursor) if needle else -1
        if found < 0:
            return self.where.at(self.cursor)
        self.cursor = found + len(needle)
        return self.where.at(found)

    def convert(self, nodes: Iterable[SyntaxTreeNode]) -> tuple[Inline, ...]:
        """Model nodes for a sequence of sibling inline nodes; text runs are joined."""
        out: list[Inline] = []
        # Pieces of one text run: the text, where it was written, and whether it was written
        # as an escape or a character reference (literal text, never markup).
        run: list[tuple[str, Pos, bool]] = []

        def flush() -> None:
            if run:
                text, marks, literal = "", [], set[int]()
                for piece, pos, escaped in run:
                    marks.append((len(text), pos))
                    if escaped:
                        literal.update(range(len(text), len(text) + len(piece)))
                    text += piece
                node = Text(text, span(marks))
                self.body.check_text(node, literal)
                out.append(node)
                run.clear()

        for node in nodes:
            t = node.type
            if t == "text":
                if node.content:
                    run.append((node.content, self.locate(node.content), False))
            elif t == "text_special":  # an escape or a character reference
                run.append((node.content, self.locate(node.markup), True))
            elif t == "softbreak":
                run.append((" ", self.locate("\n"), False))
            elif t == "footnote_anchor":
                continue
            else:
                flush()
                out.extend(self._other(node))
        flush()
        return tuple(out)

    def _other(self, node: SyntaxTreeNode) -> list[Inline]:
        t = node.type
        if t == "hardbreak":
            return [LineBreak(self.locate("\n"))]
        if t in ("em", "strong"):
            pos = self.locate(node.markup)
            children = self.convert(node.children)
            self.locate(node.markup)
            return [(Emphasis if t == "em" else Strong)(children, pos)]
        if t == "footnote_ref":
            key = node.meta.get("label")
            if key is None:
                self.body.error_at(
                    self.locate("^["),
                    "inline annotations (^[…]) are not part of the source format; "
                    "write word[^key] and a line '[^key]: note text' at the end of the file",
                )
                return []
            ref = self.body.note_ref(key, self.locate(f"[^{key}]"))
            return [ref] if ref else []
        if t in UNSUPPORTED_INLINE:
            message, needle = UNSUPPORTED_INLINE[t]
            if node.markup == "autolink":
                needle = "<"
            elif t == "html_inline":
                needle = node.content
            self.body.error_at(self.locate(needle), message)
            if t == "code_inline":
                self.locate(node.content)
                self.locate(node.markup)
            self._skip(node.children)  # a link's text or an image's description
            return []
        opening = f"{t}_open" if node.nester_tokens else t
        self.body.error_at(self.locate(""), f"unsupported markup ({opening}); write plain text")
        return []

    def _skip(self, nodes: Iterable[SyntaxTreeNode]) -> None:
        """Move the cursor past nodes that give no model nodes (inside a refused link)."""
        for node in nodes:
            if node.type == "text":
                self.locate(node.content)
            elif node.type == "text_special":
                self.locate(node.markup)
            elif node.type in ("softbreak", "hardbreak"):
                self.locate("\n")
            elif node.type in ("em", "strong"):
                self.locate(node.markup)
                self._skip(node.children)
                self.locate(node.markup)


def _content_span(body: BodyReader, first: int, content: str) -> Pos:
    """The position of a paragraph's inline content, whose line `i` is the end of body line
    `first + i` (markdown-it removes indentation, list markers and note labels)."""
    marks: list[tuple[int, Pos]] = []
    start = 0
    for index, piece in enumerate(content.split("\n")):
        line_index = min(first + index, len(body.lines) - 1)
        line = body.lines[line_index]
        file_line = line_index + body.offset + 1
        col = line.rfind(piece) if piece else len(line) - len(line.lstrip())
        if col < 0:
            # A tab split by the indentation comes out as spaces: place the rest exactly.
            bare = piece.lstrip(" ")
            col = line.rfind(bare) if bare else -1
            marks.append((start, Pos(file_line, 1)))
            if col >= 0:
                marks.append((start + len(piece) - len(bare), Pos(file_line, col + 1)))
        else:
            marks.append((start, Pos(file_line, col + 1)))
        start += len(piece) + 1
    return span(marks) or Pos(first + body.offset + 1, 1)
