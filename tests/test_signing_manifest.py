"""`statementpress sign` and the build's index: the signed files are recorded with their
signer and signing time, and the manifest, SHA256SUMS and page are made again with them,
in the same transaction as the signed files.

A throwaway PKI (tests/pki.py) is generated per module; nothing touches the network.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import pki
from conftest import ROOT, SOURCE
from statementpress.builder import build
from statementpress.cli import cli
from statementpress.delivery import records
from statementpress.signing.sign import sign_build

ENGLISH = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"
ID = "ca-china-fm-2020-07-16"
EPOCH = "1594857600"  # 2020-07-16T00:00:00Z: the build's and the signature's time
SIGNER = "Пресс-служба МИД"  # the office certificate's owner (tests/pki.py)
SIGNED = [f"{ID}/{ID}.{lang}.signed.pdf" for lang in ("en", "ru-en", "ru")]


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> pki.Pki:
    return pki.make(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def signed_build(certs, tmp_path_factory) -> Path:
    """The Russian and English PDFs and their parallel PDF, built, then signed with
    `statementpress sign build --key office.p12` (the passphrase from the environment)."""
    folder = tmp_path_factory.mktemp("signed-build")
    out = folder / "build"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build([SOURCE, ENGLISH], ["pdf", "parallel-pdf"], out=out)
        mp.setenv("STATEMENTPRESS_KEY_PASSPHRASE", pki.PASSPHRASE)
        result = CliRunner().invoke(cli, ["sign", str(out), "--key", str(certs.office_p12)])
    assert result.exit_code == 0, result.output
    # One line per signed file: the records and index files are not "signed".
    assert sorted(result.output.splitlines()) == [
        f"signed {out / rel} ({size})"
        for rel, size in sorted((rel, _size(out / rel)) for rel in SIGNED)
    ]
    return out


def _size(path: Path) -> str:
    from statementpress.writers import human_size

    return human_size(path.stat().st_size)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_lists_each_signed_file_with_signer_and_time(signed_build):
    manifest = json.loads((signed_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["signed"] == [
        {
            "path": rel,
            "sha256": _sha256(signed_build / rel),
            "signer": SIGNER,
            "signing_time": "2020-07-16T00:00:00Z",
            "unsigned": rel.replace(".signed.pdf", ".pdf"),
        }
        for rel in SIGNED
    ]
    # The editions are still listed as the build listed them.
    (statement,) = manifest["statements"]
    assert [e["path"] for e in statement["editions"]] == [
        f"{ID}/{ID}.{lang}.pdf" for lang in ("en", "ru-en", "ru")
    ]


def test_build_records_name_the_signer_of_each_signed_file(signed_build):
    # A parallel edition's signed copy is recorded with its first column's version (ru).
    for lang, names in (("ru", ["ru-en", "ru"]), ("en", ["en"])):
        record = records.read(records.record_path(signed_build, ID, lang))
        assert record is not None
        for name in names:
            file = f"{ID}.{name}.signed.pdf"
            assert record["editions"][file] == {
                "sha256": _sha256(signed_build / ID / file),
                "signer": SIGNER,
                "signing_time": "2020-07-16T00:00:00Z",
            }
            # The unsigned edition's own entry is kept.
            assert record["editions"][f"{ID}.{name}.pdf"]["sha256"] == _sha256(
                signed_build / ID / f"{ID}.{name}.pdf"
            )


def test_sha256sums_checks_the_signed_files(signed_build):
    sums = (signed_build / "SHA256SUMS").read_text(encoding="utf-8")
    for rel in SIGNED:
        assert f"{_sha256(signed_build / rel)}  {rel}\n" in sums
    run = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=signed_build, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(": OK") == 8  # 3 editions, 3 signed copies, manifest, page


def test_the_download_page_lists_each_signed_copy_after_its_edition(signed_build):
    import html.parser

    class Rows(html.parser.HTMLParser):
        """The text and download link of each row of the page's tables."""

        def __init__(self) -> None:
            super().__init__()
            self.rows: list[tuple[str, str | None]] = []
            self.cell: list[str] | None = None
            self.link: str | None = None

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.cell, self.link = [], None
            elif tag == "a" and self.cell is not None and dict(attrs).get("download"):
                self.link = dict(attrs)["href"]

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

        def handle_endtag(self, tag):
            if tag == "tr" and self.cell is not None:
                self.rows.append((" ".join("".join(self.cell).split()), self.link))
                self.cell = None

    page = Rows()
    page.feed((signed_build / "index.html").read_text(encoding="utf-8"))
    links = [link for _, link in page.rows if link]
    # Each PDF, then its signed copy, with the copy's own size and SHA-256.
    expected = []
    for lang in ("en", "ru-en", "ru"):
        expected += [f"{ID}/{ID}.{lang}.pdf", f"{ID}/{ID}.{lang}.signed.pdf"]
    assert links == expected
    for text, link in page.rows:
        if link and link.endswith(".signed.pdf"):
            assert text.startswith("PDF, signed")
            assert f"by {SIGNER}" in text and "on 2020-07-16" in text
            assert _sha256(signed_build / link) in text
            assert _size(signed_build / link) in text
    intro = (signed_build / "index.html").read_text(encoding="utf-8")
    assert "3 editions and 3 signed copies" in intro


# Words of the problem lines that `verify` writes about signatures and the manifest.
SIGNATURE_OR_MANIFEST = (
    "manifest",
    "is not listed",
    "SHA-256",
    "signature",
    "signed bytes",
    "certificate",
    "trust root",
    "unsigned edition",
)


def _verify(build_dir: Path, trust: Path) -> list[str]:
    result = CliRunner().invoke(
        cli, ["verify", str(build_dir), str(SOURCE), str(ENGLISH), "--trust", str(trust)]
    )
    return [
        line
        for line in result.output.splitlines()
        if any(word in line for word in SIGNATURE_OR_MANIFEST)
    ]


def test_verify_finds_the_signatures_and_the_manifest_in_order(signed_build, certs, tmp_path):
    # Its text comparison is not this test's subject: only what it says of the
    # signatures (against the root) and of the manifest, which lists every file.
    assert _verify(signed_build, certs.ca_pem) == []
    # The same lines do appear when a signed file is damaged: the filter above sees them.
    damaged = tmp_path / "build"
    shutil.copytree(signed_build, damaged)
    target = damaged / SIGNED[2]
    data = bytearray(target.read_bytes())
    data[len(data) // 3] ^= 0x01
    target.write_bytes(bytes(data))
    lines = _verify(damaged, certs.ca_pem)
    assert any(line.startswith(f"{damaged / 'manifest.json'}: {SIGNED[2]}") for line in lines)
    assert any(line.startswith(str(target)) for line in lines)


def test_signing_a_folder_without_an_index_makes_none(certs, official_pdf, tmp_path):
    edition = tmp_path / "build" / ID / f"{ID}.ru.pdf"
    edition.parent.mkdir(parents=True)
    shutil.copyfile(official_pdf, edition)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        written = sign_build(tmp_path / "build", certs.office_p12, pki.PASSPHRASE.encode())
    assert written == [edition.with_name(f"{ID}.ru.signed.pdf")]
    assert sorted(p.name for p in (tmp_path / "build").rglob("*")) == sorted(
        [ID, edition.name, written[0].name]
    )
