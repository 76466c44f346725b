"""Checks a build runs before it writes anything; `statementpress check` runs the same ones.

Per statement: every character printed has a glyph in the layout's face (located in the
source, or at the `layout.toml` key that adds it), no word is too long to lay out, and the
edition files can be created where they go. Per format: the writer module's `check`
(`Writer.check`), for everything that writer could refuse; the helpers writers share for
that (templates, drawn glyphs, the environment's timestamp) are here too. Each problem is a
located `Diagnostic`; a writer never refuses at write time what a check let through.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statementpress import fonts, limits
from statementpress import layout as layouts
from statementpress.errors import Diagnostic, StatementpressError
from statementpress.model import LineBreak, NoteRef, Pos, Statement, Text, primary_language, walk
from statementpress.writers import Writer, edition_name

# A text in a script the face lacks has hundreds of such characters: name the first few.
MAX_GLYPH_PROBLEMS = 8


@dataclass(frozen=True)
class Drawn:
    """Text an edition draws besides the statement's own: `what` it is (for the message)
    and where it is set (`place`: path, line, column; line 0 when only the file is known)."""

    text: str
    what: str
    place: tuple[str, int, int]
    hint: str


def run(
    pairs: Sequence[tuple[Statement, layouts.Layout]],
    writers: Sequence[Writer],
    out: str | Path | None = None,
) -> list[Diagnostic]:
    """Every problem of the statements (with their layouts) in the formats of `writers`,
    and of their edition files in `out` (skipped when None), each once."""
    found: list[Diagnostic] = []
    for statement, layout in pairs:
        found.extend(glyphs(statement, layout))
        found.extend(long_words(statement))
        for writer in writers:
            found.extend(writer.check(statement, layout))
        if out is not None:
            found.extend(destinations(statement, writers, Path(out)))
    return list(dict.fromkeys(found))


def source_place(statement: Statement, key: str) -> tuple[str, int, int]:
    """Where a front matter key of the statement was written (1:1 if it was not)."""
    where = statement.meta.positions.get(key)
    pos = where.key if where else Pos(1, 1)
    return statement.source.path, pos.line, pos.col


_TABLE = re.compile(r"\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")


def layout_place(layout: layouts.Layout, dotted: str) -> tuple[str, int, int]:
    """Where `layout.toml` (of the layout or the nearest ancestor) sets `dotted`, else its
    table's header, else the layout's own file without a line."""
    table, _, key = dotted.rpartition(".")
    headers = []
    for folder in layout.dirs:
        path = folder / layouts.LAYOUT_FILE
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except OSError:
            continue
        current = ""
        for number, line in enumerate(lines, start=1):
            header = _TABLE.match(line)
            if header:
                current = header.group(1)
                if current == table:
                    headers.append((str(path), number, line.index("[") + 1))
                continue
            found = _KEY.match(line)
            if found and current == table and found.group(1) == key:
                return str(path), number, found.start(1) + 1
    if headers:
        return headers[0]
    return str(layout.dirs[0] / layouts.LAYOUT_FILE), 0, 0


def _first_places(statement: Statement, chars: Iterable[str]) -> dict[str, Pos]:
    """Where each of `chars` that the statement's text holds was first written, from the
    positions in the model (a typeset space or dash stands where the one it replaced was)."""
    wanted = set(chars)
    found: dict[str, Pos] = {}
    for text, pos in statement.strings():
        if pos is None:
            continue
        for ch in wanted.intersection(text):
            here = pos.at(text.index(ch))
            if ch not in found or here.key < found[ch].key:
                found[ch] = here
    return found


def layout_drawn(layout: layouts.Layout, face: fonts.FontFace) -> list[Drawn]:
    """What every edition draws from the layout: list markers and the hyphen (and the digits
    of numbers, which the face as a whole must have)."""
    change = "choose a character the face has, or a face that has it"
    drawn = [
        Drawn("0123456789.", "(a digit of the numbers)", layout_place(layout, face.key), change),
        Drawn(
            layout.get("lists.bullet"),
            "of lists.bullet",
            layout_place(layout, "lists.bullet"),
            change,
        ),
        Drawn(
            layout.get("lists.number_suffix"),
            "of lists.number_suffix",
            layout_place(layout, "lists.number_suffix"),
            change,
        ),
    ]
    if face.hyphenate:
        key = f"{face.key}.hyphenate_character"
        drawn.append(
            Drawn(face.hyphenate_character, f"of {key}", layout_place(layout, key), change)
        )
    return drawn


def language_drawn(statement: Statement, layout: layouts.Layout) -> list[Drawn]:
    """What the editions draw in the statement's language besides its text: the labels
    (headings such as 'Notes') and the date as printed."""
    return list(
        _GLYPHS.get((statement,), ("language",), lambda: _language_drawn(statement, layout))
    )


def _language_drawn(statement: Statement, layout: layouts.Layout) -> list[Drawn]:
    from statementpress.dates import format_date
    from statementpress.labels import statement_labels

    lang = statement.meta.lang
    hint = f"set a face that covers {lang!r} in [fonts.{primary_language(lang)}] of layout.toml"
    return [
        Drawn(
            " ".join(statement_labels(statement.meta).values()),
            f"of the {lang!r} headings and labels the editions print",
            source_place(statement, "lang"),
            hint,
        ),
        Drawn(
            format_date(statement.meta.date, lang),
            "of the date as printed",
            source_place(statement, "date"),
            hint,
        ),
    ]


class _Memo:
    """Results of checks that several writers ask for, kept for the objects they are about
    (a statement, a layout) while those live in the memo: each check then runs once per
    statement, layout and face, not once per format. A memo keeps the last few objects only
    (they are held, so that their ids are not reused while they are keys)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: dict[tuple[Any, ...], tuple[tuple[object, ...], Any]] = {}

    def get(self, held: tuple[object, ...], key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        full = (*(id(o) for o in held), *key)
        if full not in self._entries:
            if len(self._entries) >= self.size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[full] = (held, make())
        return self._entries[full][1]


_GLYPHS = _Memo(64)
_TEMPLATES = _Memo(256)


def drawn_glyphs(
    statement: Statement, layout: layouts.Layout, drawn: Iterable[Drawn]
) -> list[Diagnostic]:
    """A problem for each character of `drawn` that the layout's face lacks, at the place
    that adds it; characters of the statement's own text are left to `glyphs`.

    The same statement, layout and `drawn` (the labels and date every format prints) give
    the same answer: it is worked out once (`_Memo`)."""
    items = tuple(drawn)
    return list(
        _GLYPHS.get(
            (statement, layout), ("drawn", items), lambda: _drawn_glyphs(statement, layout, items)
        )
    )


def _drawn_glyphs(
    statement: Statement, layout: layouts.Layout, drawn: tuple[Drawn, ...]
) -> list[Diagnostic]:
    face = fonts.face_for(layout, statement.meta.lang)
    text = _GLYPHS.get((statement,), ("text",), lambda: fonts.statement_text(statement))
    found = []
    for item in drawn:
        for ch in fonts.missing_glyphs(face, item.text):
            if ch in text:
                continue
            found.append(
                Diagnostic(
                    *item.place,
                    f"{ch!r} (U+{ord(ch):04X}) {item.what} has no glyph in the face "
                    f"{face.family!r} ([{face.key}] of layout {layout.name!r}); {item.hint}",
                )
            )
    return found


def glyphs(statement: Statement, layout: layouts.Layout) -> list[Diagnostic]:
    """Characters the layout's face cannot draw that every edition prints: those of the
    statement's text, located in the source, and those the layout adds (list markers, the
    hyphen), located at their key in `layout.toml`."""
    face = fonts.face_for(layout, statement.meta.lang)
    text = _GLYPHS.get((statement,), ("text",), lambda: fonts.statement_text(statement))
    missing = fonts.missing_glyphs(face, text)
    found: list[Diagnostic] = []
    rest: list[tuple[str, Pos]] = []
    lang = statement.meta.lang
    key = f"[fonts.{primary_language(lang)}]"
    places = _first_places(statement, missing)
    for ch in missing:
        where = places.get(ch, Pos(1, 1))
        if len(found) == MAX_GLYPH_PROBLEMS:
            rest.append((ch, where))
            continue
        found.append(
            Diagnostic(
                statement.source.path,
                *where.key,
                f"{ch!r} (U+{ord(ch):04X}) has no glyph in the face {face.family!r} "
                f"([{face.key}] of layout {layout.name!r}); write another character, or set a "
                f"face that covers this {lang!r} text in {key} of layout.toml",
            )
        )
    if rest:
        (ch, where), more = rest[0], len(rest) - 1
        found.append(
            Diagnostic(
                statement.source.path,
                *where.key,
                f"{ch!r} (U+{ord(ch):04X}) and {more} more characters have no glyph in "
                f"{face.family!r}: this {lang!r} text needs its own face in {key} of layout.toml",
            )
        )
    return found + drawn_glyphs(statement, layout, layout_drawn(layout, face))


def _pieces(statement: Statement) -> Iterable[tuple[str, Pos | None] | None]:
    """The statement's strings for `limits.long_words`: each value on its own, each
    paragraph's text runs in order (a word may go on across emphasis)."""
    m = statement.meta
    values = [(m.positions, key, getattr(m, key)) for key in ("kind", "subtitle", "place")]
    values.append((m.positions, "title", "\n".join(m.title)))
    for s in statement.signatories:
        values.extend((s.positions, key, getattr(s, key)) for key in ("name", "title", "party"))
    for positions, key, value in values:
        if value:
            where = positions.get(key)
            yield value, where.value if where else None
            yield None
    for paragraph in statement.all_paragraphs():
        for node in walk(paragraph.content):
            if isinstance(node, Text):
                yield node.text, node.pos
            elif isinstance(node, (LineBreak, NoteRef)):
                yield None
        yield None


def long_words(statement: Statement) -> list[Diagnostic]:
    """Every run of characters too long to lay out on a line (`limits.MAX_WORD_LENGTH`),
    located at its first character."""
    found = []
    for word in limits.long_words(_pieces(statement)):
        pos = word.start or Pos(1, 1)
        found.append(
            Diagnostic(
                statement.source.path,
                pos.line,
                pos.col,
                f"a word of {word.length} characters with no space or hyphen "
                f"({word.sample}…); words are limited to {limits.MAX_WORD_LENGTH} characters, "
                "as a longer one does not fit on a line: put a space, a hyphen or a soft "
                "hyphen (&shy;) where it may break",
            )
        )
    return found


def destinations(statement: Statement, writers: Iterable[Writer], out: Path) -> list[Diagnostic]:
    """Problems of the edition files in `out`: a file name or path too long for the file
    system, a folder where an edition goes, a file where the statement's folder goes."""
    from statementpress.transaction import STAGING_PREFIX

    found = []
    folder = out / statement.meta.id
    if folder.exists() and not folder.is_dir():
        found.append(
            Diagnostic(
                *source_place(statement, "id"),
                f"{folder} is a file where the folder of this statement's editions should be; "
                "move it away, or build into another folder with --out",
            )
        )
    # The longest path the build creates: the staging folder's copy of the edition.
    staging = Path(os.path.abspath(out)) / f"{STAGING_PREFIX}{'9' * 10}-{'f' * 8}" / "new"
    for writer in writers:
        file = edition_name(statement, writer)
        dest = folder / file
        size = len(os.fsencode(file))
        longest = len(os.fsencode(staging / statement.meta.id / file))
        if size > limits.MAX_NAME_BYTES:
            found.append(
                Diagnostic(
                    *source_place(statement, "lang"),
                    f"the {writer.label} edition's file name would be {size} bytes long; file "
                    f"systems take at most {limits.MAX_NAME_BYTES}: shorten the language tag",
                )
            )
        elif longest > limits.MAX_PATH_BYTES:
            found.append(
                Diagnostic(
                    *source_place(statement, "id"),
                    f"the path of the {writer.label} edition would be {longest} bytes long; "
                    f"paths are limited to {limits.MAX_PATH_BYTES}: build into a folder with "
                    "a shorter path (--out)",
                )
            )
        elif dest.is_dir():
            found.append(
                Diagnostic(
                    *source_place(statement, "id"),
                    f"{dest} is a folder where the {writer.label} edition should be written; "
                    "move it away, or build into another folder with --out",
                )
            )
    return found


def templates(layout: layouts.Layout, names: Iterable[str]) -> list[Diagnostic]:
    """Syntax errors in the named templates of the layout and in every template they extend,
    import or include, each at its file and line.

    A template's syntax is the layout's alone: each is parsed once per Layout object (a
    build loads each layout once; `serve` loads it again when one of its files changed),
    not once per statement and format."""
    seen: set[str] = set()
    todo = list(names)
    found = []
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        problems, refs = _TEMPLATES.get(
            (layout,), (name,), functools.partial(_template, layout, name)
        )
        found.extend(problems)
        todo.extend(refs)
    return found


def _template(layout: layouts.Layout, name: str) -> tuple[list[Diagnostic], list[str]]:
    """The syntax error of one template of the layout (if any), and the templates it names."""
    import jinja2
    from jinja2 import meta

    env = layout.env
    assert env.loader is not None
    try:
        source, filename, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        where = str(layout.dirs[0] / layouts.LAYOUT_FILE)
        return [Diagnostic(where, 0, 0, f"layout {layout.name!r} has no template {name!r}")], []
    try:
        parsed = env.parse(source, name, filename)
    except jinja2.TemplateSyntaxError as exc:
        message = f"template syntax error: {exc.message} (a template of layout {layout.name!r})"
        return [Diagnostic(filename or name, exc.lineno or 1, 1, message)], []
    return [], [ref for ref in meta.find_referenced_templates(parsed) if ref]


def rendered(render: object) -> list[Diagnostic]:
    """Run `render()` (what a writer renders from the layout's templates, without writing);
    a problem for the layout error it raises, if any."""
    assert callable(render)
    try:
        render()
    except StatementpressError as exc:
        return [Diagnostic("", 0, 0, exc.format_message())]
    return []


def rendered_locally(
    layout: layouts.Layout,
    edition: str,
    names: Sequence[str],
    render: Callable[[], tuple[str | bytes, Iterable[str]]],
    xml: bool = False,
) -> list[Diagnostic]:
    """Run `render()`, which renders a page of the `edition` ("HTML") from the layout's
    templates `names` as the writer does, without writing, and returns its markup (XHTML
    with `xml`) and its separate stylesheets: a problem for the layout error it raises,
    else one for each thing the page would make a reader's software fetch from the network
    or run when opened (`remote.check`; the page is parsed once)."""
    from statementpress import remote

    try:
        markup, stylesheets = render()
    except StatementpressError as exc:
        return [Diagnostic("", 0, 0, exc.format_message())]
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8")
    return remote.check(layout, edition, names, markup, xml=xml, stylesheets=stylesheets)
