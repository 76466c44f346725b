"""Body reader: the CommonMark body, read on markdown-it's syntax tree, becomes preamble,
numbered articles (with their sub-items), closing paragraphs and notes.

Every node of the model gets the position it was written at; every construct the source
format does not have is a located error (`BodyReader.error`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence, Set
from typing import TYPE_CHECKING

from statementpress.characters import describe, problem, refused
from statementpress.inlines import InlineReader
from statementpress.model import (
    Article,
    Block,
    Note,
    NoteRef,
    Paragraph,
    Pos,
    SubItem,
    SubList,
    Text,
)

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

DEF_RE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
UNRESOLVED_REF_RE = re.compile(r"\[\^([^\]\s]+)\]")
# A line that holds only the markers of its containers (list items, quotes) and perhaps a
# note's label: CommonMark gives it no text of its own, and drops nothing by that.
MARKERS_ONLY_RE = re.compile(r"[ \t]*(?:(?:>|[-+*]|\d{1,9}[.)]|\[\^[^\]\s]+\]:)[ \t]*)*")
# A note's definition after indentation or container markers: inside another block.
NESTED_DEF_RE = re.compile(r"[ \t>*+\-\d.)]*(\[\^([^\]\s]+)\]:)")
# Block nodes that hold the source's lines themselves: every line of a body with text on it
# must be inside one of them, or CommonMark has dropped it.
LEAF_BLOCKS = ("paragraph", "heading", "code_block", "fence", "html_block", "hr")

# Node types of the syntax tree (block level) that the source format does not have.
UNSUPPORTED_BLOCKS = {
    "heading": "headings are not part of the source format; the title belongs in the "
    "front matter, the text in paragraphs and numbered articles",
    "blockquote": "block quotes are not part of the source format; write a plain paragraph",
    "code_block": "indented code is not part of the source format; remove the indentation "
    "(or, inside an article, indent by the width of the article's number)",
    "fence": "code blocks are not part of the source format",
    "hr": "horizontal rules are not part of the source format; remove the line",
    "html_block": "raw HTML is not allowed in a source; remove it or write the text without "
    "tags (escape a literal '<' as '\\<')",
}
LISTS = ("bullet_list", "ordered_list")
# What a note may not hold besides what the body may not: its text is one or more
# paragraphs, which every edition can print as a footnote or an end note.
NOTE_BLOCKS = {
    **{
        kind: "lists are not part of an annotation (a footnote cannot hold one in every "
        "edition); write the items as sentences, or move the list into an article"
        for kind in LISTS
    },
}

Error = Callable[[int, int, str], None]


def _parse(body: str) -> tuple[SyntaxTreeNode, dict]:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark").use(footnote_plugin)
    # Keep escapes and character references as tokens of their own (`text_special`), so
    # that every text token is the source written one for one and can be placed exactly.
    md.disable("text_join")
    env: dict = {}
    tokens = md.parse(body, env)
    env[DEEPEST] = _too_deep(tokens)
    return SyntaxTreeNode(tokens), env


# Where `_parse` notes the first block nested deeper than the limit (0-based line), if any.
DEEPEST = "statementpress:too-deep"
_CONTAINERS = {"blockquote_open", "bullet_list_open", "ordered_list_open"}
_CONTAINERS_END = {"blockquote_close", "bullet_list_close", "ordered_list_close"}


def _too_deep(tokens: Sequence) -> int | None:
    """The line of the first list or quote nested more than `MAX_BLOCK_NESTING` deep.

    markdown-it stops reading the body at its own nesting limit (20 token levels, which 10
    nested lists reach) and drops the rest silently; the tokens it made before stopping
    always hold more containers than this limit, so no body is cut short unnoticed.
    """
    from statementpress.limits import MAX_BLOCK_NESTING

    depth = 0
    for token in tokens:
        if token.type in _CONTAINERS:
            depth += 1
            if depth > MAX_BLOCK_NESTING:
                return token.map[0] if token.map else 0
        elif token.type in _CONTAINERS_END:
            depth -= 1
    return None


class BodyReader:
    """Turns the CommonMark body into preamble, articles, closing paragraphs and notes."""

    def __init__(self, error: Error, problems: Sequence[object], body: str, offset: int) -> None:
        self.report = error
        self.problems = problems  # every problem of the file so far, front matter included
        self.body = body
        self.lines = body.split("\n")
        self.offset = offset  # 0-based index of the body's first line in the file
        self.ref_order: dict[str, int] = {}
        self.ref_counts: dict[str, int] = {}
        self.in_note = False
        self.dropped: set[int] = set()  # body lines reported as left out by CommonMark
        self.broken_notes: set[str] = set()  # notes holding a block reported as refused

    def error(self, body_line: int, col: int, message: str) -> None:
        """Report a problem at a 0-based line of the body and a 1-based column."""
        self.report(body_line + self.offset + 1, col, message)

    def error_at(self, pos: Pos, message: str) -> None:
        """Report a problem at a position in the file."""
        self.report(pos.line, pos.col, message)

    def line_pos(self, body_line: int) -> Pos:
        """Where the text of a body line starts (after its indentation)."""
        line = self.lines[body_line] if body_line < len(self.lines) else ""
        return Pos(body_line + self.offset + 1, len(line) - len(line.lstrip()) + 1)

    def read(
        self,
    ) -> tuple[tuple[Paragraph, ...], tuple[Article, ...], tuple[Paragraph, ...], tuple[Note, ...]]:
        """The body's preamble, articles, closing paragraphs and notes."""
        if not self.body.strip():
            self.error(
                0,
                1,
                "the body is empty; write the preamble and the numbered articles "
                "below the front matter",
            )
            return (), (), (), ()
        definitions = self._scan_definitions()
        tree, env = _parse(self.body)
        if env[DEEPEST] is not None:
            from statementpress.limits import MAX_BLOCK_NESTING

            self.error(
                env[DEEPEST],
                1,
                f"lists or quotes are nested more than {MAX_BLOCK_NESTING} deep here; a "
                "statement needs 2 (an article's sub-items): flatten the nesting",
            )
            return (), (), (), ()
        self._dropped_lines(tree, env)

        preamble: list[Paragraph] = []
        closing: list[Paragraph] = []
        articles: list[Article] = []
        note_bodies: dict[str, tuple[Paragraph, ...]] = {}
        for node in tree.children:
            line = node.map[0] if node.map else 0
            if node.type == "paragraph":
                (closing if articles else preamble).append(self._paragraph(node))
            elif node.type == "ordered_list":
                if articles:
                    hint = (
                        " (the paragraph before it ended the list: indent an article's "
                        "further paragraphs to line up with its text)"
                        if closing
                        else ""
                    )
                    self.error(
                        line,
                        1,
                        "a second numbered list: the articles must form one numbered list" + hint,
                    )
                else:
                    articles = self._articles(node)
            elif node.type == "bullet_list":
                self.error(
                    line,
                    1,
                    "a bulleted list outside the articles; sub-items belong inside a "
                    "numbered article (indent them under it)",
                )
            elif node.type == "footnote_block":
                note_bodies = self._note_bodies(node)
            else:
                self._unsupported(node, line)

        if not articles and not self.problems:
            self.error(
                0, 1, "no articles found; number the articles as an ordered list ('1.', '2.', …)"
            )
        notes = self._notes(definitions, note_bodies)
        return tuple(preamble), tuple(articles), tuple(closing), notes

    # -- notes ------------------------------------------------------------------------------

    def _dropped_lines(self, tree: SyntaxTreeNode, env: dict) -> None:
        """Report every line with text that CommonMark left out of the tree: link reference
        definitions (`[label]: url`, at any depth, repeated ones too), and whatever a note
        defined inside another note or a list swallowed. Nothing may vanish silently."""
        covered: set[int] = set()
        for node in tree.walk():
            if node.type in LEAF_BLOCKS and node.map:
                covered.update(range(*node.map))
        link_lines: dict[int, bool] = {}  # line -> whether a definition starts there
        references = [*env.get("references", {}).values(), *env.get("duplicate_refs", ())]
        for ref in references:
            if ref.get("map"):
                start, end = ref["map"]
                for index in range(start, end):
                    link_lines.setdefault(index, index == start)
        # Notes never called are left out by the footnote plugin with all their lines; that
        # is reported as such (`_notes`), so their lines are not reported again here.
        called = {
            label[1:] for label, id_ in env.get("footnotes", {}).get("refs", {}).items() if id_ >= 0
        }
        uncalled = False
        for index, line in enumerate(self.lines):
            top = DEF_RE.match(line)
            if top or index in covered:
                uncalled = top is not None and top.group(1) not in called
            if uncalled or index in covered or not line.strip() or MARKERS_ONLY_RE.fullmatch(line):
                continue
            if index in link_lines:
                if link_lines[index]:
                    self.error(
                        index,
                        line.find("[") + 1 if "[" in line else 1,
                        "link reference definitions are not part of the "
                        "source format (CommonMark would drop this line from the text); "
                        "write it as a paragraph, escaping '[' as '\\['",
                    )
                continue
            self.dropped.add(index)
            nested = None if top else NESTED_DEF_RE.match(line)
            if top:
                self.error(
                    index,
                    line.index("[") + 1,
                    f"CommonMark would drop the text of annotation [^{top.group(1)}], because "
                    "another annotation is defined inside it; define every annotation at the "
                    "start of a line",
                )
                continue
            if nested:
                self.error(
                    index,
                    nested.start(1) + 1,
                    f"annotation [^{nested.group(2)}] is defined inside another block (an "
                    "annotation, a list or a quote), where CommonMark drops it and the text "
                    "around it; define every annotation at the start of a line",
                )
                continue
            self.error(
                index,
                len(line) - len(line.lstrip()) + 1,
                "this line would be left out of every edition (CommonMark reads it as part "
                "of a construct that has no text); write it as a paragraph",
            )

    def _scan_definitions(self) -> dict[str, Pos]:
        """Where each note is defined (`[^key]:` at the start of a line)."""
        found: dict[str, Pos] = {}
        for index, line in enumerate(self.lines):
            m = DEF_RE.match(line)
            if not m:
                continue
            key = m.group(1)
            if key in found:
                self.error(
                    index,
                    m.start() + 1,
                    f"annotation [^{key}] is defined twice (first on "
                    f"line {found[key].line}); keep one definition",
                )
            else:
                found[key] = Pos(index + self.offset + 1, line.index("[") + 1)
        return found

    def _note_bodies(self, block: SyntaxTreeNode) -> dict[str, tuple[Paragraph, ...]]:
        """Each note's paragraphs. A note is read as the body is: its paragraphs are its
        text, and every other block in it is a located error (see NOTE_BLOCKS)."""
        bodies: dict[str, tuple[Paragraph, ...]] = {}
        self.in_note = True
        for footnote in block.children:
            key = footnote.meta.get("label")
            if key is None:
                continue  # an inline note (^[…]): refused where it is called
            paragraphs: list[Paragraph] = []
            for node in footnote.children:
                if node.type == "paragraph":
                    paragraphs.append(self._paragraph(node))
                elif node.type == "footnote_anchor":
                    continue
                else:
                    self._unsupported(node, 0, NOTE_BLOCKS)
                    self.broken_notes.add(key)
            bodies[key] = tuple(paragraphs)
        self.in_note = False
        return bodies

    def _unsupported(
        self, node: SyntaxTreeNode, line: int, messages: Mapping[str, str] = UNSUPPORTED_BLOCKS
    ) -> None:
        """Report a block the source format (or the place it stands) does not have, at the
        text of its first line (`line` when the node has none)."""
        where = self.line_pos(node.map[0] if node.map else line)
        message = messages.get(node.type) or UNSUPPORTED_BLOCKS.get(
            node.type, f"unsupported markup ({node.type}); write plain paragraphs"
        )
        self.error_at(where, message)

    def _notes(
        self, definitions: dict[str, Pos], bodies: dict[str, tuple[Paragraph, ...]]
    ) -> tuple[Note, ...]:
        for key, where in definitions.items():
            if key not in self.ref_order:
                self.error_at(
                    Pos(where.line, 1),
                    f"annotation [^{key}] is defined but never referenced; "
                    f"reference it as word[^{key}] in the text or delete it",
                )
        notes = []
        for key, number in sorted(self.ref_order.items(), key=lambda kv: kv[1]):
            paragraphs = bodies.get(key, ())
            if (
                not any(p.content for p in paragraphs)
                and key in definitions
                and definitions[key].line - self.offset - 1 not in self.dropped
                and key not in self.broken_notes
            ):
                self.error_at(
                    Pos(definitions[key].line, 1),
                    f"annotation [^{key}] has no text; write it after the colon",
                )
            notes.append(Note(key, number, paragraphs, definitions.get(key)))
        return tuple(notes)

    # -- articles ---------------------------------------------------------------------------

    def _articles(self, numbered: SyntaxTreeNode) -> list[Article]:
        articles: list[Article] = []
        expected = None
        for item in numbered.children:
            line = item.map[0] if item.map else 0
            written = int(item.info) if item.info.isdigit() else None
            if expected is None:
                expected = 1
                if written not in (None, 1):
                    self.error(
                        line,
                        1,
                        f"the first article is numbered {written}; articles are numbered from 1",
                    )
                    expected = written
            elif written is not None and written != expected:
                self.error(
                    line,
                    1,
                    f"article number {written} where {expected} is expected; "
                    "number the articles in order without gaps",
                )
            number = expected
            expected += 1
            blocks = self._article_blocks(item, line)
            if not blocks:
                self.error(line, 1, f"article {number} is empty; write its text after the number")
            articles.append(Article(number, tuple(blocks), self.line_pos(line)))
        return articles

    def _article_blocks(self, item: SyntaxTreeNode, line: int) -> list[Block]:
        blocks: list[Block] = []
        for node in item.children:
            if node.type == "paragraph":
                blocks.append(self._paragraph(node))
            elif node.type in LISTS:
                blocks.append(self._sublist(node))
            else:
                self._unsupported(node, line)
        return blocks

    def _sublist(self, sublist: SyntaxTreeNode) -> SubList:
        ordered = sublist.type == "ordered_list"
        first_written = sublist.children[0].info if sublist.children else ""
        first = int(first_written) if first_written.isdigit() else 1
        items: list[SubItem] = []
        for index, item in enumerate(sublist.children):
            item_line = item.map[0] if item.map else 0
            paras: list[Paragraph] = []
            for node in item.children:
                if node.type == "paragraph":
                    paras.append(self._paragraph(node))
                elif node.type in LISTS:
                    self.error(
                        node.map[0] if node.map else 0,
                        1,
                        "sub-items nest one level deep; "
                        "write deeper points as sentences of the sub-item",
                    )
                else:
                    self._unsupported(node, item_line)
            if not paras:
                self.error(item_line, 1, "empty sub-item; write its text or remove the marker")
            number = first + index if ordered else None
            items.append(SubItem(number, tuple(paras), self.line_pos(item_line)))
        start = sublist.map[0] if sublist.map else 0
        return SubList(ordered, tuple(items), self.line_pos(start))

    # -- inline content ---------------------------------------------------------------------

    def _paragraph(self, paragraph: SyntaxTreeNode) -> Paragraph:
        inline = paragraph.children[0]
        reader = InlineReader(self, inline)
        content = reader.convert(inline.children)
        return Paragraph(content, reader.where.at(0))

    def note_ref(self, key: str, pos: Pos) -> NoteRef | None:
        """The call of note `key` written at `pos`, numbered in order of first calls."""
        if self.in_note:
            self.error_at(
                pos,
                f"an annotation cannot call another annotation ([^{key}]); "
                "write the reference as text",
            )
            return None
        number = self.ref_order.setdefault(key, len(self.ref_order) + 1)
        self.ref_counts[key] = self.ref_counts.get(key, 0) + 1
        return NoteRef(key, number, self.ref_counts[key], pos)

    def check_text(self, node: Text, literal: Set[int]) -> None:
        """Report, in a text run, note calls without a definition and refused characters
        that came from character references (`&#x202E;`). `literal` holds the offsets of
        characters written as escapes or character references: `\\[^a]` is the text "[^a]",
        not a call."""
        if node.pos is None:
            return
        for m in UNRESOLVED_REF_RE.finditer(node.text):
            if any(i in literal for i in range(m.start(), m.end())):
                continue
            self.error_at(
                node.pos.at(m.start()),
                f"annotation reference {m.group(0)} has no definition; "
                f"add a line '{m.group(0)}: note text' at the end of the file "
                f"(or write '\\{m.group(0)}' for the text itself)",
            )
        seen: set[str] = set()
        for index in sorted(literal):
            ch = node.text[index]
            why = problem(node.text, index)
            if why is None or ch in seen:
                continue
            seen.add(ch)
            self.error_at(
                node.pos.at(index),
                f"a character reference gives {describe(ch)}, which is not allowed in a "
                "source; delete it"
                if refused(ch)
                else f"written as a character reference, {why}",
            )
