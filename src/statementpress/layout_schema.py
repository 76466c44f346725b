"""The schema of `layout.toml`: every key a layout may set, its kind, range and meaning.

The keys themselves are data in `layout_keys`; this module validates layouts with them
(`problems`) and documents them (`markdown`, the reference
in docs/layouts.md: `python -m statementpress.layout_schema` prints it). Each kind of value
checks its own shape (a length with its unit, a colour, a font family name, a relative file
path, …), so the places a value goes (CSS, XML, file lookups) can rely on that shape.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from statementpress.layout_keys import BASE, CUSTOM, FACE_NAME, TABLES, TOP, Key, Table
from statementpress.layout_kinds import (
    CUSTOM_KEY,
    shown,
)

_BY_NAME = {t.name: t for t in TABLES}


class Problem(NamedTuple):
    """One problem of a layout: the dotted key it is about and the message."""

    key: str
    message: str


def _suggest(name: str, candidates: list[str], prefix: str) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{prefix}{close[0]}'?"
    return f"; known keys: {', '.join(candidates)}" if candidates else ""


def _value(key: Key, dotted: str, value: Any) -> Iterator[Problem]:
    problem = key.kind.problem(value, key.example)
    if problem:
        yield Problem(dotted, f"{dotted!r} {problem}, not {shown(value)}")


def _table(
    table: Table, values: Mapping[str, Any], prefix: str, partial: bool = False
) -> Iterator[Problem]:
    for key in table.keys:
        dotted = f"{prefix}{key.name}"
        if key.name in values:
            yield from _value(key, dotted, values[key.name])
        elif key.required and not partial:
            yield Problem(dotted, f"lacks {dotted!r}; add it or inherit {BASE!r}")
    names = [k.name for k in table.keys]
    for name in values:
        if table.key(name) is None:
            dotted = f"{prefix}{name}"
            yield Problem(dotted, f"unknown key {dotted!r}{_suggest(name, names, prefix)}")


def _named(table: Table, values: Any) -> Iterator[Problem]:
    """The problems of a table of named tables (`[fonts]`, `[hyphenation]`)."""
    name = table.name
    if not isinstance(values, Mapping):
        yield Problem(name, f"{name!r} must be a table ([{name}]), not {shown(values)}")
        return
    if "default" not in values:
        yield Problem(f"{name}.default", f"lacks '{name}.default'; add it or inherit {BASE!r}")
    needed = ", ".join(k.name for k in table.keys if k.required)
    for sub, face in values.items():
        dotted = f"{name}.{sub}"
        if not FACE_NAME.fullmatch(sub):
            kind = "a face name" if name == "fonts" else "a table name"
            yield Problem(
                dotted,
                f"{dotted!r} is not {kind}: use 'default' or a primary language subtag "
                "in lower case, such as 'zh'",
            )
        elif not isinstance(face, Mapping):
            yield Problem(
                dotted,
                f"{dotted!r} must be a table ([{dotted}]) with {needed}, not {shown(face)}",
            )
        else:
            yield from _table(table, face, f"{dotted}.", table.partial and sub != "default")


def _faces(values: Any) -> Iterator[Problem]:
    return _named(_BY_NAME["fonts"], values)


def face_problems(fonts: Any) -> list[Problem]:
    """The problems of a layout's `fonts` table alone (`problems` includes them)."""
    return list(_faces(fonts))


def _custom(values: Any) -> Iterator[Problem]:
    if not isinstance(values, Mapping):
        yield Problem("custom", f"'custom' must be a table ([custom]), not {shown(values)}")
        return
    kind = CUSTOM.keys[0]
    for name, value in values.items():
        dotted = f"custom.{name}"
        if not CUSTOM_KEY.fullmatch(name):
            yield Problem(dotted, f"{dotted!r} is not a name: use letters, digits and '_'")
        else:
            yield from _value(kind, dotted, value)


def problems(values: Mapping[str, Any]) -> list[Problem]:
    """Every problem of a layout's merged values (its `inherit` already resolved).

    Each key of the schema must be there (unless optional) with a value of its kind; keys
    not in the schema are refused with the nearest known name. A layout's own values go in
    `[custom]`, whose values are plain (see `CUSTOM`).
    """
    found: list[Problem] = []
    for table in TABLES:
        if table.name not in values:
            found.append(Problem(table.name, f"lacks {table.name!r}; add it or inherit {BASE!r}"))
    for name, value in values.items():
        key = TOP.key(name)
        if key is not None:
            found.extend(_value(key, name, value))
        elif name in _BY_NAME and _BY_NAME[name].faces:
            found.extend(_named(_BY_NAME[name], value))
        elif name == CUSTOM.name:
            found.extend(_custom(value))
        elif name in _BY_NAME:
            if isinstance(value, Mapping):
                found.extend(_table(_BY_NAME[name], value, f"{name}."))
            else:
                found.append(
                    Problem(name, f"{name!r} must be a table ([{name}]), not {shown(value)}")
                )
        else:
            known = [k.name for k in TOP.keys] + list(_BY_NAME) + [CUSTOM.name]
            hint = _suggest(name, known, "")
            if isinstance(value, Mapping) and not hint.startswith("; did you mean"):
                hint = "; a layout's own values for its templates go in [custom]"
            found.append(Problem(name, f"unknown key {name!r}{hint}"))
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _rows(table: Table, heading: str) -> list[str]:
    lines = [
        f"### `{heading}`" if heading else "### Top level",
        "",
        table.doc,
        "",
        "| key | type | allowed | example | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key in table.keys:
        example = (
            f'`"{key.example}"`' if isinstance(key.example, str) else f"`{shown(key.example)}`"
        )
        meaning = key.doc if key.required else f"Optional. {key.doc}"
        lines.append(
            f"| `{key.name}` | {key.kind.name} | {_cell(key.kind.allowed())} | "
            f"{_cell(example)} | {_cell(meaning)} |"
        )
    return lines


def markdown() -> str:
    """The reference of every key as Markdown tables, one per table of `layout.toml`."""
    lines: list[str] = []
    for table, heading in [
        (TOP, ""),
        *[(t, f"[{t.name}.<name>]" if t.faces else f"[{t.name}]") for t in TABLES],
        (CUSTOM, "[custom]"),
    ]:
        lines.extend(_rows(table, heading))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


START = "<!-- layout-schema: start (generated by python -m statementpress.layout_schema) -->"
END = "<!-- layout-schema: end -->"


def with_reference(document: str) -> str:
    """`document` (docs/layouts.md) with the text between its START and END markers
    replaced by `markdown()`."""
    head, sep, rest = document.partition(START)
    _, sep2, tail = rest.partition(END)
    if not (sep and sep2):
        raise ValueError(f"the document has no {START!r} ... {END!r} markers")
    return f"{head}{START}\n\n{markdown()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Print the reference tables, or with `--write FILE` update them inside FILE."""
    if len(argv) == 2 and argv[0] == "--write":
        path = Path(argv[1])
        path.write_text(with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    if argv:
        print("usage: python -m statementpress.layout_schema [--write FILE]", file=sys.stderr)
        return 2
    print(markdown(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
