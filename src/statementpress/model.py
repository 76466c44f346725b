"""The format-neutral document model: one `Statement`, built by the reader, rendered by writers.

Nodes carry where they were written in the source (`pos`, see `statementpress.positions`),
so that any later check can report a line and column; positions take no part in equality,
so two statements with the same content are equal wherever their text stood.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from statementpress.positions import Pos, Span, realign


@dataclass(frozen=True)
class Text:
    """A run of plain text; `pos.at(i)` is where its character `i` was written."""

    text: str
    pos: Pos | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Emphasis:
    """Emphasised inline content (`*…*`)."""

    children: tuple[Inline, ...]
    pos: Pos | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Strong:
    """Strongly emphasised inline content (`**…**`)."""

    children: tuple[Inline, ...]
    pos: Pos | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""

    pos: Pos | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class NoteRef:
    """A call of an editorial annotation.

    `number` is the note's number in the document (1, 2, … in order of first call);
    `occurrence` counts calls of the same note (1 for the first), so every call has a
    unique anchor even when a note is called twice.
    """

    key: str
    number: int
    occurrence: int = 1
    pos: Pos | None = field(default=None, compare=False, repr=False)


Inline = Text | Emphasis | Strong | LineBreak | NoteRef


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline content; `pos` is where its first character was written."""

    content: tuple[Inline, ...]
    pos: Pos | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SubItem:
    """One item of a list nested in an article; `number` is None in an unnumbered list."""

    number: int | None
    paragraphs: tuple[Paragraph, ...]
    pos: Pos | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SubList:
    """A list of sub-items inside an article."""

    ordered: bool
    items: tuple[SubItem, ...]
    pos: Pos | None = field(default=None, compare=False, repr=False)

    def markers(self, number_suffix: str = ")", bullet: str = "\u2013") -> tuple[str, ...]:
        """The marker every edition prints before each item, in order: "1)", "2)", … or the
        bullet. Decided here once, from the layout's `[lists]` values, so that no edition
        derives its own (WeasyPrint ignores `@counter-style`; Word has its level text)."""
        return tuple(
            f"{item.number}{number_suffix}" if self.ordered and item.number is not None else bullet
            for item in self.items
        )


Block = Paragraph | SubList


@dataclass(frozen=True)
class Article:
    """A numbered article of the statement: its resolved number and its blocks in order."""

    number: int
    blocks: tuple[Block, ...]
    pos: Pos | None = field(default=None, compare=False, repr=False)

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The article's own paragraphs (sub-items excluded)."""
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def sublists(self) -> tuple[SubList, ...]:
        """The lists of sub-items nested in the article."""
        return tuple(b for b in self.blocks if isinstance(b, SubList))


@dataclass(frozen=True)
class KeyPos:
    """Where a front matter key and its value were written. For `title`, the value's
    offsets count in its lines joined by line breaks ("\\n".join(meta.title))."""

    key: Pos
    value: Pos | None = None


@dataclass(frozen=True)
class Signatory:
    """A person who signs the statement; `positions` holds where name, title and party
    were written, `pos` where the entry starts."""

    name: str
    title: str
    party: str | None = None
    pos: Pos | None = field(default=None, compare=False, repr=False)
    positions: Mapping[str, KeyPos] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )


@dataclass(frozen=True)
class Note:
    """An editorial annotation: its key in the source, its number and its text."""

    key: str
    number: int
    paragraphs: tuple[Paragraph, ...]
    pos: Pos | None = field(default=None, compare=False, repr=False)


# How the signatory block is printed (`signature:` in the source): with a line to sign on
# above each name, or titles and names only (a text adopted without hand signatures, e.g.
# at a videoconference).
SIGNATURE_MODES = ("line", "name-only")
# What the numbered units of the text are (`unit:` in the source; by default from the kind):
# a statement's points or a treaty's articles.
UNITS = ("point", "article")


@dataclass(frozen=True)
class Translation:
    """What a language version that is not authoritative says of itself: the language of the
    authoritative text (`of`, a BCP 47 tag) and an optional note the editions print."""

    of: str
    note: str | None = None
    # Where `of` and `note` and their values were written.
    positions: Mapping[str, KeyPos] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )


@dataclass(frozen=True)
class Meta:
    """The statement's metadata from the front matter; `positions` maps each key given
    to where it and its value were written."""

    id: str
    lang: str
    title: tuple[str, ...]
    date: datetime.date
    kind: str | None = None
    subtitle: str | None = None
    place: str | None = None
    layout: str = "official"
    # Marks the language version that prevails among translations of one statement.
    authoritative: bool = False
    # Set on a translation: every edition of it names the authoritative text.
    translation: Translation | None = None
    positions: Mapping[str, KeyPos] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    signature: str = "line"  # one of SIGNATURE_MODES
    unit: str | None = None  # one of UNITS; None: decided by the kind (labels.unit_for)

    @property
    def title_text(self) -> str:
        """The title as one line (its line breaks become spaces)."""
        return " ".join(self.title)

    @property
    def full_title(self) -> str:
        """Kind line and title as one line, e.g. for a document's subject."""
        return " ".join(part for part in (self.kind, self.title_text) if part)


@dataclass(frozen=True)
class Source:
    """Where the statement came from: the path as given and the file's exact bytes."""

    path: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Statement:
    """One official statement, ready for every writer."""

    meta: Meta
    preamble: tuple[Paragraph, ...]
    articles: tuple[Article, ...]
    closing: tuple[Paragraph, ...]
    signatories: tuple[Signatory, ...]
    notes: tuple[Note, ...]
    source: Source

    @property
    def parties(self) -> tuple[str, ...]:
        """The parties named by the signatories, in order, without repeats."""
        seen: dict[str, None] = {}
        for s in self.signatories:
            if s.party:
                seen.setdefault(s.party, None)
        return tuple(seen)

    def text_paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph of the text in reading order: preamble, articles with their
        sub-items, closing (the notes' paragraphs are not included)."""
        yield from self.preamble
        for article in self.articles:
            for block in article.blocks:
                if isinstance(block, SubList):
                    for item in block.items:
                        yield from item.paragraphs
                else:
                    yield block
        yield from self.closing

    def all_paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph the editions print: the text's (`text_paragraphs`), then the
        notes' in note order."""
        yield from self.text_paragraphs()
        for note in self.notes:
            yield from note.paragraphs

    def strings(self) -> Iterator[tuple[str, Pos | None]]:
        """Every string the editions print, with where it was written: the front matter's
        values (the title as its lines joined by line breaks), the signatories' names,
        titles and parties, then every text run of the text and of the notes."""
        m = self.meta
        values: list[tuple[str, str | None]] = [
            ("kind", m.kind),
            ("title", "\n".join(m.title)),
            ("subtitle", m.subtitle),
            ("place", m.place),
        ]
        for key, value in values:
            if value:
                yield value, _value_pos(m.positions, key)
        if m.translation and m.translation.note:
            yield m.translation.note, _value_pos(m.translation.positions, "note")
        for s in self.signatories:
            for key, value in (("name", s.name), ("title", s.title), ("party", s.party)):
                if value:
                    yield value, _value_pos(s.positions, key)
        for paragraph in self.all_paragraphs():
            for node in walk(paragraph.content):
                if isinstance(node, Text):
                    yield node.text, node.pos

    def note(self, number: int) -> Note:
        """The note with the given number."""
        return self.notes[number - 1]


def _value_pos(positions: Mapping[str, KeyPos], key: str) -> Pos | None:
    """Where the value of `key` was written, if it was read from a file."""
    where = positions.get(key)
    return where.value if where else None


def primary_language(lang: str) -> str:
    """The primary subtag of a BCP 47 tag, lower case ("zh-Hans" -> "zh"): what per-language
    tables (dates, labels, typography rules, fonts) are keyed by."""
    return lang.split("-")[0].lower()


def walk(inlines: Iterable[Inline]) -> Iterator[Inline]:
    """Every inline node in reading order, each container before its children: the one
    walk over inline content that passes, checks and helpers share."""
    for node in inlines:
        yield node
        if isinstance(node, (Emphasis, Strong)):
            yield from walk(node.children)


def map_text(inlines: Iterable[Inline], fn: Callable[[str], str]) -> tuple[Inline, ...]:
    """The inline content with the text of every `Text` replaced by `fn(text)`, structure
    and positions kept (`fn` may change spaces and dashes; see `positions.realign`)."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text):
            text = fn(node.text)
            out.append(Text(text, realign(node.pos, node.text, text)))
        elif isinstance(node, (Emphasis, Strong)):
            out.append(dataclasses.replace(node, children=map_text(node.children, fn)))
        else:
            out.append(node)
    return tuple(out)


def plain_text(content: tuple[Inline, ...] | Paragraph) -> str:
    """The text of inline content without note calls; line breaks become spaces."""
    if isinstance(content, Paragraph):
        content = content.content
    return "".join(
        node.text if isinstance(node, Text) else " "
        for node in walk(content)
        if isinstance(node, (Text, LineBreak))
    )


def to_dict(obj: object) -> object:
    """A JSON-ready view of the model, each node tagged with its type (`inspect`'s output)."""
    if isinstance(obj, Source):
        return {"type": "Source", "path": obj.path, "size": len(obj.data)}
    if isinstance(obj, Span):
        return {"at": str(obj), "breaks": [[offset, str(pos)] for offset, pos in obj.breaks]}
    if isinstance(obj, Pos):
        return str(obj)  # "line:col": one per node, kept short
    if isinstance(obj, Mapping):
        return {key: to_dict(value) for key, value in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, object] = {"type": type(obj).__name__}
        for f in dataclasses.fields(obj):
            out[f.name] = to_dict(getattr(obj, f.name))
        return out
    if isinstance(obj, (tuple, list)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, datetime.date):
        return obj.isoformat()
    return obj
