"""Builder: validate every source first, then write each edition atomically into the output folder."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from statementpress import fonts
from statementpress import layout as layouts
from statementpress.errors import BuildError, SourceError, StatementpressError
from statementpress.model import Statement
from statementpress.reader import load
from statementpress.writers import WRITERS, edition_name

log = logging.getLogger("statementpress")

DEFAULT_SOURCES = Path("source")
DEFAULT_OUT = Path("build")


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


def _check_translations(statements: Sequence[Statement]) -> None:
    """Sources sharing an id are translations: one per language, at most one authoritative."""
    by_id: dict[str, list[Statement]] = {}
    for st in statements:
        group = by_id.setdefault(st.meta.id, [])
        for other in group:
            if other.meta.lang == st.meta.lang:
                raise BuildError(
                    f"{st.source.path}: id {st.meta.id!r} in language {st.meta.lang!r} is also "
                    f"used by {other.source.path}; each source needs its own id (or another lang)"
                )
        group.append(st)
    for statement_id, group in by_id.items():
        marked = [st.source.path for st in group if st.meta.authoritative]
        if len(marked) > 1:
            raise BuildError(
                f"{', '.join(marked)}: more than one language of {statement_id!r} is marked "
                "authoritative; keep 'authoritative: true' in one of them"
            )
        counts = {(len(st.articles), len(st.signatories)) for st in group}
        if len(counts) > 1:
            log.warning(
                "translations of %r differ in their number of articles or signatories: %s",
                statement_id,
                ", ".join(f"{st.meta.lang}: {len(st.articles)} articles, "
                          f"{len(st.signatories)} signatories" for st in group),
            )


def prepare(statement: Statement) -> Statement:
    """The statement as writers receive it: typeset by the rules of its language."""
    from statementpress import typography
    from statementpress.dates import has_national_style

    if not has_national_style(statement.meta.lang):
        log.warning("%s: dates in %r are printed in ISO 8601 form (its national date style "
                    "is not implemented)", statement.source.path, statement.meta.lang)
    return typography.apply(statement)


def resolve_formats(formats: Iterable[str] = ()) -> list[str]:
    """Format names in build order; "all" (or nothing) means every registered format."""
    wanted = set(formats) or {"all"}
    unknown = wanted - set(WRITERS) - {"all"}
    if unknown:
        raise BuildError(
            f"unknown format {sorted(unknown)[0]!r}; valid formats: {', '.join(WRITERS)}, all"
        )
    if "all" in wanted:
        return list(WRITERS)
    return [name for name in WRITERS if name in wanted]


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


def build(
    sources: Sequence[str | Path] = (),
    formats: Iterable[str] = (),
    layout: str | None = None,
    out: str | Path = DEFAULT_OUT,
    on_written: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Build the editions of every source; returns the paths written.

    Every source is validated before anything is written, so bad input writes nothing.
    `layout` overrides the layout named in each source; `on_written` is called per edition.
    """
    names = resolve_formats(formats)
    statements = [prepare(st) for st in load_all(sources)]
    cache: dict[str, layouts.Layout] = {}
    for st in statements:
        name = layout or st.meta.layout
        if name not in cache:
            cache[name] = layouts.load(name)
        # Before anything is written: a language the layout has no face for stops the build.
        face = fonts.face_for(cache[name], st.meta.lang)
        fonts.check_coverage(face, st, extra=fonts.layout_glyphs(cache[name], face))
    written: list[Path] = []
    # Format by format, so that each HTML page (written last) finds every other edition of
    # its statement, translations included, beside it.
    for fmt in names:
        writer = WRITERS[fmt]
        for st in statements:
            chosen = cache[layout or st.meta.layout]
            dest = Path(out) / st.meta.id / edition_name(st, writer)
            log.debug("writing %s", dest)
            try:
                write_atomically(lambda tmp, w=writer, s=st, l=chosen: w.write(s, l, tmp), dest)
            except StatementpressError:
                raise
            except OSError as exc:
                raise BuildError(f"cannot write {dest}: {exc.strerror or exc}") from None
            written.append(dest)
            if on_written:
                on_written(dest)
    return written
