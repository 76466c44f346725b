"""The download page `index.html`: every statement of a build folder, its reading pages and
every edition with its size, SHA-256 and a download link, from the template `index.html.j2`."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from statementpress.delivery.manifest import MANIFEST, SUMS, Contents, Edition, Entry, Signed
from statementpress.model import primary_language

# Each language named in itself, as a reader looking for their language finds it.
ENDONYMS = {
    "ar": "العربية",
    "de": "Deutsch",
    "en": "English",
    "es": "español",
    "fr": "français",
    "kk": "қазақ тілі",
    "ky": "кыргызча",
    "mn": "монгол",
    "pt": "português",
    "ru": "русский",
    "tg": "тоҷикӣ",
    "tk": "türkmen dili",
    "uz": "oʻzbekcha",
    "zh": "中文",
}


def language_name(lang: str) -> str:
    """`русский (ru)`: the language in itself, then its tag; the tag alone when unknown."""
    name = ENDONYMS.get(primary_language(lang))
    return f"{name} ({lang})" if name else lang


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _edition(e: Edition, number: int) -> dict[str, Any]:
    from statementpress.writers import WRITERS, human_size

    writer = WRITERS[e.format]
    return {
        "e": e,
        "label": writer.label,
        "media_type": writer.media_type,
        "name": e.path.rpartition("/")[2],
        "size": human_size(e.bytes),
        "language": language_name(e.lang),
        "hash_id": f"sha-{number}",
        "signed": None,
    }


def _signed(s: Signed, of: Edition, number: int) -> dict[str, Any]:
    """A row for the signed copy `s` of the PDF edition `of`: its own file, size and hash."""
    from statementpress.writers import human_size

    row = _edition(of, number)
    row.update(
        e=replace(of, path=s.path, bytes=s.bytes, sha256=s.sha256),
        name=s.path.rpartition("/")[2],
        size=human_size(s.bytes),
        signed={"signer": s.signer, "time": (s.signing_time or "")[:10] or None},
    )
    return row


def _statement(st: Entry, first: int, signed: dict[str, list[Signed]]) -> dict[str, Any]:
    """The page's data of one statement; its editions' rows numbered from `first`, each
    PDF followed by its signed copies (`signed`, by the path of the edition they sign)."""
    readable = {e.lang: e.path for e in st.editions if e.format == "html"}
    rows: list[dict[str, Any]] = []
    for e in st.editions:
        rows.append(_edition(e, first + len(rows)))
        for copy in signed.get(e.path, ()):
            rows.append(_signed(copy, e, first + len(rows)))
    return {
        "st": st,
        "main": st.main,
        "versions": [
            {"v": v, "language": language_name(v.lang), "read": readable.get(v.lang)}
            for v in st.versions
        ],
        "editions": rows,
    }


def render(contents: Contents) -> bytes:
    """The page as UTF-8 bytes; the same folder contents always give the same bytes."""
    from statementpress import __version__

    signed: dict[str, list[Signed]] = {}
    for s in contents.signed:
        signed.setdefault(s.unsigned, []).append(s)
    statements = []
    rows = 0
    for st in contents.statements:
        statements.append(_statement(st, rows + 1, signed))
        rows += len(statements[-1]["editions"])
    count = len(contents.editions)
    page = (
        _environment()
        .get_template("index.html.j2")
        .render(
            statements=statements,
            edition_count=count,
            signed_count=len(contents.signed),
            manifest=MANIFEST,
            sums=SUMS,
            generator=f"statementpress {__version__}",
        )
    )
    return page.encode("utf-8")
