"""Incremental builds: an edition is rewritten only when what it is made of changed (its
source, layout, fonts, the code, the options, SOURCE_DATE_EPOCH) or its file in the output
folder did; a build with nothing to do writes nothing, imports no PDF engine and reads no
font file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINIMAL
from statementpress.builder import build

# The formats of these tests: every kind of edition but the slow PDF, which the test of a
# build with nothing to do has.
FORMATS = ["docx", "epub", "html"]


def source(statement_id: str, lang: str = "ru", layout: str | None = None) -> str:
    text = MINIMAL.replace("id: test-statement", f"id: {statement_id}")
    text = text.replace("lang: ru", f"lang: {lang}")
    if layout:
        text = text.replace(f"lang: {lang}\n", f"lang: {lang}\nlayout: {layout}\n")
    return text


def files(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `folder`: its bytes, modification time (ns) and inode."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            info = path.stat()
            found[path.relative_to(folder).as_posix()] = (
                path.read_bytes(),
                info.st_mtime_ns,
                info.st_ino,
            )
    return found


def changed(before: dict, after: dict) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def names(written: list[Path], out: Path) -> list[str]:
    return [p.relative_to(out).as_posix() for p in written]


INDEX_FILES = {"manifest.json", "SHA256SUMS", "index.html", ".cache/editions.json"}


@pytest.fixture
def two(write_source, tmp_path):
    """Two statements built into `out`: alpha in `official`, bravo in `plain` (a layout of
    its own that inherits it)."""
    layouts = tmp_path / "layouts"
    (layouts / "plain").mkdir(parents=True)
    (layouts / "plain" / "layout.toml").write_text('inherit = "official"\n', encoding="utf-8")
    paths = [
        write_source(source("alpha"), "alpha.md"),
        write_source(source("bravo", layout="plain"), "bravo.md"),
    ]
    out = tmp_path / "out"

    def again(**options):
        return build(paths, FORMATS, out=out, layout_dirs=[layouts], **options)

    written = again()
    assert len(written) == 6
    return paths, out, layouts, again


def test_a_second_build_writes_nothing_and_changes_no_file(two):
    _paths, out, _layouts, again = two
    before = files(out)
    assert again() == []
    assert files(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith((".staging-", ".lock"))]


def test_an_edited_source_rebuilds_its_editions_and_the_index_only(two):
    paths, out, _layouts, again = two
    before = files(out)
    paths[0].write_text(source("alpha").replace("Первая статья.", "Первая, новая статья."))
    written = again()
    assert names(written, out) == [
        "alpha/alpha.ru.docx",
        "alpha/alpha.ru.epub",
        "alpha/alpha.ru.html",
    ]
    assert "Первая, новая статья." in written[-1].read_text(encoding="utf-8")
    assert changed(before, files(out)) == {
        *names(written, out),
        "alpha/.alpha.ru.json",
        *INDEX_FILES,
        ".cache/files.json",
    }


def test_a_changed_layout_rebuilds_the_editions_in_that_layout(two):
    _paths, out, layouts, again = two
    before = files(out)
    toml = layouts / "plain" / "layout.toml"
    toml.write_text(toml.read_text() + '\n[lists]\nbullet = "–"\n', encoding="utf-8")
    written = again()
    assert names(written, out) == [
        "bravo/bravo.ru.docx",
        "bravo/bravo.ru.epub",
        "bravo/bravo.ru.html",
    ]
    assert "alpha/alpha.ru.docx" not in changed(before, files(out))
    # A template added to the layout's folder is one of its files too.
    (layouts / "plain" / "notes.txt").write_text("a file of the layout\n", encoding="utf-8")
    assert len(again()) == 3


def test_force_rebuilds_every_edition_with_the_same_bytes(two):
    _paths, out, _layouts, again = two
    before = files(out)
    written = again(force=True)
    assert len(written) == 6
    after = files(out)
    for rel in names(written, out):
        assert after[rel][0] == before[rel][0]  # the same bytes: a reproducible build
        assert after[rel][2] != before[rel][2]  # in a new file


def test_an_edition_changed_or_removed_in_the_folder_is_rebuilt(two):
    _paths, out, _layouts, again = two
    before = files(out)
    docx = out / "alpha" / "alpha.ru.docx"
    info = docx.stat()
    # Tampered with while keeping its size and modification time.
    docx.write_bytes(b"x" * info.st_size)
    os.utime(docx, ns=(info.st_atime_ns, info.st_mtime_ns))
    (out / "bravo" / "bravo.ru.epub").unlink()
    written = again()
    # The pages list the same sizes again: they stay as they are.
    assert names(written, out) == ["alpha/alpha.ru.docx", "bravo/bravo.ru.epub"]
    after = files(out)
    assert after["alpha/alpha.ru.docx"][0] == before["alpha/alpha.ru.docx"][0]
    assert after["bravo/bravo.ru.epub"][0] == before["bravo/bravo.ru.epub"][0]
    assert after["alpha/alpha.ru.html"] == before["alpha/alpha.ru.html"]


def test_another_source_date_epoch_rebuilds_every_edition(two, monkeypatch):
    _paths, _out, _layouts, again = two
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1594857600")
    assert len(again()) == 6
    assert again() == []


def test_a_page_is_rebuilt_when_the_editions_it_lists_change(write_source, tmp_path):
    out = tmp_path / "out"
    ru = write_source(source("accord"), "accord.ru.md")
    en = write_source(source("accord", lang="en"), "accord.en.md")
    build([ru], ["epub", "html"], out=out)
    written = build([ru, en], ["epub", "html"], out=out)
    # The Russian page now links the English EPUB too; the Russian EPUB is unchanged.
    assert names(written, out) == [
        "accord/accord.en.epub",
        "accord/accord.ru.html",
        "accord/accord.en.html",
    ]
    assert 'href="accord.en.epub"' in (out / "accord" / "accord.ru.html").read_text()


NO_OP = """
import json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
from statementpress.cli import main
try:
    main(["build", "-q", *sys.argv[1:]])
except SystemExit as exc:
    code = exc.code
fonts = [p for p in opened if p.endswith((".ttf", ".otf", ".woff", ".woff2"))]
print(json.dumps({"code": code, "weasyprint": "weasyprint" in sys.modules, "fonts": fonts}))
"""


def test_a_build_with_nothing_to_do_imports_no_pdf_engine_and_reads_no_font(write_source, tmp_path):
    path = write_source(source("alpha"), "alpha.md")
    out = tmp_path / "out"
    args = [str(path), "--out", str(out)]
    # With one job, the first build renders its PDF in this process: the test can fail.
    first = subprocess.run(
        [sys.executable, "-c", NO_OP, *args, "--jobs", "1"], capture_output=True, text=True
    )
    assert json.loads(first.stdout)["weasyprint"] is True, first.stderr
    assert len(list((out / "alpha").glob("alpha.ru.*"))) == 4
    second = subprocess.run([sys.executable, "-c", NO_OP, *args], capture_output=True, text=True)
    assert json.loads(second.stdout) == {"code": 0, "weasyprint": False, "fonts": []}
    assert second.stderr == ""


def test_only_pages_shows_an_edit_at_once_then_the_rest_follows(write_source, tmp_path):
    out = tmp_path / "out"
    path = write_source(source("alpha"), "alpha.md")
    build([path], ["epub", "html"], out=out)
    epub = (out / "alpha" / "alpha.ru.epub").read_bytes()
    path.write_text(source("alpha").replace("Первая статья.", "Первая, новая статья."))
    # What `serve` does first: the page alone, listing the EPUB in place (not yet rebuilt).
    written = build([path], ["epub", "html"], out=out, only_pages=True)
    assert names(written, out) == ["alpha/alpha.ru.html"]
    assert "Первая, новая статья." in written[0].read_text(encoding="utf-8")
    assert 'href="alpha.ru.epub"' in written[0].read_text(encoding="utf-8")
    assert (out / "alpha" / "alpha.ru.epub").read_bytes() == epub
    # Then the rest: the EPUB (and the page again if the EPUB's size changed).
    written = build([path], ["epub", "html"], out=out)
    assert names(written, out)[0] == "alpha/alpha.ru.epub"
    assert build([path], ["epub", "html"], out=out) == []


def test_checks_that_can_fail_still_run_when_nothing_is_out_of_date(two):
    from statementpress.errors import SourceError

    paths, out, _layouts, again = two
    before = files(out)
    # A limit the unchanged sources are over: refused as in a full build.
    with pytest.raises(SourceError, match="sources are limited to 100 B"):
        again(max_source_size=100)
    # A source that no longer parses: located, though the other one is up to date.
    paths[1].write_text(source("bravo", layout="plain").replace("kind:", "knid:"))
    with pytest.raises(SourceError) as info:
        again()
    assert f"{paths[1]}:" in info.value.format_message()
    assert files(out) == before


def test_a_shard_built_again_is_up_to_date(write_source, tmp_path):
    from statementpress.delivery.shard import Shard, shard_of

    paths = [write_source(source(sid), f"{sid}.md") for sid in ("alpha", "bravo", "charlie")]
    mine = Shard(shard_of("alpha", 2), 2)
    out = tmp_path / "out"
    written = build(paths, ["html"], out=out, shard=mine)
    assert "alpha/alpha.ru.html" in names(written, out)
    assert build(paths, ["html"], out=out, shard=mine) == []


def test_build_verify_again_verifies_the_editions_in_place(write_source, tmp_path):
    # A second `build --verify` with nothing to rebuild verifies what is there (it used to
    # find "no editions" among the none it had written, and exit 1).
    from click.testing import CliRunner

    from statementpress.cli import cli

    path = write_source(source("again"), "again.md")
    args = ["build", str(path), "--format", "html", "--out", str(tmp_path / "out"), "--verify"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "up to date" in second.output
    assert f"verified {tmp_path / 'out' / 'again' / 'again.ru.html'}" in second.output
