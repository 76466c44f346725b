#!/usr/bin/env bash
# Installs what `make benchmark` alone needs, where missing (Debian/Ubuntu): Pandoc, for the
# "Pandoc pipeline" the benchmarks compare statementpress with. The tests never need it.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -euo pipefail

missing=()
command -v pandoc >/dev/null 2>&1 || missing+=(pandoc)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing benchmark packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "the benchmarks need these system packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
