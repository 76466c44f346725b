"""The words an edition must say, and the comparison of an edition's words with them.

A text becomes a sequence of tokens: words (split at any kind of space; in Chinese and
Japanese every character is a token, as those scripts put no spaces between words) and
marks, which stand for structure the formats show in their own ways (a note call, the start
of a note, the marker of a sub-item). Normalising is limited to what typesetting may change:
the kind of a space, soft hyphens and other invisible joiners, typographic ligatures and, in
the PDF, a hyphen added where a word was broken at the end of a line.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from statementpress.dates import format_date
from statementpress.labels import labels, statement_labels, translation_notice
from statementpress.model import (
    Emphasis,
    Inline,
    LineBreak,
    NoteRef,
    Paragraph,
    Statement,
    Strong,
    SubList,
    Text,
)

# Marks start with a character no text can hold after normalising (the reader refuses
# control characters), so a word can never be mistaken for one.
MARK = "\x00"
# Every kind of space typesetting may put between words: the space separators (no-break,
# thin, hair, ideographic…), line and paragraph separators.
_SPACES = (
    "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Invisible characters that only guide line breaking or shaping, which no text layer keeps
# for sure: soft hyphen, zero-width space, word joiner, BOM, zero-width (non-)joiner. A
# zero-width space is a place to break, not a space: a PDF joins the words it stood between.
_INVISIBLE = "\u00ad\u200b\u2060\ufeff\u200c\u200d"
# Latin ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) a text layer may carry for the letters they draw.
_LIGATURES = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_TABLE: dict[int, str | None] = {
    **{ord(c): " " for c in _SPACES},
    **{ord(c): None for c in _INVISIBLE},
    **_LIGATURES,
}
# Characters that are words by themselves: Han ideographs, kana, bopomofo, CJK punctuation
# and the full-width forms.
_CJK = (
    "\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_TOKEN_RE = re.compile(f"[{_CJK}]|[^ {_CJK}]+")
# What a hyphen added by hyphenation at a line end can be: the hyphen-minus or the hyphen.
HYPHENS = ("-", "\u2010")
# At most this many differences are reported per edition; the rest are counted.
MAX_DIFFERENCES = 10
# Tokens shown on each side of a short diff.
SHOWN = 8


def normalise(text: str) -> str:
    """`text` with every kind of space made a plain space and invisible characters removed."""
    return text.translate(_TABLE)


def tokens(text: str) -> list[str]:
    """The words of `text` after normalising (each CJK character is a word)."""
    return _TOKEN_RE.findall(normalise(text))


def call(number: int | str) -> str:
    """The mark of a call of note `number`."""
    return f"{MARK}call {number}"


def note_start(number: int | str) -> str:
    """The mark that starts note `number` (its printed number)."""
    return f"{MARK}note {number}"


def item(number: int | str | None) -> str:
    """The mark of a sub-item: its number, or none for a bulleted one."""
    return f"{MARK}item" if number is None else f"{MARK}item {number}"


def shown(token: str) -> str:
    """A token as a message prints it: words as they are, marks in brackets."""
    if not token.startswith(MARK):
        return token
    kind, _, number = token[1:].partition(" ")
    if kind == "call":
        return f"[^{number}]"
    return f"[{kind} {number}]" if number else f"[{kind}]"


def number_of(text: str) -> str | None:
    """The number a printed marker shows ("3.", "3)", " 3 "), or None if it shows none."""
    match = re.fullmatch(r"\s*(\d+)\s*[.)]?\s*", normalise(text))
    return str(int(match.group(1))) if match else None


@dataclass
class Words:
    """A sequence of tokens built from pieces of text, boundaries, line ends and marks.

    Pieces of text are joined without a space until a boundary, so markup inside a word
    (emphasis, a span) never splits it. `line_ends` holds the index of the last word of
    every printed line (a PDF may have broken a word there, with or without a hyphen).
    """

    tokens: list[str] = field(default_factory=list)
    line_ends: set[int] = field(default_factory=set)
    _run: list[str] = field(default_factory=list)

    def text(self, piece: str) -> None:
        """Append text to the current word run."""
        self._run.append(piece)

    def boundary(self) -> None:
        """End the current run: what follows starts a new word."""
        if self._run:
            self.tokens.extend(tokens("".join(self._run)))
            self._run.clear()

    def line_end(self) -> None:
        """End a printed line: a boundary where a word may have been broken."""
        ended = bool(self._run) and not normalise("".join(self._run)).endswith(" ")
        self.boundary()
        if ended and self.tokens:
            self.line_ends.add(len(self.tokens) - 1)

    def mark(self, token: str) -> None:
        """Append a mark (a boundary on both sides)."""
        self.boundary()
        self.tokens.append(token)

    def done(self) -> Words:
        """Flush the last run; returns self."""
        self.boundary()
        return self


@dataclass
class Expected:
    """The tokens an edition must contain, each with where it is in the statement."""

    tokens: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    # Tokens a layout may print in capitals (the kind line, CSS text-transform in the PDF).
    casefree: set[int] = field(default_factory=set)
    _counts: dict[str, int] = field(default_factory=dict)

    def words(
        self, text: str, part: str, casefree: bool = False, tail: tuple[str, str] | None = None
    ) -> None:
        """Append the words of `text`, located as words of `part`; with `tail` (a text and
        its part), that text follows with no boundary (a word may run on into it), and the
        words that start in it are located as words of its part."""
        follows, follows_part = tail or ("", part)
        edge = len(normalise(text))
        for found in _TOKEN_RE.finditer(normalise(text + follows)):
            where = part if found.start() < edge else follows_part
            self._counts[where] = self._counts.get(where, 0) + 1
            if casefree:
                self.casefree.add(len(self.tokens))
            self.tokens.append(found.group())
            self.where.append(f"{where}, word {self._counts[where]}")

    def mark(self, token: str, where: str) -> None:
        """Append a mark located at `where`."""
        self.tokens.append(token)
        self.where.append(where)

    def inline(
        self, nodes: Iterable[Inline], part: str, tail: tuple[str, str] | None = None
    ) -> None:
        """Append inline content: its text run by run (a run may end inside a word), calls;
        then `tail` (a text and its part) run on from the last run, as `words` takes it."""
        run: list[str] = []

        def flush(last: bool = False) -> None:
            if run or (last and tail):
                self.words("".join(run), part, tail=tail if last else None)
                run.clear()

        def walk(items: Iterable[Inline]) -> None:
            for node in items:
                if isinstance(node, Text):
                    run.append(node.text)
                elif isinstance(node, (Emphasis, Strong)):
                    walk(node.children)
                elif isinstance(node, LineBreak):
                    flush()
                elif isinstance(node, NoteRef):
                    flush()
                    self.mark(call(node.number), f"{part}, call of note {node.number}")

        walk(nodes)
        flush(last=True)

    def paragraphs(
        self, items: Sequence[Paragraph], part: str, tail: tuple[str, str] | None = None
    ) -> None:
        """Append paragraphs of `part`, the last followed by `tail` (see `inline`)."""
        for index, paragraph in enumerate(items):
            self.inline(paragraph.content, part, tail if index == len(items) - 1 else None)
        if not items and tail:
            self.words("", part, tail=tail)


def expected_body(statement: Statement) -> Expected:
    """What the body of every edition says: title block, preamble, every point with its
    number and sub-items, closing, then every signatory's title and name."""
    m = statement.meta
    out = Expected()
    if m.kind:
        out.words(m.kind, "kind line", casefree=True)
    for line in m.title:
        out.words(line, "title")
    if m.subtitle:
        out.words(m.subtitle, "subtitle")
    place = f"{labels(m.lang)['place_separator']}{m.place}" if m.place else ""
    out.words(format_date(m.date, m.lang) + place, "dateline")
    notice = translation_notice(m)
    if notice:
        out.words(notice, "translation notice")
    out.paragraphs(statement.preamble, "preamble")
    for article in statement.articles:
        part = f"point {article.number}"
        out.mark(f"{article.number}.", f"{part}, number")
        sub = 0
        for block in article.blocks:
            if isinstance(block, SubList):
                for entry in block.items:
                    sub += 1
                    where = f"{part}, sub-item {sub}"
                    out.mark(item(entry.number if block.ordered else None), f"{where}, marker")
                    out.paragraphs(entry.paragraphs, where)
            else:
                out.inline(block.content, part)
    out.paragraphs(statement.closing, "closing")
    for index, signatory in enumerate(statement.signatories, 1):
        out.words(signatory.title, f"signatory {index} title")
        out.words(signatory.name, f"signatory {index} name")
    return out


def expected_notes(statement: Statement, editorial_mark: bool = False) -> Expected:
    """What the notes of every edition say: each note's number, then its text; with
    `editorial_mark`, then the mark that ends every footnote of the PDF and the DOCX
    ("\u00a0— Прим.\u00a0ред.", `labels.statement_labels`), where no heading says the notes
    are the editors'."""
    out = Expected()
    mark = statement_labels(statement.meta)["editorial_mark"] if editorial_mark else ""
    for note in statement.notes:
        out.mark(note_start(note.number), f"note {note.number}, number")
        # The mark runs on from the note's last word: in Chinese no space stands between
        # them ("a——编者注" is one word).
        tail = (mark, f"note {note.number}, editorial mark") if mark else None
        out.paragraphs(note.paragraphs, f"note {note.number}", tail)
    return out


def _rejoined(got: Words, i: int, want: str) -> int:
    """How many words from `i` on, rejoined across line ends, make the word `want` (0 if
    none do): each break may have added a hyphen ("Китай-" + "ской") or not ("Вице-" +
    "премьер", a break after a dash, a word too long for the line)."""
    source = got.tokens
    whole, j = source[i], i
    while j in got.line_ends and j + 1 < len(source) and not source[j + 1].startswith(MARK):
        following = source[j + 1]
        options = [whole + following]
        if whole.endswith(HYPHENS):
            options.append(whole[:-1] + following)
        if want in options:
            return j + 2 - i
        starts = [option for option in options if want.startswith(option)]
        if not starts:
            return 0
        whole, j = starts[0], j + 1
    return 0


def resolve_joins(got: Words, expected: Sequence[str]) -> list[str]:
    """The tokens of `got` with every word broken at a line end rejoined.

    Which words are one is decided by the source: the word expected at that position, else,
    for a line that ends in a hyphen after a letter, the spelling the source contains
    anywhere (without the hyphen unless only the source has the hyphenated form). Parts
    stay apart when the source has them apart.
    """
    out: list[str] = []
    known = set(expected)
    source = got.tokens
    i = 0
    while i < len(source):
        left = source[i]
        pos = len(out)
        want = expected[pos] if pos < len(expected) else None
        if i in got.line_ends and not left.startswith(MARK) and want is not None:
            taken = _rejoined(got, i, want)
            if taken:
                out.append(want)
                i += taken
                continue
        right = source[i + 1] if i + 1 < len(source) else ""
        if (
            i in got.line_ends
            and left != want
            and left.endswith(HYPHENS)
            and len(left) >= 2
            and left[-2].isalnum()
            and right[:1].isalnum()
        ):
            # Out of step with the source here (a difference nearby): rejoin by spelling.
            dropped, kept = left[:-1] + right, left + right
            out.append(kept if kept in known and dropped not in known else dropped)
            i += 2
            continue
        out.append(left)
        i += 1
    return out


def _same(expected: Expected, i: int, token: str) -> bool:
    want = expected.tokens[i]
    return want == token or (i in expected.casefree and want.casefold() == token.casefold())


def _quote(items: Sequence[str]) -> str:
    words = [shown(t) for t in items]
    if len(words) > SHOWN:
        words = [*words[: SHOWN - 1], "…"]
    return '"' + " ".join(words) + '"'


def compare(expected: Expected, got: Words) -> list[str]:
    """Every difference between the expected tokens and an edition's, one line each:
    where in the statement, then `expected "…" got "…"` (a word or two of context around a
    missing or added word)."""
    found = resolve_joins(got, expected.tokens)
    matcher = difflib.SequenceMatcher(None, expected.tokens, found, autojunk=False)
    lines: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if (
            op == "replace"
            and i2 - i1 == j2 - j1
            and all(_same(expected, i1 + k, found[j1 + k]) for k in range(i2 - i1))
        ):
            continue  # the kind line in capitals
        before = max(i1 - 1, 0) if op != "replace" else i1
        after = min(i2 + 1, len(expected.tokens)) if op != "replace" else i2
        extra_before, extra_after = i1 - before, after - i2
        want = expected.tokens[before:after]
        have = [*expected.tokens[before:i1], *found[j1:j2], *expected.tokens[i2:after]]
        if op == "insert" and extra_before == 0 and extra_after == 0:
            want, have = [], found[j1:j2]
        if i1 < len(expected.where):
            where = expected.where[i1]
        elif expected.where:
            where = f"after {expected.where[-1]}"
        else:
            where = "end"
        lines.append(f"{where}: expected {_quote(want)} got {_quote(have)}")
    if len(lines) > MAX_DIFFERENCES:
        more = len(lines) - MAX_DIFFERENCES
        lines = [*lines[:MAX_DIFFERENCES], f"and {more} more differences"]
    return lines
