"""DOCX typesetting measured from the output: the hyphenation policy (soft hyphens, settings,
headings and signatories never hyphenated), the signature table's width, the title block's
spacing, and LibreOffice's rendering with the Russian hyphenation dictionary."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import libreoffice
from conftest import SOURCE
from statementpress import builder, hyphenation, layout
from statementpress.writers.docx import styles as docx_styles

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
HYPHEN_RU = Path("/usr/share/hyphen/hyph_ru_RU.dic")


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@pytest.fixture(scope="module")
def docx_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx-hyphens")
    return builder.build([SOURCE], formats=["docx"], out=out)[0]


@pytest.fixture(scope="module")
def parts(docx_file) -> dict[str, etree._Element]:
    with zipfile.ZipFile(docx_file) as zf:
        return {
            name: etree.fromstring(zf.read(name))
            for name in ("word/settings.xml", "word/styles.xml", "word/document.xml")
            + ("word/footnotes.xml",)
        }


@pytest.fixture(scope="module")
def official():
    return layout.load("official")


@pytest.fixture(scope="module")
def policy(official):
    return hyphenation.policy(official, "ru")


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


# -- settings and styles ----------------------------------------------------------------------


def test_settings_carry_the_policy_and_leave_breaking_to_the_soft_hyphens(parts, policy):
    settings = parts["word/settings.xml"]
    assert settings.find("w:autoHyphenation", NS).get(w("val")) == "false"
    limit = settings.find("w:consecutiveHyphenLimit", NS)
    assert limit is not None and int(limit.get(w("val"))) == policy.max_consecutive == 2
    zone = settings.find("w:hyphenationZone", NS)
    assert zone is not None and int(zone.get(w("val"))) == twips(policy.zone_mm)
    # Schema order (ECMA-376 §17.15.1.78): autoHyphenation, consecutiveHyphenLimit, zone.
    names = [etree.QName(c).localname for c in settings]
    i = names.index("autoHyphenation")
    assert names[i : i + 3] == ["autoHyphenation", "consecutiveHyphenLimit", "hyphenationZone"]


NEVER_HYPHENATED = (
    docx_styles.KIND,
    docx_styles.TITLE,
    docx_styles.SUBTITLE,
    docx_styles.DATELINE,
    docx_styles.SIG_TITLE,
    docx_styles.SIG_LINE,
    docx_styles.SIG_NAME,
)
TEXT = (docx_styles.PREAMBLE, docx_styles.ARTICLE, docx_styles.ARTICLE_CONT, docx_styles.CLOSING)


def test_headings_and_signatories_suppress_hyphenation_and_the_text_does_not(parts):
    styles = parts["word/styles.xml"]

    def suppressed(name):
        style = styles.find(f"w:style[@w:styleId='{name.id}']", NS)
        assert style is not None, name
        return style.find("w:pPr/w:suppressAutoHyphens", NS) is not None

    assert [n.name for n in NEVER_HYPHENATED if not suppressed(n)] == []
    assert [n.name for n in TEXT if suppressed(n)] == []


def test_subtitle_has_the_pdfs_space_above(parts, official):
    styles = parts["word/styles.xml"]
    spacing = styles.find(f"w:style[@w:styleId='{docx_styles.SUBTITLE.id}']/w:pPr/w:spacing", NS)
    assert int(spacing.get(w("before"))) == round(official.number("title.space_after_pt") * 20)
    assert int(spacing.get(w("before"))) == 240  # 12 pt, as print.css.j2 gives the subtitle


def test_signature_table_spans_the_text_width_with_equal_lines(parts, official):
    n = official.number
    text_width = twips(n("page.width_mm") - n("page.margin_left_mm") - n("page.margin_right_mm"))
    gap = twips(n("signatures.column_gap_mm"))
    table = parts["word/document.xml"].find(".//w:tbl", NS)
    assert int(table.find("w:tblPr/w:tblW", NS).get(w("w"))) == text_width
    assert int(table.find("w:tblPr/w:tblInd", NS).get(w("w"))) == 0
    grid = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(grid) == text_width
    rows = table.findall("w:tr", NS)
    assert rows, "nothing to check: the table has no rows"
    for row in rows:
        cells = row.findall("w:tc", NS)
        right = [
            int(m.get(w("w"))) if (m := c.find("w:tcPr/w:tcMar/w:right", NS)) is not None else gap
            for c in cells
        ]
        assert right[-1] == 0 and all(r == gap for r in right[:-1])
        # What each signature line gets: its column less its right margin (left is 0).
        lines = [g - r for g, r in zip(grid, right, strict=True)]
        assert max(lines) - min(lines) <= 1, lines


# -- the soft hyphens -------------------------------------------------------------------------


def runs_text(p) -> list[tuple[str, str]]:
    """The paragraph's text as (kind, text) pieces: "t" text, "soft" and "nobreak" marks."""
    out = []
    for child in p.iter(w("t"), w("softHyphen"), w("noBreakHyphen")):
        name = etree.QName(child).localname
        out.append(("t", child.text or "") if name == "t" else (name, "-"))
    return out


def test_soft_hyphens_split_words_after_the_policys_fragment_lengths(parts, policy):
    found = 0
    for name in ("word/document.xml", "word/footnotes.xml"):
        for p in parts[name].iter(w("p")):
            style = p.find("w:pPr/w:pStyle", NS)
            pieces = runs_text(p)
            text = "".join(t if k == "t" else "\u00ad" for k, t in pieces if k != "noBreakHyphen")
            if "\u00ad" not in text:
                continue
            assert style.get(w("val")) not in {n.id for n in NEVER_HYPHENATED}
            for m in re.finditer("\u00ad", text):
                before = re.search(r"(\w+)$", text[: m.start()].replace("\u00ad", "")).group(1)
                after = re.match(r"(\w+)", text[m.end() :].replace("\u00ad", "")).group(1)
                assert len(before) >= policy.min_before and len(after) >= policy.min_after
                assert len(before + after) >= policy.min_word
                found += 1
    assert found >= 10, "the canonical statement gets hyphens at this width"


def test_soft_hyphens_leave_the_text_unchanged(docx_file, statement):
    import docx

    from statementpress.model import plain_text

    document = docx.Document(str(docx_file))
    texts = [p.text for p in document.paragraphs]
    assert all("\u00ad" not in t for t in texts)
    for para in statement.preamble:
        assert plain_text(para) in texts


# -- LibreOffice with the Russian hyphenation dictionary --------------------------------------


def lines_of(pdf: Path) -> list[dict]:
    """Every line LibreOffice set, in reading order: its text, page, left and right edge (pt).

    A line is the words of a page that overlap one another vertically (pdftotext's own
    lines cut a loosely justified line into pieces): a raised note call belongs to its
    line, and the signatories' cells of a row make one line.
    """
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    root = etree.fromstring(html, etree.HTMLParser(encoding="utf-8"))
    out = []
    for number, page in enumerate(root.iter("page"), start=1):
        rows: list[tuple[float, float, list]] = []  # top, bottom, words
        # The tallest words first, so that a line exists before its raised note calls.
        for word in sorted(
            page.iter("word"), key=lambda x: float(x.get("ymin")) - float(x.get("ymax"))
        ):
            top, bottom = float(word.get("ymin")), float(word.get("ymax"))
            row = next((r for r in rows if r[0] <= (top + bottom) / 2 <= r[1]), None)
            if row is None:
                rows.append((top, bottom, [word]))
            else:
                row[2].append(word)
        for _, _, words in sorted(rows, key=lambda r: r[0]):
            words.sort(key=lambda x: float(x.get("xmin")))
            out.append(
                {
                    "text": " ".join(x.text or "" for x in words),
                    "page": number,
                    "x0": float(words[0].get("xmin")),
                    "x1": float(words[-1].get("xmax")),
                }
            )
    return out


def hyphenated(line: dict) -> bool:
    return bool(re.search(r"\w-$", line["text"]))


def needs_hyphen_ru():
    if not HYPHEN_RU.is_file():
        pytest.fail(f"{HYPHEN_RU} is missing: run `make test` (scripts/system-deps.sh test)")


@pytest.fixture(scope="module")
def lo_lines(docx_file, tmp_path_factory) -> list[dict]:
    needs_hyphen_ru()
    return lines_of(libreoffice.to_pdf(docx_file, tmp_path_factory.mktemp("lo-hyphens")))


@pytest.mark.slow
def test_libreoffice_hyphenates_as_the_policy_says(lo_lines, policy, statement):
    # The text and the notes, not the page numbers, nor the signatories' rows.
    signatories = {x for s in statement.signatories for x in f"{s.title} {s.name}".split()}
    text_lines = [
        x for x in lo_lines if not set(x["text"].split()) <= signatories and not x["text"].isdigit()
    ]
    hyphens = [i for i, x in enumerate(text_lines) if hyphenated(x)]
    assert hyphens, "hyphenation is on: some line ends in a hyphen"
    # First fit with the policy's zone: about one line in six (58 of 154 before the policy).
    assert len(hyphens) * 5 <= len(text_lines), (len(hyphens), len(text_lines))
    run = longest = 0
    for x in text_lines:
        run = run + 1 if hyphenated(x) else 0
        longest = max(longest, run)
    assert longest <= policy.max_consecutive
    for i in hyphens:
        before = re.search(r"(\w+)-$", text_lines[i]["text"]).group(1)
        # The word goes on in the next line of text; at a page's foot, past the notes (which
        # start with their number) and the next page's number.
        rest = next(x["text"] for x in text_lines[i + 1 :] if not x["text"][0].isdigit())
        after = re.match(r"\W*(\w+)", rest).group(1)
        assert len(before) >= policy.min_before and len(after) >= policy.min_after, (
            text_lines[i]["text"],
            rest,
        )


@pytest.mark.slow
def test_signatory_titles_unhyphenated_even_with_automatic_hyphenation(
    docx_file, tmp_path, statement
):
    """An editor who turns Word's automatic hyphenation on: LibreOffice then hyphenates the
    text with hyphen-ru, but never a signatory's title (w:suppressAutoHyphens)."""
    needs_hyphen_ru()
    auto = tmp_path / "auto.docx"
    with zipfile.ZipFile(docx_file) as zin, zipfile.ZipFile(auto, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/settings.xml":
                data = data.replace(
                    b'autoHyphenation w:val="false"', b'autoHyphenation w:val="true"'
                )
            zout.writestr(item, data)
    lines = lines_of(libreoffice.to_pdf(auto, tmp_path))
    # The rows of the signatories' titles: their words only, with the hyphen they would get.
    words = {x for s in statement.signatories for x in s.title.split()}
    rows = [x for x in lines if set(re.sub(r"(\w)- ", r"\1 ", x["text"] + " ").split()) <= words]
    assert len(rows) >= 3, "the titles' lines are found"
    assert [x["text"] for x in rows if re.search(r"\w-( |$)", x["text"])] == []
    body = [x for x in lines if x not in rows]
    assert any(hyphenated(x) for x in body), "hyphen-ru is in use: the text is hyphenated"


@pytest.mark.slow
def test_libreoffice_draws_the_last_signature_line_to_the_text_edge(tmp_path, official):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTLine

    # The canonical statement signed on lines (its source says name-only: no lines).
    text = SOURCE.read_text(encoding="utf-8")
    assert "signature: name-only\n" in text
    lined = tmp_path / SOURCE.name
    lined.write_text(text.replace("signature: name-only\n", ""), encoding="utf-8")
    (docx_file,) = builder.build([lined], formats=["docx"], out=tmp_path / "out")
    pdf = libreoffice.to_pdf(docx_file, tmp_path)
    page = list(extract_pages(str(pdf)))[-1]
    rules = [o for o in page if isinstance(o, LTLine) and o.height < 1]
    assert rules, "the signature lines are drawn"
    mm = 25.4 / 72
    n = official.number
    right_edge = n("page.width_mm") - n("page.margin_right_mm")
    assert abs(max(r.x1 for r in rules) * mm - right_edge) < 0.3
    assert abs(min(r.x0 for r in rules) * mm - n("page.margin_left_mm")) < 0.3
    lengths = {round(r.width * mm, 1) for r in rules}
    assert max(lengths) - min(lengths) <= 0.2, lengths


def test_hyphen_ru_is_in_the_test_setup():
    script = (Path(__file__).resolve().parents[2] / "scripts" / "system-deps.sh").read_text()
    assert "hyphen-ru" in script
    assert shutil.which("soffice"), "LibreOffice renders the DOCX in these tests"
