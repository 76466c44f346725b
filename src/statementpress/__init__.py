"""statementpress: one canonical statement source compiled into PDF, DOCX, EPUB and HTML."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

try:
    __version__ = version("statementpress")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from statementpress.model import Statement

__all__ = ["Statement", "__version__", "build", "load"]


def load(path):
    """Read and validate one source file into a `Statement` (see `statementpress.reader.load`)."""
    from statementpress.reader import load as _load

    return _load(path)


def build(*args, **kwargs):
    """Build editions of sources (see `statementpress.builder.build`)."""
    from statementpress.builder import build as _build

    return _build(*args, **kwargs)


def __getattr__(name: str):
    if name == "Statement":
        from statementpress.model import Statement

        return Statement
    raise AttributeError(name)
