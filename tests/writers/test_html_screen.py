"""The HTML page on a phone and a desktop, measured from the output: landmarks, the editions
box near the top, embedded web fonts, alignment by width, and Chromium's layout at 390 and
1280 px (no overflow, level signature lines, line length), with a pixel check of its
screenshot."""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from pathlib import Path

import pytest
from lxml import etree

from browser import measure
from statementpress import fonts, layout
from statementpress.writers import WRITERS, Edition
from statementpress.writers import html as html_writer

NS = {"h": "http://www.w3.org/1999/xhtml"}
FACE = re.compile(r"@font-face\s*\{([^}]*)\}")


@pytest.fixture(scope="module")
def page(statement, tmp_path_factory) -> Path:
    """The page as the builder writes it: beside two other editions it links. Signed on
    lines (the canonical source is signed by name only), so that Chromium has signature
    lines to level."""
    signed = dataclasses.replace(
        statement, meta=dataclasses.replace(statement.meta, signature="line")
    )
    folder = tmp_path_factory.mktemp("html-screen")
    editions = []
    for kind in ("pdf", "docx"):
        path = folder / f"ca-china-fm-2020-07-16.ru.{kind}"
        path.write_bytes(b"edition")
        editions.append(Edition(path, WRITERS[kind], "ru"))
    return html_writer.write(
        signed, layout.load("official"), folder / "page.html", editions=editions
    )


@pytest.fixture(scope="module")
def tree(page):
    return etree.parse(str(page), etree.XMLParser(resolve_entities=False, no_network=True))


@pytest.fixture(scope="module")
def css(tree) -> str:
    return "".join(tree.getroot().find("h:head/h:style", NS).itertext())


def test_main_landmark_holds_the_statement(tree):
    mains = tree.findall(".//h:main", NS)
    assert len(mains) == 1
    assert mains[0].find("h:article[@id='statement']", NS) is not None


def test_editions_box_comes_after_the_title_before_the_text(tree):
    order = [
        e.get("id") or e.get("class")
        for e in tree.iter()
        if e.get("id") in ("title", "preamble", "articles", "notes") or e.get("class") == "editions"
    ]
    assert order == ["title", "editions", "preamble", "articles", "notes"]


def test_the_face_is_embedded_as_woff2_subsets_covering_the_page(page, css):
    from fontTools.ttLib import TTFont

    face = fonts.face_for(layout.load("official"), "ru")
    rules = FACE.findall(css)
    assert {re.search(r"font-weight:\s*(\d+)", r).group(1) for r in rules} >= {"400", "700"}
    shown = html_writer.shown_text(page.read_text(encoding="utf-8"))
    original = TTFont(str(face.regular))
    drawable = {ch for ch in shown if ord(ch) in original.getBestCmap() and not ch.isspace()}
    for declarations in rules:
        assert f'font-family: "{face.family}"' in declarations
        data = re.search(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", declarations)
        assert data, "the font is in the page, not a file beside it"
        blob = base64.b64decode(data.group(1))
        assert blob[:4] == b"wOF2"
        font = TTFont(io.BytesIO(blob))
        cmap = font.getBestCmap()
        assert {ch for ch in drawable if ord(ch) not in cmap} == set()
        assert len(cmap) < len(original.getBestCmap()) / 2  # a subset, not the whole face


def test_the_page_is_reproducible(statement, tmp_path):
    first = html_writer.write(statement, layout.load("official"), tmp_path / "a.html")
    second = html_writer.write(statement, layout.load("official"), tmp_path / "b.html")
    assert first.read_bytes() == second.read_bytes()


def test_narrow_windows_get_start_aligned_text(css):
    official = layout.load("official")
    px = round(official.number("screen.justify_min_width_em") * official.number("screen.size_px"))
    query = re.search(rf"@media \(max-width: {px}px\) \{{(.*?)\}}\s*\}}", css, re.S)
    assert query and re.search(r"\.statement p\s*\{\s*text-align:\s*start", query.group(1))
    assert "hyphens: auto" in css and "hyphenate-limit-chars: 6 3 3" in css


# -- Chromium at a phone's and a desktop's width ----------------------------------------------


@pytest.fixture(scope="module", params=[390, 1280])
def laid_out(request, page, tmp_path_factory):
    shot = tmp_path_factory.mktemp("shots") / f"page-{request.param}.png"
    return request.param, measure(page, request.param, screenshot=shot), shot


@pytest.mark.slow
def test_chromium_lays_the_page_out_within_the_window(laid_out):
    width, got, _ = laid_out
    assert got["width"] == width and got["scrollWidth"] <= width
    assert got["order"][:3] == ["main", "nav", "preamble"]
    assert ["PT Serif", "400", "normal"] in got["fonts"]
    assert ["PT Serif", "700", "normal"] in got["fonts"]
    expected = "start" if width < 540 else "justify"
    assert got["align"]["#preamble p"] == got["align"][".articles p"] == expected


@pytest.mark.slow
def test_lines_hold_at_most_75_characters(laid_out):
    _, got, _ = laid_out
    full = [n for lines in got["lines"] for n in lines[:-1]]  # not a paragraph's last line
    assert full, "nothing to check: no paragraph runs over a line"
    assert max(full) <= 75, max(full)


@pytest.mark.slow
def test_signature_lines_of_a_row_are_level(laid_out):
    width, got, _ = laid_out
    rows: dict[int, list[dict]] = {}
    for s in got["signatories"]:
        rows.setdefault(round(s["top"]), []).append(s)
    assert sum(len(r) for r in rows.values()) == 6
    if width >= 1000:
        assert max(len(r) for r in rows.values()) >= 2, "several signatories to a row"
    for row in rows.values():
        assert all(s["line"] is not None for s in row), "every signatory has a line"
        assert max(s["line"] for s in row) - min(s["line"] for s in row) < 1
        assert max(s["name"] for s in row) - min(s["name"] for s in row) < 1


@pytest.mark.slow
def test_screenshot_has_ink_only_in_the_column(laid_out):
    """The screenshot, pixel by pixel: text in the reading column, nothing beside it."""
    from PIL import Image

    width, got, shot = laid_out
    image = Image.open(shot).convert("L")
    assert image.width == width
    left, right = got["column"]["left"], got["column"]["right"]
    ink = image.point(lambda v: 255 if v < 160 else 0)
    inside = ink.crop((int(left), 0, int(right) + 1, image.height)).getbbox()
    assert inside is not None, "the column shows text"
    for box in (
        (0, 0, max(int(left) - 2, 1), image.height),
        (int(right) + 3, 0, width, image.height),
    ):
        assert ink.crop(box).getbbox() is None, f"ink beside the column in {box}"
