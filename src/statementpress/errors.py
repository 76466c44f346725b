"""Errors users see: each prints as clean lines without a traceback (click's ClickException)."""

from __future__ import annotations

from dataclasses import dataclass

import click


class StatementpressError(click.ClickException):
    """Base of every error that is the user's to fix; exit code 1, no traceback."""

    def show(self, file=None) -> None:  # noqa: D102 - click API
        click.echo(self.format_message(), err=True, file=file)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in a source file, at a 1-based line and column.

    Line 0 places it in the file (or another named place, such as "environment") as a
    whole; an empty path when the message itself says where.
    """

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        if not self.path:
            return f"error: {self.message}"
        if not self.line:
            return f"{self.path}: error: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: error: {self.message}"


class SourceError(StatementpressError):
    """A source file has one or more problems; every one is listed, one per line."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[SourceError], tuple[list[Diagnostic]]]:
        # Raised in a build worker, it crosses to the main process as its diagnostics.
        return (type(self), (self.diagnostics,))


class LayoutError(StatementpressError):
    """A layout is missing or its `layout.toml` is invalid."""


class BuildError(StatementpressError):
    """An edition could not be written (the message says which and why)."""
