"""What a build must do: which sources to read again, which editions are out of date, and
the tasks that check and write them (for `builder.build`; see `incremental` for the keys).

A source is read and parsed when its bytes differ from those the index recorded (or there
is no index, or `--force`); an unchanged source is known by what the index kept of it (id,
language, layout), so a build with nothing to do reads no source twice, loads no font and
imports no PDF engine. Every language version of a statement with an out-of-date edition is
loaded, typeset and checked (the checks of `checks.run` for the formats it rewrites, and of
the parallel editions it rewrites), as `prepare_all` checks a full build.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statementpress import incremental
from statementpress import layout as layouts
from statementpress.errors import Diagnostic, SourceError, StatementpressError

if TYPE_CHECKING:
    from statementpress.model import Statement
    from statementpress.writers import Edition, Format, GroupWriter, Writer


@dataclass
class Version:
    """One source: a language version of a statement, loaded only when needed."""

    index: int
    path: str
    data: bytes
    sha256: str
    summary: dict[str, Any]
    statement: Statement | None = None  # as read from the source
    typeset: Statement | None = None  # as writers receive it (`builder.prepare`)
    layout: layouts.Layout | None = None

    @property
    def id(self) -> str:
        return str(self.summary["id"])

    @property
    def lang(self) -> str:
        return str(self.summary["lang"])


@dataclass
class Group:
    """The language versions of one statement, in column order (authoritative first)."""

    id: str
    members: list[Version]


# Layouts loaded by earlier builds of this process (`serve`), by their files: a layout that
# has not changed keeps its compiled templates.
_LAYOUTS: dict[tuple[Any, ...], layouts.Layout] = {}


def load_layout(name: str, dirs: Any, hasher: incremental.Hasher) -> layouts.Layout:
    """`layouts.load`, or the same layout of an earlier build if none of its files changed."""
    loaded = layouts.load(name, dirs)
    key = (name, layout_key(loaded, hasher))
    known = _LAYOUTS.get(key)
    if known is not None:
        return known
    if len(_LAYOUTS) > 32:
        _LAYOUTS.clear()
    _LAYOUTS[key] = loaded
    return loaded


def layout_key(layout: layouts.Layout, hasher: incremental.Hasher) -> str:
    """The digest of a layout: its name, its inherit chain's folders and all their files."""
    return incremental.digest(
        [layout.name, [[str(d.resolve()), hasher.tree(d)] for d in layout.dirs]]
    )


def face_key(layout: layouts.Layout, lang: str, hasher: incremental.Hasher) -> Any:
    """The font files (and their bytes' digests) of the layout's face for `lang`; None when
    the face cannot be found (the checks then report why)."""
    from statementpress import fonts

    try:
        face = fonts.face_for(layout, lang)
    except StatementpressError:
        return None
    return [face.family, face.key, [[s, str(p), hasher.file(p)] for s, p in face.files.items()]]


@dataclass
class Plan:
    """The versions of a build and what is out of date among their editions."""

    out: Path
    versions: list[Version]
    hasher: incremental.Hasher
    index: incremental.Index
    base: dict[str, Any]
    layout_keys: dict[int, str] = field(default_factory=dict)
    # (version index, format) of the out-of-date editions of one language version, and
    # (statement id, format) of the out-of-date parallel editions.
    stale: set[tuple[int, str]] = field(default_factory=set)
    stale_groups: set[tuple[str, str]] = field(default_factory=set)
    keys: dict[str, str] = field(default_factory=dict)  # edition path -> key
    # face_key per (layout, language): finding a face checks the layout and resolves its files.
    faces: dict[tuple[int, str], Any] = field(default_factory=dict)
    _groups: list[Group] | None = None

    def face(self, layout: layouts.Layout, lang: str) -> Any:
        """`face_key` of the layout's face for `lang`, once per build."""
        key = (id(layout), lang)
        if key not in self.faces:
            self.faces[key] = face_key(layout, lang, self.hasher)
        return self.faces[key]

    def rel(self, version: Version, writer: Format) -> str:
        """The path of a version's edition in the output folder ("/"-separated)."""
        return f"{version.id}/{version.id}.{version.lang}.{writer.extension}"

    def group_rel(self, group: Group, writer: Format) -> str:
        """The path of a group's parallel edition in the output folder."""
        langs = "-".join(v.lang for v in group.members)
        return f"{group.id}/{group.id}.{langs}.{writer.extension}"

    def key(self, versions: list[Version], writer: Format, **extra: Any) -> str:
        """The key of an edition of `writer` made from `versions` (see `incremental`)."""
        fonts = []
        first = versions[0].layout
        assert first is not None
        for v in versions:
            assert v.layout is not None
            fonts.append(self.face(v.layout, v.lang))
            if v.layout is not first:
                fonts.append(self.face(first, v.lang))
        return incremental.edition_key(
            {
                **self.base,
                "format": [writer.name, writer.extension, writer.module],
                "sources": [[v.path, v.sha256] for v in versions],
                "layouts": [self.layout_keys[v.index] for v in versions],
                "fonts": fonts,
                **extra,
            }
        )

    def fresh(self, rel: str, key: str, force: bool = False) -> bool:
        """Whether the edition `rel` is up to date with `key` (never with `force`); its key
        is noted for the index either way."""
        self.keys[rel] = key
        return not force and incremental.is_fresh(self.out, rel, key, self.index, self.hasher)

    def groups(self) -> list[Group]:
        """The groups of two or more versions sharing an id, in the order of their first
        source, each in column order (as `parallel.groups`)."""
        if self._groups is None:
            self._groups = self._make_groups()
        return self._groups

    def _make_groups(self) -> list[Group]:
        by_id: dict[str, list[Version]] = {}
        for v in self.versions:
            by_id.setdefault(v.id, []).append(v)
        return [
            Group(sid, sorted(members, key=lambda v: not v.summary["authoritative"]))
            for sid, members in by_id.items()
            if len(members) > 1
        ]


def read_versions(
    paths: list[Path], limit: int, index: incremental.Index, parse: Any
) -> list[Version]:
    """Every source's bytes, and what it says: from the index when its bytes are the ones
    recorded, else parsed (`parse(data, path)`). One SourceError lists every problem."""
    from statementpress import sourcefile

    versions = []
    problems: list[Diagnostic] = []
    for number, path in enumerate(paths):
        try:
            data = sourcefile.read(path, limit)
        except SourceError as exc:
            problems.extend(exc.diagnostics)
            continue
        sha = hashlib.sha256(data).hexdigest()
        known = index.sources.get(str(path))
        version = Version(number, str(path), data, sha, known or {})
        if not known or known.get("sha256") != sha:
            try:
                version.statement = parse(data, str(path))
            except SourceError as exc:
                problems.extend(exc.diagnostics)
                continue
            version.summary = incremental.source_summary(version.statement)
        versions.append(version)
    if problems:
        raise SourceError(problems)
    return versions


def translations_agree(versions: list[Version]) -> bool:
    """Whether the versions pass `builder._check_translations`, judged from what each
    source said (when not, the builder reads them all to locate the problems)."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for v in versions:
        by_id.setdefault(v.id, []).append(v.summary)
    for group in by_id.values():
        langs = [s["lang"] for s in group]
        marked = [s for s in group if s["authoritative"]]
        if len(set(langs)) < len(langs) or len(marked) > 1:
            return False
        for s in group:
            said = s.get("translation_of")
            if marked and said and said.lower() != str(marked[0]["lang"]).lower():
                return False
    return True


def environment(code: str) -> dict[str, Any]:
    """What every key holds besides the edition's own inputs."""
    return {"code": code, "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH")}


def mark_stale(
    plan: Plan,
    singles: list[Writer],
    pages: list[Writer],
    together: list[GroupWriter],
    writable: set[int],
    force: bool,
) -> None:
    """Find the out-of-date editions of the plan's versions (all of them with `force`).

    Versions outside `writable` (another shard's) are never written: all their editions
    count as out of date, so that they are checked as before. A page is out of date with
    the rest of its statement; else it is judged by the editions it would list now.
    """
    for group in plan.groups():
        for gw in together:
            key = plan.key(group.members, gw)
            ours = all(v.index in writable for v in group.members)
            if not plan.fresh(plan.group_rel(group, gw), key, force or not ours):
                plan.stale_groups.add((group.id, gw.name))
    for v in plan.versions:
        for writer in singles:
            key = plan.key([v], writer)
            if not plan.fresh(plan.rel(v, writer), key, force or v.index not in writable):
                plan.stale.add((v.index, writer.name))
    stale_ids = {plan.versions[i].id for i, _ in plan.stale} | {i for i, _ in plan.stale_groups}
    for v in plan.versions:
        for page in pages:
            if force or v.id in stale_ids or v.index not in writable:
                plan.stale.add((v.index, page.name))
                continue
            editions = listed_editions(plan, v.id, singles, together, {})
            key = plan.key([v], page, editions=incremental.listed(editions))
            if not plan.fresh(plan.rel(v, page), key):
                plan.stale.add((v.index, page.name))


def listed_editions(
    plan: Plan,
    statement_id: str,
    singles: list[Writer],
    together: list[GroupWriter],
    staged: dict[str, Path],
) -> list[Edition]:
    """The editions the page of a statement lists, in build order: those of each format of
    each of its versions, then its parallel editions; each the file staged by this build
    (`staged`, by edition path) or, when up to date, the one in the output folder."""
    from statementpress.writers import Edition

    members = [v for v in plan.versions if v.id == statement_id]
    found = []

    def where(rel: str) -> Path:
        return staged.get(rel) or plan.out.joinpath(*rel.split("/"))

    for writer in singles:
        for v in members:
            found.append(Edition(where(plan.rel(v, writer)), writer, v.lang))
    for group in plan.groups():
        if group.id != statement_id:
            continue
        langs = tuple(v.lang for v in group.members)
        for gw in together:
            found.append(Edition(where(plan.group_rel(group, gw)), gw, langs[0], langs))
    return found
