"""Layouts: a folder with `layout.toml` (design values) and Jinja templates, with inheritance."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from statementpress.errors import LayoutError

LAYOUT_FILE = "layout.toml"
# Built-in layouts are package data, so a wheel install finds them as a checkout does.
_BUNDLED = Path(__file__).resolve().parent / "layouts"
# Every layout must have the keys of this one, with the same types (see `check`).
REFERENCE = "official"
# Keys whose values are not compared with the reference's: free text, and the faces, which
# fonts.face_for checks (a layout names its own faces and languages).
_UNCHECKED = ("description", "fonts")
# Ranges where a wrong value would silently break an edition rather than fail.
_CHOICES: dict[str, tuple[Any, ...]] = {
    "signatures.columns": (2, 3),
    "text.align": ("justify", "left", "right", "center"),
    "docx.line_rule": ("exact", "multiple"),
}
_AT_LEAST_ONE = ("page.number_from_page", "text.widows", "text.orphans")
# A size, line height, width or height of 0 draws nothing or divides by zero.
_POSITIVE = re.compile(r"(^|_)(size|line_height|width|height)(_|$)")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# Templates of the package itself (the format macros every page template imports), reached
# from a layout's templates as "statementpress/<file>".
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "writers" / "templates"
PACKAGE_TEMPLATES_PREFIX = "statementpress"


def search_path() -> list[Path]:
    """Folders searched for layouts, first match wins.

    `$STATEMENTPRESS_LAYOUTS` (os.pathsep-separated), then `./layouts` of the project in the
    current directory, then the layouts bundled with statementpress.
    """
    dirs = [Path(p) for p in os.environ.get("STATEMENTPRESS_LAYOUTS", "").split(os.pathsep) if p]
    dirs.append(Path.cwd() / "layouts")
    dirs.append(_BUNDLED)
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [s.resolve() for s in seen]:
            seen.append(d)
    return seen


def available() -> list[str]:
    """Names of every layout found on the search path, sorted."""
    names = {
        child.name
        for d in search_path()
        for child in d.iterdir()
        if (child / LAYOUT_FILE).is_file()
    }
    return sorted(names)


def _find(name: str) -> Path:
    for d in search_path():
        if (d / name / LAYOUT_FILE).is_file():
            return d / name
    raise LayoutError(
        f"unknown layout {name!r}; available layouts: {', '.join(available()) or 'none'}"
    )


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{path}: invalid TOML: {exc}") from None


def css_string(text: str) -> str:
    """`text` as a quoted CSS string.

    Quotes, backslashes, markup characters and line breaks are escaped.
    """
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>&\n\r\f' else ch for ch in text)
    return f'"{escaped}"'


class Layout:
    """A resolved layout: merged values of its inherit chain and a template environment.

    Templates are looked up in the layout's own folder first, then in each ancestor's,
    so a layout that inherits overrides only the files it has. A name prefixed with a
    layout of the chain (`official/statement.html.j2`) is that layout's file, which a
    template of the same name can `{% extends %}`; `statementpress/…` names the package's
    own templates (`statementpress/format.j2`, the macros of the page markup).
    """

    def __init__(self, name: str, dirs: tuple[Path, ...], values: dict[str, Any]) -> None:
        self.name = name
        self.dirs = dirs
        self.values = values

    def __repr__(self) -> str:
        return f"Layout({self.name!r}, dirs={[str(d) for d in self.dirs]})"

    @property
    def where(self) -> str:
        """The layout's name and file, as error messages name it."""
        return f"layout {self.name!r} ({self.dirs[0] / LAYOUT_FILE})"

    def get(self, dotted: str) -> Any:
        """The value at a dotted key such as `page.margin_left_mm`; LayoutError if missing."""
        node: Any = self.values
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise LayoutError(
                    f"layout {self.name!r} ({self.dirs[0] / LAYOUT_FILE}) has no value "
                    f"{dotted!r}; add it to layout.toml"
                )
            node = node[part]
        return node

    def number(self, dotted: str) -> float:
        """A numeric layout value; LayoutError naming the key if it is not a number."""
        value = self.get(dotted)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise LayoutError(f"layout {self.name!r}: {dotted!r} must be a number, not {value!r}")
        return value

    def find_file(self, relative: str) -> Path:
        """A file shipped with the layout (or an ancestor), e.g. a `reference.docx`."""
        for d in self.dirs:
            if (d / relative).is_file():
                return d / relative
        raise LayoutError(f"layout {self.name!r} has no file {relative!r}")

    @cached_property
    def env(self):
        """The Jinja environment for this layout's templates (autoescaped except CSS)."""
        import jinja2

        def autoescape(template_name: str | None) -> bool:
            return not (template_name or "").endswith((".css.j2", ".txt.j2"))

        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    # "statementpress/…": the package's macros (`fmt`), for every layout.
                    # "<layout>/…": that layout's own file, so that a template can extend
                    # the one of the layout it inherits while having the same name.
                    # (A layout's folder is named after it; the package's prefix wins.)
                    jinja2.PrefixLoader(
                        {
                            **{d.name: jinja2.FileSystemLoader(str(d)) for d in self.dirs},
                            PACKAGE_TEMPLATES_PREFIX: jinja2.FileSystemLoader(
                                str(PACKAGE_TEMPLATES)
                            ),
                        }
                    ),
                    # A bare name: the first layout of the inherit chain that has it.
                    jinja2.FileSystemLoader([str(d) for d in self.dirs]),
                ]
            ),
            autoescape=autoescape,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["nodetype"] = lambda node: type(node).__name__
        env.globals["css_string"] = css_string
        return env

    def render(self, template: str, **context: Any) -> str:
        """Render one of the layout's templates with the layout's values as `L`.

        Any error raised while rendering (a syntax error, a missing value, a value of the
        wrong type for an operation) becomes a LayoutError naming the layout, the template
        and, where known, its line.
        """
        import jinja2

        try:
            return self.env.get_template(template).render(L=self.values, layout=self, **context)
        except jinja2.TemplateNotFound as exc:
            raise LayoutError(f"layout {self.name!r} has no template {exc.name!r}") from None
        except jinja2.TemplateSyntaxError as exc:
            where = self._where(exc.filename or template, exc.lineno)
            raise LayoutError(f"{where}: template syntax error: {exc.message}") from None
        except jinja2.UndefinedError as exc:
            where = self._where(*self._template_frame(exc, template))
            raise LayoutError(
                f"{where}: {exc.message}; add the value to layout.toml or fix the template"
            ) from None
        except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            where = self._where(*self._template_frame(exc, template))
            raise LayoutError(
                f"{where}: {type(exc).__name__}: {exc}; check the layout's values and the template"
            ) from None

    def _where(self, template: str, line: int | None) -> str:
        # With inheritance the same name may exist in several folders: show which one.
        shown = (
            f"{Path(template).name!r} ({template})" if os.path.isabs(template) else repr(template)
        )
        return f"layout {self.name!r}, template {shown}" + (f", line {line}" if line else "")

    def _template_frame(self, exc: BaseException, template: str) -> tuple[str, int | None]:
        """The template file and line where `exc` was raised, else (`template`, None)."""
        # Jinja rewrites tracebacks so that template code shows as frames of its file.
        import traceback

        folders = [str(d.resolve()) for d in (*self.dirs, PACKAGE_TEMPLATES)]
        found: tuple[str, int | None] = (template, None)
        for frame in traceback.extract_tb(exc.__traceback__):
            path = str(Path(frame.filename).resolve()) if os.path.isabs(frame.filename) else ""
            if any(path.startswith(folder + os.sep) for folder in folders):
                found = (path, frame.lineno)
        return found


def _kind(value: Any) -> str:
    """The TOML kind of a value; int and float are both "number"."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, Mapping):
        return "table"
    return type(value).__name__


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _expected(key: str, example: Any) -> str:
    kind = _kind(example)
    if kind == "bool":
        return "true or false"
    if kind == "table":
        return f"a table ([{key}])"
    if kind == "number":
        return f"a number like {_shown(example)}"
    if kind == "str":
        return f"a string like {_shown(example)}"
    return f"a {kind} like {_shown(example)}"


def _reference_values() -> dict[str, Any]:
    path = _BUNDLED / REFERENCE / LAYOUT_FILE
    # An installation without the bundled layouts has nothing to compare with.
    return _read_toml(path) if path.is_file() else {}


def _type_problems(
    values: Mapping[str, Any], reference: Mapping[str, Any], prefix: str = ""
) -> list[str]:
    problems = []
    for key, example in reference.items():
        dotted = f"{prefix}{key}"
        if (not prefix and key in _UNCHECKED) or key == "inherit":
            continue
        if key not in values:
            problems.append(f"lacks {dotted!r}; add it or inherit {REFERENCE!r}")
            continue
        value = values[key]
        if _kind(value) != _kind(example):
            problems.append(f"{dotted!r} must be {_expected(dotted, example)}, not {_shown(value)}")
        elif _kind(value) == "table":
            problems.extend(_type_problems(value, example, f"{dotted}."))
    return problems


def _range_problems(
    values: Mapping[str, Any], reference: Mapping[str, Any], prefix: str = ""
) -> list[str]:
    # Only the reference's keys: a layout's own additions are its templates' business.
    problems = []
    for key in reference:
        dotted = f"{prefix}{key}"
        if (not prefix and key in _UNCHECKED) or key == "inherit":
            continue
        value = values[key]
        if isinstance(value, Mapping):
            problems.extend(_range_problems(value, reference[key], f"{dotted}."))
        elif dotted in _CHOICES:
            choices = _CHOICES[dotted]
            if (
                value not in choices
                or _kind(value) != _kind(choices[0])
                or (isinstance(value, float) and isinstance(choices[0], int))
            ):
                problems.append(
                    f"{dotted!r} must be "
                    f"{' or '.join(_shown(c) for c in choices)}, not {_shown(value)}"
                )
        elif dotted in _AT_LEAST_ONE:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(
                    f"{dotted!r} must be a whole number of at least 1, not {_shown(value)}"
                )
        elif _kind(value) == "number":
            if _POSITIVE.search(key) and value <= 0:
                problems.append(f"{dotted!r} must be greater than 0, not {_shown(value)}")
            elif value < 0:
                problems.append(f"{dotted!r} must not be negative, not {_shown(value)}")
        elif prefix == "colours." and isinstance(value, str) and not _COLOUR.fullmatch(value):
            problems.append(f"{dotted!r} must be a colour like '#1f3b63', not {_shown(value)}")
    return problems


def check(layout: Layout) -> None:
    """Check a layout's merged values before anything is written; LayoutError lists each problem.

    Every key of the bundled reference layout must be present with the same type (int and
    float alike), and values where a wrong number would silently break an edition must be in
    range (sizes > 0, lengths >= 0, 2 or 3 signature columns, known alignments, #rrggbb colours).
    """
    reference = _reference_values()
    problems = _type_problems(layout.values, reference)
    if not problems:
        problems = _range_problems(layout.values, reference)
    if problems:
        raise LayoutError("\n".join(f"{layout.where}: {p}" for p in problems))


def load(name: str) -> Layout:
    """Find a layout by name and resolve its `inherit` chain."""
    chain: list[Path] = []
    values: dict[str, Any] = {}
    current: str | None = name
    while current is not None:
        folder = _find(current)
        if folder in chain:
            raise LayoutError(f"layout {name!r}: inherit loop through {current!r}")
        chain.append(folder)
        data = _read_toml(folder / LAYOUT_FILE)
        values = _merge(data, values)
        parent = data.get("inherit")
        if parent is not None and not isinstance(parent, str):
            raise LayoutError(f"{folder / LAYOUT_FILE}: 'inherit' must be a layout name")
        current = parent
    values.pop("inherit", None)
    loaded = Layout(name, tuple(chain), values)
    check(loaded)
    return loaded
