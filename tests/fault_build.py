"""A build to stop from outside, for tests/test_transaction.py: run as a script, it is
`statementpress ARGS…` with test formats registered, one of which stops where the test
wants to send a signal.

Formats (each a text file `<id>.<lang>.<format>` holding the title): `text` is written at
once; `stall` writes its file, then creates the file named by `FAULT_MARK` (holding its
pid) and sleeps; `stallpdf` does the same as `<id>.<lang>.pdf`, a PDF for the builder, so
that with `--jobs 2` it runs in a worker process (the PDF engine's tasks go to the
workers). With `FAULT_POINT=post-write`, the build gets a post-write step that stalls the
same way after every edition is staged. The test waits for the mark, then sends its signal.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

# How long a stalled build waits for its signal before going on (a test that never sends
# one then sees a finished build, not a hang).
STALL_SECONDS = 120


def _stall() -> None:
    Path(os.environ["FAULT_MARK"]).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(STALL_SECONDS)


def write(statement, layout, dest: Path) -> Path:
    """The test formats' writer: the title as text, then a stall for `stall`."""
    dest.write_text(statement.meta.full_title + "\n", encoding="utf-8")
    if dest.suffix in (".stall", ".pdf"):
        _stall()
    return dest


def main(argv: list[str]) -> None:
    """Register the test formats, then run the command line."""
    from statementpress import builder
    from statementpress.writers import WRITERS, Writer

    for name in ("text", "stall"):
        WRITERS[name] = Writer(name, name, "text/plain", name.title(), "fault_build")
    WRITERS["stallpdf"] = Writer(
        "stallpdf", "pdf", "application/pdf", "PDF", "fault_build", engine="weasyprint"
    )
    if os.environ.get("FAULT_POINT") == "post-write":
        builder.build = functools.partial(builder.build, post_write=[lambda tx: _stall()])
    from statementpress.cli import main as cli

    cli(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
