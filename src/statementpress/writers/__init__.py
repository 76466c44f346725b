"""The writers registry: one entry per edition format, each a `write(statement, layout, dest)`
and a `check(statement, layout)` that finds, before any edition is written, everything the
write could refuse.

A `PageWriter` (the HTML page) also gets the list of the editions written before it.

A `GroupWriter` writes one edition of a *group*, the language versions of one statement
(the parallel editions, `statementpress.parallel`): its `check(statements, layouts)` runs
with every other check before anything is written, its `write(statements, layouts, dest)`
after the per-statement formats and before the pages, which link its editions. Group
writers are registered in `GROUP_WRITERS`; the format name `parallel` selects them all."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statementpress.errors import Diagnostic
    from statementpress.layout import Layout
    from statementpress.model import Statement


@dataclass(frozen=True)
class Format:
    """A format: its name, file extension, media type, the label its links show, and the
    module that renders it.

    The module is imported only when an edition of that format is checked or written, so
    that asking for `--help` never loads WeasyPrint or python-docx.
    """

    name: str
    extension: str
    media_type: str
    label: str
    module: str
    # The heavy engine its writer loads (WeasyPrint, half a second to import): a build
    # hands its editions to worker processes that import it once (`jobs`).
    engine: str | None = None


@dataclass(frozen=True)
class Writer(Format):
    """A format written once per statement: its module's `write(statement, layout, dest)`."""

    def write(self, statement: Statement, layout: Layout, dest: Path) -> Path:
        """Write one edition of `statement` to `dest` and return the path written."""
        return importlib.import_module(self.module).write(statement, layout, dest)

    def check(self, statement: Statement, layout: Layout) -> list[Diagnostic]:
        """Everything writing this edition could refuse, found without writing: the module's
        `check(statement, layout)` (none for a module without one)."""
        found = getattr(importlib.import_module(self.module), "check", None)
        return list(found(statement, layout)) if found else []


@dataclass(frozen=True)
class PageWriter(Writer):
    """A format whose edition links the statement's other editions: the HTML page.

    The builder writes every other format first, whatever the order of `WRITERS`, and then
    each page with the list of the editions it wrote of that statement (`Edition`).
    """

    def write(
        self, statement: Statement, layout: Layout, dest: Path, editions: Sequence[Edition] = ()
    ) -> Path:
        """Write the page of `statement` to `dest`, linking `editions`; return the path."""
        module = importlib.import_module(self.module)
        return module.write(statement, layout, dest, editions=editions)


@dataclass(frozen=True)
class GroupWriter(Format):
    """A format written once per group of language versions of one statement, the
    statements in column order (authoritative first): a parallel edition.

    Its module has `check(statements, layouts) -> list[Diagnostic]`, the problems that
    would stop it (the builder runs it before writing anything, `statementpress check`
    too), and `write(statements, layouts, dest)`.
    """

    def check(self, statements: Sequence[Statement], layouts: Sequence[Layout]) -> list[Diagnostic]:
        """The located problems that keep this group from being written in this format."""
        return importlib.import_module(self.module).check(statements, layouts)

    def write(self, statements: Sequence[Statement], layouts: Sequence[Layout], dest: Path) -> Path:
        """Write the edition of the group to `dest` and return the path written."""
        return importlib.import_module(self.module).write(statements, layouts, dest)


@dataclass(frozen=True)
class Edition:
    """One edition written by a build, as a page links it; `langs` lists the columns of an
    edition in several languages (a parallel edition), whose `lang` is its first."""

    path: Path
    writer: Format
    lang: str
    langs: tuple[str, ...] = ()


# The build order of the registry is the order the editions are listed in on the page; the
# pages themselves are written after every other format (see `PageWriter`).
WRITERS: dict[str, Writer] = {
    "pdf": Writer(
        "pdf", "pdf", "application/pdf", "PDF", "statementpress.writers.pdf", engine="weasyprint"
    ),
    "docx": Writer(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
        "statementpress.writers.docx",
    ),
    "epub": Writer("epub", "epub", "application/epub+zip", "EPUB", "statementpress.writers.epub"),
    "html": PageWriter("html", "html", "text/html", "HTML", "statementpress.writers.html"),
}


# The parallel editions, one per group of two or more language versions of a statement.
PARALLEL = "parallel"
GROUP_WRITERS: dict[str, GroupWriter] = {
    f"{PARALLEL}-pdf": GroupWriter(
        f"{PARALLEL}-pdf",
        "pdf",
        "application/pdf",
        "PDF",
        "statementpress.writers.parallel_pdf",
        engine="weasyprint",
    ),
    f"{PARALLEL}-docx": GroupWriter(
        f"{PARALLEL}-docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
        "statementpress.writers.docx.parallel",
    ),
    f"{PARALLEL}-html": GroupWriter(
        f"{PARALLEL}-html", "html", "text/html", "HTML", "statementpress.writers.parallel_html"
    ),
}


def human_size(size: int) -> str:
    """A file size as the CLI's summary and the HTML page show it: "23.3 KiB", "512 B"."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def edition_name(statement: Statement, writer: Writer) -> str:
    """The file name of one edition: `<id>.<lang>.<ext>`."""
    return f"{statement.meta.id}.{statement.meta.lang}.{writer.extension}"


def engines() -> list[str]:
    """The heavy engines the formats load (`Format.engine`), each once, in a fixed order."""
    found = (w.engine for w in (*WRITERS.values(), *GROUP_WRITERS.values()))
    return sorted({e for e in found if e})
