"""Reader: a source file (YAML front matter + CommonMark body) becomes a validated `Statement`.

Every problem found is reported as `path:line:col: error: …` with the line of the source file;
all problems of a file are collected and raised together as one `SourceError`. The front
matter is read here; the body in `statementpress.body`, the characters in
`statementpress.characters`. Every key, value and node of the model keeps its position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statementpress import characters, limits, sourcefile
from statementpress.body import BodyReader
from statementpress.errors import Diagnostic, SourceError
from statementpress.frontmatter import FENCE, FENCE_END, KNOWN_KEYS, REQUIRED_KEYS, Fields
from statementpress.model import (
    SIGNATURE_MODES,
    UNITS,
    Meta,
    Signatory,
    Source,
    Statement,
)


def load(path: str | Path, max_size: int | None = None) -> Statement:
    """Read and validate one source file; raise `SourceError` listing every problem in it.

    The file must be a regular file of at most `max_size` bytes (default: see
    `limits.max_source_size`); a folder, a device or a named pipe is refused before it is
    opened, so that reading never blocks or runs without end.
    """
    return parse(sourcefile.read(path, limits.max_source_size(max_size)), str(path))


def parse(data: bytes, path: str = "<string>") -> Statement:
    """Validate a source given as bytes; `path` is only used in messages and metadata."""
    return _Reader(path, data).read()


@dataclass
class _Reader:
    path: str
    data: bytes
    problems: list[Diagnostic] = field(default_factory=list)

    def error(self, line: int, col: int, message: str) -> None:
        self.problems.append(Diagnostic(self.path, line, col, message))

    # -- whole file -------------------------------------------------------------------------

    def read(self) -> Statement:
        text = characters.decode(self.data, self.error)
        if text is None:
            raise SourceError(self.problems)
        text = characters.clean(text, self.error)
        lines = text.split("\n")
        split = self._split_front_matter(lines)
        if split is None:
            raise SourceError(self.problems)
        fm_lines, body_start = split
        meta, signatories = self._front_matter(fm_lines)
        body = "\n".join(lines[body_start:])
        blocks = BodyReader(self.error, self.problems, body, body_start).read()
        if self.problems:
            raise SourceError(self.problems)
        assert meta is not None
        preamble, articles, closing, notes = blocks
        return Statement(
            meta=meta,
            preamble=preamble,
            articles=articles,
            closing=closing,
            signatories=signatories,
            notes=notes,
            source=Source(self.path, self.data),
        )

    def _split_front_matter(self, lines: list[str]) -> tuple[list[str], int] | None:
        if not lines or lines[0].rstrip() != FENCE:
            self.error(
                1,
                1,
                "missing front matter: the file must start with a line '---', then the YAML "
                "metadata (id, lang, title, date, signatories), then a closing line '---'",
            )
            return None
        for index in range(1, len(lines)):
            if lines[index].rstrip() in FENCE_END:
                return lines[1:index], index + 1
        self.error(
            1,
            1,
            "the front matter opened on this line is never closed; add a line '---' after "
            "the metadata",
        )
        return None

    # -- front matter -----------------------------------------------------------------------

    def _front_matter(self, fm_lines: list[str]) -> tuple[Meta | None, tuple[Signatory, ...]]:
        import yaml

        offset = 2  # front matter starts on the file's second line
        source = "\n".join(fm_lines)
        refused = sourcefile.yaml_refusal(source)
        if refused is not None:
            line, col, message = refused
            self.error(line + offset, col, message)
            return None, ()
        try:
            root = yaml.compose(source, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = mark.line + offset if mark else offset
            col = mark.column + 1 if mark else 1
            problem = getattr(exc, "problem", None) or str(exc)
            context, where = getattr(exc, "context", None), getattr(exc, "context_mark", None)
            if context and where and mark and where.line != mark.line:
                problem += f" ({context} on line {where.line + offset})"
            self.error(
                line,
                col,
                f"YAML syntax error in the front matter: {problem}; "
                "check the indentation and put values with ':' or '#' in quotes",
            )
            return None, ()
        if root is None:
            self.error(
                1, 1, "the front matter is empty; give at least: " + ", ".join(REQUIRED_KEYS)
            )
            return None, ()
        if not isinstance(root, yaml.MappingNode):
            self.error(
                root.start_mark.line + offset,
                root.start_mark.column + 1,
                "the front matter must be a mapping of 'key: value' lines",
            )
            return None, ()

        fields = Fields(self, offset, source)
        values = fields.mapping(root, KNOWN_KEYS, "front matter key")
        for key in REQUIRED_KEYS:
            if key not in values:
                self.error(1, 1, f"missing required front matter key {key!r}; add '{key}: …'")

        meta_values: dict[str, Any] = {}
        if "id" in values:
            meta_values["id"] = fields.identifier(values["id"])
        if "lang" in values:
            meta_values["lang"] = fields.language(values["lang"])
        if "title" in values:
            title = fields.text(values["title"], "title")
            if title is not None:
                meta_values["title"] = tuple(
                    line.strip() for line in title.split("\n") if line.strip()
                )
        if "date" in values:
            meta_values["date"] = fields.date(values["date"])
        for key in ("kind", "subtitle", "place"):
            if key in values:
                meta_values[key] = fields.text(values[key], key)
        if "layout" in values:
            meta_values["layout"] = fields.layout_name(values["layout"])
        if "authoritative" in values:
            meta_values["authoritative"] = fields.boolean(values["authoritative"], "authoritative")
        if "signature" in values:
            meta_values["signature"] = fields.choice(
                values["signature"], "signature", SIGNATURE_MODES
            )
        if "unit" in values:
            meta_values["unit"] = fields.choice(values["unit"], "unit", UNITS)
        if "translation" in values:
            meta_values["translation"] = fields.translation(
                values["translation"], meta_values.get("authoritative"), meta_values.get("lang")
            )
        signatories = fields.signatories(values["signatories"]) if "signatories" in values else ()
        meta_values["positions"] = fields.positions(root, KNOWN_KEYS, meta_values)

        if any(meta_values.get(k) is None for k in ("id", "lang", "title", "date")):
            return None, signatories
        if meta_values.get("layout", "") is None:
            return None, signatories
        return Meta(**{k: v for k, v in meta_values.items() if v is not None}), signatories
