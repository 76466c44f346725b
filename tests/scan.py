"""zbarimg (Debian's zbar-tools), the QR decoder the tests read the codes back with."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# zbarimg's exit status when the image holds no code it can read.
NOTHING_FOUND = 4


def zbarimg(image: Path, missing_ok: bool = False) -> list[str]:
    """The payloads zbarimg decodes from an image file, one per code; with `missing_ok`, an
    image without a code gives [] instead of failing."""
    tool = shutil.which("zbarimg")
    assert tool, (
        "zbarimg (Debian's zbar-tools) decodes the codes: run `make test`, which installs it"
    )
    run = subprocess.run([tool, "--quiet", "--raw", str(image)], capture_output=True, text=True)
    if missing_ok and run.returncode == NOTHING_FOUND:
        return []
    assert run.returncode == 0, run.stderr or f"zbarimg found no code in {image}"
    return run.stdout.splitlines()
