"""The signer's key: its passphrase, the PKCS#12 file opened in memory, its certificate's facts.

The key file is only read, never copied or written anywhere; the passphrase comes from a file
or the environment (never a command-line value) and appears in no message or log.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statementpress.signing import SigningError

PASSPHRASE_ENV = "STATEMENTPRESS_KEY_PASSPHRASE"


def read_passphrase(passphrase_file: Path | None) -> bytes | None:
    """The first line of `passphrase_file` (without its line end) when given, else the
    environment variable STATEMENTPRESS_KEY_PASSPHRASE, else None."""
    if passphrase_file is not None:
        try:
            raw = Path(passphrase_file).read_bytes()
        except OSError as exc:
            raise SigningError(
                f"cannot read the passphrase file {passphrase_file}: {exc.strerror or exc}"
            ) from None
        return raw.splitlines()[0] if raw else b""
    value = os.environ.get(PASSPHRASE_ENV)
    return None if value is None else os.fsencode(value)


def signing_time() -> datetime.datetime:
    """SOURCE_DATE_EPOCH when set, else now; UTC, whole seconds (as the PDF /M date keeps)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw:
        try:
            return datetime.datetime.fromtimestamp(int(raw), tz=datetime.UTC)
        except (ValueError, OverflowError, OSError):
            raise SigningError(
                f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970"
            ) from None
    return datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Key:
    """An opened signing key: pyHanko's signer and the facts the visible mark shows."""

    signer: Any
    certificate: Any  # cryptography.x509.Certificate
    path: Path

    @property
    def owner(self) -> str:
        """The certificate's owner: its subject's common name (else the whole subject)."""
        return owner_of(self.certificate)

    @property
    def serial(self) -> str:
        """The certificate's serial number in hexadecimal, as certificate tools print it."""
        return serial_hex(self.certificate.serial_number)

    @property
    def not_before(self) -> datetime.datetime:
        """Start of the certificate's validity period (UTC)."""
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime.datetime:
        """End of the certificate's validity period (UTC)."""
        return self.certificate.not_valid_after_utc


def owner_of(certificate: Any) -> str:
    """The subject's common name of a cryptography certificate, else its RFC 4514 subject."""
    from cryptography.x509.oid import NameOID

    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        return str(names[0].value)
    return certificate.subject.rfc4514_string()


def serial_hex(serial: int) -> str:
    """A serial number as upper-case hexadecimal digits, an even number of them."""
    digits = f"{serial:X}"
    return digits if len(digits) % 2 == 0 else "0" + digits


def _is_pkcs12(data: bytes) -> bool:
    from asn1crypto import pkcs12

    try:
        pfx = pkcs12.Pfx.load(data, strict=True)
        return pfx["auth_safe"]["content_type"].native in ("data", "signed_data")
    except Exception:  # asn1crypto raises many kinds of error on foreign bytes
        return False


def load_key(path: Path, passphrase: bytes | None) -> Key:
    """Open the PKCS#12 file `path` (key, certificate and its chain) with `passphrase`.

    A missing or unreadable file, a file that is not PKCS#12, a wrong or missing passphrase
    and a file without a key or certificate each give a one-line SigningError.
    """
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningError(f"cannot read the key file {path}: {exc.strerror or exc}") from None
    if not _is_pkcs12(data):
        raise SigningError(
            f"{path}: not a PKCS#12 key file (.p12 or .pfx with key and certificate)"
        )
    try:
        private_key, certificate, chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError:
        where = (
            f"no passphrase was given (use --passphrase-file or {PASSPHRASE_ENV})"
            if passphrase is None
            else "the passphrase is wrong"
        )
        raise SigningError(f"{path}: cannot open the key: {where}") from None
    except Exception as exc:  # cryptography: unsupported algorithms and encodings
        raise SigningError(f"{path}: cannot open the key: {type(exc).__name__}") from None
    if private_key is None or certificate is None:
        raise SigningError(f"{path}: the PKCS#12 file must hold a private key and its certificate")

    def der(cert: Any) -> Any:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    key_info = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = SimpleSigner(
        signing_cert=der(certificate),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([der(c) for c in chain or ()]),
    )
    return Key(signer=signer, certificate=certificate, path=Path(path))
