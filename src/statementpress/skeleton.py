"""`statementpress new`: a new source file from the commented skeleton."""

from __future__ import annotations

import datetime
from importlib.resources import files
from pathlib import Path

from statementpress.errors import StatementpressError
from statementpress.frontmatter import ID_RE


def create(statement_id: str, folder: Path) -> Path:
    """Write `folder/<id>.md` from the skeleton; refuses an invalid id or an existing file."""
    if not ID_RE.fullmatch(statement_id):
        raise StatementpressError(
            f"invalid id {statement_id!r}: use lower-case letters, digits and '-', starting "
            "with a letter or digit (e.g. ca-china-fm-2021-05-12)"
        )
    path = folder / f"{statement_id}.md"
    if path.exists():
        raise StatementpressError(f"{path} already exists; choose another id or edit that file")
    text = files("statementpress").joinpath("skeleton.md").read_text(encoding="utf-8")
    text = text.replace("{id}", statement_id).replace("{date}", datetime.date.today().isoformat())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise StatementpressError(f"cannot create {path}: {exc.strerror or exc}") from None
    return path
