#!/usr/bin/env bash
# The Pandoc pipeline: what a user without statementpress would run to get the same three
# editions of a statement source, one source after another, as a plain script does.
#
#   benchmarks/pandoc_pipeline.sh OUT_DIR SOURCE.md...
#
# For each source: its front matter cut down to a Pandoc title block (title, subtitle, date,
# lang, the signatories' names as authors), then
#   pandoc -> DOCX, pandoc -> EPUB, pandoc -> standalone HTML -> weasyprint -> PDF.
# WeasyPrint is the same engine (and the same installed copy) statementpress uses for its PDF:
# `weasyprint` is taken from PATH, so run this with the project's .venv/bin first in PATH.
set -euo pipefail

out=$1
shift
mkdir -p "$out"

for src in "$@"; do
    name=$(basename "$src" .md)
    work="$out/$name"
    mkdir -p "$work"
    # Our front matter -> a Pandoc title block; the body (Markdown with footnotes) is kept.
    awk '
        NR == 1 && $0 == "---" { in_meta = 1; print; next }
        in_meta && $0 == "---" {
            in_meta = 0
            if (authors != "") print "author:" authors
            print; next
        }
        in_meta {
            if ($0 ~ /^(title|subtitle|date|lang):/) { keep = 1; print; next }
            if ($0 ~ /^  - name: /) { sub(/^  - name: /, ""); authors = authors "\n  - " $0 }
            if ($0 ~ /^[^ ]/) keep = 0
            else if (keep) print
            next
        }
        { print }
    ' "$src" > "$work/$name.md"
    pandoc "$work/$name.md" -o "$work/$name.docx"
    pandoc "$work/$name.md" -o "$work/$name.epub"
    pandoc "$work/$name.md" --standalone -o "$work/$name.html"
    weasyprint --quiet "$work/$name.html" "$work/$name.pdf"
done
