"""Kinds of `layout.toml` values: how each is named in the reference, and how it is checked.

A value's kind fixes its shape (a length and its unit, a colour, a font family name, a file
path that stays inside its folder, …), so that the places it goes (CSS, XML, file lookups)
can rely on that shape. The keys that use them are in `layout_schema`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

# A layout name is a folder name: no path separator, no leading dot, no "..".
LAYOUT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_IMPORT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# A font family goes into CSS and OOXML: letters and digits of any script, space, - _ .
_FAMILY_PUNCTUATION = frozenset(" -_.")


def shown(value: Any) -> str:
    """A value as TOML writes it (true/false for booleans), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _one_line(text: str) -> bool:
    return not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in text)


class Kind:
    """A kind of value: how it is named in the reference table and how it is checked."""

    name = "value"

    def allowed(self) -> str:
        """The range or choices, as the reference table shows them ("" when any)."""
        return ""

    def problem(self, value: Any, example: Any) -> str | None:
        """What is wrong with `value` ("must be …"), or None if it is fine."""
        raise NotImplementedError


@dataclass(frozen=True)
class Number(Kind):
    """A finite number (integers and decimals alike) in `unit`, at least or above `minimum`."""

    unit: str
    positive: bool = False

    @property
    def name(self) -> str:  # type: ignore[override]
        return "ratio" if self.unit == "ratio" else f"number, {self.unit}"

    def allowed(self) -> str:
        return "> 0" if self.positive else "≥ 0"

    def problem(self, value: Any, example: Any) -> str | None:
        if not _is_number(value):
            return f"must be a number like {shown(example)}"
        if not math.isfinite(value):
            return "must be a finite number"
        if self.positive and value <= 0:
            return "must be greater than 0"
        if value < 0:
            return "must not be negative"
        return None


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number (no decimal point) of at least `minimum`."""

    minimum: int
    name = "whole number"

    def allowed(self) -> str:
        return f"≥ {self.minimum}"

    def problem(self, value: Any, example: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool) or value < self.minimum:
            return f"must be a whole number of at least {self.minimum}"
        return None


@dataclass(frozen=True)
class Flag(Kind):
    """`true` or `false`."""

    name = "true/false"

    def problem(self, value: Any, example: Any) -> str | None:
        return None if isinstance(value, bool) else "must be true or false"


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few values, each of the type written (2 is not 2.0, "2" is not 2)."""

    options: tuple[str | int, ...]

    @property
    def name(self) -> str:  # type: ignore[override]
        return "choice" if isinstance(self.options[0], str) else "whole number"

    def allowed(self) -> str:
        return ", ".join(f"`{o}`" if isinstance(o, int) else f'`"{o}"`' for o in self.options)

    def problem(self, value: Any, example: Any) -> str | None:
        if any(type(value) is type(o) and value == o for o in self.options):
            return None
        return f"must be {' or '.join(shown(o) for o in self.options)}"


@dataclass(frozen=True)
class Colour(Kind):
    """A colour written `#rrggbb`."""

    name = "colour"

    def allowed(self) -> str:
        return "`#rrggbb`"

    def problem(self, value: Any, example: Any) -> str | None:
        if isinstance(value, str) and _COLOUR.fullmatch(value):
            return None
        return "must be a colour like '#1f3b63'"


@dataclass(frozen=True)
class Text(Kind):
    """A string on one line, of at most `max_length` characters when given."""

    max_length: int | None = None
    empty: bool = True
    name = "text"

    def allowed(self) -> str:
        parts = [] if self.empty else ["not empty"]
        if self.max_length:
            parts.append(f"≤ {self.max_length} characters")
        return ", ".join(parts)

    def problem(self, value: Any, example: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string like {shown(example)}"
        if not self.empty and not value.strip():
            return "must not be empty"
        if self.max_length and len(value) > self.max_length:
            return f"must be at most {self.max_length} characters"
        if not _one_line(value):
            return "must be one line without control characters"
        return None


@dataclass(frozen=True)
class FontFamily(Kind):
    """A font family name: letters and digits of any script, spaces, `-`, `_` and `.`."""

    name = "font family"

    def allowed(self) -> str:
        return "letters, digits, space, `-` `_` `.`"

    def problem(self, value: Any, example: Any) -> str | None:
        if (
            isinstance(value, str)
            and value.strip() == value != ""
            and all(ch.isalnum() or ch in _FAMILY_PUNCTUATION for ch in value)
        ):
            return None
        return (
            f"must be a font family name like {shown(example)} "
            "(letters, digits, spaces, '-', '_' and '.')"
        )


@dataclass(frozen=True)
class ImportName(Kind):
    """The import name of an installed Python package, such as `fontpkg_pt_serif`."""

    name = "import name"

    def allowed(self) -> str:
        return "a dotted Python name"

    def problem(self, value: Any, example: Any) -> str | None:
        if isinstance(value, str) and _IMPORT_NAME.fullmatch(value):
            return None
        return f"must be an import name like {shown(example)}"


@dataclass(frozen=True)
class RelativePath(Kind):
    """A path relative to a folder that it cannot leave: no `..`, not absolute, `/` only."""

    inside: str
    suffixes: tuple[str, ...] = ()
    empty: bool = False
    name = "relative path"

    def allowed(self) -> str:
        parts = [f"inside {self.inside}"]
        if self.suffixes:
            parts.append(" ".join(f"`{s}`" for s in self.suffixes))
        if self.empty:
            parts.append('`""` for none')
        return ", ".join(parts)

    def problem(self, value: Any, example: Any) -> str | None:
        if isinstance(value, str) and (
            (self.empty and value == "") or self._is_relative_inside(value)
        ):
            return None
        ends = f" ending in {' or '.join(self.suffixes)}" if self.suffixes else ""
        return (
            f"must be a relative path inside {self.inside}{ends} "
            f"(no '..', '/' as separator), like {shown(example)}"
        )

    def _is_relative_inside(self, value: str) -> bool:
        parts = value.split("/")
        return (
            value != ""
            and _one_line(value)
            and "\\" not in value
            and ":" not in value
            and not value.startswith("/")
            and ".." not in parts
            and all(parts)
            and (not self.suffixes or value.lower().endswith(self.suffixes))
        )


@dataclass(frozen=True)
class LevelText(Kind):
    """A Word numbering level text: `%1` stands for the number."""

    name = "numbering text"

    def allowed(self) -> str:
        return "contains `%1`, ≤ 16 characters"

    def problem(self, value: Any, example: Any) -> str | None:
        if isinstance(value, str) and "%1" in value and len(value) <= 16 and _one_line(value):
            return None
        return f"must be a numbering text with '%1' for the number, like {shown(example)}"


@dataclass(frozen=True)
class LayoutName(Kind):
    """The name of another layout (a folder name)."""

    name = "layout name"

    def allowed(self) -> str:
        return "letters, digits, `-` `_` `.`"

    def problem(self, value: Any, example: Any) -> str | None:
        if isinstance(value, str) and LAYOUT_NAME.fullmatch(value):
            return None
        return f"must be a layout name like {shown(example)}"


# Characters a `[custom]` string may not hold: with them a value could leave a CSS string or
# declaration (quotes, backslash, `;`, braces), call a CSS function such as url() or start
# an at-rule (`(`, `)`, `@`), or close a <style> element (`<`, `>`, `&`).
CUSTOM_REFUSED = frozenset("\\\"';{}()<>&@`")
# A `[custom]` key: a name a template can write as `L.custom.<name>`.
CUSTOM_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


@dataclass(frozen=True)
class Plain(Kind):
    """A value of the layout's own for its templates: a finite number, true/false, or one
    line of text that is safe wherever a template puts it (no CUSTOM_REFUSED character)."""

    max_length: int = 200
    name = "plain value"

    def allowed(self) -> str:
        refused = " ".join(f"`{ch}`" for ch in sorted(CUSTOM_REFUSED) if ch != "`")
        return (
            f"number, true/false, or text ≤ {self.max_length} characters without {refused} "
            "or a backtick"
        )

    def problem(self, value: Any, example: Any) -> str | None:
        if isinstance(value, bool):
            return None
        if _is_number(value):
            return None if math.isfinite(value) else "must be a finite number"
        if not isinstance(value, str):
            return "must be text, a number or true/false (not a table or a list)"
        if len(value) > self.max_length:
            return f"must be at most {self.max_length} characters"
        if not _one_line(value):
            return "must be one line without control characters"
        bad = sorted({ch for ch in value if ch in CUSTOM_REFUSED})
        if bad:
            return (
                f"must be plain text without {' '.join(repr(ch) for ch in bad)} (a custom "
                "value goes into stylesheets and markup as it is)"
            )
        return None


# An absolute web address on one line: no spaces, quotes or characters a URL never holds.
_URL = re.compile(r"https?://[^\s\"'<>\\^`{}|]+(?:\{(?:id|lang)\}[^\s\"'<>\\^`{}|]*)*")


@dataclass(frozen=True)
class Url(Kind):
    """`""` or an absolute http:// or https:// address; `{id}` and `{lang}` may stand in it."""

    max_length: int = 500
    name = "URL"

    def allowed(self) -> str:
        return '`http://` or `https://`, `{id}` `{lang}` allowed, `""` for none'

    def problem(self, value: Any, example: Any) -> str | None:
        if isinstance(value, str) and (
            value == "" or (len(value) <= self.max_length and _URL.fullmatch(value))
        ):
            return None
        return f'must be an http:// or https:// URL like {shown(example)}, or "" for none'
