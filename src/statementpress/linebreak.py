"""Line breaking around note calls: what must stay on one line with a call, in every edition.

A note call is an inline box of its own, so a typesetter may break the line at its edges
where the text alone would not allow it: in Chinese a line could start with the call, or
with the closing punctuation after it (。，、」）…, which kinsoku forbids at a line start).
`bind_note_calls` groups each call with the ideograph before it and the closing
punctuation after it into one `Keep`, which the markup prints as a span that does not
break (`white-space: nowrap`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from statementpress.model import Inline, NoteRef, Text

# Characters that must not start a line (the closing punctuation of CJK and Latin text).
NO_LINE_START = (
    "。，、．：；！？」』）》〉】〕〗〙〛｝］”’"  # fullwidth and CJK closing marks
    ".,;:!?)]}»"
)
_LEADING_CLOSERS = re.compile(f"^[{re.escape(NO_LINE_START)}]+")
# Scripts that break between any two characters: Han, kana, Hangul, CJK symbols and the
# fullwidth forms. A call after one of these is bound to it; after a letter of a spaced
# script the text itself allows no break before the call.
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True)
class Keep:
    """Inline content printed on one line: a note call and the characters bound to it."""

    children: tuple[Inline, ...]


def bind_note_calls(nodes: tuple[Inline, ...] | list[Inline]) -> list[Inline | Keep]:
    """`nodes` with each note call, the CJK character before it and the closing punctuation
    after it wrapped in a `Keep` (other nodes unchanged, in order)."""
    out: list[Inline | Keep] = []
    items = list(nodes)
    i = 0
    while i < len(items):
        node = items[i]
        if not isinstance(node, NoteRef):
            out.append(node)
            i += 1
            continue
        kept: list[Inline] = []
        before = out[-1] if out else None
        if isinstance(before, Text) and before.text and _CJK.match(before.text[-1]):
            out.pop()
            if before.text[:-1]:
                out.append(Text(before.text[:-1]))
            kept.append(Text(before.text[-1]))
        kept.append(node)
        after = items[i + 1] if i + 1 < len(items) else None
        if isinstance(after, Text) and (m := _LEADING_CLOSERS.match(after.text)):
            kept.append(Text(m.group(0)))
            rest = after.text[m.end() :]
            items[i + 1] = Text(rest)
            if not rest:
                i += 1
        out.append(Keep(tuple(kept)))
        i += 1
    return out
