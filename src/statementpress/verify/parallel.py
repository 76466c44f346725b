"""Parallel editions read back: each language column against its own source.

A parallel edition `<id>.<l1>-<l2>[-…].<ext>` prints the language versions of one
statement in columns. Its columns are read with `statementpress.columns` (the PDF by the
x-range of each column, the DOCX by table column, the HTML by the cells' `lang`), and each
column must hold every word of its source, body and notes, in order: the words of the
title block, text, signatories and notes as `expected_body` and `expected_notes` list them.
Words the edition adds around them (language headings, page numbers, the heading of the
notes) and the numbers of note calls, which a column prints against the word they follow,
are allowed; a word broken at a line end is rejoined as the single editions' check does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from statementpress.model import Statement
from statementpress.verify.text import (
    MARK,
    Words,
    expected_body,
    expected_notes,
    resolve_joins,
    shown,
)

# A note call's number printed against the word before it ("meeting1," "отношений2").
_CALL = re.compile(r"(?<=\D)\d{1,3}(?=\W*$)")


def split_langs(tail: str, langs: Sequence[str]) -> list[str] | None:
    """The languages of a parallel edition's name part ("ru-en", "zh-Hans-en"), each one of
    `langs` (a statement's language versions), or None if they do not make it up."""
    if not tail:
        return []
    for lang in sorted(langs, key=len, reverse=True):
        if tail.lower() == lang.lower():
            return [lang]
        if tail.lower().startswith(lang.lower() + "-"):
            rest = split_langs(tail[len(lang) + 1 :], langs)
            if rest is not None:
                return [lang, *rest]
    return None


def _words(text: str) -> Words:
    out = Words()
    for line in text.split("\n"):
        out.text(line)
        out.line_end()
    return out.done()


def check(path: Path, statements: Sequence[Statement]) -> list[str]:
    """The problems of a parallel edition: per column, the first source word missing."""
    from statementpress.columns import parallel_columns_text

    columns = parallel_columns_text(path)
    problems = []
    for st in statements:
        lang = st.meta.lang
        text = next((v for k, v in columns.items() if k.lower() == lang.lower()), None)
        if text is None:
            problems.append(f"has no {lang!r} column (found: {', '.join(columns) or 'none'})")
            continue
        body, notes = expected_body(st), expected_notes(st)
        # Word numbers the DOCX's articles: their numbers are not text there.
        numbered = path.suffix.lower() == ".docx"
        wanted = [
            (token, where)
            for expected in (body, notes)
            for token, where in zip(expected.tokens, expected.where, strict=True)
            if not token.startswith(MARK) and not (numbered and where.endswith(", number"))
        ]
        got = resolve_joins(_words(text), [t for t, _ in wanted])
        position = 0
        for token, where in wanted:
            found = next(
                (
                    i
                    for i in range(position, len(got))
                    if got[i] == token or _CALL.sub("", got[i]) == token
                ),
                None,
            )
            if found is None:
                problems.append(
                    f"column {lang}: {where}: {shown(token)!r} missing "
                    f"(after {' '.join(got[max(0, position - 4) : position]) or 'the start'!r})"
                )
                break
            position = found + 1
    return problems
