"""A source file taken in with care: only a regular file within the size limit is read, and
its front matter is scanned for what PyYAML cannot be trusted with (deep nesting, aliases)
before it is composed. See docs/limits.md.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from statementpress import limits
from statementpress.errors import Diagnostic, SourceError
from statementpress.writers import human_size


def _kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, for the message; None for a regular one."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read(path: str | Path, limit: int) -> bytes:
    """The bytes of a source file, after checking that it is a regular file within `limit`."""
    shown = str(path)

    def refuse(message: str) -> SourceError:
        return SourceError([Diagnostic(shown, 1, 1, message)])

    def check(info: os.stat_result) -> None:
        kind = _kind_of(info.st_mode)
        if kind is not None:
            raise refuse(f"this is {kind}, not a source file; a source must be a regular file")
        if info.st_size > limit:
            raise refuse(_too_big(info.st_size, limit))

    try:
        check(os.stat(path))
        # O_NONBLOCK: should the path have become a named pipe since, opening it does not
        # wait for a writer; the descriptor is checked again before anything is read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise refuse(f"cannot read the file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as file:
        check(os.fstat(fd))
        try:
            data = file.read(limit + 1)
        except OSError as exc:
            raise refuse(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise refuse(_too_big(len(data), limit))
    return data


def _too_big(size: int, limit: int) -> str:
    return (
        f"the file is {human_size(size)} ({size} bytes); sources are limited to "
        f"{human_size(limit)} ({limit} bytes): give a larger limit with --max-source-size "
        f"or {limits.MAX_SOURCE_SIZE_ENV} if this file is really one statement"
    )


def yaml_refusal(source: str) -> tuple[int, int, str] | None:
    """The first thing of the front matter refused before it is composed: nesting deeper
    than `limits.MAX_YAML_DEPTH`, or an anchor or alias. (0-based line, 1-based column,
    message), or None.

    PyYAML's composer recurses once per level and its aliases can multiply a value; its
    scanner does neither, so the tokens are read first. A syntax error is left to the
    composer, which reports it.
    """
    import yaml

    opening = (
        yaml.FlowSequenceStartToken,
        yaml.FlowMappingStartToken,
        yaml.BlockSequenceStartToken,
        yaml.BlockMappingStartToken,
    )
    closing = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
    depth = 0
    try:
        for token in yaml.scan(source, Loader=yaml.SafeLoader):
            mark = token.start_mark
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                what = "an anchor" if isinstance(token, yaml.AnchorToken) else "an alias"
                return (
                    mark.line,
                    mark.column + 1,
                    f"YAML anchors and aliases ('&name', '*name') are not allowed in the "
                    f"front matter; this is {what}: write the value out where it is used",
                )
            if isinstance(token, opening):
                depth += 1
                if depth > limits.MAX_YAML_DEPTH:
                    return (
                        mark.line,
                        mark.column + 1,
                        f"the front matter is nested more than {limits.MAX_YAML_DEPTH} "
                        "levels deep here; it needs 3 (the keys, the list of signatories, "
                        "a signatory)",
                    )
            elif isinstance(token, closing):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None
