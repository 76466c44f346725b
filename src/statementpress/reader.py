"""Reader: a source file (YAML front matter + CommonMark body) becomes a validated `Statement`.

Every problem found is reported as `path:line:col: error: …` with the line of the source file;
all problems of a file are collected and raised together as one `SourceError`.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statementpress import layout as layouts
from statementpress.errors import Diagnostic, SourceError
from statementpress.model import (
    Article,
    Emphasis,
    Inline,
    LineBreak,
    Meta,
    Note,
    NoteRef,
    Paragraph,
    Signatory,
    Source,
    Statement,
    Strong,
    SubItem,
    SubList,
    Text,
    Translation,
)

REQUIRED_KEYS = ("id", "lang", "title", "date", "signatories")
OPTIONAL_KEYS = ("kind", "subtitle", "place", "layout", "authoritative", "translation")
KNOWN_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
SIGNATORY_KEYS = ("name", "title", "party")
TRANSLATION_KEYS = ("of", "note")

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
# BCP 47 in its common shape: language, then script / region / variant subtags.
LANG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
FENCE = "---"
FENCE_END = ("---", "...")
DEF_RE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
UNRESOLVED_REF_RE = re.compile(r"\[\^([^\]\s]+)\]")
LINK_DEF_RE = re.compile(r"^ {0,3}(\[)(?!\^)[^\]]+\]:")
# Tab and line feed are ordinary in text files (CRLF is read as LF); every other C0/C1
# control, a lone carriage return included, is not.
ALLOWED_CONTROLS = {"\t", "\n"}
# Invisible format characters (Unicode category Cf) that real text needs: soft hyphen,
# zero-width space and (non-)joiners, word joiner, and the left-to-right, right-to-left and
# Arabic letter marks. Others, bidi embeddings, overrides and isolates among them, can make
# text read differently from how it displays, so they are refused.
ALLOWED_FORMAT = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\u061c"}


def load(path: str | Path) -> Statement:
    """Read and validate one source file; raise `SourceError` listing every problem in it."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SourceError(
            [Diagnostic(shown, 1, 1, f"cannot read the file: {exc.strerror}")]
        ) from None
    return parse(data, shown)


def parse(data: bytes, path: str = "<string>") -> Statement:
    """Validate a source given as bytes; `path` is only used in messages and metadata."""
    return _Reader(path, data).read()


@dataclass
class _Reader:
    path: str
    data: bytes
    problems: list[Diagnostic] = field(default_factory=list)

    def error(self, line: int, col: int, message: str) -> None:
        self.problems.append(Diagnostic(self.path, line, col, message))

    # -- whole file -------------------------------------------------------------------------

    def read(self) -> Statement:
        text = self._decode()
        if text is None:
            raise SourceError(self.problems)
        text = self._check_characters(text)
        lines = text.split("\n")
        split = self._split_front_matter(lines)
        if split is None:
            raise SourceError(self.problems)
        fm_lines, body_start = split
        meta, signatories = self._front_matter(fm_lines)
        body = "\n".join(lines[body_start:])
        blocks = _BodyReader(self, body, body_start).read()
        if self.problems:
            raise SourceError(self.problems)
        assert meta is not None
        preamble, articles, closing, notes = blocks
        return Statement(
            meta=meta,
            preamble=preamble,
            articles=articles,
            closing=closing,
            signatories=signatories,
            notes=notes,
            source=Source(self.path, self.data),
        )

    def _decode(self) -> str | None:
        try:
            text = self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = self.data[: exc.start]
            line = before.count(b"\n") + 1
            col = len(before) - (before.rfind(b"\n") + 1) + 1
            self.error(
                line,
                col,
                f"the file is not valid UTF-8 (byte 0x{self.data[exc.start]:02x}); "
                "save it with UTF-8 encoding",
            )
            return None
        if text.startswith("\ufeff"):
            text = text[1:]
        return text.replace("\r\n", "\n")

    def _check_characters(self, text: str) -> str:
        """Report every character a source must not hold; return the text with each replaced
        by a space, so that the rest of the file is still read at the right lines."""
        lines = text.split("\n")
        for lineno, line in enumerate(lines, start=1):
            bad = [(col, ch) for col, ch in enumerate(line, start=1) if _refused(ch)]
            for col, ch in bad:
                self.error(lineno, col, f"{_describe(ch)} is not allowed in a source; delete it")
            if bad:
                lines[lineno - 1] = "".join(" " if _refused(ch) else ch for ch in line)
        return "\n".join(lines)

    def _split_front_matter(self, lines: list[str]) -> tuple[list[str], int] | None:
        if not lines or lines[0].rstrip() != FENCE:
            self.error(
                1,
                1,
                "missing front matter: the file must start with a line '---', then the YAML "
                "metadata (id, lang, title, date, signatories), then a closing line '---'",
            )
            return None
        for index in range(1, len(lines)):
            if lines[index].rstrip() in FENCE_END:
                return lines[1:index], index + 1
        self.error(
            1,
            1,
            "the front matter opened on this line is never closed; add a line '---' after "
            "the metadata",
        )
        return None

    # -- front matter -----------------------------------------------------------------------

    def _front_matter(self, fm_lines: list[str]) -> tuple[Meta | None, tuple[Signatory, ...]]:
        import yaml

        offset = 2  # front matter starts on the file's second line
        try:
            root = yaml.compose("\n".join(fm_lines), Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + offset if mark else offset
            col = mark.column + 1 if mark else 1
            problem = getattr(exc, "problem", None) or str(exc)
            context, where = getattr(exc, "context", None), getattr(exc, "context_mark", None)
            if context and where and mark and where.line != mark.line:
                problem += f" ({context} on line {where.line + offset})"
            self.error(
                line,
                col,
                f"YAML syntax error in the front matter: {problem}; "
                "check the indentation and put values with ':' or '#' in quotes",
            )
            return None, ()
        if root is None:
            self.error(
                1, 1, "the front matter is empty; give at least: " + ", ".join(REQUIRED_KEYS)
            )
            return None, ()
        if not isinstance(root, yaml.MappingNode):
            self.error(
                root.start_mark.line + offset,
                root.start_mark.column + 1,
                "the front matter must be a mapping of 'key: value' lines",
            )
            return None, ()

        fields = _Fields(self, offset)
        values = fields.mapping(root, KNOWN_KEYS, "front matter key")
        for key in REQUIRED_KEYS:
            if key not in values:
                self.error(1, 1, f"missing required front matter key {key!r}; add '{key}: …'")

        meta_values: dict[str, Any] = {}
        if "id" in values:
            meta_values["id"] = fields.identifier(values["id"])
        if "lang" in values:
            meta_values["lang"] = fields.language(values["lang"])
        if "title" in values:
            title = fields.text(values["title"], "title")
            if title is not None:
                meta_values["title"] = tuple(
                    line.strip() for line in title.split("\n") if line.strip()
                )
        if "date" in values:
            meta_values["date"] = fields.date(values["date"])
        for key in ("kind", "subtitle", "place"):
            if key in values:
                meta_values[key] = fields.text(values[key], key)
        if "layout" in values:
            meta_values["layout"] = fields.layout_name(values["layout"])
        if "authoritative" in values:
            meta_values["authoritative"] = fields.boolean(values["authoritative"], "authoritative")
        if "translation" in values:
            meta_values["translation"] = fields.translation(
                values["translation"], meta_values.get("authoritative"), meta_values.get("lang")
            )
        signatories = fields.signatories(values["signatories"]) if "signatories" in values else ()

        if any(meta_values.get(k) is None for k in ("id", "lang", "title", "date")):
            return None, signatories
        if meta_values.get("layout", "") is None:
            return None, signatories
        return Meta(**{k: v for k, v in meta_values.items() if v is not None}), signatories


class _Fields:
    """Typed access to front matter nodes; each failure is recorded with the node's line."""

    def __init__(self, reader: _Reader, offset: int) -> None:
        self.reader = reader
        self.offset = offset

    def at(self, node: Any, message: str) -> None:
        self.reader.error(node.start_mark.line + self.offset, node.start_mark.column + 1, message)

    def mapping(self, node: Any, known: tuple[str, ...], what: str) -> dict[str, Any]:
        import yaml

        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.at(key_node, f"a {what} must be a plain name")
                continue
            if key not in known:
                hint = difflib.get_close_matches(key, known, n=1)
                suggestion = f"did you mean {hint[0]!r}? " if hint else ""
                self.at(
                    key_node,
                    f"unknown {what} {key!r}; {suggestion}valid keys are: " + ", ".join(known),
                )
                continue
            if key in out:
                self.at(key_node, f"{what} {key!r} is given twice; keep one")
                continue
            out[key] = value_node
        return out

    def scalar(self, node: Any, key: str, expected: str) -> str | None:
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            self.at(node, f"{key!r} must be {expected}, not a list or mapping")
            return None
        return node.value

    def text(self, node: Any, key: str) -> str | None:
        import yaml

        raw = self.scalar(node, key, "text")
        if raw is None:
            return None
        if node.style is None and node.tag != "tag:yaml.org,2002:str":
            resolved = yaml.SafeLoader("").resolve(yaml.ScalarNode, raw, (True, False))
            if resolved != "tag:yaml.org,2002:str":
                kind = resolved.rsplit(":", 1)[-1]
                self.at(
                    node,
                    f"{key!r} must be text, but YAML reads {raw!r} as {kind}; "
                    "put the value in quotes",
                )
                return None
        if not raw.strip():
            self.at(node, f"{key!r} is empty; give it a value or remove the key")
            return None
        return raw.strip("\n")

    def boolean(self, node: Any, key: str) -> bool | None:
        raw = self.scalar(node, key, "true or false")
        if raw is None:
            return None
        if node.style is None and raw in ("true", "false"):
            return raw == "true"
        self.at(node, f"{key!r} must be true or false, not {raw!r}")
        return None

    def identifier(self, node: Any) -> str | None:
        raw = self.text(node, "id")
        if raw is None:
            return None
        if ID_RE.fullmatch(raw):
            return raw
        if "/" in raw or "\\" in raw or ".." in raw:
            why = "it must not contain path separators or '..'"
        elif raw != raw.lower():
            why = "it must be lower case"
        else:
            why = "it may hold only a-z, 0-9 and '-', and must start with a letter or digit"
        suggestion = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-") or "my-statement"
        self.at(
            node,
            f"invalid id {raw!r}: {why} (it names the output files); for example {suggestion!r}",
        )
        return None

    def language(self, node: Any, key: str = "lang") -> str | None:
        raw = self.text(node, key)
        if raw is None:
            return None
        if not LANG_RE.fullmatch(raw):
            self.at(
                node,
                f"invalid {key} {raw!r}: use a BCP 47 language tag such as 'ru', 'en' or 'zh-Hans'",
            )
            return None
        return raw

    def translation(
        self, node: Any, authoritative: bool | None, lang: str | None
    ) -> Translation | None:
        """The `translation` table: `of` (the authoritative text's language), `note`."""
        import yaml

        if not isinstance(node, yaml.MappingNode):
            self.at(
                node,
                "'translation' must be a table with 'of' (the language of the authoritative "
                "text, e.g. 'of: ru') and optionally 'note' (a line the editions print)",
            )
            return None
        values = self.mapping(node, TRANSLATION_KEYS, "translation key")
        if "of" not in values:
            self.at(node, "'translation' is missing 'of', the language of the authoritative text")
            return None
        of = self.language(values["of"], "of")
        note = self.text(values["note"], "note") if "note" in values else None
        if of is None or ("note" in values and note is None):
            return None
        if authoritative:
            self.at(
                node,
                "an authoritative version is not a translation; remove 'translation' "
                "or say 'authoritative: false'",
            )
            return None
        if lang is not None and of.lower() == lang.lower():
            self.at(
                values["of"],
                f"'of' names this source's own language {of!r}; name the "
                "language of the authoritative text",
            )
            return None
        return Translation(of=of, note=note)

    def date(self, node: Any) -> datetime.date | None:
        raw = self.scalar(node, "date", "a date")
        if raw is None:
            return None
        raw = raw.strip()
        problem = None
        if not ISO_DATE_RE.fullmatch(raw):
            problem = "write it as YYYY-MM-DD, e.g. 2020-07-16"
        else:
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError as exc:
                problem = f"{exc}"
        self.at(node, f"invalid date {raw!r}: {problem}")
        return None

    def layout_name(self, node: Any) -> str | None:
        raw = self.text(node, "layout")
        if raw is None:
            return None
        names = layouts.available()
        if raw not in names:
            self.at(
                node, f"unknown layout {raw!r}; available layouts: " + (", ".join(names) or "none")
            )
            return None
        return raw

    def signatories(self, node: Any) -> tuple[Signatory, ...]:
        import yaml

        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.at(
                node,
                "'signatories' must be a list with at least one entry, each with "
                "'name' and 'title' (and optionally 'party')",
            )
            return ()
        out: list[Signatory] = []
        for entry in node.value:
            if not isinstance(entry, yaml.MappingNode):
                self.at(entry, "each signatory must be a mapping with 'name' and 'title'")
                continue
            values = self.mapping(entry, SIGNATORY_KEYS, "signatory key")
            missing = [k for k in ("name", "title") if k not in values]
            for key in missing:
                self.at(entry, f"signatory is missing {key!r}; add '{key}: …'")
            got = {k: self.text(v, k) for k, v in values.items()}
            if (
                not missing
                and got.get("name")
                and got.get("title")
                and ("party" not in values or got.get("party"))
            ):
                out.append(Signatory(name=got["name"], title=got["title"], party=got.get("party")))
        return tuple(out)


_UNSUPPORTED_BLOCKS = {
    "heading_open": "headings are not part of the source format; the title belongs in the "
    "front matter, the text in paragraphs and numbered articles",
    "blockquote_open": "block quotes are not part of the source format; write a plain paragraph",
    "code_block": "indented code is not part of the source format; remove the indentation "
    "(or, inside an article, indent by the width of the article's number)",
    "fence": "code blocks are not part of the source format",
    "hr": "horizontal rules are not part of the source format; remove the line",
    "html_block": "raw HTML is not allowed in a source; remove it or write the text without "
    "tags (escape a literal '<' as '\\<')",
}
_UNSUPPORTED_INLINE = {
    "html_inline": (
        "raw HTML is not allowed in a source; remove the tag or escape '<' as '\\<'",
        "<",
    ),
    "link_open": ("links are not part of the source format; write the address as plain text", "["),
    "image": ("images are not part of the source format; remove it", "!["),
    "code_inline": ("code spans are not part of the source format; remove the backticks", "`"),
}


class _BodyReader:
    """Turns the CommonMark body into preamble, articles, closing paragraphs and notes."""

    def __init__(self, reader: _Reader, body: str, offset: int) -> None:
        self.reader = reader
        self.body = body
        self.lines = body.split("\n")
        self.offset = offset  # 0-based index of the body's first line in the file
        self.ref_order: dict[str, int] = {}
        self.ref_counts: dict[str, int] = {}
        self.in_note = False
        # Where the search for the next inline construct of a paragraph starts, so that a
        # second identical construct is reported at its own place, not at the first one's.
        self.cursor = (0, 0)

    def error(self, body_line: int, col: int, message: str) -> None:
        self.reader.error(body_line + self.offset + 1, col, message)

    def read(self):
        from markdown_it import MarkdownIt
        from mdit_py_plugins.footnote import footnote_plugin

        if not self.body.strip():
            self.error(
                0,
                1,
                "the body is empty; write the preamble and the numbered articles "
                "below the front matter",
            )
            return (), (), (), ()
        definitions = self._scan_definitions()
        md = MarkdownIt("commonmark").use(footnote_plugin)
        env: dict = {}
        tokens = md.parse(self.body, env)
        if env.get("references"):
            self._link_definitions()

        preamble: list[Paragraph] = []
        closing: list[Paragraph] = []
        articles: list[Article] = []
        note_bodies: dict[str, tuple[Paragraph, ...]] = {}
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            end = _matching_close(tokens, i)
            if tok.type == "paragraph_open":
                para = self._paragraph(tokens[i + 1])
                if articles:
                    closing.append(para)
                else:
                    preamble.append(para)
            elif tok.type == "ordered_list_open":
                if articles:
                    line = tok.map[0] if tok.map else 0
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
                    articles = self._articles(tokens[i + 1 : end])
            elif tok.type == "bullet_list_open":
                self.error(
                    tok.map[0] if tok.map else 0,
                    1,
                    "a bulleted list outside the articles; sub-items belong inside a "
                    "numbered article (indent them under it)",
                )
            elif tok.type == "footnote_block_open":
                note_bodies = self._note_bodies(tokens[i + 1 : end])
            elif tok.type in _UNSUPPORTED_BLOCKS:
                self.error(tok.map[0] if tok.map else 0, 1, _UNSUPPORTED_BLOCKS[tok.type])
            i = end + 1

        if not articles and not self.reader.problems:
            self.error(
                0, 1, "no articles found; number the articles as an ordered list ('1.', '2.', …)"
            )
        notes = self._notes(definitions, note_bodies)
        return tuple(preamble), tuple(articles), tuple(closing), notes

    # -- notes ------------------------------------------------------------------------------

    def _link_definitions(self) -> None:
        """Report link reference definitions (`[label]: url`), which CommonMark would drop."""
        for index, line in enumerate(self.lines):
            m = LINK_DEF_RE.match(line)
            if m:
                self.error(
                    index,
                    m.start(1) + 1,
                    "link reference definitions are not part of the "
                    "source format (CommonMark would drop this line from the text); "
                    "write it as a paragraph, escaping '[' as '\\['",
                )

    def _scan_definitions(self) -> dict[str, int]:
        found: dict[str, int] = {}
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
                    f"line {found[key] + self.offset + 1}); keep one definition",
                )
            else:
                found[key] = index
        return found

    def _note_bodies(self, tokens) -> dict[str, tuple[Paragraph, ...]]:
        bodies: dict[str, tuple[Paragraph, ...]] = {}
        key = None
        paras: list[Paragraph] = []
        self.in_note = True
        for j, tok in enumerate(tokens):
            if tok.type == "footnote_open":
                key, paras = tok.meta["label"], []
            elif tok.type == "paragraph_open":
                paras.append(self._paragraph(tokens[j + 1]))
            elif tok.type == "footnote_close" and key is not None:
                bodies[key] = tuple(paras)
        self.in_note = False
        return bodies

    def _notes(self, definitions: dict[str, int], bodies) -> tuple[Note, ...]:
        for key, line in definitions.items():
            if key not in self.ref_order:
                self.error(
                    line,
                    1,
                    f"annotation [^{key}] is defined but never referenced; "
                    f"reference it as word[^{key}] in the text or delete it",
                )
        notes = []
        for key, number in sorted(self.ref_order.items(), key=lambda kv: kv[1]):
            paragraphs = bodies.get(key, ())
            if not any(p.content for p in paragraphs) and key in definitions:
                self.error(
                    definitions[key],
                    1,
                    f"annotation [^{key}] has no text; write it after the colon",
                )
            notes.append(Note(key=key, number=number, paragraphs=paragraphs))
        return tuple(notes)

    # -- articles ---------------------------------------------------------------------------

    def _articles(self, tokens) -> list[Article]:
        articles: list[Article] = []
        expected = None
        for start, end in _children(tokens, "list_item_open"):
            item = tokens[start]
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
            blocks = self._article_blocks(tokens[start + 1 : end], line)
            if not blocks:
                self.error(line, 1, f"article {number} is empty; write its text after the number")
            articles.append(Article(number=number, blocks=tuple(blocks)))
        return articles

    def _article_blocks(self, tokens, line: int) -> list:
        blocks: list = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            end = _matching_close(tokens, i)
            if tok.type == "paragraph_open":
                blocks.append(self._paragraph(tokens[i + 1]))
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                blocks.append(self._sublist(tokens[i : end + 1]))
            elif tok.type in _UNSUPPORTED_BLOCKS:
                self.error(tok.map[0] if tok.map else line, 1, _UNSUPPORTED_BLOCKS[tok.type])
            i = end + 1
        return blocks

    def _sublist(self, tokens) -> SubList:
        ordered = tokens[0].type == "ordered_list_open"
        items: list[SubItem] = []
        inner = tokens[1:-1]
        for index, (start, end) in enumerate(_children(inner, "list_item_open")):
            item_line = inner[start].map[0] if inner[start].map else 0
            number = None
            if ordered:
                first = int(inner[0].info) if inner[0].info.isdigit() else 1
                number = first + index
            paras: list[Paragraph] = []
            k = start + 1
            while k < end:
                tok = inner[k]
                close = _matching_close(inner, k)
                if tok.type == "paragraph_open":
                    paras.append(self._paragraph(inner[k + 1]))
                elif tok.type in ("bullet_list_open", "ordered_list_open"):
                    self.error(
                        tok.map[0] if tok.map else 0,
                        1,
                        "sub-items nest one level deep; "
                        "write deeper points as sentences of the sub-item",
                    )
                elif tok.type in _UNSUPPORTED_BLOCKS:
                    self.error(tok.map[0] if tok.map else 0, 1, _UNSUPPORTED_BLOCKS[tok.type])
                k = close + 1
            if not paras:
                self.error(item_line, 1, "empty sub-item; write its text or remove the marker")
            items.append(SubItem(number=number, paragraphs=tuple(paras)))
        return SubList(ordered=ordered, items=tuple(items))

    # -- inline content ---------------------------------------------------------------------

    def _paragraph(self, inline) -> Paragraph:
        first = inline.map[0] if inline.map else 0
        last = inline.map[1] if inline.map else len(self.lines)
        self.cursor = (first, 0)
        stack: list[list[Inline]] = [[]]
        kinds: list[type] = []
        children = inline.children or []
        skip_until = None
        for tok in children:
            if skip_until is not None:
                if tok.type == skip_until:
                    skip_until = None
                continue
            t = tok.type
            if t == "text":
                if tok.content:
                    _append_text(stack[-1], tok.content)
            elif t == "softbreak":
                _append_text(stack[-1], " ")
            elif t == "hardbreak":
                stack[-1].append(LineBreak())
            elif t in ("em_open", "strong_open"):
                stack.append([])
                kinds.append(Emphasis if t == "em_open" else Strong)
            elif t in ("em_close", "strong_close"):
                content = tuple(stack.pop())
                stack[-1].append(kinds.pop()(content))
            elif t == "footnote_ref":
                self._note_ref(tok.meta["label"], stack[-1], first, last)
            elif t == "footnote_anchor":
                continue
            elif t in _UNSUPPORTED_INLINE:
                message, needle = _UNSUPPORTED_INLINE[t]
                if tok.markup == "autolink":
                    needle = "<"
                line, col = self._locate(tok.content or needle, first, last)
                self.error(line, col, message)
                if t == "link_open":
                    skip_until = "link_close"
            else:
                line, col = self._locate("", first, last)
                self.error(line, col, f"unsupported markup ({t}); write plain text")
        content = tuple(stack[0])
        self.cursor = (first, 0)
        self._check_text(content, first, last)
        return Paragraph(content=content)

    def _note_ref(self, key: str, out: list[Inline], first: int, last: int) -> None:
        if self.in_note:
            line, col = self._locate(f"[^{key}]", first, last)
            self.error(
                line,
                col,
                f"an annotation cannot call another annotation ([^{key}]); "
                "write the reference as text",
            )
            return
        number = self.ref_order.setdefault(key, len(self.ref_order) + 1)
        self.ref_counts[key] = self.ref_counts.get(key, 0) + 1
        out.append(NoteRef(key=key, number=number, occurrence=self.ref_counts[key]))

    def _check_text(self, content, first: int, last: int) -> None:
        """Report note calls without a definition and refused characters that came from
        character references (`&#x202E;`)."""
        for node in content:
            if isinstance(node, (Emphasis, Strong)):
                self._check_text(node.children, first, last)
            elif isinstance(node, Text):
                for m in UNRESOLVED_REF_RE.finditer(node.text):
                    line, col = self._locate(m.group(0), first, last)
                    self.error(
                        line,
                        col,
                        f"annotation reference {m.group(0)} has no definition; "
                        f"add a line '{m.group(0)}: note text' at the end of the file",
                    )
                for ch in dict.fromkeys(ch for ch in node.text if _refused(ch)):
                    line, col = self._locate("&", first, last)
                    self.error(
                        line,
                        col,
                        f"a character reference gives {_describe(ch)}, which "
                        "is not allowed in a source; delete it",
                    )

    def _locate(self, needle: str, first: int, last: int) -> tuple[int, int]:
        """Body line index and 1-based column of `needle` within the block's lines.

        The search starts where the previous one in the same paragraph ended.
        """
        start_line, start_col = self.cursor
        for index in range(max(first, start_line), min(last, len(self.lines))):
            offset = start_col if index == start_line else 0
            col = self.lines[index].find(needle, offset) if needle else -1
            if col >= 0:
                self.cursor = (index, col + len(needle))
                return index, col + 1
        return first, 1


def _refused(ch: str) -> bool:
    """Whether a character may not appear in a source (see ALLOWED_CONTROLS, ALLOWED_FORMAT)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch not in ALLOWED_CONTROLS
    if category == "Cf":
        return ch not in ALLOWED_FORMAT
    # Line and paragraph separators would end a line for YAML but not for the line count;
    # U+FFFD marks text that was damaged before it reached us.
    return category in ("Zl", "Zp") or ch == "\ufffd"


def _describe(ch: str) -> str:
    category = unicodedata.category(ch)
    kind = {
        "Cc": "control character",
        "Cf": "invisible format character",
        "Zl": "line separator",
        "Zp": "paragraph separator",
    }.get(category, "character")
    name = unicodedata.name(ch, "")
    return f"{kind} U+{ord(ch):04X}" + (f" ({name})" if name else "")


def _append_text(out: list[Inline], text: str) -> None:
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text + text)
    else:
        out.append(Text(text))


def _matching_close(tokens, index: int) -> int:
    """Index of the token closing the one at `index` (itself for self-contained tokens)."""
    tok = tokens[index]
    if tok.nesting != 1:
        return index
    depth = 0
    for j in range(index, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _children(tokens, open_type: str):
    """(start, end) index pairs of the top-level tokens of `open_type` in a token run."""
    i = 0
    while i < len(tokens):
        end = _matching_close(tokens, i)
        if tokens[i].type == open_type:
            yield i, end
        i = end + 1
