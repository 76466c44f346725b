"""Benchmark inputs made from our statement: a corpus of copies, and long statements.

Everything is generated into a folder the caller gives (a temporary one), never into
`source/`, and depends only on the arguments, so two runs measure the same input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "ca-china-fm-2020-07-16.md"

_ARTICLE = re.compile(r"^(\d+)\. ", re.MULTILINE)
_NOTE_CALL = re.compile(r"\[\^[^\]]+\](?!:)")


@dataclass(frozen=True)
class Parts:
    """A source cut where articles start and end: front matter, preamble, articles, the rest."""

    front_matter: str  # from the opening `---` to the closing `---` line, inclusive
    preamble: str
    articles: tuple[str, ...]  # each without its number, continuation lines kept
    tail: str  # closing paragraphs and note definitions


def split(text: str) -> Parts:
    """Cut a statement source into its parts (our source format: `1. ` starts an article)."""
    end = text.index("\n---\n", 4) + len("\n---\n")
    front, body = text[:end], text[end:]
    starts = [m.start() for m in _ARTICLE.finditer(body)]
    if not starts:
        raise ValueError("the source has no numbered articles")
    # The last article ends at the first line after it that is neither blank nor indented.
    rest = re.search(r"^\S", body[starts[-1] :].split("\n", 1)[1], re.MULTILINE)
    last_end = len(body)
    if rest:
        last_end = starts[-1] + len(body[starts[-1] :].split("\n", 1)[0]) + 1 + rest.start()
    bounds = [*starts, last_end]
    articles = tuple(
        _ARTICLE.sub("", body[a:b], count=1).rstrip("\n") + "\n"
        for a, b in zip(bounds, bounds[1:], strict=False)
    )
    return Parts(front, body[: starts[0]], articles, body[last_end:])


def with_articles(text: str, count: int) -> str:
    """The source with `count` articles, numbered 1..count: its own, then copies of their first
    paragraphs (note calls dropped, so that each note keeps its one call)."""
    parts = split(text)
    chosen = []
    for i in range(count):
        body = parts.articles[i % len(parts.articles)]
        if i >= len(parts.articles):
            body = _NOTE_CALL.sub("", body.split("\n\n", 1)[0].rstrip("\n") + "\n")
        marker = f"{i + 1}. "
        # Continuation paragraphs line up with the article's text, after its wider number.
        body = re.sub(r"^ +(?=\S)", " " * len(marker), body, flags=re.MULTILINE)
        chosen.append(marker + body)
    return parts.front_matter + parts.preamble + "\n".join(chosen) + "\n" + parts.tail


def with_id(text: str, statement_id: str) -> str:
    """The source with another `id:` in its front matter."""
    new, count = re.subn(r"^id: .*$", f"id: {statement_id}", text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise ValueError("the source has no 'id:' line")
    return new


def write_corpus(folder: Path, count: int, source: Path = SOURCE) -> list[Path]:
    """`count` copies of the statement, each with its own id, as `folder/bench-NNNN.md`."""
    folder.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    paths = []
    for i in range(1, count + 1):
        path = folder / f"bench-{i:04d}.md"
        path.write_text(with_id(text, f"bench-{i:04d}"), encoding="utf-8")
        paths.append(path)
    return paths


def write_long(folder: Path, count: int, source: Path = SOURCE) -> Path:
    """The statement with `count` articles, as `folder/articles-<count>.md`."""
    folder.mkdir(parents=True, exist_ok=True)
    text = with_articles(source.read_text(encoding="utf-8"), count)
    path = folder / f"articles-{count}.md"
    path.write_text(with_id(text, f"articles-{count}"), encoding="utf-8")
    return path
