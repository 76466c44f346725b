"""Reading parts of a zip package (DOCX, EPUB) safely: a size limit, XML without entities."""

from __future__ import annotations

import zipfile
from typing import Any

# A part larger than this (uncompressed) is refused: the editions' XML parts are a few
# hundred KiB, and a zip bomb must not exhaust memory.
MAX_PART_BYTES = 64 * 1024 * 1024


class PackageError(Exception):
    """A part is missing, too large or not well-formed XML; the message says which."""


def read(archive: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of the part `name`."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise PackageError(f"{name} is missing from the package") from None
    if info.file_size > MAX_PART_BYTES:
        raise PackageError(f"{name} is larger than {MAX_PART_BYTES} bytes")
    return archive.read(info)


def xml(archive: zipfile.ZipFile, name: str) -> Any:
    """The part `name` parsed as XML (no entities resolved, nothing fetched)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(read(archive, name), parser)
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"{name} is not well-formed XML ({exc})") from None
