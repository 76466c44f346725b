"""Build records: what a build knows about an edition that the file alone does not say.

Beside the editions of each language version the builder leaves one small JSON file,
`<id>/.<id>.<lang>.json` (a dot-file: build metadata, not a published file), with the
statement's title, kind, date, place and authority and, per edition file it wrote, the
source it came from, that source's SHA-256, the layout and the edition's own SHA-256.
`index` reads these records, so the manifest, the checksums and the download page can be
made from a folder alone: a folder built in one go, or the merged folders of shard builds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statementpress.layout import Layout
    from statementpress.model import Statement

log = logging.getLogger("statementpress")

RECORD_SCHEMA = 1
CHUNK = 1 << 20


def record_path(build_dir: Path, statement_id: str, lang: str) -> Path:
    """Where the record of one language version of a statement lives."""
    return build_dir / statement_id / f".{statement_id}.{lang}.json"


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, as lower-case hex."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def dumps(data: Any) -> bytes:
    """JSON as every file of ours is written: sorted keys, 2 spaces, UTF-8, final newline."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename (never half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def source_date_epoch() -> int | None:
    """`SOURCE_DATE_EPOCH` of this process as a number, or None when unset.

    The builder has already refused a value that is not a number before anything is written.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def read(path: Path) -> dict[str, Any] | None:
    """A record, or None (with a warning) when it is missing or not one of ours."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s: not a readable build record (%s); rebuild the statement", path, exc)
        return None
    if not isinstance(data, dict) or data.get("schema") != RECORD_SCHEMA:
        log.warning(
            "%s: not a build record of schema %d; rebuild the statement", path, RECORD_SCHEMA
        )
        return None
    if not isinstance(data.get("editions"), dict):
        data["editions"] = {}
    return data


def write(
    build_dir: Path, statements: Iterable[tuple[Statement, Layout]], written: Sequence[Path]
) -> list[Path]:
    """Record the editions of `written` for the statements they were built from.

    Entries of an earlier build for files this build did not write are kept, so building one
    format after another into the same folder keeps every edition described.
    Returns the records written.
    """
    from statementpress.writers import WRITERS, edition_name

    build_dir = Path(build_dir)
    done = {Path(p) for p in written}
    out: list[Path] = []
    for st, layout in statements:
        meta = st.meta
        folder = build_dir / meta.id
        mine = sorted(
            p for p in (folder / edition_name(st, w) for w in WRITERS.values()) if p in done
        )
        # A parallel edition (`<id>.ru-en.pdf`) is recorded with its first column's version.
        mine += sorted(
            p for p in done if p.parent == folder and p.name.startswith(f"{meta.id}.{meta.lang}-")
        )
        if not mine:
            continue
        path = record_path(build_dir, meta.id, meta.lang)
        editions: dict[str, Any] = dict((read(path) or {}).get("editions", {}))
        source_sha = hashlib.sha256(st.source.data).hexdigest()
        for edition in mine:
            editions[edition.name] = {
                "layout": layout.name,
                "sha256": sha256_file(edition),
                "source": st.source.path,
                "source_sha256": source_sha,
                "source_date_epoch": source_date_epoch(),
            }
        record = {
            "schema": RECORD_SCHEMA,
            "id": meta.id,
            "lang": meta.lang,
            "title": meta.title_text,
            "kind": meta.kind,
            "date": meta.date.isoformat(),
            "place": meta.place,
            "authoritative": meta.authoritative,
            "editions": editions,
        }
        replace_file(path, dumps(record))
        out.append(path)
    return out


def edition_entry(record: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    """What the record says about the edition file `name`, if it describes it."""
    entry = record.get("editions", {}).get(name)
    return entry if isinstance(entry, Mapping) else None


def with_entries(path: Path, entries: Mapping[str, Mapping[str, Any]]) -> bytes | None:
    """The record at `path` with `entries` (an edition file's name -> what to record of it)
    added, or put in place of what it said of those files; None when there is no record.

    Another tool that adds a file beside the editions (`statementpress sign`) records it so.
    """
    record = read(path)
    if record is None:
        return None
    editions = dict(record["editions"])
    editions.update({name: dict(entry) for name, entry in entries.items()})
    return dumps({**record, "editions": editions})
