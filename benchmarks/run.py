"""Benchmarks: statementpress side by side with the Pandoc pipeline, against issue 13's targets.

Run with `make benchmark` (it installs Pandoc first, scripts/bench-deps.sh), or
`.venv/bin/python benchmarks/run.py [--quick]`. Every comparison is measured in the same run,
the two sides alternating run by run, as the median of `--runs` runs; the report, with the
machine's description, replaces benchmarks/RESULTS.md. Rows for options statementpress does
not have yet (`build --jobs`, incremental builds with `--force`, `serve`) say "not available"
and are measured as soon as `statementpress build --help` / `statementpress --help` list them.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import measure  # noqa: E402
import serve  # noqa: E402
import stages  # noqa: E402
from measure import EXE, Figure, Sample, fmt_time, interleaved, run_child  # noqa: E402

PIPELINE = Path(__file__).resolve().parent / "pandoc_pipeline.sh"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SOURCE = corpus.SOURCE
FORMATS = ["--format", "pdf", "--format", "docx", "--format", "epub"]


@dataclass(frozen=True)
class Features:
    """What the installed statementpress offers, read from its --help."""

    jobs: bool  # build --jobs N
    incremental: bool  # build --force (so builds are incremental without it)
    serve: bool  # the serve command


def probe() -> Features:
    """Ask `statementpress --help` and `statementpress build --help` what they offer."""

    def help_text(*args: str) -> str:
        done = subprocess.run(
            [str(EXE), *args, "--help"], capture_output=True, text=True, env=measure.child_env()
        )
        return done.stdout

    build_help, top_help = help_text("build"), help_text()
    return Features(
        jobs="--jobs" in build_help,
        incremental="--force" in build_help,
        serve=re.search(r"^\s+serve\s", top_help, re.MULTILINE) is not None,
    )


@dataclass(frozen=True)
class Target:
    """One row of the issue's table: what we measured, against what, and the verdict."""

    measure: str
    ours: str
    theirs: str
    figure: str
    target: str
    result: str


def at_most(measure_name: str, ours: Figure, theirs: Figure, limit: float, memory=False) -> Target:
    """A target `ours / theirs <= limit` (time, or peak memory with `memory`)."""
    a, b = (ours.max_rss_mb, theirs.max_rss_mb) if memory else (ours.seconds, theirs.seconds)
    show = (lambda v: f"{v:.0f} MB") if memory else fmt_time
    ratio = a / b
    result = "met" if ratio <= limit else f"missed by {ratio - limit:.2f}x"
    shown = f"{ratio:.2f}x"
    if not memory:
        # Wall time is the target; CPU time, which other work on the machine moves less,
        # tells whether a miss is the machine's load or ours.
        shown += f" (CPU time {ours.cpu_seconds / theirs.cpu_seconds:.2f}x)"
    return Target(measure_name, show(a), show(b), shown, f"<= {limit}x", result)


def speed_up(measure_name: str, fast: Figure, slow: Figure, limit: float) -> Target:
    """A target `slow / fast >= limit` (how many times faster)."""
    ratio = slow.seconds / fast.seconds
    result = "met" if ratio >= limit else f"missed by {limit - ratio:.2f}x"
    return Target(
        measure_name,
        fmt_time(fast.seconds),
        fmt_time(slow.seconds),
        f"{ratio:.2f}x faster",
        f">= {limit}x faster",
        result,
    )


def under(measure_name: str, ours: Figure, limit: float, memory=False) -> Target:
    """An absolute target: a time under `limit` seconds, or peak memory under `limit` MB."""
    value = ours.max_rss_mb if memory else ours.seconds
    show = (lambda v: f"{v:.0f} MB") if memory else fmt_time
    result = "met" if value < limit else f"missed by {show(value - limit)}"
    return Target(measure_name, show(value), "-", show(value), f"< {show(limit)}", result)


def unavailable(measure_name: str, target: str, why: str) -> Target:
    return Target(measure_name, "-", "-", "-", target, f"not available: {why}")


def _size(path: Path) -> str:
    return f" ({path.stat().st_size / 1e6:.2f} MB of Markdown)"


def fresh(path: Path) -> Path:
    """An empty folder at `path` (emptied outside the timed part of a run)."""
    shutil.rmtree(path, ignore_errors=True)
    return path


def build_command(sources, out: Path, *options: str) -> list:
    return [EXE, "build", *sources, "-q", "--out", out, *options]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="timed runs per figure (default 5; 3 --quick)")
    parser.add_argument("--corpus", type=int, help="statements in the corpus (100; 10 --quick)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="try it out: fewer runs, a smaller corpus, no 5,000-article source",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="report to write")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    size = args.corpus or (10 if args.quick else 100)
    started = time.monotonic()
    load_start = os.getloadavg()[0]
    features = probe()
    cores = os.cpu_count() or 1
    full = ["--force"] if features.incremental else []
    figures: list[Figure] = []
    targets: list[Target] = []
    notes: list[str] = []

    def say(text: str) -> None:
        print(f"[{fmt_time(time.monotonic() - started):>10}] {text}", flush=True)

    with tempfile.TemporaryDirectory(prefix="statementpress-bench-") as tmp_name:
        tmp = Path(tmp_name)

        say("one statement: statementpress vs the Pandoc pipeline")
        ours = Figure("statementpress build, PDF+DOCX+EPUB of our statement")
        pipe = Figure("Pandoc pipeline, the same three editions")

        def our_one(i: int) -> Sample:
            return run_child(build_command([SOURCE], fresh(tmp / "one-ours"), *FORMATS, *full))

        def pipe_one(i: int) -> Sample:
            return run_child(["bash", PIPELINE, fresh(tmp / "one-pipe"), SOURCE])

        one_statement: list[tuple[Figure, Callable[[int], Sample]]] = [
            (ours, our_one),
            (pipe, pipe_one),
        ]
        if features.jobs:
            # What the worker that renders the PDF beside the other editions brings.
            one_job_one = Figure("statementpress build, the same, --jobs 1 (no worker)")
            one_statement.append(
                (
                    one_job_one,
                    lambda i: run_child(
                        build_command(
                            [SOURCE], fresh(tmp / "one-j1"), *FORMATS, "--jobs", "1", *full
                        )
                    ),
                )
            )
        interleaved(one_statement, runs)
        figures += [f for f, _ in one_statement]
        targets.append(
            at_most("our statement, PDF+DOCX+EPUB, vs the Pandoc pipeline", ours, pipe, 0.8)
        )

        say(f"corpus of {size} statements")
        sources = corpus.write_corpus(tmp / "corpus", size)
        jobs = ["--jobs", str(cores)] if features.jobs else []
        ours_corpus = Figure(
            f"statementpress build, corpus of {size}" + (f", --jobs {cores}" if jobs else "")
        )
        # The pipeline is a sequential script: run by run it does one part of the corpus in
        # turn (all of it once over the runs), scaled to the whole corpus.
        parts = [sources[i::runs] for i in range(runs) if sources[i::runs]]
        pipe_corpus = Figure(
            f"Pandoc pipeline, corpus of {size} (each run 1/{len(parts)} of it, scaled)"
        )

        def our_corpus(i: int) -> Sample:
            return run_child(build_command(sources, fresh(tmp / "corpus-ours"), *jobs, *full))

        def pipe_part(i: int) -> Sample:
            part = parts[i % len(parts)]
            sample = run_child(["bash", PIPELINE, fresh(tmp / "corpus-pipe"), *part])
            return Sample(
                sample.seconds * size / len(part),
                sample.max_rss_kib,
                sample.cpu_seconds * size / len(part),
            )

        contenders: list[tuple[Figure, Callable[[int], Sample]]] = [
            (ours_corpus, our_corpus),
            (pipe_corpus, pipe_part),
        ]
        one_job = Figure(f"statementpress build, corpus of {size}, --jobs 1")
        two_jobs = ours_corpus
        if features.jobs:
            contenders.append(
                (
                    one_job,
                    lambda i: run_child(
                        build_command(sources, fresh(tmp / "corpus-j1"), "--jobs", "1", *full)
                    ),
                )
            )
            if cores != 2:
                two_jobs = Figure(f"statementpress build, corpus of {size}, --jobs 2")
                contenders.append(
                    (
                        two_jobs,
                        lambda i: run_child(
                            build_command(sources, fresh(tmp / "corpus-j2"), "--jobs", "2", *full)
                        ),
                    )
                )
        interleaved(contenders, runs, warm_up=False)
        figures += [f for f, _ in contenders]
        pipe_corpus.note = "sum of its parts, one whole sequential pass: " + fmt_time(
            sum(s.seconds * len(p) / size for s, p in zip(pipe_corpus.samples, parts, strict=False))
        )
        targets.append(
            at_most(
                f"corpus of {size} statements vs the Pandoc pipeline on them",
                ours_corpus,
                pipe_corpus,
                0.2,
            )
        )
        if features.jobs:
            targets.append(
                speed_up("`--jobs 2` vs `--jobs 1` on the corpus", two_jobs, one_job, 1.7)
            )
        else:
            targets.append(
                unavailable(
                    "`--jobs 2` vs `--jobs 1` on the corpus",
                    ">= 1.7x faster",
                    "`statementpress build --help` has no --jobs",
                )
            )

        say("no-op rebuild of the corpus")
        if features.incremental:
            # The folder of the last corpus build above (the same sources and options, with
            # --force): built, so that every edition is up to date.
            out = tmp / "corpus-ours"
            noop = Figure(f"statementpress build, corpus of {size}, nothing changed")
            interleaved([(noop, lambda i: run_child(build_command(sources, out, *jobs)))], runs)
            figures.append(noop)
            targets.append(under("no-op rebuild of the corpus", noop, 0.3))
        else:
            targets.append(
                unavailable(
                    "no-op rebuild of the corpus",
                    "< 300 ms",
                    "no incremental build (`build --help` has no --force): a second build "
                    "rebuilds everything, as long as the corpus build",
                )
            )

        say("warm serve re-render")
        if features.serve:
            try:
                warm = serve.rerender(SOURCE, tmp, runs)
                figures.append(warm)
                targets.append(under("warm `serve` re-render of an edited statement", warm, 0.3))
            except RuntimeError as exc:
                targets.append(
                    unavailable(
                        "warm `serve` re-render of an edited statement",
                        "< 300 ms",
                        f"could not measure ({str(exc).splitlines()[0]})",
                    )
                )
        else:
            targets.append(
                unavailable(
                    "warm `serve` re-render of an edited statement",
                    "< 300 ms",
                    "`statementpress --help` lists no serve command",
                )
            )

        say("400 articles vs 40 articles")
        long_figures = {}
        contenders = []
        for count in (40, 400):
            path = corpus.write_long(tmp / "long", count)
            fig = Figure(f"statementpress build, one statement of {count} articles{_size(path)}")
            long_figures[count] = fig
            contenders.append(
                (
                    fig,
                    lambda i, p=path, c=count: run_child(
                        build_command([p], fresh(tmp / f"long-{c}"), *full)
                    ),
                )
            )
        interleaved(contenders, runs, warm_up=False)
        figures += list(long_figures.values())
        targets.append(
            at_most("400 articles vs 40 articles, time", long_figures[400], long_figures[40], 12)
        )
        targets.append(
            at_most(
                "400 articles vs 40 articles, peak memory",
                long_figures[400],
                long_figures[40],
                12,
                memory=True,
            )
        )
        if args.quick:
            targets.append(
                unavailable("5,000-article source, peak memory", "< 300 MB", "skipped by --quick")
            )
        else:
            say("5,000 articles (one run: memory)")
            path = corpus.write_long(tmp / "long", 5000)
            huge = Figure(
                f"statementpress build, one statement of 5,000 articles{_size(path)}, 1 run"
            )
            # Over the default size limit of a source (1 MiB): raised for it.
            huge.samples.append(
                run_child(
                    build_command(
                        [path], fresh(tmp / "long-5000"), "--max-source-size", "8M", *full
                    )
                )
            )
            # WeasyPrint alone on the same text (the pipeline's PDF step) bounds what the
            # PDF engine needs for it, whatever is ours.
            huge_pipe = Figure("Pandoc pipeline on the 5,000-article source, 1 run")
            huge_pipe.samples.append(run_child(["bash", PIPELINE, fresh(tmp / "long-pipe"), path]))
            figures += [huge, huge_pipe]
            targets.append(under("5,000-article source, peak memory", huge, 300, memory=True))

        say("statementpress --help")
        help_fig = Figure("statementpress --help")
        # A fraction of a second: more runs cost nothing and steady the median.
        interleaved([(help_fig, lambda i: run_child([EXE, "--help"]))], max(runs, 20))
        figures.append(help_fig)
        targets.append(under("`statementpress --help`", help_fig, 0.15))

    say("stages and writers, in process")
    stage_table = stages.stage_rows(runs, full)
    elapsed = time.monotonic() - started
    load_end = os.getloadavg()[0]
    notes.append(
        f"load average (1 min) {load_start:.1f} at the start, {load_end:.1f} at the end, on "
        f"{cores} cores: a busy machine slows both sides of a comparison alike (they alternate "
        "run by run), but not by the same fraction, so ratios near a target may move"
    )
    report = render(args, runs, size, features, targets, figures, stage_table, notes, elapsed)
    args.output.write_text(report, encoding="utf-8")
    print(report)
    say(f"wrote {args.output}")


def render(args, runs, size, features, targets, figures, stage_table, notes, elapsed) -> str:
    """The Markdown report."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "make benchmark" + (" (run.py --quick)" if args.quick else "")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` (benchmarks/run.py) on {now}, in {fmt_time(elapsed)}; "
        "rerun it rather than editing this file.",
        f"Median of {runs} runs per figure; corpus of {size} copies of our statement "
        "(distinct ids); the Pandoc pipeline is benchmarks/pandoc_pipeline.sh.",
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in measure.machine()),
        f"- statementpress offers: `build --jobs` {'yes' if features.jobs else 'no'}, "
        f"incremental builds (`--force`) {'yes' if features.incremental else 'no'}, "
        f"`serve` {'yes' if features.serve else 'no'}",
        *(f"- {note}" for note in notes),
        "",
        "## Targets (issue 13)",
        "",
        "| measure | statementpress | compared with | ratio or figure | target | result |",
        "|---|---|---|---|---|---|",
        *(
            f"| {t.measure} | {t.ours} | {t.theirs} | {t.figure} | {t.target} | {t.result} |"
            for t in targets
        ),
        "",
        "## Every figure",
        "",
        "| what | median | lowest .. highest | CPU time (median) | peak memory (median) | runs |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        memory = f"{f.max_rss_mb:.0f} MB" if any(s.max_rss_kib for s in f.samples) else "-"
        name = f"{f.name} ({f.note})" if f.note else f.name
        lines.append(
            f"| {name} | {fmt_time(f.seconds)} | {f.spread()} | {fmt_time(f.cpu_seconds)} "
            f"| {memory} | {len(f.samples)} |"
        )
    lines += [
        "",
        "CPU time is user + system time of the command and every process it waited for; on a "
        "shared machine it moves less than wall time. Peak memory is that of the largest "
        "single process of the command (WeasyPrint's for the pipeline), as the kernel reports "
        "it to `wait4`.",
        "",
        "## Stages and writers of one statement",
        "",
        "Our own code (reading, typography, templates, packaging) beside the PDF engine's own "
        "layout, which bounds a whole build; in process unless it says new process.",
        "",
        "| stage | median |",
        "|---|---|",
        *(f"| {name} | {seconds * 1000:.1f} ms |" for name, seconds in stage_table),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
