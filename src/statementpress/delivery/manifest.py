"""What a build folder holds: its editions found on disk and described by their build records,
written out as `manifest.json` and `SHA256SUMS` (docs/manifest.md)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statementpress.delivery import records

log = logging.getLogger("statementpress")

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PAGE = "index.html"
MANIFEST_SCHEMA = 1
SIGNED_SUFFIX = ".signed.pdf"


@dataclass(frozen=True)
class Version:
    """One language version of a statement, as its build record describes it."""

    lang: str
    title: str
    kind: str | None
    date: str
    place: str | None
    authoritative: bool


@dataclass(frozen=True)
class Edition:
    """One edition file: where it is (relative to the folder, "/"-separated) and what it is."""

    path: str
    format: str
    lang: str
    authoritative: bool
    bytes: int
    sha256: str
    pages: int | None
    source: str
    source_sha256: str
    layout: str


@dataclass(frozen=True)
class Signed:
    """A signed copy of a PDF edition (`<id>.<lang>.signed.pdf`)."""

    path: str
    sha256: str
    signer: str | None
    signing_time: str | None
    unsigned: str
    # Its size, for the page (the manifest lists only the fields above).
    bytes: int = 0


@dataclass(frozen=True)
class Entry:
    """A statement of the folder: its language versions and editions, both sorted."""

    id: str
    versions: tuple[Version, ...]
    editions: tuple[Edition, ...]

    @property
    def main(self) -> Version:
        """The version that speaks for the statement: the authoritative one, else the first."""
        return next((v for v in self.versions if v.authoritative), self.versions[0])


@dataclass(frozen=True)
class Contents:
    """Everything `index` found in a folder."""

    statements: tuple[Entry, ...]
    signed: tuple[Signed, ...]
    source_date_epoch: int | None

    @property
    def editions(self) -> list[Edition]:
        """Every edition of every statement, in manifest order."""
        return [e for st in self.statements for e in st.editions]


def _formats() -> dict[str, str]:
    from statementpress.writers import WRITERS

    return {w.extension: w.name for w in WRITERS.values()}


def parse_name(statement_id: str, name: str) -> tuple[str, str, bool] | None:
    """(lang, format, signed) of an edition file named `<id>.<lang>.<ext>`, or None."""
    prefix = f"{statement_id}."
    if not name.startswith(prefix):
        return None
    rest = name[len(prefix) :]
    if rest.endswith(SIGNED_SUFFIX):
        lang, fmt, signed = rest[: -len(SIGNED_SUFFIX)], "pdf", True
    else:
        lang, _, extension = rest.rpartition(".")
        fmt, signed = _formats().get(extension, ""), False
    if not lang or not fmt or "." in lang:
        return None
    return lang, fmt, signed


def recorded_prefix(build_dir: Path, statement_id: str, lang: str) -> str:
    """The language whose build record describes an edition in `lang`: the language itself,
    or, for a parallel edition ("ru-en"), the longest leading part that has a record."""
    parts = lang.split("-")
    for count in range(len(parts), 0, -1):
        candidate = "-".join(parts[:count])
        if records.record_path(build_dir, statement_id, candidate).is_file():
            return candidate
    return lang


def pdf_pages(path: Path) -> int | None:
    """The number of pages of a PDF (None, with a warning, if it cannot be read)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(path).pages)
    except (PyPdfError, OSError, ValueError) as exc:
        log.warning("%s: cannot count its pages (%s)", path, exc)
        return None


def _version(record: Mapping[str, Any], lang: str) -> Version:
    return Version(
        lang=lang,
        title=str(record.get("title", "")),
        kind=record.get("kind"),
        date=str(record.get("date", "")),
        place=record.get("place"),
        authoritative=bool(record.get("authoritative", False)),
    )


def _files(folder: Path) -> list[Path]:
    """The regular, visible files of a folder, sorted; symlinks are never followed."""
    return sorted(
        p
        for p in folder.iterdir()
        if not p.name.startswith(".") and p.is_file() and not p.is_symlink()
    )


def collect(build_dir: Path) -> Contents:
    """Find every edition in `build_dir/<id>/` and describe it from its build record.

    A file that looks like an edition but that no record describes (left by an older
    statementpress, or copied in by hand) is left out, with a warning.
    """
    entries: list[Entry] = []
    signed: list[Signed] = []
    epochs: set[int | None] = set()
    folders = (p for p in sorted(build_dir.iterdir()) if p.is_dir() and not p.is_symlink())
    for folder in folders:
        if folder.name.startswith("."):
            continue
        sid = folder.name
        found: dict[str, dict[str, Any] | None] = {}
        versions: dict[str, Version] = {}
        editions: list[Edition] = []
        for path in _files(folder):
            parsed = parse_name(sid, path.name)
            if parsed is None:
                continue
            lang, fmt, is_signed = parsed
            # A parallel edition (`<id>.ru-en.pdf`) is described by its first column's record.
            first = recorded_prefix(build_dir, sid, lang)
            if first not in found:
                found[first] = records.read(records.record_path(build_dir, sid, first))
            record = found[first]
            entry = records.edition_entry(record, path.name) if record else None
            digest = records.sha256_file(path)
            rel = f"{sid}/{path.name}"
            if is_signed:
                signed.append(
                    Signed(
                        rel,
                        digest,
                        (entry or {}).get("signer"),
                        (entry or {}).get("signing_time"),
                        f"{sid}/{sid}.{lang}.pdf",
                        path.stat().st_size,
                    )
                )
                continue
            if record is None or entry is None:
                log.warning(
                    "%s: no build record describes this file, so the manifest, SHA256SUMS and "
                    "the page leave it out; rebuild it with 'statementpress build' or remove it",
                    path,
                )
                continue
            if entry.get("sha256") != digest:
                log.warning("%s has changed since it was built (its SHA-256 differs)", path)
            version = versions.setdefault(first, _version(record, first))
            epochs.add(entry.get("source_date_epoch"))
            editions.append(
                Edition(
                    path=rel,
                    format=fmt,
                    lang=lang,
                    authoritative=version.authoritative,
                    bytes=path.stat().st_size,
                    sha256=digest,
                    pages=pdf_pages(path) if fmt == "pdf" else None,
                    source=str(entry.get("source", "")),
                    source_sha256=str(entry.get("source_sha256", "")),
                    layout=str(entry.get("layout", "")),
                )
            )
        if editions:
            entries.append(
                Entry(sid, tuple(versions[k] for k in sorted(versions)), tuple(editions))
            )
    if len(epochs) > 1:
        log.warning(
            "the editions in %s were built with different SOURCE_DATE_EPOCH values: %s",
            build_dir,
            ", ".join(sorted(str(e) for e in epochs)),
        )
    epoch = next(iter(epochs)) if len(epochs) == 1 else None
    return Contents(tuple(entries), tuple(signed), epoch)


def to_manifest(contents: Contents) -> dict[str, Any]:
    """The manifest of docs/manifest.md as a JSON-ready mapping."""
    from statementpress import __version__

    statements = []
    for st in contents.statements:
        main = st.main
        editions = []
        for e in st.editions:
            item: dict[str, Any] = {
                "path": e.path,
                "format": e.format,
                "lang": e.lang,
                "authoritative": e.authoritative,
                "bytes": e.bytes,
                "sha256": e.sha256,
                "source": e.source,
                "source_sha256": e.source_sha256,
                "layout": e.layout,
            }
            if e.pages is not None:
                item["pages"] = e.pages
            editions.append(item)
        statements.append(
            {
                "id": st.id,
                "title": main.title,
                "kind": main.kind,
                "date": main.date,
                "place": main.place,
                "languages": [v.lang for v in st.versions],
                "editions": editions,
            }
        )
    return {
        "schema": MANIFEST_SCHEMA,
        "generator": f"statementpress {__version__}",
        "source_date_epoch": contents.source_date_epoch,
        "statements": statements,
        "signed": [
            {
                "path": s.path,
                "sha256": s.sha256,
                "signer": s.signer,
                "signing_time": s.signing_time,
                "unsigned": s.unsigned,
            }
            for s in contents.signed
        ],
    }


def sums(contents: Contents, extra: Mapping[str, bytes]) -> bytes:
    """SHA256SUMS in `sha256sum` format: every edition, every signed copy and the `extra`
    files (name -> bytes: the manifest and the page), sorted by path."""
    lines = {e.path: e.sha256 for e in contents.editions}
    lines.update({s.path: s.sha256 for s in contents.signed})
    lines.update({name: hashlib.sha256(data).hexdigest() for name, data in extra.items()})
    return "".join(f"{lines[p]}  {p}\n" for p in sorted(lines)).encode()
