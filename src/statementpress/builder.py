"""Builder: validate every source first, then write each edition atomically into the output."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from statementpress import fonts, parallel
from statementpress import layout as layouts
from statementpress.errors import BuildError, Diagnostic, SourceError, StatementpressError
from statementpress.model import Pos, Statement, primary_language
from statementpress.reader import load
from statementpress.writers import (
    GROUP_WRITERS,
    PARALLEL,
    WRITERS,
    Edition,
    GroupWriter,
    PageWriter,
    Writer,
    edition_name,
)

log = logging.getLogger("statementpress")

DEFAULT_SOURCES = Path("source")
DEFAULT_OUT = Path("build")
# A text in a script the face lacks has hundreds of such characters: name the first few.
MAX_GLYPH_PROBLEMS = 8


def find_sources(sources: Sequence[str | Path] = ()) -> list[Path]:
    """The given source files, or every `source/*.md` when none is given."""
    if sources:
        return [Path(s) for s in sources]
    found = sorted(DEFAULT_SOURCES.glob("*.md"))
    if not found:
        raise BuildError(
            f"no sources found in {DEFAULT_SOURCES}/; create one with 'statementpress new ID' "
            "or name the files to build"
        )
    return found


def load_all(sources: Sequence[str | Path] = ()) -> list[Statement]:
    """Load and validate every source; one SourceError lists the problems of all of them."""
    statements: list[Statement] = []
    problems = []
    for path in find_sources(sources):
        try:
            statements.append(load(path))
        except SourceError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SourceError(problems)
    _check_translations(statements)
    return statements


def _key_pos(statement: Statement, key: str) -> Pos:
    """Where a front matter key of the statement was written (1:1 if it was not)."""
    where = statement.meta.positions.get(key)
    return where.key if where else Pos(1, 1)


def _check_translations(statements: Sequence[Statement]) -> None:
    """Sources sharing an id are translations: one per language, at most one authoritative."""
    by_id: dict[str, list[Statement]] = {}
    problems: list[Diagnostic] = []
    for st in statements:
        group = by_id.setdefault(st.meta.id, [])
        for other in group:
            if other.meta.lang == st.meta.lang:
                problems.append(
                    Diagnostic(
                        st.source.path,
                        *_key_pos(st, "lang").key,
                        f"{other.source.path} is already the {st.meta.lang!r} version of "
                        f"{st.meta.id!r}; give this source another id, or the lang of its language",
                    )
                )
        group.append(st)
    for statement_id, group in by_id.items():
        marked = [st for st in group if st.meta.authoritative]
        for st in marked[1:]:
            problems.append(
                Diagnostic(
                    st.source.path,
                    *_key_pos(st, "authoritative").key,
                    f"{marked[0].source.path} already marks its language version of "
                    f"{statement_id!r} authoritative; keep 'authoritative: true' in one of them",
                )
            )
        for st in group:
            said = st.meta.translation
            if marked and said and said.of.lower() != marked[0].meta.lang.lower():
                problems.append(
                    Diagnostic(
                        st.source.path,
                        *_key_pos(st, "translation").key,
                        f"'translation' says the authoritative text is in {said.of!r}, but "
                        f"{marked[0].source.path}, the authoritative version of "
                        f"{statement_id!r}, is in {marked[0].meta.lang!r}; make them agree",
                    )
                )
    if problems:
        raise SourceError(problems)


def prepare(statement: Statement) -> Statement:
    """The statement as writers receive it: typeset by the rules of its language."""
    from statementpress import typography
    from statementpress.dates import has_national_style

    if not has_national_style(statement.meta.lang):
        log.warning(
            "%s: dates in %r are printed in ISO 8601 form (CLDR has no date style "
            "for this language)",
            statement.source.path,
            statement.meta.lang,
        )
    return typography.apply(statement)


def resolve_formats(formats: Iterable[str] = ()) -> list[str]:
    """Format names in build order; "all" (or nothing) means every registered format, group
    writers included; "parallel" means every group writer (the parallel editions)."""
    wanted = set(formats) or {"all"}
    every = [*WRITERS, *GROUP_WRITERS]
    unknown = wanted - set(every) - {"all", PARALLEL}
    if unknown:
        raise BuildError(
            f"unknown format {sorted(unknown)[0]!r}; valid formats: {', '.join(every)}, "
            f"{PARALLEL}, all"
        )
    if "all" in wanted:
        return every
    if PARALLEL in wanted:
        wanted |= set(GROUP_WRITERS)
    return [name for name in every if name in wanted]


def check_groups(
    pairs: Sequence[tuple[Statement, layouts.Layout]], formats: Iterable[str] | None = None
) -> list[parallel.Group]:
    """The groups of language versions among `pairs`, after running the check of each group
    writer among `formats` (None: every group writer, as `statementpress check` does).

    Every problem of every group is raised at once, as one SourceError, before anything is
    written. With no group writer among `formats`, versions that could not be aligned are
    only a warning: they are still printed one by one.
    """
    found = parallel.groups(pairs)
    chosen = [
        name for name in (GROUP_WRITERS if formats is None else formats) if name in GROUP_WRITERS
    ]
    problems: set[Diagnostic] = set()
    for group in found:
        if not chosen:
            for problem in parallel.check(group.statements):
                log.warning("%s", str(problem).replace(": error: ", ": ", 1))
        for name in chosen:
            problems.update(GROUP_WRITERS[name].check(group.statements, group.layouts))
    if problems:
        raise SourceError(list(problems))
    return found


def write_atomically(write: Callable[[Path], object], dest: Path) -> Path:
    """Run `write` on a temporary file beside `dest`, then rename it into place.

    A failed write leaves no partial file and an earlier good `dest` untouched.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        write(tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


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


def _check_glyphs(statement: Statement, chosen: layouts.Layout) -> list[Diagnostic]:
    """Characters the layout's face cannot draw: located in the source where they are there;
    a BuildError for those the layout itself adds (its list markers, its hyphen)."""
    face = fonts.face_for(chosen, statement.meta.lang)
    missing = fonts.missing_glyphs(
        face, fonts.statement_text(statement) + fonts.layout_glyphs(chosen, face)
    )
    found: list[Diagnostic] = []
    rest: list[tuple[str, Pos]] = []
    lang = statement.meta.lang
    key = f"[fonts.{primary_language(lang)}]"
    places = _first_places(statement, missing)
    for ch in missing:
        where = places.get(ch)
        if where is None:
            # Not in the text: the layout adds it (a list marker, its hyphen). This raises,
            # naming the layout key.
            fonts.check_coverage(face, statement, extra=ch)
            continue
        if len(found) == MAX_GLYPH_PROBLEMS:
            rest.append((ch, where))
            continue
        found.append(
            Diagnostic(
                statement.source.path,
                *where.key,
                f"{ch!r} (U+{ord(ch):04X}) has no glyph in the face {face.family!r} "
                f"([{face.key}] of layout {chosen.name!r}); write another character, or set a face "
                f"that covers this {lang!r} text in {key} of layout.toml",
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
    return found


def prepare_all(
    sources: Sequence[str | Path] = (),
    layout: str | None = None,
    layout_dirs: Sequence[str | Path] = (),
) -> list[tuple[Statement, layouts.Layout]]:
    """Everything a build checks before it writes: every source read, validated and typeset,
    its layout loaded, and every character it prints present in the layout's face.

    `layout_dirs` are searched for layouts before the project's and the built-in ones; a
    layout a source names that none of them has is an error at the source's `layout:` line.
    """
    statements = [prepare(st) for st in load_all(sources)]
    cache: dict[str, layouts.Layout | None] = {}
    problems: list[Diagnostic] = []
    pairs = []
    for st in statements:
        name = layout or st.meta.layout
        if name not in cache:
            try:
                cache[name] = layouts.load(name, layout_dirs)
            except layouts.UnknownLayoutError:
                if layout is not None:
                    raise
                cache[name] = None
        chosen = cache[name]
        if chosen is None:
            problems.append(
                Diagnostic(
                    st.source.path,
                    *_key_pos(st, "layout").key,
                    f"unknown layout {name!r}; available layouts: "
                    f"{', '.join(layouts.available(layout_dirs)) or 'none'}",
                )
            )
            continue
        problems.extend(_check_glyphs(st, chosen))
        pairs.append((st, chosen))
    if problems:
        raise SourceError(problems)
    return pairs


def build(
    sources: Sequence[str | Path] = (),
    formats: Iterable[str] = (),
    layout: str | None = None,
    out: str | Path = DEFAULT_OUT,
    on_written: Callable[[Path], None] | None = None,
    layout_dirs: Sequence[str | Path] = (),
) -> list[Path]:
    """Build the editions of every source; returns the paths written.

    Every source is validated before anything is written, so bad input writes nothing.
    `layout` overrides the layout named in each source; `on_written` is called per edition;
    `layout_dirs` are searched for layouts first (see `layout.search_path`).
    Pages (`PageWriter`, the HTML edition) are written after every other format, each with
    the list of its statement's editions written before it.
    """
    names = resolve_formats(formats)
    pairs = prepare_all(sources, layout, layout_dirs)
    together = [name for name in names if name in GROUP_WRITERS]
    groups = check_groups(pairs, together)
    written: list[Path] = []

    def write(writer: Writer, st: Statement, chosen: layouts.Layout, **extra: Any) -> Path:
        dest = Path(out) / st.meta.id / edition_name(st, writer)
        log.debug("writing %s", dest)
        try:
            write_atomically(lambda tmp: writer.write(st, chosen, tmp, **extra), dest)
        except StatementpressError:
            raise
        except OSError as exc:
            raise BuildError(f"cannot write {dest}: {exc.strerror or exc}") from None
        written.append(dest)
        if on_written:
            on_written(dest)
        return dest

    def write_group(writer: GroupWriter, group: parallel.Group) -> Path:
        dest = Path(out) / group.id / parallel.edition_name(group.statements, writer.extension)
        log.debug("writing %s", dest)
        try:
            write_atomically(lambda tmp: writer.write(group.statements, group.layouts, tmp), dest)
        except OSError as exc:
            raise BuildError(f"cannot write {dest}: {exc.strerror or exc}") from None
        written.append(dest)
        if on_written:
            on_written(dest)
        return dest

    # Three steps, whatever the order of the registry: first every edition that links no
    # other, format by format; then the group writers' editions (the parallel editions) of
    # each group; then the pages, each given the editions of its statement (translations and
    # parallel editions included) that the first two steps wrote.
    pages = [name for name in names if isinstance(WRITERS.get(name), PageWriter)]
    editions: dict[str, list[Edition]] = {}
    for fmt in names:
        if fmt in pages or fmt in GROUP_WRITERS:
            continue
        for st, chosen in pairs:
            dest = write(WRITERS[fmt], st, chosen)
            editions.setdefault(st.meta.id, []).append(Edition(dest, WRITERS[fmt], st.meta.lang))
    for fmt in together:
        for group in groups:
            dest = write_group(GROUP_WRITERS[fmt], group)
            editions.setdefault(group.id, []).append(
                Edition(dest, GROUP_WRITERS[fmt], group.langs[0], group.langs)
            )
    for fmt in pages:
        for st, chosen in pairs:
            write(WRITERS[fmt], st, chosen, editions=tuple(editions.get(st.meta.id, ())))
    return written
