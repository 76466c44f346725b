#!/usr/bin/env bash
# Installs the system libraries statementpress needs, where missing (Debian/Ubuntu).
# Usage: scripts/system-deps.sh build|test
# As root (or with password-less sudo, as on CI runners) it runs apt-get; otherwise it prints
# the exact command and fails.
set -euo pipefail

want=${1:-build}
missing=()

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }

# The virtual environment: Debian's python3 needs python3-venv for `python3 -m venv`.
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
# WeasyPrint (PDF): Pango for layout, HarfBuzz's subsetter for fast, reproducible font subsets.
have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
# `statementpress verify` runs EPUBCheck on every EPUB, and EPUBCheck runs on Java.
have_cmd java || missing+=(default-jre-headless)

if [ "$want" = test ]; then
    # LibreOffice renders the DOCX; poppler and qpdf inspect PDFs.
    have_cmd soffice || missing+=(libreoffice-writer-nogui)
    have_cmd pdftotext || missing+=(poppler-utils)
    have_cmd qpdf || missing+=(qpdf)
    # zbarimg decodes the QR-code requisite in the tests.
    have_cmd zbarimg || missing+=(zbar-tools)
    # The browser test drives an installed Chromium (Debian's chromium; a runner's Chrome
    # will do), and actionlint checks the workflows' shell steps with shellcheck.
    have_cmd chromium || have_cmd chromium-browser || have_cmd google-chrome || missing+=(chromium)
    have_cmd shellcheck || missing+=(shellcheck)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
if have_cmd apt-get && { [ ${#as_root[@]} -eq 0 ] || sudo -n true 2>/dev/null; }; then
    echo "installing system packages: ${missing[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "statementpress needs these system packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
