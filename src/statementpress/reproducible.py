"""Reproducible builds: the one timestamp every edition uses.

It is `SOURCE_DATE_EPOCH` when set, else the statement's date.
"""

from __future__ import annotations

import datetime
import os

from statementpress.errors import BuildError, Diagnostic
from statementpress.model import Statement

ENV = "SOURCE_DATE_EPOCH"
# The last second a ZIP timestamp (DOCX, EPUB) can hold: 2107-12-31T23:59:59 UTC.
ZIP_LATEST = 4354819199
# The last second a four-digit year holds (PDF and W3C dates): 9999-12-31T23:59:59 UTC.
LATEST = 253402300799


def problems(zip_format: bool) -> list[Diagnostic]:
    """What is wrong with `SOURCE_DATE_EPOCH` for a format (`zip_format`: DOCX, EPUB), as
    problems located at the environment; none when it is unset or fine."""
    raw = os.environ.get(ENV)
    if not raw:
        return []
    try:
        seconds = int(raw)
    except ValueError:
        return [_env_problem(f"{ENV}={raw!r} is not a whole number of seconds since 1970")]
    if seconds < 0:
        return [_env_problem(f"{ENV}={raw} is before 1970; give a time from 0 on")]
    latest, why = (
        (ZIP_LATEST, "which ZIP (DOCX, EPUB) cannot store")
        if zip_format
        else (
            LATEST,
            "which a four-digit year cannot hold",
        )
    )
    if seconds > latest:
        end = datetime.datetime.fromtimestamp(latest, tz=datetime.UTC).date()
        return [_env_problem(f"{ENV}={raw} is after {end}, {why}; give at most {latest}")]
    return []


def _env_problem(message: str) -> Diagnostic:
    return Diagnostic("environment", 0, 0, message)


def build_time(statement: Statement) -> datetime.datetime:
    """The UTC time stamped into editions.

    `SOURCE_DATE_EPOCH` (seconds since 1970, as reproducible-builds.org defines it) when set;
    otherwise midnight UTC of the statement's date, so two builds are byte-identical.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw:
        try:
            return datetime.datetime.fromtimestamp(int(raw), tz=datetime.UTC)
        except (ValueError, OverflowError, OSError):
            raise BuildError(
                f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970"
            ) from None
    d = statement.meta.date
    return datetime.datetime(d.year, d.month, d.day, tzinfo=datetime.UTC)
