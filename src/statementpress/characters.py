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
# Invisible format characters (Unicode category Cf) that guide line breaking and nothing
# else: soft hyphen, zero-width space, word joiner. No face draws them (an edition shows
# the face's hyphen at a soft hyphen that breaks a line), and `verify` ignores them.
BREAK_HINTS = {"\u00ad", "\u200b", "\u2060"}
# Zero-width non-joiner and joiner change how the letters around them are shaped; they are
# allowed only after a letter of a script that joins or shapes its letters (JOINING_SCRIPTS),
# where the words need them. Elsewhere they change nothing visible and are refused.
JOINERS = {"\u200c", "\u200d"}
# Format characters that may appear, though not anywhere (see `problem`).
ALLOWED_FORMAT = BREAK_HINTS | JOINERS
# Scripts whose letters join or take other shapes by ZWNJ/ZWJ, by the first word of the
# letters' Unicode names. Every other format character (the bidi marks LRM, RLM and ALM,
# embeddings, overrides and isolates among them) can make text display in another order
# than it reads, and statementpress has no right-to-left layout: it is refused.
JOINING_SCRIPTS = frozenset(
    [
        "ARABIC",
        "SYRIAC",
        "NKO",
        "MANDAIC",
        "MONGOLIAN",
        "DEVANAGARI",
        "BENGALI",
        "GURMUKHI",
        "GUJARATI",
        "ORIYA",
        "TAMIL",
        "TELUGU",
        "KANNADA",
        "MALAYALAM",
        "SINHALA",
        "MYANMAR",
        "KHMER",
        "TIBETAN",
        "LAO",
        "THAI",
    ]
)
# Characters that occupy no room on the page: what the glyph check does not ask a face for.
NON_PRINTING = frozenset(ALLOWED_CONTROLS | {" "} | ALLOWED_FORMAT)


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
        bad = [(index, why) for index, why in problems(line)]
        for index, why in bad:
            report(lineno, index + 1, why)
        if bad:
            chars = list(line)
            for index, _ in bad:
                chars[index] = " "
            lines[lineno - 1] = "".join(chars)
    return "\n".join(lines)


def refused(ch: str) -> bool:
    """Whether a character may not appear in a source anywhere (see ALLOWED_CONTROLS,
    ALLOWED_FORMAT); a joiner may still be refused where it stands (`problem`)."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch not in ALLOWED_CONTROLS
    if category == "Cf":
        return ch not in ALLOWED_FORMAT
    # Line and paragraph separators would end a line for YAML but not for the line count;
    # U+FFFD marks text that was damaged before it reached us; a surrogate (written as a
    # YAML escape) is half of a character and cannot be written to any file.
    return category in ("Zl", "Zp", "Cs") or ch == "\ufffd"


def _joins(ch: str) -> bool:
    """Whether `ch` is a letter or mark of a script that ZWNJ and ZWJ shape."""
    if unicodedata.category(ch)[0] not in "LM":
        return False
    return unicodedata.name(ch, "").split(" ", 1)[0] in JOINING_SCRIPTS


def problem(text: str, index: int) -> str | None:
    """Why the character at `index` of `text` may not stand there ("… is not allowed …"),
    or None if it may. Only the character before it matters (for a joiner)."""
    ch = text[index]
    if refused(ch):
        return f"{describe(ch)} is not allowed in a source; delete it"
    if ch in JOINERS and not (index > 0 and _joins(text[index - 1])):
        return (
            f"{describe(ch)} is allowed only after a letter of a script that joins or shapes "
            "its letters (Arabic, Devanagari, …); here it changes nothing visible: delete it"
        )
    return None


def problems(text: str) -> list[tuple[int, str]]:
    """Every character of `text` that may not stand where it does: (index, why)."""
    found = []
    for index, ch in enumerate(text):
        if ch in ALLOWED_CONTROLS or ch.isalnum() or ch == " ":
            continue  # the common case, quickly
        why = problem(text, index)
        if why:
            found.append((index, why))
    return found


def describe(ch: str) -> str:
    """A refused character as messages name it: its kind, code point and Unicode name."""
    category = unicodedata.category(ch)
    kind = {
        "Cc": "control character",
        "Cf": "invisible format character",
        "Zl": "line separator",
        "Zp": "paragraph separator",
        "Cs": "surrogate (half of a character)",
    }.get(category, "character")
    name = unicodedata.name(ch, "")
    return f"{kind} U+{ord(ch):04X}" + (f" ({name})" if name else "")
