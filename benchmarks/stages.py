"""The stage and writer table: each build stage and each writer of our code, in process, beside
the PDF engine's own layout (which bounds a whole build), and whole builds per format."""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from measure import EXE, ROOT, run_child

SOURCE = ROOT / "source" / "ca-china-fm-2020-07-16.md"


def median_seconds(func: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls after one warm-up call."""
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def stage_rows(runs: int, full: list[str]) -> list[tuple[str, float]]:
    """(what, median seconds) for every stage, writer and per-format build of our statement;
    `full` are the build options that make every build a full one (`--force`, if any)."""
    from statementpress import layout as layouts
    from statementpress.builder import prepare
    from statementpress.reader import load
    from statementpress.writers import WRITERS
    from statementpress.writers.html import render

    official = layouts.load("official")
    statement = prepare(load(SOURCE))
    rows: list[tuple[str, float]] = [
        ("read + validate source", median_seconds(lambda: load(SOURCE), runs)),
        ("typography pass", median_seconds(lambda: prepare(statement), runs)),
        (
            "render page markup (template)",
            median_seconds(lambda: render(statement, official, mode="pdf"), runs),
        ),
    ]

    with tempfile.TemporaryDirectory() as tmp:
        if "pdf" in WRITERS:
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration

            from statementpress.writers import pdf

            markup = render(statement, official, mode="pdf")
            css_text = pdf.stylesheet(statement, official)

            def engine_layout():
                config = FontConfiguration()
                css = weasyprint.CSS(string=css_text, font_config=config)
                return weasyprint.HTML(string=markup, base_url=str(ROOT)).render(
                    stylesheets=[css], font_config=config
                )

            def engine_whole():
                engine_layout().write_pdf(
                    io.BytesIO(),
                    pdf_variant=official.get("pdf.variant"),
                    pdf_tags=bool(official.get("pdf.tags")),
                )

            rows.append(
                ("WeasyPrint layout alone (PDF engine)", median_seconds(engine_layout, runs))
            )
            rows.append(
                (
                    "WeasyPrint layout + write_pdf, same options (PDF engine)",
                    median_seconds(engine_whole, runs),
                )
            )
        for name, writer in WRITERS.items():
            dest = Path(tmp) / f"bench.{writer.extension}"
            rows.append(
                (
                    f"writer {name} (whole edition, in process)",
                    median_seconds(lambda w=writer, d=dest: w.write(statement, official, d), runs),
                )
            )

        out = Path(tmp) / "out"
        command = [EXE, "build", SOURCE, "-q", "--out", out, *full]
        rows.append(
            (
                "statementpress build (all formats, new process)",
                median_seconds(lambda: run_child(command), runs),
            )
        )
        for name in WRITERS:
            one = [*command, "--format", name]
            rows.append(
                (
                    f"statementpress build --format {name} (new process)",
                    median_seconds(lambda c=one: run_child(c), runs),
                )
            )
    return rows
