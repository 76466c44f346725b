#!/usr/bin/env bash
# The release pipeline, one subcommand per step. `make release` runs the steps one after
# another on this machine; .github/workflows/release.yml runs the very same commands, the
# shards as a matrix of jobs (tests/test_workflows.py checks that the two agree).
#
#   scripts/release.sh shard K N OUT        build and verify shard K of N into OUT
#   scripts/release.sh merge DIST SHARD...  put the shard folders together in DIST, index it,
#                                           verify it and check its SHA256SUMS
#   scripts/release.sh assets DIST          the files a release attaches, one a line
#   scripts/release.sh publish DIST TAG     create the GitHub release TAG with those files
set -euo pipefail

sp=${STATEMENTPRESS:-.venv/bin/statementpress}

usage() {
    sed -n '6,10p' "$0" | sed 's/^# //' >&2
    exit 2
}

assets() {
    # Every published file: editions, manifest.json, SHA256SUMS and index.html; the build
    # records (dot-files) stay behind.
    (cd "$1" && find . -type f ! -name '.*' | sed 's|^\./||' | LC_ALL=C sort)
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
shard)
    [ $# -eq 3 ] || usage
    "$sp" build --shard "$1/$2" --verify --out "$3"
    ;;
merge)
    [ $# -ge 2 ] || usage
    dist=$1
    shift
    if [ -e "$dist" ] && [ -n "$(ls -A "$dist")" ]; then
        echo "release.sh merge: $dist must be empty or absent" >&2
        exit 1
    fi
    mkdir -p "$dist"
    for shard in "$@"; do
        [ -d "$shard" ] || { echo "release.sh merge: no shard folder $shard" >&2; exit 1; }
        # One folder per statement; a statement in two shards means the split is broken.
        for folder in "$shard"/*/; do
            [ -d "$folder" ] || continue
            name=$(basename "$folder")
            if [ -e "$dist/$name" ]; then
                echo "release.sh merge: $name is in more than one shard" >&2
                exit 1
            fi
            cp -R "$folder" "$dist/$name"
        done
    done
    "$sp" index "$dist"
    "$sp" verify "$dist"
    (cd "$dist" && sha256sum --check --strict --quiet SHA256SUMS)
    echo "release.sh merge: $dist holds $(assets "$dist" | wc -l) files, every checksum matches"
    ;;
assets)
    [ $# -eq 1 ] || usage
    assets "$1"
    ;;
publish)
    [ $# -eq 2 ] || usage
    mapfile -t files < <(assets "$1")
    repo=()
    [ -n "${GITHUB_REPOSITORY:-}" ] && repo=(--repo "$GITHUB_REPOSITORY")
    # Assets are attached flat; their names (<id>.<lang>.<ext>) are unique.
    (cd "$1" && gh release create "$2" "${repo[@]}" --verify-tag --title "$2" \
        --notes "Every edition, its manifest.json and SHA256SUMS, and the download page." \
        "${files[@]}")
    ;;
*)
    usage
    ;;
esac
