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


def format_date(date: datetime.date, lang: str) -> str:
    """The date as the language's official documents print it; ISO 8601 where no style is known."""
    primary = lang.split("-")[0].lower()
    if primary == "ru":
        return f"{date.day} {_RU_MONTHS[date.month - 1]} {date.year} г."
    if primary == "en":
        return f"{date.day} {_EN_MONTHS[date.month - 1]} {date.year}"
    if primary == "zh":
        return f"{date.year}年{date.month}月{date.day}日"
    return date.isoformat()
