"""The QR-code requisite: its payload, and drawings that a decoder (zbarimg) reads back."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest

from conftest import SOURCE
from scan import zbarimg
from statementpress import qr

STATEMENT_ID = "ca-china-fm-2020-07-16"


def test_urn_names_the_statement_and_its_source():
    data = SOURCE.read_bytes()
    text = qr.payload(STATEMENT_ID, "ru", data)
    assert text == f"urn:statementpress:{STATEMENT_ID}:ru:sha256:{hashlib.sha256(data).hexdigest()}"
    assert re.fullmatch(r"urn:statementpress:[a-z0-9-]+:[a-zA-Z-]+:sha256:[0-9a-f]{64}", text)


def test_statement_payload_reads_the_loaded_source(statement):
    assert qr.statement_payload(statement) == qr.payload(
        statement.meta.id, statement.meta.lang, SOURCE.read_bytes()
    )
    assert qr.statement_payload(statement, "https://mfa.example/") == (
        f"https://mfa.example/{STATEMENT_ID}/{STATEMENT_ID}.ru.html"
    )


@pytest.mark.parametrize(
    ("base", "url"),
    [
        (
            "https://mfa.example/statements",
            f"https://mfa.example/statements/{STATEMENT_ID}/{STATEMENT_ID}.en.html",
        ),
        (
            "https://mfa.example/statements/",
            f"https://mfa.example/statements/{STATEMENT_ID}/{STATEMENT_ID}.en.html",
        ),
        ("https://mfa.example/{lang}/doc/{id}", f"https://mfa.example/en/doc/{STATEMENT_ID}"),
    ],
)
def test_url_when_a_base_url_is_known(base, url):
    assert qr.payload(STATEMENT_ID, "en", b"ignored", base) == url


@pytest.mark.parametrize("lang", ["ru", "zh"])
def test_png_decodes_to_the_payload(tmp_path, lang):
    text = qr.payload(STATEMENT_ID, lang, SOURCE.read_bytes())
    image = tmp_path / "code.png"
    image.write_bytes(qr.png(text))
    assert zbarimg(image) == [text]
    assert STATEMENT_ID in zbarimg(image)[0]


def test_svg_drawn_by_weasyprint_is_vector_and_decodes(tmp_path):
    import weasyprint

    text = qr.payload(STATEMENT_ID, "ru", SOURCE.read_bytes())
    page = f"<html><body style='margin:0'>{qr.svg(text, '25mm', title='QR')}</body></html>"
    pdf = tmp_path / "code.pdf"
    weasyprint.HTML(string=page).write_pdf(pdf)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    assert len(images.stdout.splitlines()) == 2  # the header only: no raster image
    subprocess.run(["pdftoppm", "-png", "-r", "300", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    assert zbarimg(png) == [text]


def test_svg_is_deterministic_and_accessible():
    text = qr.payload(STATEMENT_ID, "ru", b"source")
    first, second = qr.svg(text, title="QR-код: ссылка"), qr.svg(text, title="QR-код: ссылка")
    assert first == second
    n = qr.size_in_modules(text)
    assert f'viewBox="0 0 {n} {n}"' in first and 'width="20mm"' in first
    assert 'role="img" aria-label="QR-код: ссылка"' in first
    assert qr.svg(text).count("aria-hidden") == 1
    assert qr.png(text) == qr.png(text)


def test_runs_and_modules_agree():
    text = qr.payload(STATEMENT_ID, "en", b"source", "https://mfa.example")
    grid = qr.modules(text)
    n = qr.size_in_modules(text)
    assert len(grid) == n and all(len(row) == n for row in grid)
    # The quiet zone is light.
    assert not any(grid[0]) and not any(row[0] for row in grid)
    redrawn = [[False] * n for _ in range(n)]
    for row, col, length in qr.dark_runs(text):
        for x in range(col, col + length):
            assert not redrawn[row][x]
            redrawn[row][x] = True
    assert redrawn == grid
    # Finder pattern in the top left: a 7-module dark square ring at the quiet zone's corner.
    border = qr.QUIET_ZONE
    assert all(grid[border][border + i] for i in range(7))
    assert qr.describe(text)["error"] in ("M", "Q", "H")
