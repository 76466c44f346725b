"""Layouts: a folder with `layout.toml` (design values) and Jinja templates, with inheritance."""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path, PurePath
from typing import Any

from statementpress import layout_schema, linebreak
from statementpress.errors import LayoutError
from statementpress.layout_kinds import LAYOUT_NAME

LAYOUT_FILE = "layout.toml"
# Built-in layouts are package data, so a wheel install finds them as a checkout does.
_BUNDLED = Path(__file__).resolve().parent / "layouts"
# Folders given in this variable (os.pathsep-separated) are searched as --layout-dir ones.
ENV_DIRS = "STATEMENTPRESS_LAYOUTS"
# Templates of the package itself (the format macros every page template imports), reached
# from a layout's templates as "statementpress/<file>".
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "writers" / "templates"
PACKAGE_TEMPLATES_PREFIX = "statementpress"


class UnknownLayoutError(LayoutError):
    """No folder on the search path has a layout of this name."""


def is_name(name: str) -> bool:
    """Whether `name` is a well-formed layout name (a folder name, no path)."""
    return bool(LAYOUT_NAME.fullmatch(name))


def search_path(dirs: Sequence[Path | str] = ()) -> list[Path]:
    """Folders searched for layouts, first match wins.

    The `dirs` given (`--layout-dir`, in order), then the folders of `$STATEMENTPRESS_LAYOUTS`
    (os.pathsep-separated), then `./layouts` of the project in the current directory, then
    the layouts built into statementpress. A user layout thus shadows a built-in one.
    """
    candidates = [Path(d) for d in dirs]
    candidates += [Path(p) for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p]
    candidates += [Path.cwd() / "layouts", _BUNDLED]
    seen: list[Path] = []
    for d in candidates:
        if d.is_dir() and d.resolve() not in [s.resolve() for s in seen]:
            seen.append(d)
    return seen


def available(dirs: Sequence[Path | str] = ()) -> list[str]:
    """Names of every layout found on the search path, sorted."""
    names = {
        child.name
        for d in search_path(dirs)
        for child in d.iterdir()
        if is_name(child.name) and (child / LAYOUT_FILE).is_file()
    }
    return sorted(names)


def _find(name: str, dirs: Sequence[Path | str], chain: Sequence[Path]) -> Path:
    """The first folder of layout `name` on the search path that is not already in `chain`.

    Skipping the chain lets a user layout `official` say `inherit = "official"` to extend
    the built-in one it shadows.
    """
    if not is_name(name):
        raise UnknownLayoutError(f"invalid layout name {name!r}: use the name of a layout folder")
    found = [d / name for d in search_path(dirs) if (d / name / LAYOUT_FILE).is_file()]
    resolved = [c.resolve() for c in chain]
    for folder in found:
        if folder.resolve() not in resolved:
            return folder
    if found:
        raise LayoutError(f"layout {chain[0].name!r}: inherit loop through {name!r}")
    raise UnknownLayoutError(
        f"unknown layout {name!r}; available layouts: {', '.join(available(dirs)) or 'none'}"
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

    def __reduce__(self) -> tuple[Any, ...]:
        # A layout crosses to a build worker (statementpress.jobs) as its name, folders and
        # values; the worker keeps one Layout, with its compiled templates, per such triple.
        return (_restored, (self.name, self.dirs, self.values))

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
        """A file shipped with the layout (or an ancestor), e.g. a `reference.docx`: the
        first layout folder of the chain that has it, symlinks resolved. A path that leaves
        that folder (`..`, an absolute path, a symlink pointing elsewhere) is a LayoutError."""
        for d in self.dirs:
            folder = d.resolve()
            path = (folder / relative).resolve()
            if not path.is_relative_to(folder):
                raise LayoutError(
                    f"{self.where}: {relative!r} leaves the layout's folder {d} "
                    f"(it resolves to {path}); a layout may use only its own files"
                )
            if path.is_file():
                return path
        raise LayoutError(f"layout {self.name!r} has no file {relative!r}")

    @cached_property
    def env(self):
        """The Jinja environment for this layout's templates (autoescaped except CSS).

        Templates run sandboxed (`_sandbox`): they read the values and the model they are
        given, and can reach neither Python's internals nor files."""
        import jinja2

        def autoescape(template_name: str | None) -> bool:
            return not (template_name or "").endswith((".css.j2", ".txt.j2"))

        env = _sandbox()(
            loader=jinja2.ChoiceLoader(
                [
                    # "statementpress/…": the package's macros (`fmt`), for every layout.
                    # "<layout>/…": that layout's own file, so that a template can extend
                    # the one of the layout it inherits while having the same name.
                    # (A layout's folder is named after it; the package's prefix wins.)
                    jinja2.PrefixLoader(
                        {
                            **{d.name: _FolderLoader(self, [d]) for d in self.dirs},
                            PACKAGE_TEMPLATES_PREFIX: _FolderLoader(self, [PACKAGE_TEMPLATES]),
                        }
                    ),
                    # A bare name: the first layout of the inherit chain that has it.
                    _FolderLoader(self, list(self.dirs)),
                ]
            ),
            autoescape=autoescape,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["nodetype"] = lambda node: type(node).__name__
        env.filters["bind_calls"] = linebreak.bind_note_calls
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


# The layouts a build worker has received, with their compiled templates (`Layout.__reduce__`).
_RESTORED: dict[str, Layout] = {}


def _restored(name: str, dirs: tuple[Path, ...], values: dict[str, Any]) -> Layout:
    """The Layout of a worker for these name, folders and values: the same object for the
    same ones, so that its templates are compiled once per worker."""
    import hashlib

    key = hashlib.sha256(repr((name, dirs, values)).encode()).hexdigest()
    found = _RESTORED.get(key)
    if found is None:
        if len(_RESTORED) > 32:
            _RESTORED.clear()
        found = _RESTORED[key] = Layout(name, dirs, values)
    return found


# What a template may read of the objects it is given that could reach further: a path's
# name (never its file), a layout's values. Anything else of them is refused.
_SAFE_ATTRIBUTES: tuple[tuple[type, frozenset[str]], ...] = (
    (PurePath, frozenset({"name", "stem", "suffix"})),
)
_LAYOUT_ATTRIBUTES = frozenset({"name", "values", "get", "number", "where"})


@functools.cache
def _sandbox() -> Any:
    """The class of the layouts' Jinja environment: Jinja's sandbox (no `__class__`,
    `__globals__`, …), which besides lets a template use only the harmless attributes of
    paths and layouts and nothing of Jinja's own objects."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    class Sandbox(SandboxedEnvironment):
        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            if isinstance(obj, (jinja2.Environment, jinja2.BaseLoader)):
                return False
            if isinstance(obj, Layout):
                return attr in _LAYOUT_ATTRIBUTES
            for kind, allowed in _SAFE_ATTRIBUTES:
                if isinstance(obj, kind):
                    return attr in allowed
            return bool(super().is_safe_attribute(obj, attr, value))

    return Sandbox


@functools.cache
def _folder_loader() -> Any:
    """The class of `_FolderLoader`, made when Jinja is first needed (imported lazily)."""
    import jinja2

    class FolderLoader(jinja2.FileSystemLoader):
        """Templates from folders, each inside its folder once symlinks are resolved."""

        def __init__(self, layout: Layout, folders: list[Path]) -> None:
            super().__init__([str(f) for f in folders])
            self.layout = layout
            self.folders = [f.resolve() for f in folders]

        def get_source(self, environment, template):  # noqa: D102 - Jinja API
            source, filename, uptodate = super().get_source(environment, template)
            real = Path(filename).resolve()
            if not any(real.is_relative_to(folder) for folder in self.folders):
                raise LayoutError(
                    f"{self.layout.where}: template {template!r} leaves the layout's folder "
                    f"(it resolves to {real}); a layout may use only its own files"
                )
            return source, filename, uptodate

    return FolderLoader


def _FolderLoader(layout: Layout, folders: list[Path]) -> Any:  # noqa: N802 - a class maker
    return _folder_loader()(layout, folders)


def check(layout: Layout, origins: Mapping[str, Path] | None = None) -> None:
    """Check a layout's merged values against the schema before anything is written.

    One LayoutError lists every problem, a line each, naming the layout, the `layout.toml`
    that set the key (`origins`, dotted key -> file; else the layout's own) and the key.
    See `layout_schema` for the keys, their kinds and ranges.
    """
    problems = layout_schema.problems(layout.values)
    if problems:
        own = layout.dirs[0] / LAYOUT_FILE
        raise LayoutError(
            "\n".join(
                f"layout {layout.name!r} ({(origins or {}).get(p.key, own)}): {p.message}"
                for p in problems
            )
        )
    # The layout's own files are found now, before anything is written.
    reference = layout.get("docx.reference")
    if reference:
        problem = _reference_problem(layout.find_file(reference))
        if problem:
            raise LayoutError(f"{layout.where}: docx.reference {reference!r} {problem}")


# Relationship types a Word document may point outside itself with: a hyperlink is only
# followed when a reader clicks it. Any other external target (an attached template, a
# linked image or object, a frame, a subdocument) is fetched by Word when it opens the file.
_FOLLOWED_ONLY_ON_CLICK = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
)


def _reference_problem(path: Path) -> str | None:
    """What makes `path` unfit as a reference document, or None: it must be a Word package
    whose parts point at nothing outside it (hyperlinks excepted)."""
    import zipfile

    from lxml import etree

    if not zipfile.is_zipfile(path):
        return "is not a Word document (.docx is a zip package)"
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if not name.endswith(".rels"):
                continue
            try:
                root = etree.fromstring(
                    package.read(name), etree.XMLParser(resolve_entities=False, no_network=True)
                )
            except etree.XMLSyntaxError:
                return f"has a damaged part {name}"
            for rel in root:
                if rel.get("TargetMode") == "External" and (
                    rel.get("Type") not in _FOLLOWED_ONLY_ON_CLICK
                ):
                    return (
                        f"points outside itself ({name}: {rel.get('Target')!r}); a reference "
                        "document may use only its own parts"
                    )
    return None


def _origins(data: Mapping[str, Any], file: Path, out: dict[str, Path], prefix: str = "") -> None:
    """Record `file` for every dotted key of `data` not yet in `out` (the nearest file wins)."""
    for key, value in data.items():
        out.setdefault(f"{prefix}{key}", file)
        if isinstance(value, Mapping):
            _origins(value, file, out, f"{prefix}{key}.")


def load(name: str, dirs: Sequence[Path | str] = ()) -> Layout:
    """Find a layout by name (see `search_path`) and resolve its `inherit` chain.

    UnknownLayoutError if no layout has that name; LayoutError for an invalid layout.
    """
    chain: list[Path] = []
    values: dict[str, Any] = {}
    origins: dict[str, Path] = {}
    current: str | None = name
    while current is not None:
        try:
            folder = _find(current, dirs, chain)
        except UnknownLayoutError as exc:
            if not chain:
                raise
            # A missing parent is a problem of the layout that names it, not of the source.
            raise LayoutError(f"{chain[-1] / LAYOUT_FILE}: inherit: {exc.message}") from None
        chain.append(folder)
        data = _read_toml(folder / LAYOUT_FILE)
        values = _merge(data, values)
        _origins(data, folder / LAYOUT_FILE, origins)
        parent = data.get("inherit")
        if parent is not None and not (isinstance(parent, str) and is_name(parent)):
            raise LayoutError(f"{folder / LAYOUT_FILE}: 'inherit' must be a layout name")
        current = parent
    values.pop("inherit", None)
    loaded = Layout(name, tuple(chain), values)
    check(loaded, origins)
    return loaded
