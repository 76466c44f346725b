"""Parallel builds (`--jobs`): the same bytes as one job, and a failing or dying worker
fails the build cleanly, leaving the output folder as it was."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, SOURCE, snapshot
from statementpress.builder import build
from statementpress.errors import BuildError
from statementpress.jobs import Pool
from statementpress.writers import WRITERS, Writer

# Every source the project has: the statement, its English version, and the fixtures (a
# statement in English and Chinese): single and parallel editions, three scripts.
EVERY_SOURCE = [
    SOURCE,
    ROOT / "source" / "ca-china-fm-2020-07-16.en.md",
    *sorted((ROOT / "tests" / "fixtures").glob("*.md")),
]


def digests(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file of a build folder but the hash memo (which holds inode
    numbers and times of this folder's files)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "files.json"
    }


def test_two_jobs_write_the_same_bytes_as_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1594857600")
    one = build(EVERY_SOURCE, out=tmp_path / "one", jobs=1)
    two = build(EVERY_SOURCE, out=tmp_path / "two", jobs=2)
    assert [p.relative_to(tmp_path / "one") for p in one] == [
        p.relative_to(tmp_path / "two") for p in two
    ]
    a, b = digests(tmp_path / "one"), digests(tmp_path / "two")
    assert len(a) == 4 * 4 + 2 * 3 + 4 + 3 + 1  # editions, records, index files, cache
    assert a == b


def source(statement_id: str) -> str:
    return MINIMAL.replace("id: test-statement", f"id: {statement_id}")


@pytest.fixture
def pdf_like(monkeypatch):
    """`tests/job_writers.py` registered as the PDF (so that its tasks go to the workers),
    with the page after it."""
    from statementpress import builder

    writer = Writer("pdf", "pdf", "application/pdf", "PDF", "job_writers", engine="weasyprint")
    monkeypatch.setattr(builder, "WRITERS", {"pdf": writer, "html": WRITERS["html"]})


@pytest.fixture
def out(tmp_path, write_source):
    """An output folder holding a good build of another statement."""
    folder = tmp_path / "out"
    build([write_source(source("other"), "other.md")], ["html"], out=folder)
    return folder


def test_a_task_failing_in_a_worker_fails_the_build(pdf_like, out, write_source):
    before = snapshot(out)
    with pytest.raises(BuildError) as info:
        build([write_source(source("boom-1"), "boom.md")], out=out, jobs=2)
    message = info.value.format_message()
    assert message.startswith("boom in process ")
    assert int(message.split()[-1]) != os.getpid()  # raised in a worker, as it is here
    assert snapshot(out) == before


def test_a_worker_that_dies_fails_the_build_naming_its_edition(pdf_like, out, write_source):
    before = snapshot(out)
    with pytest.raises(BuildError) as info:
        build([write_source(source("crash-1"), "crash.md")], out=out, jobs=2)
    assert info.value.format_message() == (
        "a build worker stopped unexpectedly (killed, or out of memory) while writing "
        f"{out}/crash-1/crash-1.ru.pdf; nothing was changed in {out}/"
    )
    assert snapshot(out) == before
    # The next build gets new workers.
    written = build([write_source(source("fine"), "fine.md")], out=out, jobs=2)
    assert [p.name for p in written] == ["fine.ru.pdf", "fine.ru.html"]


def test_what_a_worker_logs_is_logged_by_the_build(pdf_like, tmp_path, write_source, caplog):
    with caplog.at_level(logging.WARNING, logger="statementpress"):
        written = build([write_source(source("warn-1"), "warn.md")], out=tmp_path, jobs=2)
    worker = int(written[0].read_text())
    assert worker != os.getpid()
    assert f"a warning from process {worker}" in caplog.messages


def test_a_pool_kept_between_builds_renders_with_the_same_worker(pdf_like, tmp_path, write_source):
    path = write_source(source("kept"), "kept.md")
    with Pool(1) as pool:
        first = build([path], out=tmp_path / "a", jobs=2, pool=pool)[0].read_text()
        second = build([path], out=tmp_path / "b", jobs=2, pool=pool)[0].read_text()
    assert first == second != f"{os.getpid()}\n"


def test_a_source_error_crosses_from_a_worker_with_its_diagnostics():
    import pickle

    from statementpress.errors import Diagnostic, SourceError

    error = SourceError([Diagnostic("b.md", 2, 1, "second"), Diagnostic("a.md", 1, 1, "first")])
    again = pickle.loads(pickle.dumps(error))
    assert again.diagnostics == error.diagnostics
    assert again.format_message() == "a.md:1:1: error: first\nb.md:2:1: error: second"


def test_one_statement_renders_its_pdf_in_a_worker_and_the_rest_here(
    monkeypatch, tmp_path, write_source
):
    from statementpress import builder

    registry = {
        "pdf": Writer("pdf", "pdf", "application/pdf", "PDF", "job_writers", engine="weasyprint"),
        "txt": Writer("txt", "txt", "text/plain", "Text", "job_writers"),
        "html": WRITERS["html"],
    }
    monkeypatch.setattr(builder, "WRITERS", registry)
    written = build([write_source(source("overlap"), "overlap.md")], out=tmp_path, jobs=2)
    by_format = {p.suffix: p for p in written}
    assert int(by_format[".pdf"].read_text()) != os.getpid()
    assert int(by_format[".txt"].read_text()) == os.getpid()


def test_each_template_is_parsed_once_per_layout(monkeypatch, write_source, statement):
    from statementpress import checks
    from statementpress import layout as layouts
    from statementpress.builder import prepare
    from statementpress.reader import load

    parsed = []
    real = checks._template
    monkeypatch.setattr(
        checks, "_template", lambda lay, name: parsed.append(name) or real(lay, name)
    )
    layout = layouts.load("official")
    other = prepare(load(write_source(source("second"), "second.md")))
    assert checks.run([(statement, layout), (other, layout)], list(WRITERS.values())) == []
    assert parsed and len(parsed) == len(set(parsed))  # each once, for both statements


def test_a_pdf_is_handed_to_the_workers_while_they_are_launched(monkeypatch):
    # The fork server imports WeasyPrint before any worker is up: a task that needs the
    # PDF engine is taken at once (it waits for the first worker), never kept back for
    # this process, which goes on with the other editions meanwhile.
    import threading

    from statementpress import jobs

    gate = threading.Event()
    launch = Pool._launch

    def held_back(self, launching):
        gate.wait(timeout=60)
        launch(self, launching)

    monkeypatch.setattr(Pool, "_launch", held_back)
    with Pool(1) as pool:
        pool.start()
        assert pool.ready == 0 and pool.room(heavy=False) == 0
        assert pool.room(heavy=True) == jobs.AHEAD
        future = pool.submit(jobs.Task(jobs._ready, None, "a pid", heavy=True))
        assert pool.in_flight() == 1 and not future.done()
        gate.set()
        assert future.result(timeout=120).result != os.getpid()
        assert pool.ready == 1
