"""A writer for tests/test_jobs.py, imported by build workers: what it does depends on the
statement's id, since a worker gets nothing else from the test.

`boom-*` raises a BuildError naming the process; `crash-*` kills its own process (as the
kernel's out-of-memory killer would); `warn-*` logs a warning, then writes; any other id
writes the id of the process that wrote the file.
"""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

from statementpress.errors import BuildError


def write(statement, layout, dest: Path) -> Path:
    """Do what the statement's id says (see the module)."""
    sid = statement.meta.id
    if sid.startswith("boom"):
        raise BuildError(f"boom in process {os.getpid()}")
    if sid.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    if sid.startswith("warn"):
        logging.getLogger("statementpress").warning("a warning from process %d", os.getpid())
    dest.write_text(f"{os.getpid()}\n", encoding="utf-8")
    return dest
