"""Sealed editions: PAdES signatures on the PDF editions of a build, and their checks.

`statementpress sign` adds a PAdES signature (baseline B-B, or B-T with a time-stamping
authority) to every PDF edition, written as `<name>.signed.pdf` beside it. The signature is an
incremental update: the signed file begins with the exact bytes of the reproducible unsigned
edition. `verify_signed()` checks a signed file (for `statementpress verify`), `signed_info()`
describes it (for the build's manifest).

pyHanko, pdfminer.six and the certificate libraries come with the optional extra `sign`
(`pip install 'statementpress[sign]'`); the modules that need them are imported only here,
inside the functions, so that building editions never loads them and a missing extra is a
clear one-line error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from statementpress.errors import StatementpressError

# pyHanko logs every failed check with a traceback; our own lines say what failed, so its
# records go nowhere unless an application configures logging for them.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

# What a user runs to get the signing libraries.
INSTALL_HINT = "pip install 'statementpress[sign]'"


class SigningError(StatementpressError):
    """The key, a passphrase, an edition or the time-stamping authority stops signing."""


# The distributions of the extra, by the top-level module they install.
_EXTRA_MODULES = {
    "pyhanko": "pyHanko",
    "pyhanko_certvalidator": "pyhanko-certvalidator",
    "pdfminer": "pdfminer.six",
    "asn1crypto": "asn1crypto",
    "cryptography": "cryptography",
}


def _missing(exc: ModuleNotFoundError) -> str:
    """What to tell a user whose install lacks the extra; any other import error is a bug
    and is raised as it is."""
    top = (exc.name or "").split(".")[0]
    if top not in _EXTRA_MODULES:
        raise exc
    return f"{_EXTRA_MODULES[top]} is not installed ({INSTALL_HINT})"


def sign_build(
    build_dir: Path,
    key: Path,
    passphrase: bytes | None = None,
    *,
    tsa: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    visible: bool = True,
    on_signed: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Sign every PDF edition under `build_dir`; returns the `*.signed.pdf` files written.

    `passphrase` opens the PKCS#12 `key` (see `read_passphrase`); `tsa` is the URL of an
    RFC 3161 time-stamping authority (B-T level); `visible=False` leaves out the mark.
    """
    try:
        from statementpress.signing import sign
    except ModuleNotFoundError as exc:
        raise SigningError(f"cannot sign: {_missing(exc)}") from None
    return sign.sign_build(
        Path(build_dir),
        Path(key),
        passphrase,
        tsa=tsa,
        reason=reason,
        location=location,
        visible=visible,
        on_signed=on_signed,
    )


def read_passphrase(passphrase_file: Path | None) -> bytes | None:
    """The key's passphrase: the first line of `passphrase_file` when given, else the
    environment variable STATEMENTPRESS_KEY_PASSPHRASE, else None (a key without one).

    Never from a command-line value, which shell history and process lists would keep.
    """
    from statementpress.signing.keys import read_passphrase as read

    return read(passphrase_file)


def signing_time() -> datetime:
    """The time a signature claims: SOURCE_DATE_EPOCH when set (reproducible test runs),
    else the current time, in UTC."""
    from statementpress.signing.keys import signing_time as now

    return now()


def verify_signed(signed: Path, unsigned: Path | None, trust: Sequence[Path]) -> list[str]:
    """Problems with the signed PDF `signed`, one line each naming the file; empty if none.

    Checks that the signed bytes are unchanged and the signature value is the certificate's
    (pyHanko's validation), that nothing but the signature was added after the unsigned
    edition `unsigned` (whose exact bytes the file must begin with; skipped when None), and
    that the signer's certificate chains up to one of the `trust` roots (PEM files) and is
    valid now. With no trust roots the chain is not judged.
    """
    try:
        from statementpress.signing import check
    except ModuleNotFoundError as exc:
        return [f"{signed}: cannot check the signature: {_missing(exc)}"]
    return check.verify_signed(Path(signed), None if unsigned is None else Path(unsigned), trust)


def signed_info(path: Path) -> dict[str, Any]:
    """What the manifest lists for a signed edition: `signer` (the certificate's owner),
    `signing_time` (ISO 8601, UTC) and `sha256` of the file."""
    try:
        from statementpress.signing import check
    except ModuleNotFoundError as exc:
        raise SigningError(f"cannot read the signature of {path}: {_missing(exc)}") from None
    return check.signed_info(Path(path))
