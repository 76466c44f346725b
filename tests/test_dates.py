"""Dates in each language's official style, never breaking across lines."""

from __future__ import annotations

import datetime

import pytest

from statementpress.dates import format_date, has_national_style

NB = "\u00a0"


@pytest.mark.parametrize(
    "lang, date, expected",
    [
        ("ru", datetime.date(2020, 7, 16), f"16{NB}июля{NB}2020{NB}г."),
        ("ru", datetime.date(2019, 11, 5), f"5{NB}ноября{NB}2019{NB}г."),  # no leading zero
        ("en", datetime.date(2031, 3, 9), f"9{NB}March{NB}2031"),
        ("en-GB", datetime.date(2031, 3, 9), f"9{NB}March{NB}2031"),
        ("zh", datetime.date(2030, 5, 20), "2030年5月20日"),
        ("zh-Hans", datetime.date(2030, 5, 20), "2030年5月20日"),
        ("kk", datetime.date(2020, 7, 16), "2020-07-16"),
        ("uz", datetime.date(2020, 7, 16), "2020-07-16"),
    ],
)
def test_official_date_styles(lang, date, expected):
    assert format_date(date, lang) == expected


@pytest.mark.parametrize("lang", ["kk", "ky", "tg", "tk", "uz"])
def test_iso_languages_are_flagged(lang):
    assert not has_national_style(lang)
