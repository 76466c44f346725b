"""A build is a transaction: every edition or none, the output folder otherwise exactly as it
was, no staging left behind, whatever stops the build (exception, full disk, SIGINT,
SIGTERM, SIGKILL) and wherever it stops; two builds into one folder serialised."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, snapshot
from statementpress import transaction
from statementpress.builder import build
from statementpress.errors import BuildError
from statementpress.transaction import Busy, Interrupted, Transaction
from statementpress.writers import WRITERS, Writer

HTML = "test-statement/test-statement.ru.html"


@pytest.fixture
def out(tmp_path, write_source):
    """An output folder holding a previous good build, and a file of some other build."""
    folder = tmp_path / "out"
    build([write_source()], ["html"], out=folder)
    (folder / "test-statement" / "notes.txt").write_text("kept\n", encoding="utf-8")
    return folder


# What a killed build leaves in the folder: its lock file and staging folder.
LEFT = (".staging-", ".lock")


def leftovers(folder: Path) -> list[str]:
    """Entries of the transaction's own left in the folder (staging folders, the lock)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(LEFT))


# -- the Transaction itself ----------------------------------------------------------------


def test_commit_puts_every_file_in_place_and_leaves_nothing_else(tmp_path):
    out = tmp_path / "a" / "b"
    with Transaction(out) as tx:
        tx.path_for("x/one.txt").write_text("1")
        tx.path_for("two.txt").write_text("2")
        assert tx.staging is not None and tx.staging.parent == out
        assert not (out / "x").exists()  # nothing in place before the commit
        written = tx.commit()
    assert written == [out / "x" / "one.txt", out / "two.txt"]
    assert snapshot(out) == {"x": None, "x/one.txt": b"1", "two.txt": b"2"}


def test_an_exception_leaves_no_folder_where_there_was_none(tmp_path):
    out = tmp_path / "a" / "b"
    with pytest.raises(RuntimeError), Transaction(out) as tx:
        tx.path_for("x/one.txt").write_text("1")
        raise RuntimeError("boom")
    assert not (tmp_path / "a").exists()


def test_an_exception_leaves_the_folder_as_it_was(out):
    before = snapshot(out)
    with pytest.raises(RuntimeError), Transaction(out) as tx:
        tx.path_for(HTML).write_text("new")
        raise RuntimeError("boom")
    assert snapshot(out) == before


@pytest.mark.parametrize("failing", [1, 2, 3])
def test_a_rename_failing_in_the_commit_undoes_the_others(out, monkeypatch, failing):
    before = snapshot(out)
    real = os.replace
    calls = []

    def replace(src, dest):
        calls.append(dest)
        if len(calls) == failing:
            raise OSError(errno.EACCES, "Permission denied")
        real(src, dest)

    monkeypatch.setattr(transaction.os, "replace", replace)
    with pytest.raises(BuildError) as info, Transaction(out) as tx:
        tx.path_for(HTML).write_text("new")
        tx.path_for("new-folder/file.txt").write_text("new")
        tx.path_for("test-statement/notes.txt").write_text("new")
        tx.commit()
    assert "Permission denied" in info.value.format_message()
    assert f"{out}/ is unchanged" in info.value.format_message()
    monkeypatch.setattr(transaction.os, "replace", real)
    assert snapshot(out) == before


def test_a_folder_where_a_file_goes_fails_before_any_rename(out):
    (out / "new-folder" / "file.txt").mkdir(parents=True)
    before = snapshot(out)
    with (
        pytest.raises(BuildError, match="is a folder where an edition should be"),
        Transaction(out) as tx,
    ):
        tx.path_for(HTML).write_text("new")
        tx.path_for("new-folder/file.txt").write_text("new")
        tx.commit()
    assert snapshot(out) == before


def test_a_second_build_is_refused_naming_the_first(out):
    before = snapshot(out)
    with Transaction(out):
        pid = os.getpid()
        with pytest.raises(Busy) as info, Transaction(out):
            pass
        assert info.value.format_message() == (
            f"another build is writing {out}/ (pid {pid}); wait for it to finish or build "
            "into another folder with --out"
        )
        assert info.value.exit_code == 1
    assert snapshot(out) == before


def test_a_stale_staging_folder_is_removed_by_the_next_build(out, write_source):
    stale = out / ".staging-99999999-0badc0de"
    (stale / "new" / "test-statement").mkdir(parents=True)
    (stale / "new" / "test-statement" / "half.pdf").write_bytes(b"%PDF-half")
    (out / ".lock").write_text("99999999\n")  # a dead build's lock file: no lock is held
    # What builds before transactions left when killed while writing an edition.
    partial = out / "test-statement" / ".test-statement.ru.pdf.4242.partial"
    partial.write_bytes(b"%PDF-half")
    build([write_source()], ["html"], out=out)
    assert leftovers(out) == []
    assert not partial.exists()


def test_a_signal_stops_the_transaction_and_the_old_handler_comes_back(out):
    before = snapshot(out)
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted) as info, Transaction(out) as tx:
        tx.path_for(HTML).write_text("new")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises here, at once
    assert info.value.name == "SIGTERM"
    assert signal.getsignal(signal.SIGTERM) is previous
    assert snapshot(out) == before


def test_a_signal_during_the_commit_waits_for_it_to_finish(out, monkeypatch):
    received = []
    previous = signal.signal(signal.SIGHUP, lambda signum, frame: received.append(signum))
    real = os.replace

    def replace(src, dest):
        os.kill(os.getpid(), signal.SIGHUP)  # blocked: delivered after the commit
        real(src, dest)

    monkeypatch.setattr(transaction.os, "replace", replace)
    try:
        with Transaction(out) as tx:
            tx.path_for(HTML).write_text("new")
            tx.path_for("test-statement/other.txt").write_text("other")
            tx.commit()
            assert received == [signal.SIGHUP]  # to the handler of before the build
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert (out / HTML).read_text() == "new" and (out / "test-statement/other.txt").exists()
    assert leftovers(out) == []


# -- builds stopped by an exception or a full disk, in-process -------------------------------


class Text(Writer):
    """A format for these tests: the title as text, then the failure `FAILING` holds for
    this format, if any."""

    def write(self, statement, layout, dest):
        dest.write_text(statement.meta.full_title, encoding="utf-8")
        if self.name in FAILING:
            raise FAILING[self.name]
        return dest

    def check(self, statement, layout):
        return []


FAILING: dict[str, BaseException] = {}


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("where", "error", "expected"),
    [
        ("one", RuntimeError("boom"), "boom"),
        ("three", RuntimeError("boom"), "boom"),
        (
            "three",
            OSError(errno.ENOSPC, "No space left on device"),
            "cannot write {out}/test-statement/test-statement.ru.three: No space left on "
            "device; nothing was changed in {out}/",
        ),
        ("html", KeyboardInterrupt(), ""),
    ],
    ids=["first-edition", "third-edition", "disk-full", "ctrl-c-in-the-page"],
)
def test_a_build_failing_anywhere_changes_nothing(
    out, write_source, monkeypatch, where, error, expected
):
    from statementpress import builder

    registry: dict[str, Writer] = {
        name: Text(name, name, "text/plain", name, "unused") for name in ("one", "two", "three")
    }
    registry["html"] = WRITERS["html"]
    monkeypatch.setattr(builder, "WRITERS", registry)
    if where == "html":
        monkeypatch.setattr("statementpress.writers.html.page", _interrupt)
    else:
        monkeypatch.setitem(FAILING, where, error)
    before = snapshot(out)
    kind = BuildError if isinstance(error, OSError) else type(error)
    with pytest.raises(kind) as info:
        build([write_source()], list(registry), out=out)
    shown = info.value.format_message() if isinstance(info.value, BuildError) else str(info.value)
    assert shown == expected.format(out=out)
    assert snapshot(out) == before


def test_a_failing_post_write_step_changes_nothing(out, write_source):
    before = snapshot(out)

    def index(tx):
        tx.path_for("index.html").write_text("index")
        raise RuntimeError("index failed")

    with pytest.raises(RuntimeError, match="index failed"):
        build([write_source()], ["html"], out=out, post_write=[index], force=True)
    assert snapshot(out) == before


def test_a_post_write_step_adds_files_to_the_commit(out, write_source):
    seen = []

    def extra(tx):
        seen.extend(str(p) for p in tx.staged())
        tx.path_for("extra.txt").write_text("extra")

    written = build([write_source()], ["html"], out=out, post_write=[extra], force=True)
    assert seen == [HTML]
    # The build returns its editions; the step's file is committed with them.
    assert written == [out / HTML]
    assert (out / "extra.txt").read_text() == "extra"


def test_a_build_into_a_locked_folder_is_refused(out, write_source):
    before = snapshot(out)
    fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, b"4242\n")
        before = snapshot(out)
        with pytest.raises(Busy, match=r"another build is writing .*out/ \(pid 4242\)"):
            build([write_source()], ["html"], out=out)
        assert snapshot(out) == before
    finally:
        os.close(fd)


# -- builds stopped from outside, in a real process ------------------------------------------


def start(
    out: Path, source: Path, mark: Path, *formats: str, point: str = "edition", jobs: int = 1
):
    """A `statementpress build --jobs JOBS` of `source` into `out`, stalling at `point` (see
    tests/fault_build.py); returns the process once it has reached the stall."""
    env = dict(os.environ, FAULT_MARK=str(mark), FAULT_POINT=point)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    args = [sys.executable, str(ROOT / "tests" / "fault_build.py"), "build", str(source)]
    args += ["--jobs", str(jobs)]
    for name in formats:
        args += ["--format", name]
    proc = subprocess.Popen(
        [*args, "--out", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    for _ in range(1200):  # up to two minutes on a busy machine
        if mark.exists() or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert mark.exists(), proc.communicate()
    return proc


POINTS = {
    # The first edition is being written, nothing else staged.
    "first-edition": (("stall", "html"), "edition"),
    # One edition staged, the second being written.
    "second-edition": (("text", "stall", "html"), "edition"),
    # Every edition staged, a post-write step (an index) running before the commit.
    "post-write": (("text", "html"), "post-write"),
}


@pytest.mark.parametrize("point", list(POINTS))
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_anywhere_leaves_the_folder_as_it_was(out, write_source, tmp_path, point, signum):
    formats, where = POINTS[point]
    before = snapshot(out)
    proc = start(out, write_source(), tmp_path / "mark", *formats, point=where)
    running = leftovers(out)  # the running build's lock and staging folder
    assert ".lock" in running and any(n.startswith(".staging-") for n in running)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    name = signal.Signals(signum).name
    assert proc.returncode == 128 + signum
    assert stderr.decode() == f"build stopped by {name}; nothing was changed in {out}/\n"
    assert stdout == b""
    assert snapshot(out) == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_workers_of_a_parallel_build(out, write_source, tmp_path, signum):
    before = snapshot(out)
    mark = tmp_path / "mark"
    proc = start(out, write_source(), mark, "text", "stallpdf", "html", jobs=2)
    worker = int(mark.read_text(encoding="utf-8"))
    assert worker != proc.pid  # the PDF stalls in a worker process, not in the build's own
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    name = signal.Signals(signum).name
    assert proc.returncode == 128 + signum
    assert stderr.decode() == f"build stopped by {name}; nothing was changed in {out}/\n"
    assert stdout == b""
    assert snapshot(out) == before
    with pytest.raises(ProcessLookupError):  # the worker was stopped with the build
        os.kill(worker, 0)


@pytest.mark.parametrize("point", list(POINTS))
def test_a_killed_build_is_cleaned_up_by_the_next_one(out, write_source, tmp_path, point):
    formats, where = POINTS[point]
    before = snapshot(out)
    proc = start(out, write_source(), tmp_path / "mark", *formats, point=where)
    proc.kill()
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    # Killed outright: its staging folder stays, but no edition in the folder changed.
    assert [n for n in leftovers(out) if n.startswith(".staging-")]
    assert {k: v for k, v in snapshot(out).items() if not k.startswith(LEFT)} == before
    build([write_source()], ["html"], out=out)
    assert leftovers(out) == []
    assert snapshot(out) == before  # the same source built again: the same page


def test_a_second_build_while_one_runs_is_refused(out, write_source, tmp_path):
    proc = start(out, write_source(), tmp_path / "mark", "stall")
    try:
        before = snapshot(out)
        with pytest.raises(Busy) as info:
            build([write_source()], ["html"], out=out)
        assert f"(pid {proc.pid})" in info.value.format_message()
        assert snapshot(out) == before
    finally:
        proc.terminate()
        proc.communicate(timeout=120)
    assert leftovers(out) == []


def test_an_output_folder_that_cannot_be_made_is_one_message(tmp_path, write_source):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(BuildError) as info:
        build([write_source()], ["html"], out=tmp_path / "a-file" / "out")
    assert info.value.format_message() == (f"cannot create {tmp_path}/a-file/out/: Not a directory")
