"""Delivery: what a build folder offers the people who download it.

`index(build_dir)` (re)writes `manifest.json`, `SHA256SUMS` and the download page
`index.html` from the editions found in the folder, so that the folders of shard builds can
be merged and indexed once. A build calls it at its end with the statements it has just
written, whose build records it leaves first (see `records`). docs/manifest.md describes the
files; docs/delivery.md the page, `serve` and sharded builds.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from statementpress.delivery.manifest import MANIFEST, PAGE, SUMS, Contents
from statementpress.delivery.shard import Shard, parse_shard, shard_of

if TYPE_CHECKING:
    from statementpress.layout import Layout
    from statementpress.model import Statement
    from statementpress.transaction import Transaction

log = logging.getLogger("statementpress")

__all__ = [
    "MANIFEST",
    "PAGE",
    "SUMS",
    "Contents",
    "Shard",
    "index",
    "stage_index",
    "stage_signed",
    "parse_shard",
    "shard_of",
]


def index(
    build_dir: str | Path,
    written: Sequence[Path] = (),
    statements: Iterable[tuple[Statement, Layout]] = (),
) -> Contents:
    """Rewrite the manifest, SHA256SUMS and the download page of `build_dir`.

    `written` and `statements` are what a build has just written and from which statements
    (with their layouts); their build records are written first. Called with the folder
    alone, it indexes whatever editions with records the folder holds. Returns what it found.
    """
    from statementpress.delivery import manifest, page, records
    from statementpress.errors import BuildError

    folder = Path(build_dir)
    if not folder.is_dir():
        raise BuildError(f"{folder} is not a folder of editions")
    try:
        records.write(folder, statements, written)
        contents = manifest.collect(folder)
        manifest_data = records.dumps(manifest.to_manifest(contents))
        page_data = page.render(contents)
        records.replace_file(folder / MANIFEST, manifest_data)
        records.replace_file(folder / PAGE, page_data)
        sums = manifest.sums(contents, {MANIFEST: manifest_data, PAGE: page_data})
        records.replace_file(folder / SUMS, sums)
    except OSError as exc:
        raise BuildError(f"cannot index {folder}: {exc.strerror or exc}") from None
    return contents


def stage_index(tx: Transaction, statements: Sequence[tuple[Statement, Layout]]) -> None:
    """Stage the build records, manifest, SHA256SUMS and page of what `tx.out` will hold once
    `tx` commits: its editions as they are, with the ones staged by this build over them.

    That view is laid out in the staging folder with hard links (nothing is copied or
    changed in `tx.out`), indexed there as `index` indexes any folder, and the files the
    index wrote are staged, so they are committed with the editions or not at all.
    """
    from statementpress.delivery import records

    assert tx.staging is not None
    view = tx.staging / "view"
    for folder in sorted(tx.out.iterdir()) if tx.out.is_dir() else ():
        if folder.name.startswith(".") or not folder.is_dir() or folder.is_symlink():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.is_symlink():
                _link(path, view / folder.name / path.name)
    staged = [rel for rel in tx.staged() if (tx.new / rel).is_file()]
    for rel in staged:
        _link(tx.new.joinpath(*rel.parts), view.joinpath(*rel.parts))
    view.mkdir(parents=True, exist_ok=True)
    index(view, written=[view.joinpath(*rel.parts) for rel in staged], statements=statements)
    made = [PurePosixPath(name) for name in (MANIFEST, PAGE, SUMS)]
    for st, _layout in statements:
        record = records.record_path(view, st.meta.id, st.meta.lang)
        if record.is_file():
            made.append(PurePosixPath(record.relative_to(view).as_posix()))
    for rel in made:
        _link(view.joinpath(*rel.parts), tx.path_for(rel))


def stage_signed(tx: Transaction, signed: Mapping[str, Mapping[str, Any]]) -> None:
    """Record the signed files staged in `tx` in their editions' build records, and stage the
    folder's manifest, SHA256SUMS and page anew, all to be committed with the signed files.

    `signed` maps each signed file's path in `tx.out` ("<id>/<id>.<lang>.signed.pdf") to
    what the manifest lists of it (`signer`, `signing_time`, `sha256`: what
    `signing.signed_info` reads from the file). Each goes into the record of the edition it
    signs (a parallel edition's: its first column's record), under its own name. The index
    is made again as a build makes it (`stage_index`) where the folder has one: a folder of
    PDFs that no build indexed gets none.
    """
    from statementpress.delivery import manifest, records

    indexed = (tx.out / MANIFEST).is_file()
    by_record: dict[PurePosixPath, dict[str, Mapping[str, Any]]] = {}
    for rel, entry in sorted(signed.items()):
        sid, name = PurePosixPath(rel).parts
        parsed = manifest.parse_name(sid, name)
        if parsed is None:
            raise ValueError(f"not a signed edition's path: {rel!r}")
        lang = manifest.recorded_prefix(tx.out, sid, parsed[0])
        where = PurePosixPath(records.record_path(Path(), sid, lang).as_posix())
        by_record.setdefault(where, {})[name] = entry
    for record, entries in by_record.items():
        data = records.with_entries(tx.out.joinpath(*record.parts), entries)
        if data is None:
            if indexed:
                log.warning(
                    "%s: no build record describes the editions of %s, so the manifest "
                    "cannot name their signer; rebuild them with 'statementpress build'",
                    tx.out.joinpath(*record.parent.parts),
                    ", ".join(sorted(entries)),
                )
            continue
        tx.path_for(record).write_bytes(data)
    if indexed:
        stage_index(tx, ())


def _link(src: Path, dest: Path) -> None:
    """`dest` becomes the same file as `src`: a hard link, or a copy where links fail."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)
