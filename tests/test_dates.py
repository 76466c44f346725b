"""Dates in each language's official style (CLDR's long form), never breaking at a space."""

from __future__ import annotations

import datetime
import logging

import pytest

from conftest import MINIMAL
from statementpress.dates import OVERRIDES, format_date, has_national_style

NB = "\u00a0"


@pytest.mark.parametrize(
    "lang, date, expected",
    [
        # ru, en and zh print exactly as before dates came from CLDR.
        ("ru", datetime.date(2020, 7, 16), f"16{NB}июля{NB}2020{NB}г."),
        ("ru", datetime.date(2019, 11, 5), f"5{NB}ноября{NB}2019{NB}г."),  # no leading zero
        ("RU", datetime.date(2020, 7, 16), f"16{NB}июля{NB}2020{NB}г."),
        ("en", datetime.date(2031, 3, 9), f"9{NB}March{NB}2031"),
        ("en-GB", datetime.date(2031, 3, 9), f"9{NB}March{NB}2031"),
        ("zh", datetime.date(2030, 5, 20), "2030年5月20日"),
        ("zh-Hans", datetime.date(2030, 5, 20), "2030年5月20日"),
        # The languages of the canonical statement's signatories, now in their national form.
        ("kk", datetime.date(2020, 7, 16), f"2020{NB}ж.{NB}16{NB}шілде"),
        ("ky", datetime.date(2020, 7, 16), f"2020-ж.,{NB}16-июль"),
        ("tg", datetime.date(2020, 7, 16), f"16{NB}Июл{NB}2020"),
        ("tk", datetime.date(2020, 7, 16), f"16{NB}iýul{NB}2020"),
        ("uz", datetime.date(2020, 7, 16), f"16-iyul,{NB}2020"),
        ("uz-Cyrl", datetime.date(2020, 7, 16), f"16{NB}июл,{NB}2020"),
        # A region CLDR has keeps its own form; one it lacks falls back to the language.
        ("en-US", datetime.date(2031, 3, 9), f"March{NB}9,{NB}2031"),
        ("ru-XX", datetime.date(2020, 7, 16), f"16{NB}июля{NB}2020{NB}г."),
    ],
)
def test_official_date_styles(lang, date, expected):
    assert format_date(date, lang) == expected


def test_cldr_spaces_become_no_break_spaces():
    # CLDR puts U+202F before "г.", a space PT Serif has no glyph for.
    printed = format_date(datetime.date(2020, 7, 16), "kk") + format_date(
        datetime.date(2020, 7, 16), "ru"
    )
    assert "\u202f" not in printed and " " not in printed and NB in printed


def test_overrides_are_valid_patterns_that_change_the_cldr_form():
    from babel.dates import format_date as cldr

    assert OVERRIDES, "no override to check"
    for locale, pattern in OVERRIDES.items():
        day = datetime.date(2031, 3, 9)
        assert cldr(day, pattern, locale=locale) != cldr(day, "long", locale=locale), locale


@pytest.mark.parametrize("lang", ["kk", "ky", "tg", "tk", "uz", "ru", "en", "zh"])
def test_languages_with_a_cldr_style(lang):
    assert has_national_style(lang)


# Private-use languages: valid tags (an unregistered "xx" is refused by the reader).
@pytest.mark.parametrize("lang", ["qaa", "qtz"])
def test_languages_cldr_lacks_get_iso_and_a_warning(lang, write_source, caplog):
    from statementpress.builder import prepare
    from statementpress.reader import load

    assert not has_national_style(lang)
    assert format_date(datetime.date(2020, 7, 16), lang) == "2020-07-16"
    statement = load(write_source(MINIMAL.replace("lang: ru", f"lang: {lang}")))
    with caplog.at_level(logging.WARNING, logger="statementpress"):
        prepare(statement)
    assert any("ISO 8601" in r.getMessage() for r in caplog.records), caplog.records


def test_no_warning_for_a_language_cldr_has(write_source, caplog):
    from statementpress.builder import prepare
    from statementpress.reader import load

    statement = load(write_source(MINIMAL.replace("lang: ru", "lang: kk")))
    with caplog.at_level(logging.WARNING, logger="statementpress"):
        prepare(statement)
    assert not any("ISO 8601" in r.getMessage() for r in caplog.records)
