"""Dates in each language's official written style (used by every writer).

The style is CLDR's long date form of the language (through Babel), with an override only
where an official style differs from it (`OVERRIDES`). Languages CLDR lacks get ISO 8601.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

NBSP = "\u00a0"
# Where an official style differs from CLDR's long form: a CLDR date pattern by locale.
OVERRIDES = {
    # CLDR's `en` is the US form ("March 9, 2031"). Statements in English without a region
    # follow international and British practice, day before month ("9 March 2031"), which
    # is CLDR's en-GB form; `en-US` keeps the US form.
    "en": "d MMMM y",
}
# CLDR separates some parts with other spaces (U+202F before "г." in ru and kk). Every space
# becomes the ordinary no-break space: every face has it, and the date stays on one line.
_SPACES = re.compile(r"[^\S\n]")


@lru_cache(maxsize=64)
def _locale(lang: str) -> Any:
    """Babel's locale for a BCP 47 tag, dropping subtags from the end until CLDR has one."""
    from babel import Locale, UnknownLocaleError

    parts = lang.split("-")
    while parts:
        try:
            return Locale.parse("_".join(parts))
        except (UnknownLocaleError, ValueError):
            parts.pop()
    return None


def has_national_style(lang: str) -> bool:
    """Whether CLDR has a date style for this language (else dates are ISO 8601)."""
    return _locale(lang) is not None


def format_date(date: datetime.date, lang: str) -> str:
    """The date as the language's official documents print it, its spaces no-break spaces.

    ru "16 июля 2020 г.", en "9 March 2031", zh "2030年5月20日", kk "2020 ж. 16 шілде";
    a language CLDR lacks gets ISO 8601, "2020-07-16".
    """
    from babel.dates import format_date as cldr_format

    from statementpress.typography import typeset

    locale = _locale(lang)
    if locale is None:
        return typeset(date.isoformat(), lang)
    text = cldr_format(date, OVERRIDES.get(str(locale), "long"), locale=locale)
    # Plain spaces first, so the language's typography rules see the text as they expect.
    return _SPACES.sub(NBSP, typeset(_SPACES.sub(" ", text), lang))
