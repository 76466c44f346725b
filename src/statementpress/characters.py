"""Characters a source may hold: the file decoded as UTF-8, and every character it must not
hold reported at its line and column.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# Reports a problem at a 1-based line and column.
Report = Callable[[int, int, str], None]

# Tab and line feed are ordinary in text files (CRLF is read as LF); every other C0/C1
# control, a lone carriage return included, is not.
ALLOWED_CONTROLS = {"\t", "\n"}
# Invisible format characters (Unicode category Cf) that real text needs: soft hyphen,
# zero-width space and (non-)joiners, word joiner, and the left-to-right, right-to-left and
# Arabic letter marks. Others, bidi embeddings, overrides and isolates among them, can make
# text read differently from how it displays, so they are refused.
ALLOWED_FORMAT = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\u200e", "\u200f", "\u061c"}


def decode(data: bytes, report: Report) -> str | None:
    """The file's text (UTF-8, without a byte order mark, CRLF read as LF), or None after
    reporting where the first byte that is not UTF-8 stands."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        report(
            line,
            col,
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save it with UTF-8 encoding",
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


def clean(text: str, report: Report) -> str:
    """Report every character a source must not hold; return the text with each replaced
    by a space, so that the rest of the file is still read at the right lines."""
    lines = text.split("\n")
    for lineno, line in enumerate(lines, start=1):
        bad = [(col, ch) for col, ch in enumerate(line, start=1) if refused(ch)]
        for col, ch in bad:
            report(lineno, col, f"{describe(ch)} is not allowed in a source; delete it")
        if bad:
            lines[lineno - 1] = "".join(" " if refused(ch) else ch for ch in line)
    return "\n".join(lines)


def refused(ch: str) -> bool:
    """Whether a character may not appear in a source (see ALLOWED_CONTROLS, ALLOWED_FORMAT)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch not in ALLOWED_CONTROLS
    if category == "Cf":
        return ch not in ALLOWED_FORMAT
    # Line and paragraph separators would end a line for YAML but not for the line count;
    # U+FFFD marks text that was damaged before it reached us.
    return category in ("Zl", "Zp") or ch == "\ufffd"


def describe(ch: str) -> str:
    """A refused character as messages name it: its kind, code point and Unicode name."""
    category = unicodedata.category(ch)
    kind = {
        "Cc": "control character",
        "Cf": "invisible format character",
        "Zl": "line separator",
        "Zp": "paragraph separator",
    }.get(category, "character")
    name = unicodedata.name(ch, "")
    return f"{kind} U+{ord(ch):04X}" + (f" ({name})" if name else "")
