"""Any-language sources: English and Chinese fixtures, translations of one statement, missing faces."""

from __future__ import annotations

import pytest
from lxml import html

from conftest import MINIMAL, ROOT
from statementpress.builder import build
from statementpress.errors import BuildError

FIXTURES = ROOT / "tests" / "fixtures"
EN = FIXTURES / "harbour-accord-2031.en.md"
ZH = FIXTURES / "harbour-accord-2031.zh.md"


def test_translations_share_one_folder(tmp_path):
    written = build([EN, ZH], ["html"], out=tmp_path)
    assert [p.name for p in written] == ["harbour-accord-2031.en.html",
                                         "harbour-accord-2031.zh.html"]
    assert {p.parent for p in written} == {tmp_path / "harbour-accord-2031"}
    en = html.parse(str(written[0])).getroot()
    assert en.get("lang") == "en"
    assert en.xpath("string(//p[@class='dateline']/time)") == "9\u00a0March\u00a02031"
    zh = html.parse(str(written[1])).getroot()
    assert zh.xpath("string(//p[@class='dateline']/time)") == "2031年3月9日"


def test_two_authoritative_languages_rejected(tmp_path):
    zh = tmp_path / "zh.md"
    zh.write_text(ZH.read_text(encoding="utf-8").replace("lang: zh", "lang: zh\nauthoritative: true"),
                  encoding="utf-8")
    with pytest.raises(BuildError, match="more than one language"):
        build([EN, zh], ["html"], out=tmp_path / "out")


def test_language_without_a_face_fails_naming_the_key(write_source, tmp_path):
    japanese = MINIMAL.replace("lang: ru", "lang: ja").replace("Первая статья.", "第一条。")
    with pytest.raises(BuildError) as info:
        build([write_source(japanese)], ["html"], out=tmp_path / "out")
    message = info.value.format_message()
    assert "'ja'" in message and "[fonts.ja]" in message and "U+7B2C" in message
    assert not (tmp_path / "out").exists()
