"""A throwaway public key infrastructure for the signing tests, made with `cryptography`.

Certificates and keys are generated at test time and written to a temporary folder: a root
CA, office certificates it issues (valid, expired), one from another CA, and a time-stamping
authority's certificate.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = datetime.UTC
PASSPHRASE = "correct horse 7 батарея"


def _name(common: str, org: str = "Statementpress Test") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    # 2048 bits: what real office certificates use; generated once per test session.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _usage(*, sign: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class Authority:
    """A CA: its key and self-signed certificate."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @classmethod
    def create(cls, common: str) -> Authority:
        key = _key()
        name = _name(common)
        now = datetime.datetime.now(tz=UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2015, 1, 1, tzinfo=UTC))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    def issue(
        self,
        common: str,
        start: datetime.datetime,
        end: datetime.datetime,
        serial: int,
        timestamping: bool = False,
    ) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
        """A key and a certificate for it, valid from `start` to `end`."""
        key = _key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(sign=True), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), False
            )
        )
        if timestamping:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        return key, builder.sign(self.key, hashes.SHA256())

    def write_pem(self, path: Path) -> Path:
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path


def write_p12(
    path: Path,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: str | None = PASSPHRASE,
) -> Path:
    """Key, certificate and chain as a PKCS#12 file, encrypted with `passphrase`."""
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"office", key, cert, chain, encryption))
    return path


@dataclass
class Pki:
    """Everything the tests sign and verify with, as files."""

    folder: Path
    ca: Authority
    ca_pem: Path
    other_ca_pem: Path
    office_p12: Path
    other_p12: Path
    expired_p12: Path
    tsa_key: rsa.RSAPrivateKey
    tsa_cert: x509.Certificate


def make(folder: Path) -> Pki:
    """Create the test PKI in `folder`."""
    ca = Authority.create("Statementpress Test Root CA")
    other = Authority.create("Some Other Root CA")
    now = datetime.datetime.now(tz=UTC)
    start = datetime.datetime(2020, 1, 1, tzinfo=UTC)
    later = now + datetime.timedelta(days=365 * 5)
    key, cert = ca.issue("Пресс-служба МИД", start, later, serial=0x1A2B3C4D5E)
    other_key, other_cert = other.issue("Пресс-служба МИД", start, later, serial=0x77)
    old_key, old_cert = ca.issue(
        "Пресс-служба МИД",
        datetime.datetime(2019, 1, 1, tzinfo=UTC),
        datetime.datetime(2021, 1, 1, tzinfo=UTC),
        serial=0x0BAD,
    )
    tsa_key, tsa_cert = ca.issue("Test TSA", start, later, serial=0x75A, timestamping=True)
    return Pki(
        folder=folder,
        ca=ca,
        ca_pem=ca.write_pem(folder / "ca.pem"),
        other_ca_pem=other.write_pem(folder / "other-ca.pem"),
        office_p12=write_p12(folder / "office.p12", key, cert, [ca.cert]),
        other_p12=write_p12(folder / "other.p12", other_key, other_cert, [other.cert]),
        expired_p12=write_p12(folder / "expired.p12", old_key, old_cert, [ca.cert]),
        tsa_key=tsa_key,
        tsa_cert=tsa_cert,
    )
