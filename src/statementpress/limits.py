"""Limits on what a source may be, in one place (docs/limits.md explains each one).

Each limit keeps a build finite and fast whatever the input (memory, time, recursion), or
keeps a value inside what every edition format and file system can store. Checks that need
only a limit's value live where the value is read (reader, builder); the checks that are
about text as a whole (long words, nesting) live here.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from statementpress.positions import Pos

# --- the source file --------------------------------------------------------------------
# A statement is a few pages: the canonical source is 6 KiB. 1 MiB is far beyond any real
# statement and small enough to read into memory at once; `--max-source-size` or this
# environment variable raise it.
MAX_SOURCE_SIZE = 1024 * 1024
MAX_SOURCE_SIZE_ENV = "STATEMENTPRESS_MAX_SOURCE_SIZE"

# --- front matter -----------------------------------------------------------------------
# The front matter needs 3 levels (mapping > signatories > signatory); PyYAML composes
# recursively and fails with RecursionError near a thousand, so depth is counted on the
# scanner's tokens (which are not recursive) before composing.
MAX_YAML_DEPTH = 8

# --- values -----------------------------------------------------------------------------
# An id names a folder and starts every file name: `<id>.<lang>.<ext>` must stay under the
# 255 bytes of a file name component on every common file system, with room for the tag.
MAX_ID_LENGTH = 100
# A file name component (ext4, XFS, APFS, NTFS: 255 bytes or UTF-16 units) and a whole path
# (Linux PATH_MAX, with its terminating NUL).
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4095
# Dates every format stores: ZIP timestamps (DOCX, EPUB) hold the years 1980-2107 (earlier
# dates are stamped 1 January 1980), PDF and W3C dates four-digit years; dates before 1900
# are not dates of statements this tool prints.
EARLIEST_DATE = (1900, 1, 1)
LATEST_DATE = (2107, 12, 31)

# --- the body ---------------------------------------------------------------------------
# The longest run of characters without a break opportunity. Hyphenating one long word costs
# WeasyPrint time that grows faster than its length (2,000 letters: half a minute), and a
# word longer than the line overflows it. The longest words of official texts (German
# compounds) stay under 70 letters.
MAX_WORD_LENGTH = 80
# Block nesting: lists in lists, quotes in quotes. markdown-it stops reading the body at 20
# levels of its own (a list takes two, a quote one: 10 nested lists reach it) and silently
# drops the rest; refusing a 7th container keeps every body well away from that. The source
# format itself needs 2 (an article's list, its sub-items).
MAX_BLOCK_NESTING = 6


def max_source_size(given: int | None = None) -> int:
    """The size limit in bytes: `given` (from `--max-source-size`), else the environment's
    `STATEMENTPRESS_MAX_SOURCE_SIZE`, else `MAX_SOURCE_SIZE`."""
    if given is not None:
        return given
    raw = os.environ.get(MAX_SOURCE_SIZE_ENV, "").strip()
    if not raw:
        return MAX_SOURCE_SIZE
    parsed = parse_size(raw)
    if parsed is None:
        from statementpress.errors import BuildError

        raise BuildError(
            f"{MAX_SOURCE_SIZE_ENV}={raw!r} is not a size; give bytes or a size such as 512K or 2M"
        )
    return parsed


_SIZE_RE = re.compile(r"(\d+)\s*([KkMmGg]i?[Bb]?)?")
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str) -> int | None:
    """A size given as bytes or with a binary unit ('512K', '2M', '2MiB'); None if invalid."""
    match = _SIZE_RE.fullmatch(text.strip())
    if not match:
        return None
    unit = (match.group(2) or "")[:1].lower()
    return int(match.group(1)) * _UNITS[unit]


# Characters after or around which a line may break: hyphens and dashes, the soft hyphen,
# the zero-width space and the solidus; and every space but the no-break ones, which the
# typography pass puts exactly where a line must not break.
_BREAKS = frozenset("-\u00ad\u200b\u2010\u2012\u2013\u2014\u2015/")
_NO_BREAK_SPACES = frozenset("\u00a0\u2007\u202f")


def is_break(ch: str) -> bool:
    """Whether a line may break at (or after) `ch`.

    Scripts written without spaces are broken between characters (CJK, by their East Asian
    width) or by dictionary (Thai, Lao, Khmer, Myanmar): each of their characters counts as
    a break opportunity.
    """
    if ch in _BREAKS or (ch.isspace() and ch not in _NO_BREAK_SPACES):
        return True
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return True
    code = ord(ch)
    return 0x0E00 <= code <= 0x0EFF or 0x1780 <= code <= 0x17FF or 0x1000 <= code <= 0x109F


@dataclass(frozen=True)
class LongWord:
    """A run of characters with no break opportunity: where it starts, its length, and its
    first characters (for the message)."""

    start: Pos | None
    length: int
    sample: str


def long_words(
    pieces: Iterable[tuple[str, Pos | None] | None], limit: int = MAX_WORD_LENGTH
) -> Iterator[LongWord]:
    """Every run of more than `limit` characters without a break opportunity in `pieces`,
    texts that follow one another (a word may go on from one into the next, as across
    emphasis) each with the position of its first character (`pos.at(offset)` places the
    others); None between two pieces is a break (a line break, a note call)."""
    run, start, sample = 0, None, ""
    for piece in (*pieces, None):
        if piece is not None:
            text, pos = piece
            for offset, ch in enumerate(text):
                if is_break(ch):
                    if run > limit:
                        yield LongWord(start, run, sample)
                    run = 0
                    continue
                if run == 0:
                    start, sample = (pos.at(offset) if pos is not None else None), ""
                run += 1
                if len(sample) < 24:
                    sample += ch
            continue
        if run > limit:
            yield LongWord(start, run, sample)
        run = 0
