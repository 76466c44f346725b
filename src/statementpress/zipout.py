"""Reproducible zip packages (DOCX, EPUB): fixed entry order, timestamps and attributes."""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    """One file of a package; `compress=False` stores it (EPUB's `mimetype` must be stored)."""

    name: str
    data: bytes
    compress: bool = True


# The earliest time a zip header can hold.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_zip(dest: Path, entries: Iterable[Entry], when: datetime.datetime) -> Path:
    """Write entries in the given order, each stamped with `when` (UTC), to `dest`.

    Two calls with the same entries and time give byte-identical files.
    """
    stamp = max(_ZIP_EPOCH, when.astimezone(datetime.UTC).timetuple()[:6])
    with zipfile.ZipFile(dest, "w") as zf:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED if entry.compress else zipfile.ZIP_STORED
            info.create_system = 3  # Unix, whatever the building machine
            info.external_attr = 0o644 << 16
            zf.writestr(info, entry.data, compresslevel=6 if entry.compress else None)
    return dest
