"""Benchmarks: median time of each build stage and of each writer, side by side in one run.

Run with `make benchmark` (or `.venv/bin/python benchmarks/run.py [--runs N]`). What our own
code does (reading, typography, templates, packaging) is compared with the PDF engine's own
layout time, which bounds a whole build.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "ca-china-fm-2020-07-16.md"


def median_seconds(func, runs: int) -> float:
    """Median wall time of `runs` calls after one warm-up call."""
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per stage (default 5)")
    args = parser.parse_args()

    from statementpress import layout as layouts
    from statementpress.builder import prepare
    from statementpress.reader import load
    from statementpress.writers import WRITERS
    from statementpress.writers.html import render

    official = layouts.load("official")
    statement = prepare(load(SOURCE))
    rows: list[tuple[str, float]] = []
    rows.append(("read + validate source", median_seconds(lambda: load(SOURCE), args.runs)))
    rows.append(("typography pass", median_seconds(lambda: prepare(statement), args.runs)))
    rows.append(
        (
            "render page markup (template)",
            median_seconds(lambda: render(statement, official, mode="pdf"), args.runs),
        )
    )

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
                ("WeasyPrint layout alone (PDF engine)", median_seconds(engine_layout, args.runs))
            )
            rows.append(
                (
                    "WeasyPrint layout + write_pdf, same options (PDF engine)",
                    median_seconds(engine_whole, args.runs),
                )
            )
        for name, writer in WRITERS.items():
            dest = Path(tmp) / f"bench.{writer.extension}"
            rows.append(
                (
                    f"writer {name} (whole edition, in-process)",
                    median_seconds(
                        lambda w=writer, d=dest: w.write(statement, official, d), args.runs
                    ),
                )
            )

        exe = Path(sys.executable).with_name("statementpress")

        def whole_command():
            subprocess.run(
                [str(exe), "build", str(SOURCE), "-q", "--out", tmp], check=True, cwd=ROOT
            )

        rows.append(
            (
                "statementpress build (all formats, new process)",
                median_seconds(whole_command, args.runs),
            )
        )
        for name in WRITERS:
            command = [str(exe), "build", str(SOURCE), "-q", "--out", tmp, "--format", name]
            rows.append(
                (
                    f"statementpress build --format {name} (new process)",
                    median_seconds(
                        lambda c=command: subprocess.run(c, check=True, cwd=ROOT), args.runs
                    ),
                )
            )
        help_cmd = [str(exe), "--help"]
        rows.append(
            (
                "statementpress --help (start-up)",
                median_seconds(
                    lambda: subprocess.run(help_cmd, check=True, capture_output=True), args.runs
                ),
            )
        )

    width = max(len(name) for name, _ in rows)
    print(f"median of {args.runs} runs, {SOURCE.name}")
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
