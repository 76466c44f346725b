"""Signing the PDF editions of a build with pyHanko: PAdES B-B, or B-T with a TSA.

Each `<name>.pdf` gets a `<name>.signed.pdf` beside it: the unsigned bytes unchanged, then one
incremental update holding the signature field (with the visible mark as its appearance), the
signature dictionary and the catalog's form. The update keeps the edition's PDF/A-3
identification, structure tags and attached source, which it does not touch; its document
information and XMP packet get the signing time as their modification date, in place
(pyHanko's own metadata update would rewrite the XMP packet through its model and mark the
producer differently in the two, which PDF/A forbids).

The signing time is the current time, or SOURCE_DATE_EPOCH when set: then, with an RSA key
and no TSA, signing the same edition twice gives the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.stamp import StaticStampStyle

from statementpress import delivery
from statementpress.delivery.records import replace_file
from statementpress.signing import SigningError
from statementpress.signing import mark as marks
from statementpress.signing.check import signed_info
from statementpress.signing.keys import Key, load_key, signing_time
from statementpress.transaction import Transaction

log = logging.getLogger("statementpress")

SIGNED_SUFFIX = ".signed.pdf"
FIELD_NAME = "Signature"


def signed_path(unsigned: Path) -> Path:
    """`<name>.signed.pdf` beside `<name>.pdf`."""
    return unsigned.with_name(unsigned.name[: -len(".pdf")] + SIGNED_SUFFIX)


def editions(build_dir: Path) -> list[Path]:
    """Every unsigned PDF edition under `build_dir`, sorted (signed files and partial writes
    left out)."""
    return sorted(
        p
        for p in build_dir.rglob("*.pdf")
        if p.is_file() and not p.name.endswith(SIGNED_SUFFIX) and not p.name.startswith(".")
    )


class _MarkForm(content.PdfContent):
    """The mark's one-page PDF drawn as a form XObject, under a fixed resource name (pyHanko's
    own page import names it at random, which would make signing irreproducible)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        reader = PdfFileReader(io.BytesIO(self._pdf))
        xobject = self._ensure_writer.import_page_as_xobject(reader, page_ix=0)
        self.resources.xobject["/Mark"] = xobject
        x1, y1, x2, y2 = (float(v) for v in xobject.get_object()["/BBox"])
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return b"/Mark Do"


class _Writer(IncrementalPdfFileWriter):
    """An incremental update whose second file identifier and modification dates derive from
    the signing time, and which edits the XMP packet in place instead of rewriting it."""

    def __init__(self, data: bytes, when: datetime.datetime, salt: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._when = when
        first = self._document_id[0]
        # A new revision keeps the first identifier and changes the second (ISO 32000-1,
        # 14.4); derived from the content, the time and the signer, not drawn at random.
        second = hashlib.sha256(data + when.isoformat().encode() + salt).digest()[:16]
        self._document_id = generic.ArrayObject([first, generic.ByteStringObject(second)])

    def _update_meta(self) -> None:
        # Replaces pyHanko's metadata update (see the module's notes).
        info_ref = self.trailer.raw_get("/Info") if "/Info" in self.trailer else None
        if info_ref is not None:
            info = info_ref.get_object()
            info["/ModDate"] = generic.pdf_date(self._when)
            self.mark_update(info_ref)
        if "/Metadata" in self.root:
            old = self.root["/Metadata"]
            packet = _set_modify_date(old.data, self._when)
            stream = generic.StreamObject(
                {
                    generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
                    generic.pdf_name("/Subtype"): generic.pdf_name("/XML"),
                },
                stream_data=packet,
            )
            self.root["/Metadata"] = self.add_object(stream)
            self.update_root()


_MODIFY_ELEMENT = re.compile(rb"(<xmp:ModifyDate>)[^<]*(</xmp:ModifyDate>)")
_MODIFY_ATTRIBUTE = re.compile(rb'(xmp:ModifyDate=")[^"]*(")')


def _set_modify_date(packet: bytes, when: datetime.datetime) -> bytes:
    """The XMP packet with xmp:ModifyDate set to `when` (added when it has none)."""
    stamp = when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    for pattern in (_MODIFY_ELEMENT, _MODIFY_ATTRIBUTE):
        if pattern.search(packet):
            return pattern.sub(lambda m: m.group(1) + stamp + m.group(2), packet, count=1)
    added = (
        b'<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        b"<xmp:ModifyDate>" + stamp + b"</xmp:ModifyDate></rdf:Description></rdf:RDF>"
    )
    return packet.replace(b"</rdf:RDF>", added, 1)


class _TimedSigner(PdfSigner):
    """pyHanko's PDF signer with the signing time chosen here instead of the clock."""

    def __init__(self, *args: Any, when: datetime.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._when = when

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._when
        return session


def _timestamper(tsa: str | None) -> Any:
    if not tsa:
        return None
    if not re.match(r"https?://", tsa):
        raise SigningError(f"--tsa {tsa!r} is not an http:// or https:// URL")
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(tsa, timeout=30)


def sign_file(
    unsigned: Path,
    key: Key,
    *,
    dest: Path | None = None,
    tsa: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    visible: bool = True,
    when: datetime.datetime | None = None,
    build_dir: Path | None = None,
    timestamper: Any = None,
) -> Path:
    """Sign one PDF edition; writes `dest` (default `<name>.signed.pdf`) and returns it.

    `timestamper` (a pyHanko TimeStamper) replaces the HTTP client that `tsa` makes.
    """
    dest = dest or signed_path(unsigned)
    when = when or signing_time()
    if not key.not_before <= when <= key.not_after:
        raise SigningError(
            f"the signing time {when:%Y-%m-%d %H:%M:%S} UTC is outside the validity of the "
            f"certificate of {key.owner} ({key.not_before:%Y-%m-%d} to {key.not_after:%Y-%m-%d})"
            "; unset SOURCE_DATE_EPOCH to sign at the current time"
        )
    try:
        data = unsigned.read_bytes()
        reader = PdfFileReader(io.BytesIO(data))
        pages = int(reader.root["/Pages"]["/Count"])
        lang = str(reader.root.get("/Lang", "en"))
    except OSError as exc:
        raise SigningError(f"cannot read {unsigned}: {exc.strerror or exc}") from None
    except Exception as exc:  # pyHanko's parser: anything that is not a readable PDF
        raise SigningError(f"{unsigned}: not a PDF pyHanko can read ({exc})") from None
    if reader.embedded_signatures:
        raise SigningError(f"{unsigned}: already signed; sign the unsigned edition")

    spec: fields.SigFieldSpec
    style: Any = None
    if visible:
        chosen = marks.layout_for(unsigned, build_dir)
        facts = marks.MarkFacts(key.serial, key.owner, key.not_before, key.not_after)
        mark_pdf = marks.render(facts, lang, chosen)
        box = PdfFileReader(io.BytesIO(mark_pdf)).root["/Pages"]["/Kids"][0]["/MediaBox"]
        size = (float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))
        rect = marks.place(data, pages - 1, _page_box(reader, pages - 1), size, chosen)
        if rect is None:
            raise SigningError(
                f"{unsigned}: no free space for the signature mark at the bottom of the last "
                "page; sign with --invisible"
            )
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=pages - 1, box=rect)
        style = StaticStampStyle(
            background=_MarkForm(mark_pdf),
            background_opacity=1.0,
            border_width=0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MIN,
                margins=layout.Margins.uniform(0),
            ),
        )
    else:
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=pages - 1)

    meta = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    signer = _TimedSigner(
        meta,
        key.signer,
        timestamper=timestamper or _timestamper(tsa),
        stamp_style=style,
        new_field_spec=spec,
        when=when,
    )
    salt = key.certificate.fingerprint(_sha256())
    writer = _Writer(data, when, salt)
    try:
        signed = signer.sign_pdf(writer).getvalue()
    except SigningError:
        raise
    except Exception as exc:
        raise SigningError(f"{unsigned}: signing failed: {_reason(exc, tsa)}") from None
    # A temporary name and a rename: a failed write never leaves half a signed file.
    replace_file(dest, signed)
    return dest


def _page_box(reader: PdfFileReader, index: int) -> tuple[float, float, float, float]:
    """The page's trimmed size: its /TrimBox (a page with bleed is cut there), else its
    /MediaBox, from the page or the nearest page tree node that has one."""
    page_ref, _resources = reader.find_page_for_modification(index)
    page = page_ref.get_object()
    if "/TrimBox" in page:
        box = page["/TrimBox"]
    else:
        node = page
        while "/MediaBox" not in node and "/Parent" in node:
            node = node["/Parent"]
        box = node["/MediaBox"]
    x1, y1, x2, y2 = (float(v) for v in box)
    return (x1, y1, x2, y2)


def _sha256() -> Any:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def _reason(exc: Exception, tsa: str | None) -> str:
    """A one-line reason for a failure inside pyHanko (a TSA that cannot be reached first)."""
    from pyhanko.sign.timestamps import TimestampRequestError

    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, TimestampRequestError) or (tsa and "imestamp" in text):
        return f"the time-stamping authority {tsa} did not answer with a time stamp ({text})"
    return text


def sign_build(
    build_dir: Path,
    key_path: Path,
    passphrase: bytes | None,
    *,
    tsa: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    visible: bool = True,
    on_signed: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Sign every PDF edition under `build_dir` (see `statementpress.signing.sign_build`)."""
    if not build_dir.is_dir():
        raise SigningError(f"{build_dir}: no such build folder; run 'statementpress build' first")
    found = editions(build_dir)
    if not found:
        raise SigningError(
            f"{build_dir}: no PDF editions to sign; build them with "
            "'statementpress build --format pdf'"
        )
    key = load_key(key_path, passphrase)
    when = signing_time()
    timestamper = _timestamper(tsa)
    # All or nothing, like a build: every signed file is staged, then the build records that
    # name their signers and the folder's index, and all of it is committed together.
    with Transaction(build_dir) as tx:
        signed: dict[str, dict[str, Any]] = {}
        for unsigned in found:
            log.debug("signing %s", unsigned)
            rel = signed_path(unsigned).relative_to(build_dir).as_posix()
            dest = sign_file(
                unsigned,
                key,
                dest=tx.path_for(rel),
                reason=reason,
                location=location,
                visible=visible,
                when=when,
                build_dir=build_dir,
                timestamper=timestamper,
                tsa=tsa,
            )
            signed[rel] = signed_info(dest)
        delivery.stage_signed(tx, signed)
        written = [p for p in tx.commit() if p.name.endswith(SIGNED_SUFFIX)]
    for dest in written:
        if on_signed:
            on_signed(dest)
    return written
