"""Reproducible builds: the one timestamp every edition uses.

It is `SOURCE_DATE_EPOCH` when set, else the statement's date.
"""

from __future__ import annotations

import datetime
import os

from statementpress.errors import BuildError
from statementpress.model import Statement


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
