"""Reader: a source file (YAML front matter + CommonMark body) becomes a validated `Statement`.

Every problem found is reported as `path:line:col: error: …` with the line of the source file;
all problems of a file are collected and raised together as one `SourceError`. The front
matter is read here; the body in `statementpress.body`, the characters in
`statementpress.characters`. Every key, value and node of the model keeps its position.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from statementpress import characters, limits, sourcefile
from statementpress import layout as layouts
from statementpress.body import BodyReader
from statementpress.errors import Diagnostic, SourceError
from statementpress.model import (
    SIGNATURE_MODES,
    UNITS,
    KeyPos,
    Meta,
    Pos,
    Signatory,
    Source,
    Statement,
    Translation,
)
from statementpress.positions import LineIndex, follow

REQUIRED_KEYS = ("id", "lang", "title", "date", "signatories")
OPTIONAL_KEYS = (
    "kind",
    "subtitle",
    "place",
    "layout",
    "authoritative",
    "signature",
    "unit",
    "translation",
)
KNOWN_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
SIGNATORY_KEYS = ("name", "title", "party")
TRANSLATION_KEYS = ("of", "note")

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
FENCE = "---"
FENCE_END = ("---", "...")


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

        fields = _Fields(self, offset, source)
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


class _Fields:
    """Typed access to front matter nodes; each failure is recorded with the node's line."""

    def __init__(self, reader: _Reader, offset: int, source: str) -> None:
        self.reader = reader
        self.offset = offset
        self.source = source  # the front matter's text, which the nodes' marks index
        self.lines = LineIndex(source, first_line=offset)

    def at(self, node: Any, message: str) -> None:
        self.reader.error(node.start_mark.line + self.offset, node.start_mark.column + 1, message)

    def pos(self, node: Any) -> Pos:
        """Where a node starts in the file."""
        return Pos(node.start_mark.line + self.offset, node.start_mark.column + 1)

    def positions(
        self, node: Any, known: tuple[str, ...], stored: dict[str, Any]
    ) -> MappingProxyType[str, KeyPos]:
        """Where each `known` key of a mapping node was written, and where its value was:
        for a value read into `stored`, the position of each of its characters (for
        `title`, of its lines joined by line breaks), else where the value starts."""
        import yaml

        out: dict[str, KeyPos] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in known or key in out:
                continue
            value = stored.get(key)
            if isinstance(value, tuple):
                value = "\n".join(value)
            elif not isinstance(value, str):
                value = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
            where: Pos | None = self.pos(value_node)
            if isinstance(value, str):
                start, end = value_node.start_mark.index, value_node.end_mark.index
                where = follow(value, self.source, start, end, self.lines) or where
            out[key] = KeyPos(self.pos(key_node), where)
        return MappingProxyType(out)

    def mapping(self, node: Any, known: tuple[str, ...], what: str) -> dict[str, Any]:
        import yaml

        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.at(key_node, f"a {what} must be a plain name")
                continue
            if key not in known:
                hint = difflib.get_close_matches(key, known, n=1)
                suggestion = f"did you mean {hint[0]!r}? " if hint else ""
                self.at(
                    key_node,
                    f"unknown {what} {key!r}; {suggestion}valid keys are: " + ", ".join(known),
                )
                continue
            if key in out:
                self.at(key_node, f"{what} {key!r} is given twice; keep one")
                continue
            out[key] = value_node
        return out

    def scalar(self, node: Any, key: str, expected: str) -> str | None:
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            self.at(node, f"{key!r} must be {expected}, not a list or mapping")
            return None
        return node.value

    def text(self, node: Any, key: str) -> str | None:
        import yaml

        raw = self.scalar(node, key, "text")
        if raw is None:
            return None
        if node.style is None and node.tag != "tag:yaml.org,2002:str":
            resolved = yaml.SafeLoader("").resolve(yaml.ScalarNode, raw, (True, False))
            if resolved != "tag:yaml.org,2002:str":
                kind = resolved.rsplit(":", 1)[-1]
                self.at(
                    node,
                    f"{key!r} must be text, but YAML reads {raw!r} as {kind}; "
                    "put the value in quotes",
                )
                return None
        if not raw.strip():
            self.at(node, f"{key!r} is empty; give it a value or remove the key")
            return None
        if not self.characters(node, raw):
            return None
        return raw.strip("\n")

    def characters(self, node: Any, value: str) -> bool:
        """Check the characters of a decoded value; report each that may not stand where it
        does at the escape it was written as (a YAML escape such as "\\u202E" gets past the
        check of the file's characters). Whether the value is fine."""
        found = characters.problems(value)
        if not found:
            return True
        start, end = node.start_mark.index, node.end_mark.index
        where = follow(value, self.source, start, end, self.lines) or self.pos(node)
        for index, why in found:
            ch = value[index]
            message = (
                f"the YAML escape gives {characters.describe(ch)}, which is not allowed in a "
                "source; delete it"
                if characters.refused(ch)
                else f"written as a YAML escape, {why}"
            )
            self.reader.error(*where.at(index).key, message)
        return False

    def boolean(self, node: Any, key: str) -> bool | None:
        raw = self.scalar(node, key, "true or false")
        if raw is None:
            return None
        if node.style is None and raw in ("true", "false"):
            return raw == "true"
        self.at(node, f"{key!r} must be true or false, not {raw!r}")
        return None

    def choice(self, node: Any, key: str, choices: tuple[str, ...]) -> str | None:
        raw = self.text(node, key)
        if raw is None:
            return None
        if raw in choices:
            return raw
        hint = difflib.get_close_matches(raw, choices, n=1)
        suggestion = f"did you mean {hint[0]!r}? " if hint else ""
        self.at(node, f"invalid {key} {raw!r}; {suggestion}use one of: " + ", ".join(choices))
        return None

    def identifier(self, node: Any) -> str | None:
        raw = self.text(node, "id")
        if raw is None:
            return None
        if ID_RE.fullmatch(raw):
            if len(raw) <= limits.MAX_ID_LENGTH:
                return raw
            self.at(
                node,
                f"the id is {len(raw)} characters long; ids are limited to "
                f"{limits.MAX_ID_LENGTH}, as the id names the output folder and files",
            )
            return None
        if "/" in raw or "\\" in raw or ".." in raw:
            why = "it must not contain path separators or '..'"
        elif raw != raw.lower():
            why = "it must be lower case"
        else:
            why = "it may hold only a-z, 0-9 and '-', and must start with a letter or digit"
        suggestion = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-") or "my-statement"
        self.at(
            node,
            f"invalid id {raw!r}: {why} (it names the output files); for example {suggestion!r}",
        )
        return None

    def language(self, node: Any, key: str = "lang") -> str | None:
        """The BCP 47 tag in its canonical form ('RU' -> 'ru', 'zh-hans' -> 'zh-Hans'), so
        that one language is always written one way."""
        import langcodes

        raw = self.text(node, key)
        if raw is None:
            return None
        # langcodes also reads '_' as a separator; BCP 47 has only '-'.
        if "_" not in raw and langcodes.tag_is_valid(raw):
            return str(langcodes.standardize_tag(raw))
        self.at(
            node,
            f"invalid {key} {raw!r}: use a BCP 47 language tag such as 'ru', 'en' or 'zh-Hans'",
        )
        return None

    def translation(
        self, node: Any, authoritative: bool | None, lang: str | None
    ) -> Translation | None:
        """The `translation` table: `of` (the authoritative text's language), `note`."""
        import yaml

        if not isinstance(node, yaml.MappingNode):
            self.at(
                node,
                "'translation' must be a table with 'of' (the language of the authoritative "
                "text, e.g. 'of: ru') and optionally 'note' (a line the editions print)",
            )
            return None
        values = self.mapping(node, TRANSLATION_KEYS, "translation key")
        if "of" not in values:
            self.at(node, "'translation' is missing 'of', the language of the authoritative text")
            return None
        of = self.language(values["of"], "of")
        note = self.text(values["note"], "note") if "note" in values else None
        if of is None or ("note" in values and note is None):
            return None
        if authoritative:
            self.at(
                node,
                "an authoritative version is not a translation; remove 'translation' "
                "or say 'authoritative: false'",
            )
            return None
        if lang is not None and of.lower() == lang.lower():
            self.at(
                values["of"],
                f"'of' names this source's own language {of!r}; name the "
                "language of the authoritative text",
            )
            return None
        positions = self.positions(node, TRANSLATION_KEYS, {"of": of, "note": note})
        return Translation(of=of, note=note, positions=positions)

    def date(self, node: Any) -> datetime.date | None:
        raw = self.scalar(node, "date", "a date")
        if raw is None:
            return None
        raw = raw.strip()
        problem = None
        if not ISO_DATE_RE.fullmatch(raw):
            problem = "write it as YYYY-MM-DD, e.g. 2020-07-16"
        else:
            try:
                date = datetime.date.fromisoformat(raw)
            except ValueError as exc:
                problem = f"{exc}"
            else:
                earliest, latest = (
                    datetime.date(*limits.EARLIEST_DATE),
                    datetime.date(*limits.LATEST_DATE),
                )
                if earliest <= date <= latest:
                    return date
                problem = (
                    f"give a date from {earliest} to {latest}, which every edition can "
                    "store (the ZIP timestamps of DOCX and EPUB end in 2107)"
                )
        self.at(node, f"invalid date {raw!r}: {problem}")
        return None

    def layout_name(self, node: Any) -> str | None:
        raw = self.text(node, "layout")
        if raw is None:
            return None
        # Only the name's shape: which layouts exist depends on the project and on
        # --layout-dir, so the builder resolves the name and locates an unknown one.
        if not layouts.is_name(raw):
            self.at(
                node,
                f"invalid layout name {raw!r}: use the name of a layout folder, letters, "
                "digits, '-', '_' and '.' (such as 'official')",
            )
            return None
        return raw

    def signatories(self, node: Any) -> tuple[Signatory, ...]:
        import yaml

        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.at(
                node,
                "'signatories' must be a list with at least one entry, each with "
                "'name' and 'title' (and optionally 'party')",
            )
            return ()
        out: list[Signatory] = []
        for entry in node.value:
            if not isinstance(entry, yaml.MappingNode):
                self.at(entry, "each signatory must be a mapping with 'name' and 'title'")
                continue
            values = self.mapping(entry, SIGNATORY_KEYS, "signatory key")
            missing = [k for k in ("name", "title") if k not in values]
            for key in missing:
                self.at(entry, f"signatory is missing {key!r}; add '{key}: …'")
            got = {k: self.text(v, k) for k, v in values.items()}
            name, title = got.get("name"), got.get("title")
            if not missing and name and title and ("party" not in values or got.get("party")):
                out.append(
                    Signatory(
                        name=name,
                        title=title,
                        party=got.get("party"),
                        pos=self.pos(entry),
                        positions=self.positions(entry, SIGNATORY_KEYS, got),
                    )
                )
        return tuple(out)
