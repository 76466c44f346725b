"""The format-neutral document model: one `Statement`, built by the reader, rendered by writers."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """A run of plain text."""

    text: str


@dataclass(frozen=True)
class Emphasis:
    """Emphasised inline content (`*…*`)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    """Strongly emphasised inline content (`**…**`)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


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


Inline = Text | Emphasis | Strong | LineBreak | NoteRef


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline content."""

    content: tuple[Inline, ...]


@dataclass(frozen=True)
class SubItem:
    """One item of a list nested in an article; `number` is None in an unnumbered list."""

    number: int | None
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class SubList:
    """A list of sub-items inside an article."""

    ordered: bool
    items: tuple[SubItem, ...]


Block = Paragraph | SubList


@dataclass(frozen=True)
class Article:
    """A numbered article of the statement: its resolved number and its blocks in order."""

    number: int
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The article's own paragraphs (sub-items excluded)."""
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def sublists(self) -> tuple[SubList, ...]:
        """The lists of sub-items nested in the article."""
        return tuple(b for b in self.blocks if isinstance(b, SubList))


@dataclass(frozen=True)
class Signatory:
    """A person who signs the statement."""

    name: str
    title: str
    party: str | None = None


@dataclass(frozen=True)
class Note:
    """An editorial annotation: its key in the source, its number and its text."""

    key: str
    number: int
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Translation:
    """What a language version that is not authoritative says of itself: the language of the
    authoritative text (`of`, a BCP 47 tag) and an optional note the editions print."""

    of: str
    note: str | None = None


@dataclass(frozen=True)
class Meta:
    """The statement's metadata from the front matter."""

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

    def note(self, number: int) -> Note:
        """The note with the given number."""
        return self.notes[number - 1]


def primary_language(lang: str) -> str:
    """The primary subtag of a BCP 47 tag, lower case ("zh-Hans" -> "zh"): what per-language
    tables (dates, labels, typography rules, fonts) are keyed by."""
    return lang.split("-")[0].lower()


def plain_text(content: tuple[Inline, ...] | Paragraph) -> str:
    """The text of inline content without note calls; line breaks become spaces."""
    if isinstance(content, Paragraph):
        content = content.content
    parts: list[str] = []
    for node in content:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, (Emphasis, Strong)):
            parts.append(plain_text(node.children))
        elif isinstance(node, LineBreak):
            parts.append(" ")
    return "".join(parts)


def to_dict(obj: object) -> object:
    """A JSON-ready view of the model, each node tagged with its type (`inspect`'s output)."""
    if isinstance(obj, Source):
        return {"type": "Source", "path": obj.path, "size": len(obj.data)}
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
