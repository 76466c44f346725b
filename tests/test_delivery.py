"""Delivery: shards, build records, manifest.json, SHA256SUMS and the download page."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from conftest import MINIMAL, ROOT
from statementpress.builder import build
from statementpress.cli import cli
from statementpress.delivery import index
from statementpress.delivery.shard import Shard, parse_shard, shard_of
from statementpress.writers import WRITERS

INDEX_FILES = ("manifest.json", "SHA256SUMS", "index.html")
IDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")


def source(statement_id: str, lang: str = "ru", title: str = "министров") -> str:
    """MINIMAL with another id, language and first title line."""
    text = MINIMAL.replace("id: test-statement", f"id: {statement_id}")
    text = text.replace("  министров\n", f"  {title}\n")
    if lang != "ru":
        text = text.replace("lang: ru", f"lang: {lang}\nauthoritative: true")
    return text


@pytest.fixture
def archive(tmp_path):
    """Six statements, the first in two languages; returns the source paths."""
    folder = tmp_path / "src"
    folder.mkdir()
    paths = []
    for sid in IDS:
        paths.append(folder / f"{sid}.md")
        paths[-1].write_text(source(sid), encoding="utf-8")
    paths.append(folder / "alpha.en.md")
    paths[-1].write_text(source("alpha", "en", "of ministers"), encoding="utf-8")
    return paths


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published(folder: Path) -> dict[str, bytes]:
    """Every file of a folder (build records included) by relative path; not the build's
    cache (`.cache/`: the incremental build's hashes, of this folder's files)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != ".cache"
    }


# Shards


def test_shard_is_sha256_of_the_id_mod_n():
    for sid in IDS:
        digest = int(hashlib.sha256(sid.encode()).hexdigest(), 16)
        for n in (1, 2, 3, 7):
            assert shard_of(sid, n) == digest % n + 1


def test_shards_partition_every_id_once():
    ids = [f"statement-{i}" for i in range(300)]
    for n in (1, 2, 3, 5):
        shards = [Shard(k, n) for k in range(1, n + 1)]
        for sid in ids:
            assert sum(s.contains(sid) for s in shards) == 1
        # Every shard gets some of 300 ids: the split spreads (it is a hash, not a range).
        assert all(any(s.contains(sid) for sid in ids) for s in shards)


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", ""])
def test_bad_shard_specs_refused(spec):
    with pytest.raises(ValueError):
        parse_shard(spec)


def test_cli_refuses_a_bad_shard(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["build", "--shard", "3/2"])
    assert result.exit_code == 2
    assert "K must be between 1 and N" in result.output


def test_an_empty_shard_builds_and_verifies_with_nothing_in_it(tmp_path):
    """More shards than statements (the release's two shards of one statement): the shard
    without one writes no editions, and `--verify` has nothing to fail on."""
    path = tmp_path / "alpha.md"
    path.write_text(source("alpha"), encoding="utf-8")
    empty = 3 - shard_of("alpha", 2)
    out = tmp_path / "shard"
    args = ["build", str(path), "-f", "html", "--shard", f"{empty}/2", "--verify", "-o", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"shard {empty}/2 has no statements; nothing to verify" in result.output
    # No statement folder (the incremental build cache, a dot-folder, may be there).
    assert not [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    # The shard that has it verifies what it wrote.
    args[args.index(f"{empty}/2")] = f"{3 - empty}/2"
    result = CliRunner().invoke(cli, [*args[:-1], str(tmp_path / "full")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "verified " in result.output


def test_shards_build_disjoint_sets_whose_merge_is_the_full_build(archive, tmp_path):
    full = tmp_path / "full"
    build(archive, ["html"], out=full)
    shards = []
    for k in (1, 2):
        out = tmp_path / f"shard-{k}"
        build(archive, ["html"], out=out, shard=Shard(k, 2))
        shards.append({p.name for p in out.iterdir() if p.is_dir() and p.name != ".cache"})
    assert shards[0].isdisjoint(shards[1])
    assert shards[0] | shards[1] == set(IDS)
    assert all(shards), "with these ids both shards hold statements"
    # Both languages of "alpha" are in its shard.
    home = tmp_path / f"shard-{shard_of('alpha', 2)}" / "alpha"
    assert sorted(p.name for p in home.glob("alpha.*.html")) == ["alpha.en.html", "alpha.ru.html"]

    merged = tmp_path / "merged"
    merged.mkdir()
    for k in (1, 2):
        for folder in (tmp_path / f"shard-{k}").iterdir():
            if folder.is_dir() and folder.name != ".cache":
                shutil.copytree(folder, merged / folder.name)
    index(merged)
    assert published(merged) == published(full)


def test_empty_shard_gives_an_empty_index(write_source, tmp_path):
    path = write_source(source("alpha"))
    other = Shard(2 if shard_of("alpha", 2) == 1 else 1, 2)
    assert build([path], ["html"], out=tmp_path / "out", shard=other) == []
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["statements"] == []
    assert "No editions in this folder yet" in (tmp_path / "out" / "index.html").read_text()


# Manifest and SHA256SUMS


@pytest.fixture
def built(archive, tmp_path):
    """alpha (ru, en) in PDF and HTML, bravo in HTML."""
    out = tmp_path / "out"
    build(archive[:2] + archive[-1:], ["pdf", "html"], out=out)
    return out


def test_manifest_describes_every_edition(built, archive, tmp_path):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest) == {"schema", "generator", "source_date_epoch", "statements", "signed"}
    assert manifest["schema"] == 1
    assert manifest["generator"].startswith("statementpress ")
    assert manifest["signed"] == []
    assert [s["id"] for s in manifest["statements"]] == ["alpha", "bravo"]
    alpha = manifest["statements"][0]
    # The authoritative (English) version speaks for the statement.
    assert alpha["title"] == "of ministers иностранных дел"
    assert alpha["languages"] == ["en", "ru"]
    assert alpha["kind"] == "Совместное заявление" and alpha["date"] == "2021-05-12"
    assert alpha["place"] is None
    paths = [e["path"] for s in manifest["statements"] for e in s["editions"]]
    assert paths == sorted(paths)
    assert paths == [
        "alpha/alpha.en.html",
        "alpha/alpha.en.pdf",
        "alpha/alpha.ru.html",
        "alpha/alpha.ru.pdf",
        "bravo/bravo.ru.html",
        "bravo/bravo.ru.pdf",
    ]
    sources = {"en": archive[-1], "ru": archive[0]}
    for edition in alpha["editions"]:
        path = built / edition["path"]
        assert edition["sha256"] == sha256(path)
        assert edition["bytes"] == path.stat().st_size
        assert edition["format"] == path.suffix[1:]
        assert edition["authoritative"] is (edition["lang"] == "en")
        assert edition["source"] == str(sources[edition["lang"]])
        assert edition["source_sha256"] == sha256(sources[edition["lang"]])
        assert edition["layout"] == "official"
        if edition["format"] == "pdf":
            info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True)
            pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
            assert edition["pages"] == int(pages.split()[1])
        else:
            assert "pages" not in edition


def test_manifest_json_is_written_canonically(built):
    raw = (built / "manifest.json").read_text(encoding="utf-8")
    canonical = json.dumps(json.loads(raw), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert raw == canonical
    assert "иностранных" in raw  # not \u-escaped


def test_source_date_epoch_is_recorded(archive, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1594857600")
    build(archive[:1], ["html"], out=tmp_path / "out")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    index(tmp_path / "out")  # indexing later, without it, keeps what the build used
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["source_date_epoch"] == 1594857600


def test_sha256sums_lists_published_files_and_checks(built):
    lines = (built / "SHA256SUMS").read_text().splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(names)
    editions = [p.relative_to(built).as_posix() for p in built.glob("*/*") if p.is_file()]
    visible = sorted(e for e in editions if not any(p.startswith(".") for p in Path(e).parts))
    assert names == sorted(visible + ["index.html", "manifest.json"])
    for line in lines:
        digest, name = line.split("  ", 1)
        assert digest == sha256(built / name)
    check = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=built)
    assert check.returncode == 0
    (built / "bravo" / "bravo.ru.html").write_text("tampered")
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=built)
    assert check.returncode != 0


def test_rebuilds_in_other_folders_and_time_zones_are_identical(archive, tmp_path):
    args = [str(p) for p in archive[:2]] + ["-f", "pdf", "-f", "html", "-q"]
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ")}
    for name, extra in (("a", {}), ("b", {"TZ": "Asia/Almaty", "LC_ALL": "C"})):
        subprocess.run(
            [sys.executable, "-m", "statementpress", "build", *args, "-o", str(tmp_path / name)],
            env={**env, **extra},
            check=True,
        )
    a, b = published(tmp_path / "a"), published(tmp_path / "b")
    assert a == b
    assert set(INDEX_FILES) <= set(a)


def test_index_remakes_the_same_files_from_the_folder_alone(built):
    before = published(built)
    for name in INDEX_FILES:
        (built / name).unlink()
    result = CliRunner().invoke(cli, ["index", str(built)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("indexed 2 statements, 6 editions: ")
    assert published(built) == before


def test_formats_built_one_after_another_are_all_indexed(archive, tmp_path):
    out = tmp_path / "out"
    build(archive[:1], ["html"], out=out)
    build(archive[:1], ["pdf"], out=out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["format"] for e in manifest["statements"][0]["editions"]] == ["html", "pdf"]


def test_a_file_no_record_describes_is_left_out(built, caplog):
    stray = built / "bravo" / "bravo.de.html"
    shutil.copy(built / "bravo" / "bravo.ru.html", stray)
    with caplog.at_level(logging.WARNING, logger="statementpress"):
        contents = index(built)
    assert "bravo/bravo.de.html" not in {e.path for e in contents.editions}
    assert f"{stray}: no build record describes this file" in caplog.text
    assert "bravo.de.html" not in (built / "SHA256SUMS").read_text()


def test_an_edition_changed_after_its_build_is_reported(built, caplog):
    (built / "bravo" / "bravo.ru.html").write_text("changed by hand")
    with caplog.at_level(logging.WARNING, logger="statementpress"):
        index(built)
    assert "bravo.ru.html has changed since it was built" in caplog.text


def test_index_of_a_missing_folder_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(cli, ["index", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "does not exist" in result.output


# The download page


def test_page_links_every_edition_with_its_checksum(built):
    manifest = json.loads((built / "manifest.json").read_text())
    page = lxml.html.parse(str(built / "index.html")).getroot()
    assert page.get("lang") == "en"
    downloads = {a.get("href"): a for a in page.iter("a") if a.get("download") is not None}
    editions = [e for s in manifest["statements"] for e in s["editions"]]
    assert sorted(downloads) == sorted(e["path"] for e in editions)
    for e in editions:
        link = downloads[e["path"]]
        assert link.get("download") == Path(e["path"]).name
        assert link.get("type") == WRITERS[e["format"]].media_type
        assert link.get("hreflang") == e["lang"]
        row = link.getparent().getparent()
        assert row.tag == "tr"
        assert row.xpath(".//code")[0].text == e["sha256"]
        assert row.xpath("./th[@scope='row']")
    # Each language version's reading page, in its language.
    reading = {a.get("href"): a for a in page.xpath("//ul[@class='versions']//a")}
    assert sorted(reading) == ["alpha/alpha.en.html", "alpha/alpha.ru.html", "bravo/bravo.ru.html"]
    assert reading["alpha/alpha.ru.html"].get("lang") == "ru"
    # Tables are captioned, with column headers.
    for table in page.iter("table"):
        assert table.find("caption") is not None
        assert len(table.xpath(".//thead//th[@scope='col']")) == 4
    # Landmarks and no external resource.
    assert page.xpath("//header") and page.xpath("//main") and page.xpath("//footer")
    assert not page.xpath("//link | //img | //script[@src] | //iframe")
    assert "http://" not in (built / "index.html").read_text().replace("http://www.w3", "")


def test_page_escapes_what_sources_say(write_source, tmp_path):
    path = write_source(source("alpha", title="<b>bold</b> & {{ x }}"))
    build([path], ["html"], out=tmp_path / "out")
    page = (tmp_path / "out" / "index.html").read_text()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; {{ x }}" in page
    assert "<b>bold</b>" not in page
