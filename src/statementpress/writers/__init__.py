"""The writers registry: one entry per edition format, each a `write(statement, layout, dest)`."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statementpress.layout import Layout
    from statementpress.model import Statement


@dataclass(frozen=True)
class Writer:
    """A format: its file extension, media type and the module whose `write` renders it.

    The module is imported only when an edition of that format is written, so that asking
    for `--help` never loads WeasyPrint or python-docx.
    """

    name: str
    extension: str
    media_type: str
    label: str
    module: str
    # A format that links the other editions of its build (the HTML page) gets them as
    # `editions=`; the others are plain `write(statement, layout, dest)`.
    lists_editions: bool = False

    def write(
        self, statement: Statement, layout: Layout, dest: Path, editions: Sequence[Path] = ()
    ) -> Path:
        """Write one edition of `statement` to `dest` and return the path written.

        `editions` are the other editions of the statement written by the same build (every
        language), which a format that lists them links to.
        """
        module = importlib.import_module(self.module)
        if self.lists_editions:
            return module.write(statement, layout, dest, editions=editions)
        return module.write(statement, layout, dest)


# Build order matters only for the HTML page, which lists the editions already beside it:
# the other writers come before "html".
WRITERS: dict[str, Writer] = {
    "pdf": Writer("pdf", "pdf", "application/pdf", "PDF", "statementpress.writers.pdf"),
    "docx": Writer(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
        "statementpress.writers.docx",
    ),
    "epub": Writer("epub", "epub", "application/epub+zip", "EPUB", "statementpress.writers.epub"),
    "html": Writer(
        "html", "html", "text/html", "HTML", "statementpress.writers.html", lists_editions=True
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
