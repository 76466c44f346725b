"""Shared fixtures: paths of the project, the seed text, and small sources written per test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "ca-china-fm-2020-07-16.md"
# The statement as issued (shared/seeds/000_bcc5189a6243e073.txt, copied unchanged), so that
# the text-parity tests run in a clone anywhere.
SEED = ROOT / "tests" / "fixtures" / "seed-ca-china-fm-2020-07-16.txt"

MINIMAL = """\
---
id: test-statement
lang: ru
kind: Совместное заявление
title: |
  министров
  иностранных дел
date: 2021-05-12
signatories:
  - name: И.И. Иванов
    title: Министр
    party: Сторона А
  - name: П.П. Петров
    title: Министр
    party: Сторона Б
---

Преамбула заявления[^a].

1. Первая статья.

   Второй абзац первой статьи.

   - подпункт один;
   - подпункт два.

2. Вторая статья[^b] и снова[^a].

[^a]: Первое примечание.

[^b]: Второе *примечание*.
"""


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under `folder`, hidden ones included: the bytes of each file, None for
    each folder, by path relative to `folder` ("/"-separated); {} if it does not exist."""
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture
def write_source(tmp_path):
    """Write a source file into a temporary folder; returns its path."""

    def write(text: str = MINIMAL, name: str = "test-statement.md", raw: bytes | None = None):
        path = tmp_path / name
        if raw is not None:
            path.write_bytes(raw)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def statement():
    """The canonical statement as writers receive it (loaded and typeset), once per session."""
    from statementpress import load
    from statementpress.builder import prepare

    return prepare(load(SOURCE))


@pytest.fixture(scope="session")
def official_pdf(statement, tmp_path_factory):
    """The canonical statement's PDF edition in the official layout, built once per session."""
    from statementpress import layout
    from statementpress.writers import pdf

    dest = tmp_path_factory.mktemp("pdf") / "official.pdf"
    return pdf.write(statement, layout.load("official"), dest)


# Tests that render the DOCX through LibreOffice (the `rendered` fixture) take seconds each:
# they are `slow`, like the EPUBCheck runs, so that `pytest -m "not slow"` is a quick loop.
SLOW_FIXTURES = {"rendered"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
