"""What a build prints while it writes: a progress bar on a terminal, one plain line per
edition when the output is a file or a pipe (logs, CI), nothing with `-q`; then one summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

import click

from statementpress.writers import human_size


class BuildProgress:
    """Callbacks for `builder.build` (`on_plan`, `on_written`) and a closing summary.

    `mode` is "bar", "lines" or "quiet"; by default "bar" when `stream` is a terminal.
    """

    def __init__(self, quiet: bool = False, stream: TextIO | None = None, mode: str = "") -> None:
        self.stream = stream or sys.stdout
        self.mode = mode or ("quiet" if quiet else "bar" if self.stream.isatty() else "lines")
        self.written: list[Path] = []
        self.bytes = 0
        self._bar: Any = None

    def plan(self, total: int) -> None:
        """The build is about to write `total` editions."""
        if self.mode == "bar" and total:
            self._bar = click.progressbar(
                length=total,
                label="writing editions",
                file=self.stream,
                show_pos=True,
                item_show_func=lambda p: p.name if p else None,
            )
            self._bar.__enter__()

    def step(self, staged: Path) -> None:
        """One edition has been written into the build's staging folder (the bar moves)."""
        if self._bar is not None:
            self._bar.update(1, staged)

    def edition(self, path: Path) -> None:
        """One file is in place (the build committed): a line of its own, unless a bar."""
        size = path.stat().st_size
        self.written.append(path)
        self.bytes += size
        if self.mode == "lines":
            click.echo(f"wrote {path} ({human_size(size)})", file=self.stream)

    def close(self, out: Path | None = None) -> None:
        """Finish the bar and, unless quiet, print one summary line (when `out` is given)."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
        if self.mode == "quiet" or out is None:
            return
        if not self.written:
            click.echo(
                f"nothing to rebuild: the editions in {out} are up to date (--force rebuilds them)",
                file=self.stream,
            )
            return
        ids = {p.parent.name for p in self.written}
        n = len(self.written)
        click.echo(
            f"wrote {n} edition{'' if n == 1 else 's'} of {len(ids)} statement"
            f"{'' if len(ids) == 1 else 's'} ({human_size(self.bytes)}); "
            f"{out / 'index.html'} lists every edition in {out}",
            file=self.stream,
        )
