"""Delivery: what a build folder offers the people who download it.

`index(build_dir)` (re)writes `manifest.json`, `SHA256SUMS` and the download page
`index.html` from the editions found in the folder, so that the folders of shard builds can
be merged and indexed once. A build calls it at its end with the statements it has just
written, whose build records it leaves first (see `records`). docs/manifest.md describes the
files; docs/delivery.md the page, `serve` and sharded builds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from statementpress.delivery.manifest import MANIFEST, PAGE, SUMS, Contents
from statementpress.delivery.shard import Shard, parse_shard, shard_of

if TYPE_CHECKING:
    from statementpress.layout import Layout
    from statementpress.model import Statement

__all__ = ["MANIFEST", "PAGE", "SUMS", "Contents", "Shard", "index", "parse_shard", "shard_of"]


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
