"""Signed editions: PAdES signatures on the canonical statement's PDF, and their checks.

A throwaway PKI (tests/pki.py) is generated per session; nothing touches the network (the
time-stamping authority of the B-T test is a stub on the loopback interface).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import pki
from conftest import SOURCE
from statementpress import layout
from statementpress.cli import cli
from statementpress.signing import SigningError, signed_info, verify_signed
from statementpress.signing import mark as marks
from statementpress.signing.keys import load_key
from statementpress.signing.sign import sign_build, sign_file

EPOCH = "1594857600"  # 2020-07-16T00:00:00Z: the signing time of these tests
STEM = "ca-china-fm-2020-07-16.ru"


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> pki.Pki:
    return pki.make(tmp_path_factory.mktemp("pki"))


def _build_dir(root: Path, official_pdf: Path) -> Path:
    """A build folder holding the canonical statement's PDF edition, as `build` writes it."""
    edition = root / "build" / "ca-china-fm-2020-07-16" / f"{STEM}.pdf"
    edition.parent.mkdir(parents=True)
    shutil.copyfile(official_pdf, edition)
    return root / "build"


@pytest.fixture(scope="module")
def signed(certs, official_pdf, tmp_path_factory) -> tuple[Path, Path]:
    """(unsigned, signed) editions: the canonical PDF signed with the office key."""
    build = _build_dir(tmp_path_factory.mktemp("signed"), official_pdf)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        written = sign_build(
            build,
            certs.office_p12,
            pki.PASSPHRASE.encode(),
            reason="Official publication",
            location="Москва",
        )
    unsigned = build / "ca-china-fm-2020-07-16" / f"{STEM}.pdf"
    assert written == [build / "ca-china-fm-2020-07-16" / f"{STEM}.signed.pdf"]
    return unsigned, written[0]


def _sign_with(p12: Path, official_pdf: Path, folder: Path, **kwargs) -> tuple[Path, Path]:
    build = _build_dir(folder, official_pdf)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        (out,) = sign_build(build, p12, pki.PASSPHRASE.encode(), **kwargs)
    return build / "ca-china-fm-2020-07-16" / f"{STEM}.pdf", out


# --- the signed file -------------------------------------------------------------------------


def test_signed_file_verifies_against_the_root(signed, certs):
    unsigned, out = signed
    assert verify_signed(out, unsigned, [certs.ca_pem]) == []


def test_signed_file_begins_with_the_unsigned_bytes(signed):
    unsigned, out = signed
    size = unsigned.stat().st_size
    # As `cmp -n <size of unsigned> unsigned signed` checks it.
    run = subprocess.run(["cmp", "-n", str(size), str(unsigned), str(out)], capture_output=True)
    assert run.returncode == 0, run.stdout
    assert out.stat().st_size > size


def test_pyhanko_library_validator_agrees(signed, certs):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(certs.ca_pem))], allow_fetching=False
    )
    with signed[1].open("rb") as f:
        (sig,) = PdfFileReader(f).embedded_signatures
        status = validate_pdf_signature(sig, signer_validation_context=context)
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (
        True,
        True,
        True,
        True,
    )
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert sig.sig_object["/Reason"] == "Official publication"
    assert sig.sig_object["/Location"] == "Москва"


def test_pyhanko_command_line_agrees(signed, certs):
    tool = shutil.which("pyhanko", path=str(Path(__import__("sys").executable).parent))
    assert tool, "pyHanko's command line comes with the test extra (pyhanko-cli)"
    run = subprocess.run(
        [tool, "sign", "validate", "--trust", str(certs.ca_pem), "--trust-replace", str(signed[1])],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert ":INTACT:TRUSTED,UNTOUCHED" in run.stdout


def test_pdfa_identification_tags_and_source_survive(signed):
    unsigned, out = signed
    before, after = PdfReader(unsigned), PdfReader(out)
    cat_before, cat_after = before.trailer["/Root"], after.trailer["/Root"]
    # The structure tree is the very same object, and the document says it is tagged.
    tree_before, tree_after = (c.raw_get("/StructTreeRoot") for c in (cat_before, cat_after))
    assert tree_after.idnum == tree_before.idnum
    # Not rewritten by the update: every page still finds its tags in the same parent tree.
    update = out.read_bytes()[unsigned.stat().st_size :]
    assert f"\n{tree_after.idnum} 0 obj".encode() not in update
    assert b"\n1 0 obj" not in update  # nor the page tree
    nums = tree_after.get_object()["/ParentTree"]["/Nums"]
    assert [n for n in nums[::2]] == [
        n for n in tree_before.get_object()["/ParentTree"]["/Nums"][::2]
    ]
    assert {int(p["/StructParents"]) for p in after.pages} <= set(nums[::2])
    assert bool(cat_after["/MarkInfo"]["/Marked"])
    assert cat_after["/Lang"] == "ru"
    assert cat_after["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    # PDF/A-3b identification in the XMP packet, which still says everything it said.
    xmp_before = cat_before["/Metadata"].get_object().get_data().decode()
    xmp_after = cat_after["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp_after and 'pdfaid:conformance="B"' in xmp_after
    assert xmp_after.replace(
        "<xmp:ModifyDate>2020-07-16T00:00:00Z</xmp:ModifyDate>", ""
    ) == xmp_before.replace("<xmp:ModifyDate>2020-07-16T00:00:00Z</xmp:ModifyDate>", "")
    # Document information and XMP agree (PDF/A): same producer, the signing time as date.
    info = after.trailer["/Info"]
    assert info["/Producer"] == before.trailer["/Info"]["/Producer"]
    assert f'pdf:Producer="{info["/Producer"]}"' in xmp_after
    assert info["/ModDate"] == "D:20200716000000Z"
    # The attached source: same bytes, still associated with the document (/AF).
    assert after.attachments == before.attachments
    assert after.attachments[SOURCE.name] == [SOURCE.read_bytes()]
    assert [r.idnum for r in cat_after["/AF"]] == [r.idnum for r in cat_before["/AF"]]


def test_signature_widget_is_printable_and_its_font_embedded(signed):
    reader = PdfReader(signed[1])
    (widget,) = [a.get_object() for a in reader.pages[-1]["/Annots"]]
    assert widget["/FT"] == "/Sig" and widget["/Subtype"] == "/Widget"
    flags = int(widget["/F"])
    assert flags & 4 and not flags & (1 | 2 | 32)  # Print; not Invisible, Hidden, NoView
    assert list(widget["/AP"].keys()) == ["/N"]  # PDF/A: the normal appearance only
    fonts_found = []

    def walk(xobject, depth=0):
        resources = xobject.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            fonts_found.append(descendant["/FontDescriptor"])
        for child in resources.get("/XObject", {}).values():
            if depth < 5:
                walk(child.get_object(), depth + 1)

    walk(widget["/AP"]["/N"].get_object())
    assert fonts_found
    for descriptor in fonts_found:
        assert "PT-Serif" in descriptor["/FontName"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_signed_info_for_the_manifest(signed):
    info = signed_info(signed[1])
    assert info == {
        "signer": "Пресс-служба МИД",
        "signing_time": "2020-07-16T00:00:00Z",
        "sha256": hashlib.sha256(signed[1].read_bytes()).hexdigest(),
    }


def test_signing_again_gives_the_same_bytes(signed, certs, official_pdf, tmp_path):
    _unsigned, again = _sign_with(
        certs.office_p12, official_pdf, tmp_path, reason="Official publication", location="Москва"
    )
    assert again.read_bytes() == signed[1].read_bytes()


def test_signing_skips_signed_files(certs, official_pdf, tmp_path):
    _unsigned, first = _sign_with(certs.office_p12, official_pdf, tmp_path, visible=False)
    build = tmp_path / "build"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        again = sign_build(build, certs.office_p12, pki.PASSPHRASE.encode(), visible=False)
    assert again == [first]
    assert sorted(p.name for p in build.rglob("*.pdf")) == [f"{STEM}.pdf", f"{STEM}.signed.pdf"]


# --- the visible mark ------------------------------------------------------------------------


def _page_pixels(pdf: Path, page: int, folder: Path) -> tuple[int, int, bytes]:
    """The page rendered by poppler as 8-bit grey pixels: (width, height, bytes)."""
    stem = folder / f"{pdf.stem}-{page}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "36", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
        check=True,
    )
    (image,) = folder.glob(f"{stem.name}*.pgm")
    data = image.read_bytes()
    # Binary PGM: "P5\n<w> <h>\n255\n" then the pixels.
    header, width, height, _max, pixels = data.split(maxsplit=4)
    assert header == b"P5"
    return int(width), int(height), pixels


def test_mark_is_drawn_in_free_space_at_the_bottom_of_the_last_page(signed, tmp_path):
    unsigned, out = signed
    reader = PdfReader(out)
    (widget,) = [a.get_object() for a in reader.pages[-1]["/Annots"]]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    official = layout.load("official")
    mm = 72 / 25.4
    # Above the bottom margin, inside the side margins, in the lower half of the page.
    assert y1 >= official.number("page.margin_bottom_mm") * mm - 0.01
    assert x1 >= official.number("page.margin_left_mm") * mm
    assert (
        x2
        <= float(reader.pages[-1].mediabox.width)
        - official.number("page.margin_right_mm") * mm
        + 0.01
    )
    assert y2 < float(reader.pages[-1].mediabox.height) / 2
    # It overlaps nothing the unsigned page draws.
    for box in marks._content_boxes(unsigned.read_bytes(), len(reader.pages) - 1):
        assert box[2] <= x1 or box[0] >= x2 or box[3] <= y1 or box[1] >= y2, box
    # The rendered pages differ only inside the mark's rectangle, and there it draws.
    pages = len(reader.pages)
    w, h, before = _page_pixels(unsigned, pages, tmp_path)
    w2, h2, after = _page_pixels(out, pages, tmp_path)
    assert (w, h) == (w2, h2)
    scale = w / float(reader.pages[-1].mediabox.width)
    inside = outside = 0
    for i, (a, b) in enumerate(zip(before, after, strict=True)):
        if a != b:
            px, py = (i % w) / scale, float(reader.pages[-1].mediabox.height) - (i // w) / scale
            if x1 - 2 <= px <= x2 + 2 and y1 - 2 <= py <= y2 + 2:
                inside += 1
            else:
                outside += 1
    assert inside > 100 and outside == 0


def test_mark_says_what_gost_asks(certs, tmp_path):
    key = load_key(certs.office_p12, pki.PASSPHRASE.encode())
    facts = marks.MarkFacts(key.serial, key.owner, key.not_before, key.not_after)
    texts = {}
    for lang in ("ru", "en", "zh"):
        pdf = tmp_path / f"mark-{lang}.pdf"
        pdf.write_bytes(marks.render(facts, lang, layout.load("official")))
        run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
        texts[lang] = " ".join(run.stdout.split())
    start = key.not_before
    end = key.not_after
    assert "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ" in texts["ru"]
    assert "Сертификат: 1A2B3C4D5E" in texts["ru"]
    assert "Владелец: Пресс-служба МИД" in texts["ru"]
    assert f"Действителен с {start:%d.%m.%Y} по {end:%d.%m.%Y}" in texts["ru"]
    for lang in ("en", "zh"):
        assert "DOCUMENT SIGNED WITH AN ELECTRONIC SIGNATURE" in texts[lang]
        assert "Certificate: 1A2B3C4D5E" in texts[lang]
        assert f"Valid from {start.date().isoformat()} to {end.date().isoformat()}" in texts[lang]
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "mark-ru.pdf")], capture_output=True, text=True
    )
    assert "PT-Serif-Bold" in fonts.stdout and "PT-Serif " in fonts.stdout


def test_invisible_signature_draws_nothing(certs, official_pdf, tmp_path):
    unsigned, out = _sign_with(certs.office_p12, official_pdf, tmp_path, visible=False)
    assert verify_signed(out, unsigned, [certs.ca_pem]) == []
    (widget,) = [a.get_object() for a in PdfReader(out).pages[-1]["/Annots"]]
    assert [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0]
    pages = len(PdfReader(out).pages)
    assert _page_pixels(unsigned, pages, tmp_path) == _page_pixels(out, pages, tmp_path)


# --- what verify must catch ------------------------------------------------------------------


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9, "signature revision"])
def test_flipped_byte_fails_naming_the_file(signed, certs, tmp_path, where):
    unsigned, out = signed
    data = bytearray(out.read_bytes())
    size = unsigned.stat().st_size
    if where == "signature revision":
        # Inside the signature dictionary's /Reason, after the unsigned bytes.
        index = data.index(b"Official publication", size)
    else:
        index = int(size * where)
    data[index] ^= 0x01
    tampered = tmp_path / out.name
    tampered.write_bytes(bytes(data))
    problems = verify_signed(tampered, None, [certs.ca_pem])
    assert problems and all(p.startswith(f"{tampered}: ") for p in problems), problems
    # Against its unsigned edition too (the prefix check catches a flip in the edition's part).
    assert verify_signed(tampered, unsigned, [certs.ca_pem])


def test_appended_bytes_fail(signed, certs, tmp_path):
    tampered = tmp_path / signed[1].name
    tampered.write_bytes(signed[1].read_bytes() + b"\n1 0 obj\n(x)\nendobj\n")
    assert verify_signed(tampered, signed[0], [certs.ca_pem])


def test_another_editions_bytes_fail_the_prefix_check(signed, certs, tmp_path):
    other = tmp_path / "other.pdf"
    data = bytearray(signed[0].read_bytes())
    data[100] ^= 0x01
    other.write_bytes(bytes(data))
    problems = verify_signed(signed[1], other, [certs.ca_pem])
    assert problems == [
        f"{signed[1]}: does not begin with the exact bytes of its unsigned edition {other}"
    ]


def test_certificate_from_another_ca_fails(certs, official_pdf, tmp_path):
    unsigned, out = _sign_with(certs.other_p12, official_pdf, tmp_path)
    problems = verify_signed(out, unsigned, [certs.ca_pem])
    assert len(problems) == 1
    assert problems[0].startswith(f"{out}: the certificate of Пресс-служба МИД (serial 77")
    assert "does not chain to a given trust root" in problems[0]
    # Its own root trusts it.
    assert verify_signed(out, unsigned, [certs.other_ca_pem]) == []


def test_expired_certificate_fails(certs, official_pdf, tmp_path):
    unsigned, out = _sign_with(certs.expired_p12, official_pdf, tmp_path)
    problems = verify_signed(out, unsigned, [certs.ca_pem])
    assert problems == [
        f"{out}: the certificate of Пресс-служба МИД (serial 0BAD) expired on 2021-01-01"
    ]


def test_signing_time_outside_the_certificate_is_refused(certs, official_pdf, tmp_path):
    build = _build_dir(tmp_path, official_pdf)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1262304000")  # 2010, before the certificate
        with pytest.raises(SigningError, match="outside the validity of the certificate"):
            sign_build(build, certs.office_p12, pki.PASSPHRASE.encode())
    assert not list(build.rglob("*.signed.pdf"))


def test_extra_revision_before_the_signature_fails(certs, official_pdf, tmp_path):
    """A signed file whose signature revision also rewrites a page's content: the prefix is
    right and the signature is valid, but the file shows something else than the edition."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    build = _build_dir(tmp_path, official_pdf)
    unsigned = build / "ca-china-fm-2020-07-16" / f"{STEM}.pdf"
    key = load_key(certs.office_p12, pki.PASSPHRASE.encode())
    writer = IncrementalPdfFileWriter(io.BytesIO(unsigned.read_bytes()))
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"0 0 m 100 100 l S"))
    writer.update_container(page)
    out = tmp_path / "changed.signed.pdf"
    meta = signers.PdfSignatureMetadata(
        field_name="Signature", subfilter=fields.SigSeedSubFilter.PADES
    )
    out.write_bytes(signers.PdfSigner(meta, key.signer).sign_pdf(writer).getvalue())
    problems = verify_signed(out, unsigned, [certs.ca_pem])
    assert problems == [f"{out}: the signature's revision changes a page's content"]


def test_unsigned_file_has_no_signature(signed, certs):
    assert verify_signed(signed[0], None, [certs.ca_pem]) == [f"{signed[0]}: has no signature"]


def test_bad_trust_root_is_named(signed, tmp_path):
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("hello\n")
    problems = verify_signed(signed[1], signed[0], [bad])
    assert f"{bad}: not a PEM or DER certificate" in problems


def test_without_trust_roots_only_integrity_is_judged(certs, official_pdf, tmp_path):
    unsigned, out = _sign_with(certs.other_p12, official_pdf, tmp_path)
    assert verify_signed(out, unsigned, []) == []


# --- the command line: keys and passphrases --------------------------------------------------


def _run(args: list[str], env: dict[str, str] | None = None):
    runner = CliRunner()
    base = {"SOURCE_DATE_EPOCH": EPOCH, "STATEMENTPRESS_KEY_PASSPHRASE": None}
    return runner.invoke(cli, args, env={**base, **(env or {})}, catch_exceptions=False)


def test_cli_passphrase_from_env(certs, official_pdf, tmp_path):
    build = _build_dir(tmp_path, official_pdf)
    result = _run(
        ["sign", str(build), "--key", str(certs.office_p12)],
        env={"STATEMENTPRESS_KEY_PASSPHRASE": pki.PASSPHRASE},
    )
    assert result.exit_code == 0, result.output
    out = build / "ca-china-fm-2020-07-16" / f"{STEM}.signed.pdf"
    assert result.output == f"signed {out} ({out.stat().st_size / 1024:.1f} KiB)\n"
    assert verify_signed(out, out.with_name(f"{STEM}.pdf"), [certs.ca_pem]) == []
    # The key is only read: no copy of it anywhere in the build.
    key_bytes = certs.office_p12.read_bytes()
    assert all(p.read_bytes() != key_bytes for p in build.rglob("*") if p.is_file())
    assert pki.PASSPHRASE not in result.output


def test_cli_passphrase_file(certs, official_pdf, tmp_path):
    build = _build_dir(tmp_path, official_pdf)
    secret = tmp_path / "passphrase"
    secret.write_text(pki.PASSPHRASE + "\n", encoding="utf-8")
    result = _run(
        ["sign", str(build), "--key", str(certs.office_p12), "--passphrase-file", str(secret), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (build / "ca-china-fm-2020-07-16" / f"{STEM}.signed.pdf").is_file()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            [],
            {"STATEMENTPRESS_KEY_PASSPHRASE": "wrong horse"},
            "{key}: cannot open the key: the passphrase is wrong",
        ),
        (
            [],
            {},
            "{key}: cannot open the key: no passphrase was given (use --passphrase-file or STATEMENTPRESS_KEY_PASSPHRASE)",
        ),
        (
            ["--key", "{missing}"],
            {},
            "cannot read the key file {missing}: No such file or directory",
        ),
        (
            ["--key", "{ca}"],
            {},
            "{ca}: not a PKCS#12 key file (.p12 or .pfx with key and certificate)",
        ),
        (
            ["--tsa", "ftp://tsa.example"],
            {"STATEMENTPRESS_KEY_PASSPHRASE": pki.PASSPHRASE},
            "--tsa 'ftp://tsa.example' is not an http:// or https:// URL",
        ),
    ],
)
def test_cli_errors_are_one_clean_line(certs, official_pdf, tmp_path, args, env, message):
    build = _build_dir(tmp_path, official_pdf)
    names = {"key": certs.office_p12, "missing": tmp_path / "nope.p12", "ca": certs.ca_pem}
    args = [a.format(**names) for a in args]
    if "--key" not in args:
        args = ["--key", str(certs.office_p12), *args]
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["sign", str(build), *args],
        env={"SOURCE_DATE_EPOCH": EPOCH, "STATEMENTPRESS_KEY_PASSPHRASE": None, **env},
    )
    assert result.exit_code == 1
    assert result.output == message.format(**names) + "\n"
    assert "Traceback" not in result.output and "wrong horse" not in result.output
    assert not list(build.rglob("*.signed.pdf"))


def test_sign_needs_pdf_editions(certs, tmp_path):
    (tmp_path / "build").mkdir()
    with pytest.raises(SigningError, match="no PDF editions to sign"):
        sign_build(tmp_path / "build", certs.office_p12, pki.PASSPHRASE.encode())


def test_help_does_not_import_pyhanko():
    code = (
        "import sys; from statementpress.cli import cli\n"
        "try:\n    cli.main(['sign', '--help'], standalone_mode=False)\n"
        "finally:\n    print('pyhanko' in sys.modules, file=sys.stderr)\n"
    )
    run = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "--passphrase-file" in run.stdout
    assert run.stderr.strip().endswith("False")


# --- B-T: a time-stamping authority on the loopback interface --------------------------------


class _TimeStampHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        from asn1crypto import tsp

        request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        body = self.server.stamper.request_tsa_response(request).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tsa_url(certs):
    from asn1crypto import keys, x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def der(cert):
        return x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    server = ThreadingHTTPServer(("127.0.0.1", 0), _TimeStampHandler)
    server.stamper = DummyTimeStamper(
        tsa_cert=der(certs.tsa_cert),
        tsa_key=keys.PrivateKeyInfo.load(
            certs.tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=SimpleCertificateStore.from_certs([der(certs.ca.cert)]),
        fixed_dt=datetime.datetime(2020, 7, 16, 0, 0, 5, tzinfo=datetime.UTC),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_b_t_signature_with_a_loopback_tsa(certs, official_pdf, tmp_path, tsa_url):
    build = _build_dir(tmp_path, official_pdf)
    result = _run(
        ["sign", str(build), "--key", str(certs.office_p12), "--tsa", tsa_url, "-q"],
        env={"STATEMENTPRESS_KEY_PASSPHRASE": pki.PASSPHRASE},
    )
    assert result.exit_code == 0, result.output
    out = build / "ca-china-fm-2020-07-16" / f"{STEM}.signed.pdf"
    assert verify_signed(out, out.with_name(f"{STEM}.pdf"), [certs.ca_pem]) == []

    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(certs.ca_pem))], allow_fetching=False
    )
    with out.open("rb") as f:
        (sig,) = PdfFileReader(f).embedded_signatures
        status = validate_pdf_signature(sig, signer_validation_context=context)
    assert status.bottom_line
    ts = status.timestamp_validity
    assert ts is not None and ts.intact and ts.valid and ts.trusted
    assert ts.timestamp == datetime.datetime(2020, 7, 16, 0, 0, 5, tzinfo=datetime.UTC)


def test_unreachable_tsa_is_a_clean_error(certs, official_pdf, tmp_path):
    import socket

    build = _build_dir(tmp_path, official_pdf)
    # A loopback port that was free a moment ago: nothing answers there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        with pytest.raises(SigningError, match="did not answer with a time stamp"):
            sign_build(
                build, certs.office_p12, pki.PASSPHRASE.encode(), tsa=f"http://127.0.0.1:{port}/"
            )


def test_sign_file_refuses_a_signed_file(signed, certs):
    key = load_key(certs.office_p12, pki.PASSPHRASE.encode())
    with pytest.raises(SigningError, match="already signed"):
        sign_file(signed[1], key, dest=signed[1].with_name("again.pdf"))


def _html_pdf(body: str, path: Path) -> Path:
    import weasyprint

    page = (
        "<style>@page { size: A4; margin: 20mm 10mm 20mm 30mm } p { margin: 0; font-size: 14pt }"
        "</style>" + body
    )
    weasyprint.HTML(string=page).write_pdf(path)
    return path


def test_mark_goes_above_notes_at_the_foot_of_the_page(tmp_path):
    # Text at the top, a block of notes at the bottom: the mark goes in the gap between.
    pdf = _html_pdf(
        "<p>Top.</p><p style='position: absolute; bottom: 0; right: 0; left: 0'>"
        + " ".join(f"{i}. A note at the foot of the page, as wide as the text." for i in range(12))
        + "</p>",
        tmp_path / "notes.pdf",
    )
    data = pdf.read_bytes()
    a4 = (0.0, 0.0, 595.275591, 841.889764)
    rect = marks.place(data, 0, a4, (230, 70), layout.load("official"))
    assert rect is not None
    boxes = marks._content_boxes(data, 0)
    notes = [box for box in boxes if box[1] < 200]
    # The notes run under the mark's whole width: it had to go above them.
    assert min(box[0] for box in notes) < rect[0] and max(box[2] for box in notes) > rect[0] + 200
    assert rect[1] >= max(box[3] for box in notes) + marks.CLEARANCE_PT
    assert rect[3] < 700


def test_full_page_has_no_place_for_the_mark(certs, tmp_path):
    # A framed block that fills the area inside the margins.
    pdf = _html_pdf(
        "<div style='height: 255mm; border: 1pt solid black'><p>Текст.</p></div>",
        tmp_path / "full.pdf",
    )
    reader = PdfReader(pdf)
    data = pdf.read_bytes()
    a4 = tuple(float(v) for v in reader.pages[0].mediabox)
    assert marks.place(data, 0, a4, (230, 70), layout.load("official")) is None
    key = load_key(certs.office_p12, pki.PASSPHRASE.encode())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        with pytest.raises(SigningError, match="no free space for the signature mark"):
            sign_file(pdf, key)
        # Without the mark it signs.
        out = sign_file(pdf, key, visible=False)
    assert verify_signed(out, pdf, [certs.ca_pem]) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_one_page_statement_with_a_note_gets_its_mark(certs, tmp_path, lang):
    """A one-page edition whose note rule WeasyPrint draws in a page-sized form: the mark
    still finds the room between the signatures and the note, in the language's face."""
    from statementpress.builder import build

    fixture = SOURCE.parents[1] / "tests" / "fixtures" / f"harbour-accord-2031.{lang}.md"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        (unsigned,) = build([fixture], ["pdf"], out=tmp_path / "build")
        (out,) = sign_build(tmp_path / "build", certs.office_p12, pki.PASSPHRASE.encode())
    assert verify_signed(out, unsigned, [certs.ca_pem]) == []
    annots = [a.get_object() for a in PdfReader(out).pages[-1]["/Annots"]]
    (widget,) = [a for a in annots if a.get("/FT") == "/Sig"]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    boxes = marks._content_boxes(unsigned.read_bytes(), len(PdfReader(out).pages) - 1)
    assert boxes and all(b[2] <= x1 or b[0] >= x2 or b[3] <= y1 or b[1] >= y2 for b in boxes)
    assert not any(b[2] - b[0] > 500 and b[3] - b[1] > 500 for b in boxes)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert ("Noto-Serif-SC" if lang == "zh" else "PT-Serif") in fonts
