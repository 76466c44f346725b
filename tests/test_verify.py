"""verify: editions read back and compared with their sources; every change is found and named.

The canonical statement and the two fixtures are built once per session; each test copies
the editions it changes into a folder of its own, changes them as an editor or an attacker
would (the files stay valid: zip entries and XML are rewritten properly), and runs verify.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import types
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SOURCE
from statementpress.cli import cli
from statementpress.verify import text, verify

FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("*.md"))
SOURCES = [SOURCE, *FIXTURES]
RU = "ca-china-fm-2020-07-16"
EN = "harbour-accord-2031"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Every edition of the canonical statement and of the fixtures, official layout."""
    from statementpress.builder import build

    out = tmp_path_factory.mktemp("verify") / "build"
    build([str(s) for s in SOURCES], out=out)
    return out


@pytest.fixture
def copy(built, tmp_path) -> Callable[..., Path]:
    """Copy editions of the session build into a new build folder; returns the folder."""

    def take(*names: str) -> Path:
        out = tmp_path / "build"
        for name in names:
            statement_id = name.split(".")[0]
            (out / statement_id).mkdir(parents=True, exist_ok=True)
            shutil.copy2(built / statement_id / name, out / statement_id / name)
        return out

    return take


def run(*args: str):
    return CliRunner().invoke(cli, ["verify", *args], catch_exceptions=False)


def run_on(folder: Path, *extra: str):
    return run(str(folder), *(str(s) for s in SOURCES), "--no-epubcheck", *extra)


def rewrite_zip(path: Path, part: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one entry of a zip package in place, keeping every entry's order and
    compression (an EPUB's `mimetype` stays first and stored)."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    assert part in [info.filename for info, _ in entries]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, change(data) if info.filename == part else data)


def replace_once(old: str, new: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        assert data.count(old.encode()) == 1, old
        return data.replace(old.encode(), new.encode())

    return change


def xml_edit(edit: Callable) -> Callable[[bytes], bytes]:
    """A change of an XML part made on its parsed tree."""

    def change(data: bytes) -> bytes:
        from lxml import etree

        root = etree.fromstring(data)
        edit(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return change


# -- a clean build passes ----------------------------------------------------------------------


def test_clean_build_verifies(built):
    result = run_on(built)
    assert result.exit_code == 0, result.output
    verified = [line for line in result.output.splitlines() if line.startswith("verified ")]
    # Three statements, four formats, and the parallel PDF, DOCX and HTML of the two
    # versions of the fixture.
    assert len(verified) == 15
    assert sum(".en-zh." in line for line in verified) == 3


def test_verify_library_call_returns_no_problems(built):
    assert verify(built, SOURCES, epubcheck=False) == []


@pytest.mark.slow
def test_epubcheck_runs_on_every_epub_and_reports_a_broken_one(copy):
    folder = copy(f"{RU}.ru.epub", f"{EN}.en.epub")
    # The text stays right, the package does not: a manifest item without its file.
    broken = folder / EN / f"{EN}.en.epub"
    rewrite_zip(
        broken,
        "EPUB/package.opf",
        replace_once("<manifest>", '<manifest><item id="x" href="x.css" media-type="text/css"/>'),
    )
    result = run(str(folder), *(str(s) for s in SOURCES))
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if ": EPUBCheck " in line]
    assert problems and all(line.startswith(str(broken)) for line in problems)
    assert any("x.css" in line for line in problems)
    assert f"verified {folder / RU / f'{RU}.ru.epub'}" in result.output


def test_without_java_epubcheck_is_a_problem_unless_skipped(copy, monkeypatch):
    import statementpress.verify.checks as checks

    real = shutil.which
    monkeypatch.setattr(checks.shutil, "which", lambda name: None if name == "java" else real(name))
    folder = copy(f"{EN}.en.epub")
    result = run(str(folder), *(str(s) for s in SOURCES))
    assert result.exit_code == 1
    assert "EPUBCheck was not run: Java is not installed" in result.output
    assert run_on(folder).exit_code == 0


# -- one word changed in an edition ------------------------------------------------------------

CHANGES = {
    "epub": ("EPUB/statement.xhtml", "колоссальную", "огромную"),
    "docx": ("word/document.xml", "ксенофобии", "ксенофилии"),
    "docx-footnote": ("word/footnotes.xml", "Шёлкового", "Шелкового"),
}


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_one_word_changed_in_a_package_is_named(copy, case):
    fmt = case.split("-")[0]
    part, old, new = CHANGES[case]
    folder = copy(f"{RU}.ru.{fmt}")
    edition = folder / RU / f"{RU}.ru.{fmt}"
    rewrite_zip(edition, part, replace_once(old, new))
    result = run_on(folder)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(edition))]
    assert len(lines) == 1, result.output
    assert f'expected "{old}' in lines[0] and f'got "{new}' in lines[0]
    assert "Traceback" not in result.output


def test_one_word_changed_in_the_html_page_is_named(copy):
    folder = copy(f"{RU}.ru.html")
    page = folder / RU / f"{RU}.ru.html"
    page.write_bytes(replace_once("колоссальную", "огромную")(page.read_bytes()))
    result = run_on(folder)
    assert result.exit_code == 1
    assert f'{page}: point 2, word 27: expected "колоссальную" got "огромную"' in result.output


def test_word_added_is_found(copy):
    folder = copy(f"{RU}.ru.epub")
    edition = folder / RU / f"{RU}.ru.epub"
    rewrite_zip(
        edition, "EPUB/statement.xhtml", replace_once("Стороны готовы", "Стороны вновь готовы")
    )
    result = run_on(folder)
    assert result.exit_code == 1
    assert 'expected "Стороны готовы" got "Стороны вновь готовы"' in result.output


def test_words_swapped_are_found(copy):
    folder = copy(f"{RU}.ru.html")
    page = folder / RU / f"{RU}.ru.html"
    page.write_bytes(replace_once("выразили единое", "единое выразили")(page.read_bytes()))
    result = run_on(folder)
    assert result.exit_code == 1
    assert "point 1, word" in result.output and "единое выразили" in result.output


def test_deleted_note_is_found(copy):
    folder = copy(f"{EN}.en.html")
    page = folder / EN / f"{EN}.en.html"
    import lxml.html

    root = lxml.html.fromstring(page.read_bytes())
    (note,) = root.find_class("note")
    note.getparent().remove(note)
    page.write_bytes(lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>"))
    result = run_on(folder)
    assert result.exit_code == 1
    assert f'{page}: note 1, number: expected "[note 1] A tide' in result.output


def test_deleted_signatory_is_found(copy):
    folder = copy(f"{EN}.en.docx")
    edition = folder / EN / f"{EN}.en.docx"
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def empty_second_cell(root):
        cell = list(root.iter(f"{w}tc"))[1]
        for run_el in list(cell.iter(f"{w}r")):
            run_el.getparent().remove(run_el)

    rewrite_zip(edition, "word/document.xml", xml_edit(empty_second_cell))
    result = run_on(folder)
    assert result.exit_code == 1
    assert f'{edition}: signatory 2 title, word 1: expected "Marlow Minister of' in result.output


def test_pdf_with_a_changed_attached_source_fails(copy):
    from pypdf import PdfWriter

    folder = copy(f"{EN}.en.pdf")
    edition = folder / EN / f"{EN}.en.pdf"
    writer = PdfWriter(clone_from=edition)
    attached = next(iter(writer.attachment_list))
    attached.content = attached.content.replace(b"Port Lumen", b"Port Lumin", 1)
    writer.write(edition)
    result = run_on(folder)
    assert result.exit_code == 1
    assert f"{edition}: its attached source ({EN}.en.md) differs from" in result.output


def test_pdf_text_is_compared_word_by_word(copy, tmp_path):
    """The PDF against a source one word different: the word, and the attachment, differ."""
    folder = copy(f"{EN}.en.pdf")
    changed = tmp_path / f"{EN}.en.md"
    changed.write_bytes(replace_once("its readings", "all readings")(FIXTURES[0].read_bytes()))
    result = run(str(folder), str(changed), "--no-epubcheck")
    assert result.exit_code == 1
    assert 'point 1, word 15: expected "all" got "its"' in result.output
    assert "attached source" in result.output


def test_pdf_without_a_source_file_uses_its_attached_source(copy):
    folder = copy(f"{EN}.en.docx", f"{EN}.en.pdf")
    result = run(str(folder), "--no-epubcheck")  # no source named; none in ./source has this id
    assert result.exit_code == 0, result.output
    assert result.output.count("verified ") == 2


def test_untagged_pdf_is_reported_not_passed(copy):
    from pypdf import PdfWriter

    folder = copy(f"{EN}.en.pdf")
    edition = folder / EN / f"{EN}.en.pdf"
    writer = PdfWriter(clone_from=edition)
    del writer._root_object["/StructTreeRoot"]
    writer.write(edition)
    result = run_on(folder)
    assert result.exit_code == 1
    assert f"{edition}: the PDF is not tagged" in result.output


def test_pdf_note_calls_are_separated_from_their_words(built):
    from statementpress.verify import pdf

    body, notes = pdf.extract(built / EN / f"{EN}.en.pdf")
    at = body.tokens.index("gauges")
    assert body.tokens[at : at + 3] == ["gauges", text.call(1), "into"]
    assert notes.tokens[:3] == [text.note_start(1), "A", "tide"]


def test_pdf_sub_item_markers_are_labels_and_notes_end_with_the_editorial_mark(built):
    from statementpress.verify import pdf

    body, notes = pdf.extract(built / EN / f"{EN}.en.pdf")
    # The printed bullets ("– ") are tagged as labels: marks, not words of the text.
    assert body.tokens.count(text.item(None)) == 2
    from statementpress.builder import prepare
    from statementpress.reader import load

    dashes = text.expected_body(prepare(load(FIXTURES[0]))).tokens.count("\u2013")
    assert body.tokens.count("\u2013") == dashes  # the text's own dashes only
    at = body.tokens.index("technical")
    assert body.tokens[at - 1] == text.item(None)
    assert notes.tokens[-3:] == ["coast.", "\u2014", "Ed."]


def test_missing_editorial_mark_of_a_footnote_is_found(copy):
    folder = copy(f"{EN}.en.docx")
    edition = folder / EN / f"{EN}.en.docx"
    rewrite_zip(edition, "word/footnotes.xml", replace_once("\u00a0\u2014 Ed.", ""))
    result = run_on(folder)
    assert result.exit_code == 1
    assert (
        f'{edition}: note 1, editorial mark, word 1: expected "coast. \u2014 Ed." got "coast."'
        in result.output
    )


def test_a_changed_sub_item_marker_is_found(copy):
    folder = copy(f"{EN}.en.html")
    page = folder / EN / f"{EN}.en.html"
    bullet = '<span class="subitem-marker">\u2013 </span>technical'
    page.write_bytes(replace_once(bullet, bullet.replace("\u2013", "7)"))(page.read_bytes()))
    result = run_on(folder)
    assert result.exit_code == 1
    assert f'{page}: point 2, sub-item 1, marker: expected "[item]" got "[item 7]"' in (
        result.output
    )


def test_pdf_kind_line_in_capitals_passes(tmp_path, monkeypatch):
    from statementpress.builder import build

    layouts = tmp_path / "layouts" / "capitals"
    layouts.mkdir(parents=True)
    (layouts / "layout.toml").write_text(
        'inherit = "official"\ndescription = "test"\n[title]\nkind_uppercase = true\n'
    )
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path / "layouts"))
    out = tmp_path / "build"
    (written,) = build([str(FIXTURES[0])], formats=["pdf"], layout="capitals", out=out)
    from statementpress.verify import pdf

    assert "JOINT" in pdf.extract(written)[0].tokens  # the text layer is in capitals
    assert verify(out, [FIXTURES[0]], epubcheck=False) == []


# -- normalising -------------------------------------------------------------------------------


def test_kinds_of_space_and_soft_hyphens_are_normalised():
    assert text.tokens("9\u00a0March\u202f2031\u2009г.\u3000x") == ["9", "March", "2031", "г.", "x"]
    assert text.tokens("пере\u00adнос \ufb01le") == ["перенос", "file"]
    assert text.tokens("双方“同意”A-B") == ["双", "方", "“", "同", "意", "”A-B"]


def _line_words(*lines: str) -> text.Words:
    words = text.Words()
    for line in lines:
        words.text(line)
        words.line_end()
    return words.done()


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("Министр Китай-", "ской Народной"), ["Министр", "Китайской", "Народной"]),
        (("Министр Вице-", "премьер Туркменистана"), ["Министр", "Вице-премьер", "Туркменистана"]),
        (("финан-", "сово-кредитное"), ["финансово-кредитное"]),
        (("Азия -", "Китай"), ["Азия", "-", "Китай"]),
    ],
)
def test_line_end_hyphens_are_rejoined_as_the_source_has_the_word(lines, expected):
    want = text.Expected()
    want.words(" ".join(expected), "preamble")
    assert text.compare(want, _line_words(*lines)) == []


def test_a_line_end_hyphen_is_not_a_licence_to_change_words():
    want = text.Expected()
    want.words("Министр Китайской Народной", "preamble")
    problems = text.compare(want, _line_words("Министр Китай-", "ская Народной"))
    assert problems == ['preamble, word 2: expected "Китайской" got "Китайская"']


# -- files and folders that are not editions ---------------------------------------------------


def test_missing_folder_is_one_line_without_traceback(tmp_path):
    result = run(str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{tmp_path / 'nowhere'}: no such folder; build first: statementpress build --out "
        f"{tmp_path / 'nowhere'}"
    )


def test_a_source_given_as_build_dir_is_a_usage_error():
    result = run(str(SOURCE))
    assert result.exit_code == 2


@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub", "html"])
def test_corrupt_edition_is_a_problem_line(tmp_path, fmt):
    folder = tmp_path / "build" / EN
    folder.mkdir(parents=True)
    edition = folder / f"{EN}.en.{fmt}"
    edition.write_bytes(b"\xff\xfe not an edition")
    result = run_on(tmp_path / "build")
    assert result.exit_code == 1
    assert result.output.startswith(f"{edition}: cannot be read")
    assert "Traceback" not in result.output


def test_edition_without_a_source_is_a_problem(copy):
    folder = copy(f"{EN}.en.html")
    result = run(str(folder), str(SOURCE), "--no-epubcheck")
    assert result.exit_code == 1
    assert f"no source with id '{EN}' and lang 'en' found" in result.output


# -- manifest, signatures, build --verify ------------------------------------------------------


def _manifest(folder: Path) -> dict:
    editions = []
    for path in sorted(folder.glob("*/*.*")):
        data = path.read_bytes()
        editions.append(
            {"path": path.relative_to(folder).as_posix(), "bytes": len(data),
             "sha256": hashlib.sha256(data).hexdigest()}
        )  # fmt: skip
    return {"schema": 1, "statements": [{"id": EN, "editions": editions}], "signed": []}


def test_manifest_hashes_are_checked(copy):
    folder = copy(f"{EN}.en.html", f"{EN}.zh.html")
    manifest = _manifest(folder)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert run_on(folder).exit_code == 0
    manifest["statements"][0]["editions"][0]["sha256"] = "0" * 64
    del manifest["statements"][0]["editions"][1]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = run_on(folder)
    assert result.exit_code == 1
    assert f"manifest.json: {EN}/{EN}.en.html: SHA-256 differs from the manifest" in result.output
    assert f"{folder / EN / f'{EN}.zh.html'}: is not listed in" in result.output


def test_signed_pdf_text_is_compared_and_its_signature_checked(copy, monkeypatch, tmp_path):
    folder = copy(f"{EN}.en.pdf")
    unsigned = folder / EN / f"{EN}.en.pdf"
    signed = folder / EN / f"{EN}.en.signed.pdf"
    shutil.copy2(unsigned, signed)
    result = run_on(folder)
    assert result.exit_code == 1  # a copy of the unsigned edition carries no signature
    assert f"{signed}: has no signature" in result.output

    # Without the signing module (its extra not installed) nothing passes silently either.
    monkeypatch.setitem(sys.modules, "statementpress.signing", None)
    result = run_on(folder)
    assert result.exit_code == 1
    assert f"{signed}: the signature was not checked" in result.output

    calls = []
    fake = types.ModuleType("statementpress.signing")
    fake.verify_signed = lambda s, u, trust: calls.append((s, u, list(trust))) or ["bad seal"]
    monkeypatch.setitem(sys.modules, "statementpress.signing", fake)
    cert = tmp_path / "ca.pem"
    cert.write_text("not read by the fake")
    result = run_on(folder, "--trust", str(cert))
    assert result.exit_code == 1
    assert result.output.count("bad seal") == 1 and f"{signed}: bad seal" in result.output
    assert calls == [(signed, unsigned, [cert])]


def test_build_verify_checks_what_the_build_wrote(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    args = ["build", str(FIXTURES[1]), "-f", "html", "-f", "docx", "-o", str(out), "--verify"]
    result = CliRunner().invoke(cli, [*args, "--no-epubcheck"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"verified {out / EN / f'{EN}.zh.html'}" in result.output
    assert f"verified {out / EN / f'{EN}.zh.docx'}" in result.output


def test_verify_help_has_examples():
    result = run("--help")
    assert result.exit_code == 0 and "Example" in result.output


def test_hidden_text_counts_as_missing(copy):
    """A word hidden in Word ("Hidden" font effect) or in the page is not shown: missing."""
    folder = copy(f"{EN}.en.docx", f"{EN}.en.html")
    docx = folder / EN / f"{EN}.en.docx"
    rewrite_zip(
        docx,
        "word/document.xml",
        replace_once(
            "<w:t>Minister of Harbours of the Federation of Westria</w:t>",
            '<w:t xml:space="preserve">Minister of Harbours of the Federation of </w:t></w:r>'
            "<w:r><w:rPr><w:vanish/></w:rPr><w:t>Westria</w:t>",
        ),
    )
    page = folder / EN / f"{EN}.en.html"
    page.write_bytes(
        replace_once("spring;", '<span style="display: none">spring;</span>')(page.read_bytes())
    )
    result = run_on(folder)
    assert result.exit_code == 1
    assert (
        f'{docx}: signatory 2 title, word 8: expected "of Westria C." got "of C."' in result.output
    )
    assert (
        f'{page}: point 2, sub-item 1, word 5: expected "each spring; [item]" got "each [item]"'
        in result.output
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("слово—", "слово дальше"), ["слово—слово", "дальше"]),  # a break after a dash
        (
            ("Supercalifragi", "listicexpiali", "docious end"),
            ["Supercalifragilisticexpialidocious", "end"],
        ),
    ],
)
def test_a_word_broken_at_line_ends_without_a_hyphen_is_rejoined(lines, expected):
    want = text.Expected()
    want.words(" ".join(expected), "preamble")
    assert text.compare(want, _line_words(*lines)) == []


def test_words_apart_in_the_source_are_not_joined_across_a_line_end():
    want = text.Expected()
    want.words("a b", "preamble")
    assert text.compare(want, _line_words("ab")) == ['preamble, word 1: expected "a b" got "ab"']
    assert text.compare(want, _line_words("a", "b")) == []


def test_a_footnote_mark_runs_on_from_the_last_word_where_no_space_parts_them():
    want = text.Expected()
    want.words("a", "note 1", tail=("\u2014\u2014编者注", "note 1, editorial mark"))
    assert want.tokens == ["a\u2014\u2014", "编", "者", "注"]
    assert want.where[:2] == ["note 1, word 1", "note 1, editorial mark, word 1"]
    assert text.compare(want, _line_words("a\u2014\u2014编者注")) == []
    assert text.compare(want, _line_words("a", "\u2014\u2014编者注")) == []  # a line end between
    assert text.compare(want, _line_words("a\u2014\u2014编注")) != []
