"""Parallel editions read back: each language column against its own source.

A parallel edition `<id>.<l1>-<l2>[-…].<ext>` prints the language versions of one
statement in columns. Its columns are read with `statementpress.columns` (the PDF by the
x-range of each column, the DOCX by table column, the HTML by the cells' `lang`), and each
column must hold every word of its source, body and notes, in order: the words of the
title block, text, signatories and notes as `expected_body` and `expected_notes` list them,
compared without the punctuation around them.
Words the edition adds around them (language headings, page numbers, the heading of the
notes) and the numbers of note calls, which a column prints against the word they follow,
are allowed; a word broken at a line end is rejoined as the single editions' check does.
"""

from __future__ import annotations

import difflib
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
)

# Punctuation stripped from the words compared: a column is checked word by word.
_PUNCTUATION = ".,:;!?()[]«»“”„\"'’‘—–-…，。、：；！？（）《》「」『』"


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


def _core(token: str) -> str:
    """A word without the punctuation around it."""
    return token.strip(_PUNCTUATION)


def _known(token: str, vocabulary: set[str]) -> str:
    """An edition's word as the source has it: without the punctuation around it and, when
    only that makes it a word of the source, without the number of a note call printed
    against its end ("meeting1," "G205" for "G20" and call 5)."""
    core = _core(token)
    if core in vocabulary:
        return core
    for digits in (1, 2, 3):
        bare = _core(re.sub(rf"\d{{{digits}}}(?=\W*$)", "", token, count=1))
        if bare in vocabulary:
            return bare
    return core


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
        joined = resolve_joins(_words(text), [t for t, _ in wanted])
        cores = [(_core(t), where) for t, where in wanted if _core(t)]
        vocabulary = {core for core, _ in cores}
        got = [_known(token, vocabulary) for token in joined]
        # Words the edition adds (headings, page numbers) are allowed: only expected words
        # that are not matched are problems, the first of each run reported.
        matcher = difflib.SequenceMatcher(None, [c for c, _ in cores], got, autojunk=False)
        for op, i1, i2, j1, _j2 in matcher.get_opcodes():
            if op not in ("delete", "replace"):
                continue
            core, where = cores[i1]
            before = " ".join(got[max(0, j1 - 4) : j1]) or "the start"
            more = f" and {i2 - i1 - 1} more words" if i2 - i1 > 1 else ""
            problems.append(f"column {lang}: {where}: {core!r}{more} missing (after {before!r})")
    return problems
