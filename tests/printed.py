"""Printed lines of a PDF read back from its glyphs, for the typesetting tests.

Glyph boxes come from pdfplumber, which reads the glyphs (not /ActualText): an added hyphen
is a hyphen here. `printed_lines` groups the glyphs of each page into lines, per column
when the page has columns (the parallel editions), with each line's edges, text and the
gaps between its words; the helpers below count hyphens and measure word spaces from them.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

MM = 72 / 25.4
LETTERS = r"[^\W\d_]"
HYPHENS = ("-", "\u2010")
# Two glyphs of a line further apart than this (in em of the glyph) have a space between.
SPACE_EM = 0.15


@dataclass
class Line:
    """A printed line: its page, glyph size, left and right edges (mm from the trim's left
    edge), its top (pt from the trim's top), text, column (0 on a page without columns) and
    the gaps between its words (em of the text size)."""

    page: int
    size: float
    left: float
    right: float
    top: float
    text: str
    column: int = 0
    spaces: list[float] = field(default_factory=list)

    @property
    def hyphenated(self) -> bool:
        return bool(re.search(rf"{LETTERS}[{''.join(HYPHENS)}]$", self.text))


def raw_y(page, top: float) -> float:
    """The file's y of a pdfplumber `top` on `page`."""
    return page.bbox[3] + float(page.page_obj.attrs["MediaBox"][1]) - top


def _column(x_mm: float, columns: Sequence[tuple[float, float]]) -> int:
    """The index of the column (left, right in mm) nearest to `x_mm`."""
    return min(
        range(len(columns)),
        key=lambda k: (
            0
            if columns[k][0] <= x_mm <= columns[k][1]
            else min(abs(x_mm - columns[k][0]), abs(x_mm - columns[k][1]))
        ),
    )


def _lines_of(chars: list[dict], size: float) -> list[list[dict]]:
    """`chars` grouped into lines; smaller glyphs (note calls, raised above the baseline)
    join the line of the text size they stand in, top to bottom."""
    groups: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["bottom"], 1), c["x0"])):
        if groups and abs(groups[-1][0]["bottom"] - char["bottom"]) < 0.5:
            groups[-1].append(char)
        else:
            groups.append([char])
    merged = [group for group in groups if group[0]["size"] >= size - 0.5]
    for group in (group for group in groups if group[0]["size"] < size - 0.5):
        middle = (group[0]["top"] + group[0]["bottom"]) / 2
        host = next(
            (
                m
                for m in merged
                if m[0]["size"] > group[0]["size"] + 0.5
                and m[0]["top"] - group[0]["size"] / 2 <= middle <= m[0]["bottom"]
            ),
            None,
        )
        if host is not None:
            host.extend(group)
        else:
            merged.append(group)
    return merged


def printed_lines(path: Path, columns: Sequence[tuple[float, float]] = ()) -> list[Line]:
    """Every line of glyphs on every page, top to bottom; superscripts join their line.

    With `columns` (each a left and right edge in mm from the trim's left edge), a glyph
    belongs to the column its middle is in (or nearest to), and each column's glyphs make
    lines of their own; the lines are sorted by page, column, then top.
    """
    found: list[Line] = []
    with pdfplumber.open(path) as document:
        for number, page in enumerate(document.pages):
            trim = [float(v) for v in page.page_obj.attrs.get("TrimBox") or page.mediabox]
            # pdfplumber keeps the file's x and counts `top` down from the media box's top.
            dx = trim[0]
            dy = trim[3] - raw_y(page, 0)
            chars = [c for c in page.chars if c["text"].strip()]
            if not chars:
                continue
            size = max((c["size"] for c in chars), key=[c["size"] for c in chars].count)
            # Note calls: smaller glyphs, raised (their own line here when they stand above).
            calls = [c for c in chars if c["size"] < size - 0.5]
            by_column: dict[int, list[dict]] = {}
            for char in chars:
                middle = ((char["x0"] + char["x1"]) / 2 - dx) / MM
                key = _column(middle, columns) if columns else 0
                by_column.setdefault(key, []).append(char)
            for column, own in by_column.items():
                for group in _lines_of(own, size):
                    group.sort(key=lambda c: c["x0"])
                    full = max(c["size"] for c in group) - 0.5
                    text = ""
                    spaces: list[float] = []
                    top, bottom = min(c["top"] for c in group), max(c["bottom"] for c in group)
                    for previous, char in zip([None, *group[:-1]], group, strict=True):
                        gap = char["x0"] - previous["x1"] if previous is not None else 0.0
                        if previous is not None and gap > SPACE_EM * char["size"]:
                            text += " "
                            # Word spaces between glyphs of the text size, with no note call
                            # (raised, smaller, maybe a line of its own here) between them.
                            between = any(
                                c["x0"] >= previous["x1"] - 0.1
                                and c["x1"] <= char["x0"] + 0.1
                                and c["bottom"] > top - c["size"]
                                and c["top"] < bottom
                                for c in calls
                            )
                            if min(char["size"], previous["size"]) >= full and not between:
                                spaces.append(gap / char["size"])
                        text += char["text"]
                    found.append(
                        Line(
                            number,
                            max(c["size"] for c in group),
                            (group[0]["x0"] - dx) / MM,
                            (group[-1]["x1"] - dx) / MM,
                            min(c["top"] for c in group) + dy,
                            text,
                            column,
                            spaces,
                        )
                    )
    found.sort(key=lambda line: (line.page, line.column, line.top))
    return found


def text_lines(lines: list[Line], size: float) -> list[Line]:
    """The lines below the page number set in the text size (the text, the signatories'
    names)."""
    return [line for line in lines if abs(line.size - size) < 0.2 and line.top > 14 * MM]


def note_lines(lines: list[Line], size: float) -> list[Line]:
    """The lines set in the notes' size."""
    return [line for line in lines if abs(line.size - size) < 0.2]


def hyphen_runs(lines: list[Line]) -> int:
    """The longest run of consecutive lines that end in a hyphen."""
    longest = run = 0
    for line in lines:
        run = run + 1 if line.hyphenated else 0
        longest = max(longest, run)
    return longest


def fragments(lines: list[Line]) -> list[tuple[str, str]]:
    """(letters before the hyphen, letters that start the next line) of each hyphenated line."""
    out = []
    for line, following in zip(lines, [*lines[1:], None], strict=True):
        if line.hyphenated:
            before = re.search(rf"{LETTERS}*$", line.text[:-1]).group(0)
            after = re.match(rf"{LETTERS}*", following.text).group(0) if following else ""
            out.append((before, after))
    return out


def justified(lines: list[Line], right_mm: float, tolerance_mm: float = 0.3) -> list[Line]:
    """The lines that reach the right edge `right_mm` (the set lines of justified text)."""
    return [line for line in lines if line.right >= right_mm - tolerance_mm and line.spaces]


@dataclass(frozen=True)
class Spacing:
    """Word spaces of some lines, in em: median, 95th percentile and largest."""

    count: int
    median: float
    p95: float
    largest: float

    def __str__(self) -> str:
        return (
            f"{self.count} spaces: median {self.median:.3f} em, 95th {self.p95:.3f} em, "
            f"max {self.largest:.3f} em"
        )


def spacing(lines: list[Line]) -> Spacing:
    """The word spaces of `lines` (gaps between words, in em of the text)."""
    gaps = sorted(gap for line in lines for gap in line.spaces)
    if not gaps:
        return Spacing(0, 0.0, 0.0, 0.0)
    p95 = gaps[min(len(gaps) - 1, round(0.95 * (len(gaps) - 1)))]
    return Spacing(len(gaps), statistics.median(gaps), p95, gaps[-1])
