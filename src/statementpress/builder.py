"""Builder: run every check first, then write all editions as one transaction into the output."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from statementpress import layout as layouts
from statementpress import parallel
from statementpress.errors import BuildError, Diagnostic, SourceError
from statementpress.model import Statement
from statementpress.reader import load
from statementpress.transaction import Transaction
from statementpress.writers import (
    GROUP_WRITERS,
    PARALLEL,
    WRITERS,
    PageWriter,
)

if TYPE_CHECKING:
    import threading

    from statementpress.delivery.shard import Shard
    from statementpress.jobs import Pool

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


def load_all(
    sources: Sequence[str | Path] = (), max_source_size: int | None = None
) -> list[Statement]:
    """Load and validate every source; one SourceError lists the problems of all of them."""
    statements: list[Statement] = []
    problems = []
    for path in find_sources(sources):
        try:
            statements.append(load(path, max_source_size))
        except SourceError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SourceError(problems)
    _check_translations(statements)
    return statements


def _check_translations(statements: Sequence[Statement]) -> None:
    """Sources sharing an id are translations: one per language, at most one authoritative."""
    from statementpress import checks

    by_id: dict[str, list[Statement]] = {}
    problems: list[Diagnostic] = []
    for st in statements:
        group = by_id.setdefault(st.meta.id, [])
        for other in group:
            if other.meta.lang == st.meta.lang:
                problems.append(
                    Diagnostic(
                        *checks.source_place(st, "lang"),
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
                    *checks.source_place(st, "authoritative"),
                    f"{marked[0].source.path} already marks its language version of "
                    f"{statement_id!r} authoritative; keep 'authoritative: true' in one of them",
                )
            )
        for st in group:
            said = st.meta.translation
            if marked and said and said.of.lower() != marked[0].meta.lang.lower():
                problems.append(
                    Diagnostic(
                        *checks.source_place(st, "translation"),
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


def group_problems(
    pairs: Sequence[tuple[Statement, layouts.Layout]], formats: Iterable[str]
) -> list[Diagnostic]:
    """The problems of the groups of language versions among `pairs` for the group writers
    among `formats` (the parallel editions): each writer's `check` of each group.

    With no group writer among `formats`, versions that could not be aligned are only a
    warning: they are still printed one by one.
    """
    chosen = [name for name in formats if name in GROUP_WRITERS]
    problems: list[Diagnostic] = []
    for group in parallel.groups(pairs):
        if not chosen:
            for problem in parallel.check(group.statements):
                log.warning("%s", str(problem).replace(": error: ", ": ", 1))
        for name in chosen:
            problems.extend(GROUP_WRITERS[name].check(group.statements, group.layouts))
    return list(dict.fromkeys(problems))


def prepare_all(
    sources: Sequence[str | Path] = (),
    layout: str | None = None,
    layout_dirs: Sequence[str | Path] = (),
    formats: Iterable[str] = (),
    out: str | Path | None = None,
    max_source_size: int | None = None,
) -> list[tuple[Statement, layouts.Layout]]:
    """Everything a build checks before it writes, which `statementpress check` runs too:
    every source read, validated and typeset, its layout loaded, and the checks of
    `checks.run` for the given formats (all when none is given) and, unless `out` is None,
    for the edition files in `out`. One SourceError lists every problem found.

    `layout_dirs` are searched for layouts before the project's and the built-in ones; a
    layout a source names that none of them has is an error at the source's `layout:` line.
    `max_source_size` overrides the limit on a source's size (`limits.max_source_size`).
    """
    from statementpress import checks

    names = resolve_formats(formats)
    statements = [prepare(st) for st in load_all(sources, max_source_size)]
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
                    *checks.source_place(st, "layout"),
                    f"unknown layout {name!r}; available layouts: "
                    f"{', '.join(layouts.available(layout_dirs)) or 'none'}",
                )
            )
            continue
        pairs.append((st, chosen))
    problems.extend(checks.run(pairs, [WRITERS[name] for name in names if name in WRITERS], out))
    problems.extend(group_problems(pairs, names))
    if problems:
        raise SourceError(problems)
    return pairs


# A step after every edition is written and before the commit; it may add files to the
# build with `tx.path_for(relpath)` (a manifest, an index), which are committed with them.
PostWrite = Callable[[Transaction], object]


def build(
    sources: Sequence[str | Path] = (),
    formats: Iterable[str] = (),
    layout: str | None = None,
    out: str | Path = DEFAULT_OUT,
    on_written: Callable[[Path], None] | None = None,
    layout_dirs: Sequence[str | Path] = (),
    max_source_size: int | None = None,
    post_write: Sequence[PostWrite] = (),
    shard: Shard | None = None,
    on_plan: Callable[[int], None] | None = None,
    on_staged: Callable[[Path], None] | None = None,
    jobs: int = 1,
    force: bool = False,
    pool: Pool | None = None,
    only_pages: bool = False,
    cancel: threading.Event | None = None,
) -> list[Path]:
    """Build the editions of every source that are out of date; returns the paths written.

    An edition is rebuilt only when something it is made of changed since it was built
    into `out` (its source, layout files, fonts, statementpress, the options, the
    `SOURCE_DATE_EPOCH`), or its file there changed; `force` rebuilds every one (see
    `incremental`). When nothing is out of date, nothing is written and [] is returned.

    Every check of the editions to write (those of `prepare_all`) runs before anything is
    written, so bad input writes nothing. Then the build is one transaction (`Transaction`):
    every edition is written into a staging folder in `out`, each `post_write` step runs,
    the folder's manifest, SHA256SUMS and download page are made for what `out` will hold
    (`delivery.stage_index`), and only then are the files moved into place; any failure or
    signal before that leaves `out` as it was. `layout` overrides the layout named in each
    source; `layout_dirs` are searched for layouts first. With `shard`, every source is
    still read and checked, but only the statements of that shard are written.
    `jobs` processes write at once: this one and `jobs - 1` workers (`statementpress.jobs`;
    `pool`, kept by the caller, provides them warm), with the same bytes as one job.
    `on_plan` is called once with the number of editions about to be written, `on_staged`
    with each edition's staged file as it is written, `on_written` per file once all are
    in place. Returns the editions written (not the index files nor those of `post_write`).
    Pages (`PageWriter`, the HTML edition) are written after every other format,
    each with the list of its statement's editions (written now or up to date).
    With `only_pages`, only the out-of-date pages are written, listing the other editions
    as they are in `out` (`serve` shows an edited statement at once, then builds the rest).
    Once `cancel` is set, the build stops between two tasks with `jobs.Cancelled`, changing
    nothing (`serve` calls a build off for a newer edit).
    """
    from statementpress import build_run, limits

    names = resolve_formats(formats)
    paths = find_sources(sources)
    request = build_run.Request(
        paths=paths,
        limit=limits.max_source_size(max_source_size),
        singles=[
            WRITERS[n] for n in names if n in WRITERS and not isinstance(WRITERS[n], PageWriter)
        ],
        pages=[WRITERS[n] for n in names if isinstance(WRITERS.get(n), PageWriter)],
        together=[GROUP_WRITERS[n] for n in names if n in GROUP_WRITERS],
        layout=layout,
        layout_dirs=layout_dirs,
        force=force,
        shard=shard,
        jobs=jobs,
        pool=pool,
        post_write=post_write,
        on_plan=on_plan,
        on_staged=on_staged,
        only_pages=only_pages,
        cancel=cancel,
    )
    with Transaction(out) as tx:
        written = build_run.run(tx, request)
    if on_written:
        for path in written:
            on_written(path)
    return written
