"""LibreOffice, headless, for the tests that look at how Word documents are set: a DOCX
converted to PDF with a profile of its own (in the output folder), so that tests running
at once never share one."""

from __future__ import annotations

import subprocess
from pathlib import Path


def to_pdf(docx: Path, folder: Path) -> Path:
    """`docx` converted to PDF by LibreOffice into `folder`; the PDF's path."""
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = folder / f"{docx.stem}.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    return pdf
