"""Verify: every edition in a build folder read back and compared with its source.

For each edition `<id>/<id>.<lang>.<ext>` (PDF, DOCX, EPUB, HTML, and signed PDFs) the
source with that id and language is found, typeset as the writers received it, and its
words (title block, preamble, points with their numbers and sub-items, closing, signatories,
notes) are compared with the words read back from the edition by the extractor of its format
(`pdf`, `docx`, `markup`). Besides the text: the PDF's attached source and embedded fonts,
EPUBCheck on every EPUB, the signature of every signed PDF, and the build's manifest.
Each problem is one line naming the file; nothing here raises on a bad edition.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from statementpress.model import Statement
from statementpress.verify import checks
from statementpress.verify.text import Expected, Words, compare, expected_body, expected_notes

log = logging.getLogger("statementpress")

FORMATS = ("pdf", "docx", "epub", "html")
# The formats whose notes are footnotes, each ending with the editorial mark (the EPUB and
# HTML end notes stand under a heading that says whose they are instead).
FOOTNOTE_FORMATS = ("pdf", "docx")
SIGNED_SUFFIX = ".signed.pdf"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found by verify: the file it is in and what is wrong, as one line."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Edition:
    """An edition found in the build folder."""

    path: Path
    id: str
    lang: str
    format: str
    signed: bool = False


def find_editions(build_dir: Path) -> list[Edition]:
    """Every edition in `build_dir`: files `<id>/<id>.<lang>.<ext>` of a known format."""
    found = []
    for folder in sorted(p for p in build_dir.iterdir() if p.is_dir()):
        prefix = f"{folder.name}."
        for file in sorted(folder.iterdir()):
            if not file.name.startswith(prefix) or not file.is_file():
                continue
            rest = file.name[len(prefix) :]
            signed = rest.endswith(SIGNED_SUFFIX)
            if signed:
                rest = rest[: -len(SIGNED_SUFFIX)] + ".pdf"
            lang, _, ext = rest.rpartition(".")
            if ext in FORMATS and lang and "." not in lang:
                found.append(Edition(file, folder.name, lang, ext, signed))
    return found


def _extract(edition: Edition) -> tuple[Words, Words]:
    from statementpress.verify import docx, markup, pdf

    extractors: dict[str, Callable[[Path], tuple[Words, Words]]] = {
        "pdf": pdf.extract,
        "docx": docx.extract,
        "epub": markup.extract_epub,
        "html": markup.extract_html,
    }
    return extractors[edition.format](edition.path)


class _Sources:
    """The statements editions are compared with, by (id, language), prepared once each."""

    def __init__(self, named: Sequence[str | Path], report: Callable[[str, str], None]) -> None:
        from statementpress.builder import DEFAULT_SOURCES
        from statementpress.errors import SourceError

        self.by_key: dict[tuple[str, str], Statement] = {}
        self.expected: dict[tuple[str, bool], tuple[Expected, Expected]] = {}
        self.unreadable: list[str] = []
        paths = [Path(p) for p in named] or sorted(DEFAULT_SOURCES.glob("*.md"))
        for path in paths:
            try:
                self.add(self._load(path))
            except SourceError as exc:
                if named:
                    for diagnostic in exc.diagnostics:
                        report(
                            diagnostic.path,
                            f"{diagnostic.line}:{diagnostic.col}: error: {diagnostic.message}",
                        )
                else:
                    self.unreadable.append(str(path))

    @staticmethod
    def _load(path: Path, data: bytes | None = None) -> Statement:
        from statementpress.builder import prepare
        from statementpress.reader import load, parse

        return prepare(load(path) if data is None else parse(data, str(path)))

    def add(self, statement: Statement) -> None:
        self.by_key[(statement.meta.id, statement.meta.lang.lower())] = statement

    def find(self, edition: Edition) -> Statement | None:
        return self.by_key.get((edition.id, edition.lang.lower()))

    def group(self, edition: Edition) -> list[Statement] | None:
        """The language versions a parallel edition (`<id>.ru-en.pdf`) prints, in column
        order, if its name part is made of languages of the statement's sources."""
        from statementpress.verify.parallel import split_langs

        langs = [lang for (sid, lang) in self.by_key if sid == edition.id]
        split = split_langs(edition.lang.lower(), langs)
        if not split or len(split) < 2:
            return None
        return [self.by_key[(edition.id, lang)] for lang in split]

    def from_attachment(self, pdf_path: Path) -> Statement | None:
        """The source attached to a PDF, when no source file is given for its statement."""
        from statementpress.errors import SourceError
        from statementpress.verify import pdf

        try:
            attached = [
                (name, blob)
                for name, blobs in pdf.attachments(pdf_path).items()
                for blob in blobs
                if name.endswith(".md")
            ]
        except Exception:  # a damaged PDF is reported when its text is read
            return None
        if len(attached) != 1:
            return None
        name, blob = attached[0]
        try:
            statement = self._load(Path(f"{pdf_path}#{name}"), blob)
        except SourceError:
            return None
        self.add(statement)
        log.info("no source file for %s: comparing with the source attached to it", pdf_path)
        return statement

    def words(self, statement: Statement, fmt: str) -> tuple[Expected, Expected]:
        """The words of the body and of the notes an edition of format `fmt` must show."""
        key = (statement.source.path, fmt in FOOTNOTE_FORMATS)
        if key not in self.expected:
            self.expected[key] = (
                expected_body(statement),
                expected_notes(statement, editorial_mark=key[1]),
            )
        return self.expected[key]


class _Verifier:
    def __init__(self, build_dir: Path, trust: Sequence[Path]) -> None:
        self.build_dir = build_dir
        self.trust = trust
        self.problems: list[Problem] = []
        self.used: dict[Path, bytes] = {}

    def report(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def text(self, edition: Edition, statement: Statement, sources: _Sources) -> None:
        from statementpress.verify import pdf, zipread

        shown = str(edition.path)
        try:
            body, notes = _extract(edition)
        except pdf.NotTagged:
            self.report(
                shown,
                "the PDF is not tagged, so its text cannot be told from its page "
                "furniture and was not compared (set [pdf] tags = true in the layout)",
            )
            return
        except zipread.PackageError as exc:
            self.report(shown, f"cannot be read: {exc}")
            return
        except Exception as exc:  # a corrupt file of any kind is a problem line, not a traceback
            log.debug("reading %s failed", shown, exc_info=True)
            self.report(
                shown, f"cannot be read as {edition.format.upper()}: {type(exc).__name__}: {exc}"
            )
            return
        expected_words, expected_note_words = sources.words(statement, edition.format)
        for line in compare(expected_words, body) + compare(expected_note_words, notes):
            self.report(shown, line)

    def pdf(self, edition: Edition, statement: Statement) -> None:
        from statementpress.verify import pdf

        shown = str(edition.path)
        try:
            attached = pdf.attachments(edition.path)
            fonts = pdf.unembedded_fonts(edition.path)
        except Exception:
            return  # reported by the text check
        blobs = [blob for items in attached.values() for blob in items]
        if not blobs:
            self.report(shown, f"has no attached source (expected {statement.source.path})")
        elif statement.source.data not in blobs:
            names = ", ".join(sorted(attached))
            self.report(
                shown, f"its attached source ({names}) differs from {statement.source.path}"
            )
        for name in fonts:
            self.report(shown, f"font {name} is not embedded")

    def parallel(self, edition: Edition, statements: Sequence[Statement]) -> None:
        """A parallel edition: each column against its own source (`verify.parallel`), and
        a PDF's attached sources."""
        from statementpress.verify import parallel, pdf

        shown = str(edition.path)
        try:
            problems = parallel.check(edition.path, statements)
        except Exception as exc:  # a corrupt file is a problem line, not a traceback
            log.debug("reading %s failed", shown, exc_info=True)
            self.report(
                shown, f"cannot be read as {edition.format.upper()}: {type(exc).__name__}: {exc}"
            )
            return
        for line in problems:
            self.report(shown, line)
        if edition.format == "pdf":
            attached = [b for items in pdf.attachments(edition.path).values() for b in items]
            for st in statements:
                if st.source.data not in attached:
                    self.report(shown, f"has no attached copy of {st.source.path}")

    def edition(self, edition: Edition, sources: _Sources, epubs: checks.EpubCheck) -> None:
        shown = str(edition.path)
        statement = sources.find(edition)
        group = sources.group(edition) if statement is None else None
        if group:
            self.parallel(edition, group)
        elif statement is None:
            hint = (
                f" ({', '.join(sources.unreadable)} could not be read)"
                if sources.unreadable
                else ""
            )
            self.report(
                shown,
                f"no source with id {edition.id!r} and lang {edition.lang!r} "
                f"found{hint}; name it: statementpress verify "
                f"{self.build_dir} SOURCE.md",
            )
        else:
            self.used[edition.path.resolve()] = statement.source.data
            self.text(edition, statement, sources)
            if edition.format == "pdf":
                self.pdf(edition, statement)
        if edition.format == "epub":
            for line in epubs.result(edition.path):
                self.report(shown, line)
        if edition.signed:
            unsigned = edition.path.with_name(f"{edition.id}.{edition.lang}.pdf")
            for line in checks.signature(
                edition.path, unsigned if unsigned.is_file() else None, self.trust
            ):
                self.report(shown, line)


def verify(
    build_dir: str | Path = "build",
    sources: Sequence[str | Path] = (),
    *,
    only: Iterable[str | Path] | None = None,
    epubcheck: bool = True,
    trust: Sequence[str | Path] = (),
    on_edition: Callable[[Path, list[Problem]], None] | None = None,
) -> list[Problem]:
    """Check every edition in `build_dir` against its source; returns the problems found.

    `sources` are the source files to compare with (default: `source/*.md`; a PDF without
    one is compared with the source attached to it). `only` limits the check to these
    edition files (what one build wrote). `epubcheck=False` skips EPUBCheck; `trust` are
    certificates passed to the signature check. `on_edition(path, problems)` is called as
    each edition is done.
    """
    folder = Path(build_dir)
    run = _Verifier(folder, [Path(t) for t in trust])
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "no such folder"
        return [Problem(str(folder), f"{what}; build first: statementpress build --out {folder}")]
    try:
        editions = find_editions(folder)
    except OSError as exc:
        return [Problem(str(folder), f"cannot be read: {exc.strerror or exc}")]
    if only is not None:
        wanted = {Path(p).resolve() for p in only}
        editions = [e for e in editions if e.path.resolve() in wanted]
    if not editions:
        return [
            Problem(
                str(folder),
                "no editions found (expected <id>/<id>.<lang>.pdf, .docx, .epub or .html)",
            )
        ]
    known = _Sources(sources, run.report)
    for edition in editions:
        # A statement without a source file is compared with the source its PDF carries.
        if edition.format == "pdf" and known.find(edition) is None:
            known.from_attachment(edition.path)
    books = [e.path for e in editions if e.format == "epub"] if epubcheck else []
    epubs = checks.EpubCheck(books, workers=os.cpu_count() or 1)
    # EPUBs last: EPUBCheck runs in the background meanwhile, while the others are read.
    ordered = sorted(editions, key=lambda e: e.format == "epub")
    try:
        for edition in ordered:
            before = len(run.problems)
            run.edition(edition, known, epubs)
            if on_edition:
                on_edition(edition.path, run.problems[before:])
    finally:
        epubs.close()
    checks.manifest(
        folder,
        [e.path for e in editions],
        run.used,
        run.report,
        only={e.path.resolve() for e in editions} if only is not None else None,
    )
    return run.problems
