"""Dates in each language's official written style (used by every writer)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from statementpress.model import primary_language

# Genitive month names, as a date is written in Russian ("16 июля 2020 г.").
_RU_MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# The national written form of a date, by primary language; every other language gets ISO 8601.
_STYLES: dict[str, Callable[[datetime.date], str]] = {
    "ru": lambda d: f"{d.day} {_RU_MONTHS[d.month - 1]} {d.year} г.",
    "en": lambda d: f"{d.day} {_EN_MONTHS[d.month - 1]} {d.year}",
    "zh": lambda d: f"{d.year}年{d.month}月{d.day}日",
}


def has_national_style(lang: str) -> bool:
    """Whether dates of this language are printed in a national word form (else ISO 8601)."""
    return primary_language(lang) in _STYLES


def format_date(date: datetime.date, lang: str) -> str:
    """The date as the language's official documents print it, typeset so it never breaks.

    ru "16 июля 2020 г.", en "9 March 2031", zh "2030年5月20日"; other languages
    (kk, ky, tg, tk, uz among them) get ISO 8601, "2020-07-16".
    """
    from statementpress.typography import typeset

    style = _STYLES.get(primary_language(lang), datetime.date.isoformat)
    return typeset(style(date), lang)
