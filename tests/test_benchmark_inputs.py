"""The benchmarks' inputs: generated sources are valid statements, and the Pandoc pipeline
script turns our front matter into a Pandoc title block (run with stand-ins for Pandoc and
WeasyPrint, which the tests do not need)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, SOURCE
from statementpress.reader import load

sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402

PIPELINE = ROOT / "benchmarks" / "pandoc_pipeline.sh"


def test_six_articles_give_back_the_source_itself():
    text = SOURCE.read_text(encoding="utf-8")
    assert corpus.with_articles(text, 6) == text


@pytest.mark.parametrize("count", [7, 40, 120])
def test_long_sources_are_valid_statements_numbered_in_order(tmp_path, count):
    statement = load(corpus.write_long(tmp_path, count))
    assert [a.number for a in statement.articles] == list(range(1, count + 1))
    assert statement.meta.id == f"articles-{count}"
    assert len(statement.notes) == len(load(SOURCE).notes)


def test_corpus_copies_have_distinct_ids_and_the_same_text(tmp_path):
    paths = corpus.write_corpus(tmp_path, 3)
    statements = [load(p) for p in paths]
    assert [s.meta.id for s in statements] == ["bench-0001", "bench-0002", "bench-0003"]
    original = load(SOURCE)
    assert all(s.articles == original.articles for s in statements)


def test_pipeline_script_writes_a_pandoc_title_block_and_three_editions(tmp_path):
    # Stand-ins: `pandoc IN [--standalone] -o OUT` copies IN to OUT; `weasyprint` likewise.
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, body in {
        "pandoc": 'in=$1; while [ "$1" != -o ]; do shift; done; cp "$in" "$2"',
        "weasyprint": 'shift; cp "$1" "$2"',
    }.items():
        (stubs / name).write_text(f"#!/bin/sh\n{body}\n")
        (stubs / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}"}
    out = tmp_path / "out"
    subprocess.run(["bash", str(PIPELINE), str(out), str(SOURCE)], check=True, env=env)
    folder = out / SOURCE.stem
    assert {p.suffix for p in folder.iterdir()} == {".md", ".docx", ".epub", ".html", ".pdf"}
    text = (folder / f"{SOURCE.stem}.md").read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    meta = yaml.safe_load(front.removeprefix("---\n"))
    original = load(SOURCE)
    assert set(meta) == {"title", "subtitle", "date", "lang", "author"}
    assert meta["author"] == [s.name for s in original.signatories]
    assert meta["lang"] == "ru" and "Центральная Азия" in meta["title"]
    assert body == SOURCE.read_text(encoding="utf-8").split("\n---\n", 1)[1]
