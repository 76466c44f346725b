"""Source positions: where each string of the model was written in its source file.

A `Pos` is a 1-based line and column (columns count characters, as the reader's messages
do). A string whose characters do not all follow one another on one source line (a
paragraph over several lines, an escape `\\*`, a character reference `&#x4E00;`, a folded
YAML value) gets a `Span`: the position of its first character and a "break" wherever the
string jumps to another place in the source, so that `span.at(offset)` gives the position
of any character of it. The reader makes them; passes that change a string (typography)
carry them over with `realign`.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pos:
    """A place in a source file: 1-based line and column."""

    line: int
    col: int

    def at(self, offset: int) -> Pos:
        """The position of the character `offset` characters after this one."""
        return Pos(self.line, self.col + offset)

    @property
    def key(self) -> tuple[int, int]:
        """(line, column), for sorting positions into source order."""
        return self.line, self.col

    def __str__(self) -> str:
        return f"{self.line}:{self.col}"


@dataclass(frozen=True)
class Span(Pos):
    """The position of a string's first character, and `breaks`: (offset in the string,
    position of the character there) where the string leaves the line it was on or skips
    source characters; the characters between two breaks follow one another on one line."""

    breaks: tuple[tuple[int, Pos], ...] = ()

    def at(self, offset: int) -> Pos:
        """The position of the string's character at `offset`."""
        start, base = 0, Pos(self.line, self.col)
        index = bisect.bisect_right(self.breaks, offset, key=lambda b: b[0])
        if index:
            start, base = self.breaks[index - 1]
        return Pos(base.line, base.col + offset - start)


def span(marks: Iterable[tuple[int, Pos]]) -> Pos | None:
    """The position of a string from (offset, position) marks in increasing offset order;
    marks that just continue the previous one on its line are dropped, and a string that
    needs no break gets a plain `Pos`."""
    first: Pos | None = None
    breaks: list[tuple[int, Pos]] = []
    last_offset, last = 0, Pos(0, 0)
    for offset, pos in marks:
        if first is None:
            first = Pos(pos.line, pos.col)
        elif pos != last.at(offset - last_offset):
            breaks.append((offset, Pos(pos.line, pos.col)))
        last_offset, last = offset, pos
    if first is None:
        return None
    return Span(first.line, first.col, tuple(breaks)) if breaks else first


# Characters a typesetting pass puts in place of another, one for one, mapped to what they
# replace: the curly quotes of English for straight ones (typography.CURLY_QUOTES). A
# character so replaced keeps its position.
_IN_PLACE_OF = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def _loose(ch: str) -> bool:
    """Characters a typesetting pass may replace, insert or drop: spaces and dashes."""
    return ch.isspace() or unicodedata.category(ch) == "Pd"


def _common(old: str, i: int, new: str, j: int) -> int:
    """The length of the common start of old[i:] and new[j:] (found by halving, so that the
    comparisons run over whole slices)."""
    lo, hi = 0, min(len(old) - i, len(new) - j)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[i : i + mid] == new[j : j + mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _knots(old: str, new: str) -> list[tuple[int, int]] | None:
    """How `new` lines up with `old` when they differ only in spaces and dashes (and quotes
    made curly): (offset in `new`, offset in `old`) where their difference changes; None if
    other characters differ."""
    old, new = old.translate(_IN_PLACE_OF), new.translate(_IN_PLACE_OF)
    knots: list[tuple[int, int]] = []
    i = j = 0

    def mark(j: int, i: int) -> None:
        if not knots or knots[-1][1] - knots[-1][0] != i - j:
            knots.append((j, i))

    while j < len(new):
        same = _common(old, i, new, j)
        if same:
            mark(j, i)
            i, j = i + same, j + same
            continue
        # A run of spaces and dashes on either side: the new run stands where the old began.
        i0, j0 = i, j
        while i < len(old) and _loose(old[i]):
            i += 1
        if _loose(new[j]):
            mark(j, i0)
            while j < len(new) and _loose(new[j]):
                j += 1
        if (i, j) == (i0, j0):
            return None
    return knots


def realign(pos: Pos | None, old: str, new: str) -> Pos | None:
    """The position of `new` given `pos`, the position of `old`, when `new` is `old` with
    spaces and dashes replaced, added or removed, or quotes made curly (the typography
    pass). Each character of `new` kept from `old`, or put in place of one, keeps its
    position; a new space or dash gets the position of the run it replaced. If other
    characters changed, only the start is kept."""
    if pos is None or old == new:
        return pos
    knots = _knots(old, new)
    if knots is None:
        return Pos(pos.line, pos.col)
    old_breaks = pos.breaks if isinstance(pos, Span) else ()
    marks: list[tuple[int, Pos]] = []
    for index, (j0, i0) in enumerate(knots):
        j1 = knots[index + 1][0] if index + 1 < len(knots) else len(new)
        marks.append((j0, pos.at(i0)))
        marks.extend((j0 + b - i0, p) for b, p in old_breaks if i0 < b < i0 + j1 - j0)
    return span(marks) or Pos(pos.line, pos.col)


class LineIndex:
    """Positions of the characters of a text that starts on line `first_line` of a file."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.first_line = first_line
        self.starts = [0]
        self.starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")

    def pos(self, index: int) -> Pos:
        """The position of the character at `index` of the text."""
        line = bisect.bisect_right(self.starts, index) - 1
        return Pos(self.first_line + line, index - self.starts[line] + 1)


# Source characters of a YAML scalar that are not part of its value: indentation, line
# breaks, quotes, escapes and block indicators.
_YAML_SYNTAX = frozenset(" \t\n\"'\\|>-+0123456789")


def follow(value: str, source: str, start: int, end: int, where: LineIndex) -> Pos | None:
    """The position of `value`, read from `source[start:end]` (a YAML scalar as written:
    quoted, folded or a block), found by walking both: equal characters pair up, a space or
    line break of the value may stand for a run of source whitespace, and syntax characters
    of the source are skipped. A character the source spells differently (an escape such
    as `\\u00e9`) is placed at the escape."""
    marks: list[tuple[int, Pos]] = []
    i, p = 0, start
    escape = None
    while i < len(value) and p < end:
        ch, src = value[i], source[p]
        if ch == src:
            marks.append((i, where.pos(escape if escape is not None else p)))
            escape = None
            i, p = i + 1, p + 1
        elif ch in " \n" and src in " \t\n":
            marks.append((i, where.pos(p)))
            i += 1
            while p < end and source[p] in " \t\n":
                p += 1
        elif src in _YAML_SYNTAX:
            if src == "\\":
                escape = p
            p += 1
        else:
            # Spelled differently in the source: an escape. Place it there, then go on from
            # where the source has the value's next character again.
            marks.append((i, where.pos(escape if escape is not None else p)))
            escape = None
            i += 1
            if i < len(value):
                found = source.find(value[i], p, end)
                p = found if found >= 0 else end
    # Characters left when the source ran out follow the last one placed.
    return span(marks) or where.pos(start)
