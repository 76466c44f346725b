"""Profile a build under cProfile and say where its time goes: ours, or WeasyPrint's.

    .venv/bin/python benchmarks/profile.py                # statementpress build (source/*.md)
    .venv/bin/python benchmarks/profile.py --copies 20    # 20 copies of our statement, one call

The build runs with `--jobs 1`, every edition in the one process profiled.

The build runs in a new process as `python -m cProfile -o FILE -m statementpress build ...`
(printed); FILE is kept with `--keep` for `python -m pstats` or snakeviz. cProfile times in
wall time: its overhead (about 1.5-2x on this code) and other work on a shared machine
inflate the seconds, so read the shares. benchmarks/PROFILE.md has the findings.
"""

from __future__ import annotations

import argparse
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
from measure import ROOT, child_env  # noqa: E402

# (label, file suffix, function name): cumulative time of that function, every call summed.
# Some contain others (the PDF writer contains WeasyPrint's import, layout and write_pdf).
ENTRIES = [
    ("whole build (builder.build)", "statementpress/builder.py", "build"),
    ("  read + validate sources (reader.parse)", "statementpress/reader.py", "parse"),
    ("  typography pass", "statementpress/typography.py", "apply"),
    ("  every check before writing (checks.run)", "statementpress/checks.py", "run"),
    ("    glyph coverage (fonts.missing_glyphs)", "statementpress/fonts.py", "missing_glyphs"),
    ("  PDF writer (writers/pdf.write)", "statementpress/writers/pdf.py", "write"),
    ("    import weasyprint", "weasyprint/__init__.py", "<module>"),
    ("    layout rounds, every PDF (pdf_rounds.render)", "writers/pdf_rounds.py", "render"),
    ("      WeasyPrint layout (HTML.render), every round", "weasyprint/__init__.py", "render"),
    ("      lines matched to the markup (pdf_lines.analyse)", "pdf_lines.py", "analyse"),
    (
        "      paragraphs measured (pdf_plan.measure)",
        "statementpress/writers/pdf_plan.py",
        "measure",
    ),
    ("      possible lines (pdf_plan.lines)", "statementpress/writers/pdf_plan.py", "lines"),
    ("      line breaks planned (pdf_plan.plan)", "statementpress/writers/pdf_plan.py", "plan"),
    ("      planned again (pdf_plan.plan_in)", "statementpress/writers/pdf_plan.py", "plan_in"),
    ("    WeasyPrint write_pdf", "weasyprint/document.py", "write_pdf"),
    ("  parallel PDF writer (its own rounds above)", "writers/parallel_pdf.py", "write"),
    ("    our print stylesheet (pdf.stylesheet)", "statementpress/writers/pdf.py", "stylesheet"),
    ("  DOCX writer (writers/docx.write)", "statementpress/writers/docx/__init__.py", "write"),
    ("    our reproducible zip (zipout.write_zip, all)", "statementpress/zipout.py", "write_zip"),
    ("  EPUB writer (writers/epub.write)", "statementpress/writers/epub.py", "write"),
    ("    font subsets (fonts._subset)", "statementpress/fonts.py", "_subset"),
    ("  HTML writer (writers/html.write)", "statementpress/writers/html.py", "write"),
    ("zlib compression, everywhere", "~", "<method 'compress' of 'zlib.Compress' objects>"),
]


def summary(stats: pstats.Stats, top: int) -> str:
    """The labelled entries, then the top cumulative entries of the profile."""
    raw = stats.stats  # type: ignore[attr-defined]
    total = max(v[3] for v in raw.values())
    lines = [f"total {total:.3f} s under cProfile", "", "where the time goes (cumulative):"]
    for label, suffix, name in ENTRIES:
        found = [
            (v[1], v[3])
            for (file, _, func), v in raw.items()
            if file.endswith(suffix) and func == name
        ]
        calls = sum(c for c, _ in found)
        seconds = sum(s for _, s in found)
        lines.append(f"  {label:<58} {seconds:7.3f} s {100 * seconds / total:5.1f}%  {calls} calls")
    lines += ["", f"top {top} by cumulative time:"]
    ranked = sorted(raw.items(), key=lambda kv: kv[1][3], reverse=True)
    for (file, line, func), v in ranked[:top]:
        where = file.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        lines.append(f"  {v[3]:7.3f} s  {v[1]:6d} calls  {where}:{line}({func})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=0, help="build N copies of our statement")
    parser.add_argument("--top", type=int, default=30, help="top entries to list (30)")
    parser.add_argument("--keep", type=Path, help="keep the profile data in this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="statementpress-profile-") as tmp_name:
        tmp = Path(tmp_name)
        sources = (
            [str(p) for p in corpus.write_corpus(tmp / "src", args.copies)] if args.copies else []
        )
        data = args.keep or tmp / "build.prof"
        # One process (--jobs 1): cProfile does not follow a worker.
        build = ["build", *sources, "-q", "--jobs", "1", "-o", str(tmp / "out")]
        command = [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(data),
            "-m",
            "statementpress",
            *build,
        ]
        shown = [*command[:7], "build", *["..."] * bool(sources), *build[-5:]]
        print("$ " + " ".join(shown) + (f"   ({args.copies} copies)" if sources else ""))
        subprocess.run(command, check=True, cwd=ROOT, env=child_env())
        print(summary(pstats.Stats(str(data)), args.top))


if __name__ == "__main__":
    main()
