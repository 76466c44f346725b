"""A build inside its transaction: what is out of date (`rebuild`), the checks, then the
editions, each a task of `jobs` (in the main process, and in workers with `--jobs`); then
the index files, the cache index, and the commit. `builder.build` opens the transaction."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statementpress import incremental, rebuild
from statementpress import jobs as pooling
from statementpress import layout as layouts
from statementpress.errors import BuildError, Diagnostic, SourceError

if TYPE_CHECKING:
    import threading

    from statementpress.delivery.shard import Shard
    from statementpress.model import Statement
    from statementpress.transaction import Transaction
    from statementpress.writers import Edition, Format, GroupWriter, Writer

# -- the tasks (run in a worker or in the main process; see `jobs`) -------------------------


@dataclass(frozen=True)
class Check:
    """Check one language version for the formats `writers` (`checks.run`)."""

    statement: Statement
    layout: layouts.Layout
    writers: tuple[Writer, ...]
    out: Path


def check_version(task: Check) -> list[Diagnostic]:
    """The problems `checks.run` finds in one version for the task's formats."""
    from statementpress import checks

    return checks.run([(task.statement, task.layout)], list(task.writers), task.out)


@dataclass(frozen=True)
class Write:
    """Write one edition into the staging folder: of `writer`, from `statements` (one, or
    a group's in column order) with their `layouts`; a page with the `editions` it lists."""

    writer: Format
    statements: tuple[Statement, ...]
    layouts: tuple[layouts.Layout, ...]
    dest: Path
    final: Path
    out: Path
    rel: str
    editions: tuple[Edition, ...] | None = None


@dataclass(frozen=True)
class Written:
    """An edition staged by a `Write`: where, and its bytes' SHA-256 and size."""

    rel: str
    dest: Path
    sha256: str
    bytes: int


def write_edition(task: Write) -> Written:
    """Run the task's writer; a file that cannot be written is a BuildError naming it."""
    from statementpress.delivery.records import sha256_file
    from statementpress.writers import GroupWriter

    writer: Any = task.writer
    try:
        if isinstance(writer, GroupWriter):
            writer.write(task.statements, task.layouts, task.dest)
        elif task.editions is not None:
            writer.write(task.statements[0], task.layouts[0], task.dest, editions=task.editions)
        else:
            writer.write(task.statements[0], task.layouts[0], task.dest)
        digest, size = sha256_file(task.dest), task.dest.stat().st_size
    except OSError as exc:
        raise BuildError(
            f"cannot write {task.final}: {exc.strerror or exc}; nothing was changed in {task.out}/"
        ) from None
    return Written(task.rel, task.dest, digest, size)


# -- the build -----------------------------------------------------------------------------


@dataclass
class Request:
    """What `builder.build` was asked for; the formats as writer objects, in build order."""

    paths: list[Path]
    limit: int
    singles: list[Writer]  # per language version, linking no other edition
    pages: list[Writer]  # the pages (`PageWriter`), written last
    together: list[GroupWriter]  # the parallel editions
    layout: str | None
    layout_dirs: Sequence[str | Path]
    force: bool
    shard: Shard | None
    jobs: int
    pool: pooling.Pool | None
    post_write: Sequence[Callable[[Transaction], object]]
    on_plan: Callable[[int], None] | None
    on_staged: Callable[[Path], None] | None
    only_pages: bool = False  # write the pages only, listing the other editions in place
    cancel: threading.Event | None = None  # once set, the build stops (`jobs.Cancelled`)


def run(tx: Transaction, request: Request) -> list[Path]:
    """Plan, check and write the build into `tx`, and commit it; return the editions
    written (none when every one was up to date: then nothing is committed)."""
    from statementpress import reader

    hasher = incremental.Hasher(incremental.read_memo(tx.out))
    code = incremental.code_fingerprint(hasher)
    index = incremental.Index(code)
    if not request.force:
        index = incremental.Index.read(tx.out, code)
    versions = rebuild.read_versions(request.paths, request.limit, index, reader.parse)
    if not rebuild.translations_agree(versions):
        from statementpress.builder import _check_translations

        _check_translations([_read(v) for v in versions])
    _choose_layouts(versions, request, hasher)
    plan = rebuild.Plan(tx.out, versions, hasher, index, rebuild.environment(code))
    keys: dict[int, str] = {}
    for v in versions:
        assert v.layout is not None
        keys.setdefault(id(v.layout), rebuild.layout_key(v.layout, hasher))
        plan.layout_keys[v.index] = keys[id(v.layout)]
    shard = request.shard
    writable = {v.index for v in versions if shard is None or shard.contains(v.id)}
    rebuild.mark_stale(
        plan, request.singles, request.pages, request.together, writable, request.force
    )
    stale_ids = {versions[i].id for i, _ in plan.stale} | {sid for sid, _ in plan.stale_groups}
    todo = [v for v in versions if v.id in stale_ids]
    from statementpress.builder import prepare

    for v in todo:
        v.typeset = prepare(_read(v))
    work = [v for v in todo if v.index in writable]
    pool = _pool(request, plan, work)
    try:
        _check(plan, request, todo, stale_ids, pool)
        written = _write(tx, plan, request, work, pool)
        if not written and _indexed(tx.out):
            if hasher.changed():
                incremental.write_memo(tx.out, hasher)
            return []
        for step in request.post_write:
            step(tx)
        from statementpress import delivery

        done = {w.rel.split("/")[0] for w in written}
        delivery.stage_index(tx, [_pair(v) for v in work if v.id in done])
        for w in written:
            plan.index.editions[w.rel] = incremental.Entry(plan.keys[w.rel], w.sha256, w.bytes)
        for v in versions:
            plan.index.sources[v.path] = v.summary
        tx.path_for(f"{incremental.CACHE_DIR}/{incremental.INDEX}").write_bytes(plan.index.dumps())
        inodes = {w.rel: os.stat(w.dest).st_ino for w in written}
        tx.commit()
    except BaseException:
        if pool is not None and request.pool is None:
            pool.kill()  # a failure or a signal: no worker goes on writing into the staging
        raise
    finally:
        if pool is not None and request.pool is None:
            pool.close()  # (nothing left to do after `kill`)
    _remember(plan, written, inodes)
    return [tx.final(w.rel) for w in written]


def _read(version: rebuild.Version) -> Statement:
    """The version's statement, parsed from its bytes if it was not yet."""
    from statementpress import reader

    if version.statement is None:
        version.statement = reader.parse(version.data, version.path)
    return version.statement


def _pair(version: rebuild.Version) -> tuple[Statement, layouts.Layout]:
    """The version as the checks and the index take it: typeset, with its layout."""
    assert version.typeset is not None and version.layout is not None
    return version.typeset, version.layout


def _choose_layouts(
    versions: list[rebuild.Version], request: Request, hasher: incremental.Hasher
) -> None:
    """Give every version its layout (the one asked for, else the one its source names);
    a source naming a layout that no folder has is a problem at its `layout:` line."""
    found: dict[str, layouts.Layout | None] = {}
    problems = []
    for v in versions:
        name = request.layout or str(v.summary["layout"])
        if name not in found:
            try:
                found[name] = rebuild.load_layout(name, request.layout_dirs, hasher)
            except layouts.UnknownLayoutError:
                if request.layout is not None:
                    raise
                found[name] = None
        v.layout = found[name]
        if v.layout is None:
            from statementpress.checks import source_place

            problems.append(
                Diagnostic(
                    *source_place(_read(v), "layout"),
                    f"unknown layout {name!r}; available layouts: "
                    f"{', '.join(layouts.available(request.layout_dirs)) or 'none'}",
                )
            )
    if problems:
        raise SourceError(problems)


def _pool(request: Request, plan: rebuild.Plan, work: list[rebuild.Version]) -> pooling.Pool | None:
    """The workers for this build: none with one job or little to do; else the pool given
    (`serve`'s, kept warm), or a new one started now, so that the workers import the PDF
    engine while this process runs the checks."""
    if request.jobs < 2 or not work or request.only_pages:
        return None  # (pages alone are quick, and a warm worker may be busy with a PDF)
    mine = {v.index for v in work}
    engined = [w for w in request.singles if w.engine]
    heavy = any((i, w.name) in plan.stale for w in engined for i in mine)
    if not heavy and not plan.stale_groups and len(work) < 4:
        return None
    pool = request.pool or pooling.Pool(min(request.jobs - 1, len(work)))
    pool.start()
    return pool


def _check(
    plan: rebuild.Plan,
    request: Request,
    todo: list[rebuild.Version],
    stale_ids: set[str],
    pool: pooling.Pool | None,
) -> None:
    """Run the checks of every out-of-date edition (as `prepare_all` does for a full build):
    `checks.run` per version for its formats, and the parallel editions' checks per group.
    One SourceError lists every problem."""
    from statementpress.builder import group_problems

    problems: list[Diagnostic] = []

    def found(more: list[Diagnostic]) -> Iterable[pooling.Task]:
        problems.extend(more)
        return ()

    formats = request.pages if request.only_pages else [*request.singles, *request.pages]
    tasks = []
    for v in todo:
        assert v.typeset is not None and v.layout is not None
        writers = tuple(w for w in formats if (v.index, w.name) in plan.stale)
        tasks.append(
            pooling.Task(
                check_version,
                Check(v.typeset, v.layout, writers, plan.out),
                label=v.path,
                then=found,
            )
        )
    pooling.run(tasks, pool, str(plan.out), request.cancel)
    for group in plan.groups():
        if group.id not in stale_ids or request.only_pages:
            continue
        chosen = [w.name for w in request.together if (group.id, w.name) in plan.stale_groups]
        if request.together and not chosen:
            continue  # its parallel editions are up to date: nothing to check or warn of
        problems.extend(group_problems([_pair(v) for v in group.members], chosen))
    if problems:
        raise SourceError(list(dict.fromkeys(problems)))


def _indexed(out: Path) -> bool:
    """Whether the output folder has its index files (a build that writes nothing still
    makes them where they are missing)."""
    from statementpress.delivery import MANIFEST, PAGE, SUMS

    return all((out / name).is_file() for name in (MANIFEST, PAGE, SUMS))


def _write(
    tx: Transaction,
    plan: rebuild.Plan,
    request: Request,
    work: list[rebuild.Version],
    pool: pooling.Pool | None,
) -> list[Written]:
    """Write every out-of-date edition of `work` into the staging folder: first those that
    link no other, then the parallel editions, then each page once the editions it lists
    are written (a page whose key did not change after all is left as it is). Returns what
    was staged, in build order."""
    staged: dict[str, Written] = {}
    pending = {v.id: 0 for v in work}
    groups = [g for g in plan.groups() if g.id in pending]

    def stage(rel: str) -> Path:
        try:
            return tx.path_for(rel)
        except OSError as exc:
            raise BuildError(
                f"cannot write {tx.final(rel)}: {exc.strerror or exc}; "
                f"nothing was changed in {tx.out}/"
            ) from None

    def task(writer: Format, versions: Sequence[rebuild.Version], rel: str, **extra: Any):
        statements = tuple(v.typeset for v in versions)
        chosen = tuple(v.layout for v in versions)
        dest, final = stage(rel), tx.final(rel)
        order = Write(writer, statements, chosen, dest, final, tx.out, rel, **extra)  # type: ignore[arg-type]
        heavy = writer.engine is not None
        return pooling.Task(write_edition, order, str(final), heavy, then=None)

    def record(result: Written) -> None:
        staged[result.rel] = result
        if request.on_staged:
            request.on_staged(result.dest)

    def edition_done(result: Written) -> Iterable[pooling.Task]:
        record(result)
        sid = result.rel.split("/", 1)[0]
        pending[sid] -= 1
        return pages(sid) if pending[sid] == 0 else ()

    def page_done(result: Written) -> Iterable[pooling.Task]:
        record(result)
        return ()

    def pages(sid: str) -> list[pooling.Task]:
        made = []
        files = {rel: w.dest for rel, w in staged.items()}
        for writer in request.pages:
            for v in work:
                if v.id != sid or (v.index, writer.name) not in plan.stale:
                    continue
                editions = rebuild.listed_editions(
                    plan, sid, request.singles, request.together, files
                )
                if request.only_pages:  # the editions in place; none where there is none yet
                    editions = [e for e in editions if e.path.is_file()]
                rel = plan.rel(v, writer)
                key = plan.key([v], writer, editions=incremental.listed(editions))
                if plan.fresh(rel, key, request.force):
                    continue
                made.append(task(writer, [v], rel, editions=tuple(editions)))
                made[-1].then = page_done
        return made

    tasks = []
    for writer in [] if request.only_pages else request.singles:
        for v in work:
            if (v.index, writer.name) in plan.stale:
                tasks.append(task(writer, [v], plan.rel(v, writer)))
                pending[v.id] += 1
    for gw in [] if request.only_pages else request.together:
        for group in groups:
            if (group.id, gw.name) in plan.stale_groups:
                tasks.append(task(gw, group.members, plan.group_rel(group, gw)))
                pending[group.id] += 1
    for t in tasks:
        t.then = edition_done
    if request.on_plan:
        page_count = sum(1 for v in work for w in request.pages if (v.index, w.name) in plan.stale)
        request.on_plan(len(tasks) + page_count)
    for sid, count in pending.items():
        if count == 0:
            tasks.extend(pages(sid))
    pooling.run(tasks, pool, str(tx.out), request.cancel)
    order = [plan.rel(v, w) for w in request.singles for v in work]
    order += [plan.group_rel(g, w) for w in request.together for g in groups]
    order += [plan.rel(v, w) for w in request.pages for v in work]
    return [staged[rel] for rel in order if rel in staged]


def _remember(plan: rebuild.Plan, written: list[Written], inodes: dict[str, int]) -> None:
    """After the commit: keep the hash of each edition written (if the file in place is the
    one staged), refresh those of the files only linked by this build, save the memo."""
    hasher = plan.hasher
    hasher.refresh()
    for w in written:
        final = plan.out.joinpath(*w.rel.split("/"))
        try:
            same = os.stat(final).st_ino == inodes[w.rel]
        except OSError:
            same = False
        if same:
            hasher.remember(final, w.sha256)
        else:
            hasher.forget(final)
    if hasher.changed():
        incremental.write_memo(plan.out, hasher)
