"""Incremental builds: an edition is rebuilt only when what it is made of has changed.

Each edition has a *key*: the SHA-256 of everything its bytes depend on (`edition_key`):

- the source's bytes and its path as given (the PDF attaches the file under its name);
- the layout's name and every file of the folders of its inherit chain, with where they
  were found (`--layout-dir`, `$STATEMENTPRESS_LAYOUTS`, `./layouts`, the built-in ones);
- the bytes of the font files of the faces it uses;
- the code: statementpress's version, every file of the installed package, and the
  names and versions of the installed distributions (WeasyPrint, python-docx, …);
- the format, `SOURCE_DATE_EPOCH`, and for the HTML page the editions it lists (name,
  format, language, size).

`<out>/.cache/editions.json` keeps, per edition file, the key it was built with and the
SHA-256 of the bytes written. An edition is up to date when its key is the one recorded
and the file in the output folder still has the recorded SHA-256; else it is rebuilt. That
file is staged in the build's transaction, so it always describes the editions in place.

Hashing is by content, never by file times. Hashing the same unchanged files on every
build would cost more than the build saves (a corpus of 100 statements is over 100 MB of
editions), so `<out>/.cache/files.json` remembers each hash with the file's identity at
the time it was computed: device, inode, size, modification and change times in
nanoseconds. A file whose identity is exactly the one remembered has not been written
since (any write, rename over it, `touch` or new link changes its ctime, which programs
cannot set), and its remembered hash is used; for any other file the bytes are read and
hashed again. The memo is a speed-up only: deleting it makes the next build hash every
file, with the same result. It is written after the commit (the ctime of a file changes
when it is renamed into place) and only when it changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_DIR = ".cache"
INDEX = "editions.json"
MEMO = "files.json"
SCHEMA = 1
# Folders skipped when a package or layout folder is hashed: compiled Python, VCS data.
_SKIPPED = {"__pycache__", ".git", ".hg", ".svn"}


def digest(data: Any) -> str:
    """The SHA-256 of a JSON-able value, written canonically."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _identity(info: os.stat_result) -> list[int]:
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


class Hasher:
    """SHA-256 of files by content, with the memo of the module's docstring."""

    def __init__(self, memo: Mapping[str, Any] | None = None) -> None:
        self._old: dict[str, Any] = dict(memo or {})
        self._used: dict[str, Any] = {}
        self._trees: dict[str, str] = {}
        self.read_bytes = 0  # bytes hashed by this hasher (for tests and -v)

    def file(self, path: str | Path) -> str | None:
        """The SHA-256 of the file at `path` (symlinks followed), or None if it is not a
        readable regular file."""
        name = os.path.abspath(path)
        try:
            info = os.stat(name)
        except OSError:
            return None
        if not os.path.isfile(name):
            return None
        ident = _identity(info)
        known = self._old.get(name)
        if isinstance(known, list) and len(known) == 6 and known[:5] == ident:
            self._used[name] = known
            return str(known[5])
        from statementpress.delivery.records import sha256_file

        try:
            sha = sha256_file(Path(name))
        except OSError:
            return None
        self.read_bytes += info.st_size
        self._used[name] = [*ident, sha]
        return sha

    def tree(self, folder: str | Path) -> str:
        """One digest of every file under `folder` (relative paths and contents), VCS and
        `__pycache__` folders left out; memoized for the life of the hasher."""
        root = os.path.abspath(folder)
        if root in self._trees:
            return self._trees[root]
        entries = []
        for here, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED)
            for name in sorted(files):
                path = os.path.join(here, name)
                entries.append([os.path.relpath(path, root), self.file(path)])
        self._trees[root] = digest(entries)
        return self._trees[root]

    def remember(self, path: str | Path, sha: str) -> None:
        """Record the hash of a file just written (its identity is read now)."""
        name = os.path.abspath(path)
        try:
            self._used[name] = [*_identity(os.stat(name)), sha]
        except OSError:
            self._used.pop(name, None)

    def forget(self, path: str | Path) -> None:
        """Drop what is known of a file (its identity is about to change)."""
        name = os.path.abspath(path)
        self._used.pop(name, None)
        self._old.pop(name, None)

    def refresh(self) -> None:
        """Take the new change time of the files seen by this build whose device, inode,
        size and modification time are unchanged: a build's own hard links to its output
        files (the index's view, the copies kept for an undo) change only their ctime."""
        for name, known in list(self._used.items()):
            try:
                ident = _identity(os.stat(name))
            except OSError:
                self._used.pop(name)
                continue
            if ident[:4] == known[:4] and ident[4] != known[4]:
                self._used[name] = [*ident, known[5]]

    def memo(self) -> dict[str, Any]:
        """The memo to keep: the entries of before, updated with those seen by this build."""
        return {**self._old, **self._used}

    def changed(self) -> bool:
        """Whether `memo()` differs from the memo this hasher started from."""
        return any(self._old.get(k) != v for k, v in self._used.items())


def code_fingerprint(hasher: Hasher) -> str:
    """What the code that renders editions is: statementpress's version and files, and the
    installed distributions (names and versions, as their metadata folders are named)."""
    import statementpress

    installed: list[str] = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        installed.extend(n for n in names if n.endswith((".dist-info", ".egg-info")))
    return digest(
        {
            "version": statementpress.__version__,
            "package": hasher.tree(Path(statementpress.__file__).parent),
            "installed": sorted(set(installed)),
        }
    )


@dataclass(frozen=True)
class Entry:
    """What the index records of one edition file: its key, and its bytes' SHA-256 and size."""

    key: str
    sha256: str
    bytes: int


@dataclass
class Index:
    """`<out>/.cache/editions.json`: the recorded editions, and what each source said
    (so that an unchanged source need not be read again to know its id and language)."""

    code: str
    editions: dict[str, Entry] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, out: Path, code: str) -> Index:
        """The index of `out`, or an empty one when there is none, it is not one of ours,
        or it was made by other code (every edition is then rebuilt)."""
        try:
            data = json.loads((out / CACHE_DIR / INDEX).read_bytes())
        except (OSError, ValueError):
            return cls(code)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA or data.get("code") != code:
            return cls(code)
        editions = {}
        for rel, item in (data.get("editions") or {}).items():
            try:
                editions[rel] = Entry(str(item["key"]), str(item["sha256"]), int(item["bytes"]))
            except (KeyError, TypeError, ValueError):
                continue
        sources = {k: v for k, v in (data.get("sources") or {}).items() if isinstance(v, dict)}
        return cls(code, editions, sources)

    def dumps(self) -> bytes:
        """The index as the file holds it."""
        data = {
            "schema": SCHEMA,
            "code": self.code,
            "editions": {
                rel: {"key": e.key, "sha256": e.sha256, "bytes": e.bytes}
                for rel, e in sorted(self.editions.items())
            },
            "sources": dict(sorted(self.sources.items())),
        }
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def read_memo(out: Path) -> dict[str, Any]:
    """The hash memo of `out` (empty when missing or unreadable)."""
    try:
        data = json.loads((out / CACHE_DIR / MEMO).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def write_memo(out: Path, hasher: Hasher) -> None:
    """Keep the hash memo in `out/.cache` (best effort: it is a speed-up only)."""
    from statementpress.delivery.records import replace_file

    folder = out / CACHE_DIR
    data = {"schema": SCHEMA, "files": dict(sorted(hasher.memo().items()))}
    try:
        folder.mkdir(exist_ok=True)
        replace_file(folder / MEMO, (json.dumps(data, indent=0) + "\n").encode())
    except OSError:
        pass


def is_fresh(out: Path, rel: str, key: str, index: Index, hasher: Hasher) -> bool:
    """Whether the edition `rel` of `out` is up to date: built with `key`, and its file
    still holds the bytes written then."""
    entry = index.editions.get(rel)
    if entry is None or entry.key != key:
        return False
    return hasher.file(out.joinpath(*rel.split("/"))) == entry.sha256


def source_summary(statement: Any) -> dict[str, Any]:
    """What the index keeps of a source: enough to name its editions and check its place
    among the language versions without reading it again."""
    m = statement.meta
    return {
        "sha256": hashlib.sha256(statement.source.data).hexdigest(),
        "id": m.id,
        "lang": m.lang,
        "layout": m.layout,
        "authoritative": bool(m.authoritative),
        "translation_of": m.translation.of if m.translation else None,
    }


def edition_key(parts: Mapping[str, Any]) -> str:
    """The key of an edition: the digest of everything it is made of (see the module)."""
    return digest(parts)


def listed(editions: Iterable[Any]) -> list[list[Any]]:
    """What an HTML page shows of the editions it lists, for its key: name, format,
    languages and size in bytes of each, in order."""
    return [
        [e.path.name, e.writer.name, e.lang, list(e.langs), e.path.stat().st_size] for e in editions
    ]
