"""Checks of a signed edition: intact, an update of its unsigned edition, signed by a trusted key.

Every problem is one line that begins with the signed file's path, so that `statementpress
verify` can print it as it is. Nothing here touches the network: the certificate chain is
built from the certificates in the signature and the trust roots given, and revocation is
not checked (see docs/signing.md for an online check with pyHanko's own tool).
"""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from statementpress.signing import SigningError
from statementpress.signing.keys import serial_hex

# Catalog entries a signature's revision may add or change: the form that holds the field,
# the XMP packet (its modification date), the extensions PAdES declares, the PDF version.
_CATALOG_KEYS = frozenset({"/AcroForm", "/Metadata", "/Extensions", "/Version"})


def _trust_roots(trust: Sequence[Path]) -> tuple[list[Any], list[str]]:
    """The certificates of the PEM (or DER) files, and a problem line for each bad file."""
    from pyhanko.keys import load_cert_from_pemder

    roots, problems = [], []
    for path in trust:
        try:
            roots.append(load_cert_from_pemder(str(path)))
        except OSError as exc:
            problems.append(f"{path}: cannot read the trust root: {exc.strerror or exc}")
        except Exception:  # asn1crypto and PEM decoding: anything that is not a certificate
            problems.append(f"{path}: not a PEM or DER certificate")
    return roots, problems


def _owner(cert: Any) -> str:
    """The common name of an asn1crypto certificate's subject, else its whole subject."""
    names = cert.subject.native
    return str(names.get("common_name") or cert.subject.human_friendly)


def _dump(obj: Any) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out, None)
    return out.getvalue()


def _changed(before: Any, after: Any) -> set[str]:
    """The keys of two versions of a dictionary whose values differ (added and removed too)."""
    return {
        k
        for k in set(before) | set(after)
        if k not in before or k not in after or _dump(before.raw_get(k)) != _dump(after.raw_get(k))
    }


def _revision_problems(reader: PdfFileReader, base: int, name: str) -> list[str]:
    """What revision `base + 1` (the signature's) changes beyond adding the signature: every
    object of the unsigned edition it rewrites must be the catalog (form, metadata and
    extensions only), the document information, the XMP packet or a page (its /Annots only),
    and every annotation it adds must be a signature field's widget."""
    old = reader.get_historical_resolver(base)
    new = reader.get_historical_resolver(base + 1)
    old_size = int(old.trailer_view["/Size"])
    allowed = {old.root_ref.idnum}
    if "/Info" in old.trailer_view:
        allowed.add(old.trailer_view.raw_get("/Info").idnum)
    if "/Metadata" in old.root:
        allowed.add(old.root.raw_get("/Metadata").idnum)
    problems = []
    if new.refs_freed_in_revision():
        problems.append(f"{name}: the signature's revision deletes objects of the edition")
    for ref in sorted(new.explicit_refs_in_revision(), key=lambda r: r.idnum):
        if ref.idnum >= old_size:
            continue
        before, after = old.get_object(ref), new.get_object(ref)
        if ref.idnum == old.root_ref.idnum:
            changed = _changed(before, after) - _CATALOG_KEYS
            if changed:
                problems.append(
                    f"{name}: the signature's revision changes the document catalog "
                    f"({', '.join(sorted(changed))})"
                )
        elif ref.idnum in allowed:
            continue
        elif isinstance(after, generic.DictionaryObject) and after.get("/Type") == "/Page":
            if _changed(before, after) - {"/Annots"}:
                problems.append(f"{name}: the signature's revision changes a page's content")
            old_annots = {_dump(a) for a in before.get("/Annots", ())}
            for annot in after.get("/Annots", ()):
                if _dump(annot) in old_annots:
                    continue
                widget = annot.get_object() if hasattr(annot, "get_object") else annot
                if widget.get("/Subtype") != "/Widget" or widget.get("/FT") != "/Sig":
                    problems.append(
                        f"{name}: the signature's revision adds an annotation "
                        f"({widget.get('/Subtype')}) that is not the signature field"
                    )
        else:
            problems.append(
                f"{name}: the signature's revision changes object {ref.idnum} of the edition"
            )
    return problems


def verify_signed(signed: Path, unsigned: Path | None, trust: Sequence[Path]) -> list[str]:
    """See `statementpress.signing.verify_signed`."""
    name = str(signed)
    try:
        data = signed.read_bytes()
    except OSError as exc:
        return [f"{name}: cannot read: {exc.strerror or exc}"]
    problems: list[str] = []
    base_revisions: int | None = None
    if unsigned is not None:
        try:
            original = unsigned.read_bytes()
        except OSError as exc:
            return [f"{name}: cannot read its unsigned edition {unsigned}: {exc.strerror or exc}"]
        if not data.startswith(original) or len(data) == len(original):
            problems.append(
                f"{name}: does not begin with the exact bytes of its unsigned edition {unsigned}"
            )
        else:
            try:
                base_revisions = PdfFileReader(io.BytesIO(original)).xrefs.total_revisions
            except Exception as exc:  # the unsigned edition is not a readable PDF
                problems.append(f"{name}: its unsigned edition {unsigned} is unreadable ({exc})")
    try:
        reader = PdfFileReader(io.BytesIO(data))
        signatures = reader.embedded_signatures
    except Exception as exc:  # pyHanko's parser on damaged bytes: any error
        return [*problems, f"{name}: not a readable PDF ({_line(exc)}): the file was damaged"]
    if not signatures:
        return [*problems, f"{name}: has no signature"]
    roots, bad_roots = _trust_roots(trust)
    problems.extend(bad_roots)
    for sig in signatures:
        problems.extend(_signature_problems(sig, name, roots, bool(trust)))
    if base_revisions is not None:
        first = min(sig.signed_revision for sig in signatures)
        if first != base_revisions:
            problems.append(
                f"{name}: {first - base_revisions} revision(s) between the unsigned edition "
                "and the signature"
            )
        else:
            try:
                problems.extend(_revision_problems(reader, base_revisions - 1, name))
            except Exception as exc:  # a revision pyHanko cannot compare
                problems.append(f"{name}: cannot compare the signature's revision ({_line(exc)})")
    return problems


def _line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _signature_problems(sig: Any, name: str, roots: list[Any], judge_trust: bool) -> list[str]:
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context)
    except Exception as exc:  # a damaged signature container: any error
        return [f"{name}: the signature cannot be validated ({_line(exc)})"]
    problems = []
    owner = _owner(status.signing_cert)
    if not status.intact:
        problems.append(f"{name}: the signed bytes were changed after signing (digest mismatch)")
    elif not status.valid:
        problems.append(f"{name}: the signature value does not match the certificate of {owner}")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(
            f"{name}: bytes were added after the signature (it does not cover the whole file)"
        )
    if judge_trust and status.intact and status.valid and not status.trusted:
        problems.append(f"{name}: {_trust_problem(status, owner)}")
    when = status.signer_reported_dt
    cert = status.signing_cert
    start, end = cert.not_valid_before, cert.not_valid_after
    if when is not None and not start <= when <= end:
        problems.append(
            f"{name}: signed at {when:%Y-%m-%d %H:%M} UTC, outside the validity of the "
            f"certificate of {owner} ({start:%Y-%m-%d} to {end:%Y-%m-%d})"
        )
    ts = status.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid and (ts.trusted or not judge_trust)):
        problems.append(f"{name}: the signature's time stamp is not valid or not trusted")
    return problems


def _trust_problem(status: Any, owner: str) -> str:
    cert = status.signing_cert
    indic = status.trust_problem_indic
    what = getattr(indic, "name", "") or "no chain to a trust root"
    serial = serial_hex(cert.serial_number)
    if what == "EXPIRED" or cert.not_valid_after < datetime.datetime.now(tz=datetime.UTC):
        return (
            f"the certificate of {owner} (serial {serial}) expired on "
            f"{cert.not_valid_after:%Y-%m-%d}"
        )
    if what == "NOT_YET_VALID":
        return (
            f"the certificate of {owner} (serial {serial}) is valid only from "
            f"{cert.not_valid_before:%Y-%m-%d}"
        )
    if what in ("NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE"):
        return (
            f"the certificate of {owner} (serial {serial}, issued by "
            f"{cert.issuer.human_friendly}) does not chain to a given trust root"
        )
    return f"the certificate of {owner} (serial {serial}) is not trusted ({what.lower()})"


def signed_info(path: Path) -> dict[str, Any]:
    """See `statementpress.signing.signed_info`."""
    try:
        data = path.read_bytes()
        reader = PdfFileReader(io.BytesIO(data))
        signatures = reader.embedded_signatures
    except OSError as exc:
        raise SigningError(f"cannot read {path}: {exc.strerror or exc}") from None
    except Exception as exc:  # pyHanko's parser
        raise SigningError(f"{path}: not a readable PDF ({_line(exc)})") from None
    if not signatures:
        raise SigningError(f"{path}: has no signature")
    sig = signatures[-1]
    when = sig.self_reported_timestamp
    if when is None:
        when_text = None
    else:
        when_text = when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "signer": _owner(sig.signer_cert),
        "signing_time": when_text,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
