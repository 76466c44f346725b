"""Dates in each language's official written style (used by every writer)."""

from __future__ import annotations

import datetime

# Genitive month names, as a date is written in Russian ("16 июля 2020 г.").
_RU_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)



def _plain(date: datetime.date, primary: str) -> str:
    if primary == "ru":
        return f"{date.day} {_RU_MONTHS[date.month - 1]} {date.year} г."
    if primary == "en":
        return f"{date.day} {_EN_MONTHS[date.month - 1]} {date.year}"
    if primary == "zh":
        return f"{date.year}年{date.month}月{date.day}日"
    return date.isoformat()


def has_national_style(lang: str) -> bool:
    """Whether dates of this language are printed in a national word form (else ISO 8601)."""
    return lang.split("-")[0].lower() in ("ru", "en", "zh")


def format_date(date: datetime.date, lang: str) -> str:
    """The date as the language's official documents print it, typeset so it never breaks.

    ru "16 июля 2020 г.", en "9 March 2031", zh "2030年5月20日"; other languages
    (kk, ky, tg, tk, uz among them) get ISO 8601, "2020-07-16".
    """
    from statementpress.typography import typeset

    primary = lang.split("-")[0].lower()
    return typeset(_plain(date, primary), lang)
