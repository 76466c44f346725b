"""Hyphenation policy per language, from the layout's `[hyphenation.<lang>]` tables.

One policy serves every edition: the PDF gives the limits to WeasyPrint (CSS
`hyphenate-limit-chars` and `hyphenate-limit-zone`) and enforces the rest after layout
(`writers/pdf_lines.py`); the DOCX and EPUB writers map the same values onto their own
settings (Word's `consecutiveHyphenLimit` and `hyphenationZone`, CSS in the EPUB).
Headings and the signatory block are never hyphenated, whatever the policy says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from statementpress.errors import LayoutError
from statementpress.model import primary_language

# The keys of a `[hyphenation.<name>]` table, in the order of `Policy`'s fields.
KEYS = ("min_word", "min_before", "min_after", "max_consecutive", "zone_mm", "page_end")


@dataclass(frozen=True)
class Policy:
    """Where automatic hyphenation may break a word, for one language.

    `min_word`: the shortest word that is hyphenated (letters); `min_before` and
    `min_after`: the fewest letters left on the line and carried to the next one;
    `max_consecutive`: the most lines in a row that end in a hyphen; `zone_mm`: a word is
    hyphenated only when leaving it whole would leave more than this at the line's end
    (CSS `hyphenate-limit-zone`, Word's hyphenation zone); `page_end`: whether the last
    line of a page or column may end in a hyphen (a word split across a page turn).
    """

    min_word: int
    min_before: int
    min_after: int
    max_consecutive: int
    zone_mm: float
    page_end: bool

    @property
    def limit_chars(self) -> str:
        """The CSS `hyphenate-limit-chars` value: word, before, after."""
        return f"{self.min_word} {self.min_before} {self.min_after}"


def policy(layout: Any, lang: str) -> Policy:
    """The policy for `lang`: `[hyphenation.<primary subtag>]` over `[hyphenation.default]`.

    A language table sets only what differs from the default one.
    """
    tables = layout.get("hyphenation")
    if not isinstance(tables, Mapping) or not isinstance(tables.get("default"), Mapping):
        raise LayoutError(f"layout {layout.name!r} has no [hyphenation.default]")
    values = dict(tables["default"])
    own = tables.get(primary_language(lang))
    if isinstance(own, Mapping):
        values.update(own)
    missing = [key for key in KEYS if key not in values]
    if missing:
        raise LayoutError(
            f"layout {layout.name!r}: [hyphenation.default] lacks {', '.join(missing)}"
        )
    return Policy(**{key: values[key] for key in KEYS})
