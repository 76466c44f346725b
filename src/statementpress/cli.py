"""Command line: click commands that parse options and make one library call each.

Library modules are imported inside the commands, so `statementpress --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from statementpress.cli_options import (
    common_options,
    edition_options,
    jobs_option,
    layout_dir_option,
    max_size_option,
    parse_shard_option,
    require_layout,
    run_verify,
    verify_options,
)
from statementpress.writers import human_size


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    version=None,
    package_name="statementpress",
    prog_name="statementpress",
    message="%(prog)s %(version)s",
)
def cli() -> None:
    """Compile official statements into PDF, DOCX, EPUB and HTML editions.

    \b
    Examples:
      statementpress build                      every edition of source/*.md into build/
      statementpress build --format pdf         only the PDF editions
      statementpress check source/*.md          validate sources, write nothing
      statementpress verify build               read every edition back, compare with sources
      statementpress new my-statement           start a new source from a skeleton
      statementpress serve                      preview build/ at http://127.0.0.1:8000/
    """


@cli.command()
@edition_options(
    format_help="Edition to build; repeat for several. 'parallel' is the parallel editions of "
    "statements with several language versions (parallel-pdf, parallel-docx, parallel-html). "
    "Default: all.",
    layout_help="Layout to use instead of the one each source names.",
    out_help="Output folder.",
    files_only=False,
)
@layout_dir_option
@click.option(
    "--verify",
    "then_verify",
    is_flag=True,
    help="Then verify the editions written (as 'statementpress verify'); exit 1 on a problem.",
)
@verify_options
@max_size_option
@click.option(
    "--shard",
    metavar="K/N",
    callback=parse_shard_option,
    help="Write only shard K of N: the statements with sha256(id) mod N = K-1 "
    "(every language of a statement in one shard).",
)
@jobs_option
@click.option(
    "--force",
    is_flag=True,
    help="Rebuild every edition, even those that are up to date.",
)
@common_options
def build(
    sources: tuple[str, ...],
    formats: tuple[str, ...],
    layout: str | None,
    out: Path,
    layout_dirs: tuple[Path, ...],
    then_verify: bool,
    no_epubcheck: bool,
    trust: tuple[Path, ...],
    max_source_size: int | None,
    shard,
    jobs: int | None,
    force: bool,
) -> None:
    """Build editions of SOURCES (default: source/*.md).

    Every check runs first (the same as 'statementpress check'); if anything has a problem,
    nothing is written. Editions go to OUT/<id>/<id>.<lang>.<ext>, all of them or none:
    they are written into a staging folder in OUT and moved into place together, so a
    failure or Ctrl-C leaves OUT as it was. Exit code: 0 built, 1 a problem, 2 a usage
    error, 128+N stopped by signal N. Then OUT/manifest.json, OUT/SHA256SUMS and the
    download page OUT/index.html describe every edition in OUT. Sources sharing an id also
    get parallel editions, OUT/<id>/<id>.<lang1>-<lang2>.<ext> (docs/parallel.md).

    Builds are incremental: an edition is rewritten only when its source, layout, fonts,
    statementpress or the options changed, or its file in OUT did (content hashes in
    OUT/.cache; --force rebuilds all). --jobs N writes with N processes at once.

    \b
    Examples:
      statementpress build
      statementpress build --jobs 1 --force
      statementpress build --format pdf --format epub
      statementpress build source/ca-china-fm-2020-07-16.md --layout booklet --out dist
      statementpress build --layout-dir ~/layouts --layout ministry
      statementpress build --verify
      statementpress build --shard 2/4 --out shard-2
    """
    from statementpress.builder import build as run
    from statementpress.jobs import default_jobs, stop_forkserver
    from statementpress.progress import BuildProgress
    from statementpress.transaction import Interrupted

    require_layout(layout, layout_dirs)
    quiet = click.get_current_context().meta["quiet"]
    progress = BuildProgress(quiet=quiet)
    try:
        written = run(
            sources,
            formats,
            layout=layout,
            out=out,
            on_written=progress.edition,
            layout_dirs=layout_dirs,
            max_source_size=max_source_size,
            shard=shard,
            on_plan=progress.plan,
            on_staged=progress.step,
            jobs=jobs or default_jobs(),
            force=force,
        )
    except Interrupted as stop:
        progress.close()
        click.echo(f"build stopped by {stop.name}; nothing was changed in {out}/", err=True)
        click.get_current_context().exit(128 + stop.signum)
    except BaseException:
        progress.close()  # end the bar's line before the error is printed
        raise
    finally:
        stop_forkserver()  # so that its workers count as this command's (time, memory)
    progress.close(out)
    if not then_verify:
        return
    if written:
        run_verify(out, sources, written, not no_epubcheck, trust, quiet)
    elif shard is not None and not any(p.is_dir() and p.name[0] != "." for p in out.iterdir()):
        # More shards than statements: this one has none, and nothing to verify.
        if not quiet:
            click.echo(f"verify: shard {shard} has no statements; nothing to verify")
    else:
        # Every edition was up to date: the build's editions are the ones in place.
        run_verify(out, sources, None, not no_epubcheck, trust, quiet)


@cli.command("index")
@click.argument(
    "build_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default="build"
)
@common_options
def index_command(build_dir: Path) -> None:
    """Rewrite BUILD_DIR's manifest.json, SHA256SUMS and index.html (default: build).

    They are made from the editions found in BUILD_DIR and their build records, so the
    folders of several shard builds copied into one folder can be indexed once.

    \b
    Example:
      statementpress index dist
    """
    from statementpress.delivery import index

    contents = index(build_dir)
    if not click.get_current_context().meta["quiet"]:
        n, m = len(contents.statements), len(contents.editions)
        click.echo(
            f"indexed {n} statement{'' if n == 1 else 's'}, {m} edition{'' if m == 1 else 's'}: "
            f"{build_dir / 'manifest.json'}, {build_dir / 'SHA256SUMS'}, "
            f"{build_dir / 'index.html'}"
        )


@cli.command()
@edition_options(
    format_help="Edition to build; repeat for several. Default: all.",
    layout_help="Layout to use instead of the one each source names.",
    out_help="Output folder, served.",
    files_only=True,
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port."
)
@layout_dir_option
@jobs_option
@common_options
def serve(
    sources: tuple[str, ...],
    formats: tuple[str, ...],
    layout: str | None,
    out: Path,
    host: str,
    port: int,
    layout_dirs: tuple[Path, ...],
    jobs: int | None,
) -> None:
    """Build SOURCES, serve OUT at http://HOST:PORT/ and rebuild on every change.

    A change to a source or to a layout file rebuilds. If a rebuild fails, the last good
    build stays served and every page shows the located error at its top. Only GET and
    HEAD are answered, and nothing outside OUT is served.

    \b
    Examples:
      statementpress serve
      statementpress serve source/ca-china-fm-2020-07-16.md --format html --port 8080
    """
    from statementpress.delivery.serve import Preview, Rebuild
    from statementpress.jobs import default_jobs
    from statementpress.layout import search_path

    require_layout(layout, layout_dirs)
    quiet = click.get_current_context().meta["quiet"]
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host}, reachable from other machines", err=True)
    watched = [Path(s).parent for s in sources] if sources else [Path("source")]
    watched += search_path(layout_dirs)

    rebuild = Rebuild(sources, formats, out, layout, layout_dirs, jobs or default_jobs())

    def report(line: str) -> None:
        if not quiet:
            click.echo(line, err=True)

    try:
        preview = Preview(rebuild, out, sorted(set(watched)), host, port, report)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    try:
        preview.run()
    finally:
        rebuild.close()


@cli.command()
@edition_options(
    format_help="Check for this edition only; repeat for several. Default: all.",
    layout_help="Check against this layout instead of the one each source names.",
    out_help="Output folder a build would write (its edition paths are checked too).",
    files_only=False,
)
@layout_dir_option
@max_size_option
@common_options
def check(
    sources: tuple[str, ...],
    formats: tuple[str, ...],
    layout: str | None,
    out: Path,
    layout_dirs: tuple[Path, ...],
    max_source_size: int | None,
) -> None:
    """Validate SOURCES (default: source/*.md) without writing anything.

    Runs exactly the checks a build runs before writing: the source, its layout and
    templates, the glyphs of the layout's face, what each format's writer would refuse
    (of every format, or those given with --format), and whether language versions line up
    for the parallel editions. Each problem is printed as 'path:line:col: error: message';
    the exit code is 1 if there is any, else 0.

    \b
    Examples:
      statementpress check source/ca-china-fm-2020-07-16.md
      statementpress check --format html --format pdf
    """
    from statementpress.builder import prepare_all

    require_layout(layout, layout_dirs)
    pairs = prepare_all(sources, layout, layout_dirs, formats, out, max_source_size)
    if not click.get_current_context().meta["quiet"]:
        for st, _ in pairs:
            click.echo(
                f"{st.source.path}: ok ({len(st.articles)} articles, "
                f"{len(st.signatories)} signatories, {len(st.notes)} notes)"
            )


@cli.command(name="verify")
@click.argument(
    "build_dir",
    required=False,
    default=Path("build"),
    type=click.Path(file_okay=False, path_type=Path),
)
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False))
@verify_options
@common_options
def verify_command(
    build_dir: Path, sources: tuple[str, ...], no_epubcheck: bool, trust: tuple[Path, ...]
) -> None:
    """Read every edition in BUILD_DIR (default: build) back and compare it with its source.

    Each edition's source is found among SOURCES (default: source/*.md) by id and language;
    a PDF's attached source must equal it. The words of every edition (title block,
    preamble, points with their numbers and sub-items, closing, signatories, notes) must
    be the source's, typeset; only kinds of space, soft hyphens and line-end hyphenation may
    differ. Also: embedded fonts in PDFs, EPUBCheck on EPUBs, signatures of signed PDFs,
    and SHA-256 against BUILD_DIR/manifest.json. Every problem is printed as one line; the
    exit code is 1 if there is any.

    \b
    Examples:
      statementpress verify
      statementpress verify dist source/ca-china-fm-2020-07-16.md
      statementpress verify build --no-epubcheck
    """
    run_verify(
        build_dir,
        sources,
        None,
        not no_epubcheck,
        trust,
        click.get_current_context().meta["quiet"],
    )


@cli.command()
@click.argument("source", type=click.Path())
@max_size_option
@common_options
def inspect(source: str, max_source_size: int | None) -> None:
    """Print the document model of SOURCE as JSON.

    \b
    Example:
      statementpress inspect source/ca-china-fm-2020-07-16.md | less
    """
    import json

    from statementpress.model import to_dict
    from statementpress.reader import load

    statement = load(source, max_source_size)
    click.echo(json.dumps(to_dict(statement), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("statement_id", metavar="ID")
@click.option(
    "-d",
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("source"),
    show_default=True,
    help="Folder for the new source.",
)
@common_options
def new(statement_id: str, folder: Path) -> None:
    """Create FOLDER/ID.md from a commented skeleton, ready to fill in.

    \b
    Example:
      statementpress new ca-china-fm-2021-05-12
    """
    from statementpress.skeleton import create

    path = create(statement_id, folder)
    if not click.get_current_context().meta["quiet"]:
        click.echo(f"created {path}; fill it in, then run 'statementpress check {path}'")


@cli.command()
@click.argument(
    "build_dir",
    required=False,
    default=Path("build"),
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option(
    "--key",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The office's PKCS#12 file (.p12/.pfx: private key and certificate); only read.",
)
@click.option(
    "--passphrase-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File whose first line is the key's passphrase "
    "(else the variable STATEMENTPRESS_KEY_PASSPHRASE).",
)
@click.option("--tsa", metavar="URL", help="RFC 3161 time-stamping authority (PAdES B-T).")
@click.option("--reason", help="Reason for signing, recorded in the signature.")
@click.option("--location", help="Place of signing, recorded in the signature.")
@click.option("--invisible", is_flag=True, help="No visible mark on the last page.")
@common_options
def sign(
    build_dir: Path,
    key: Path,
    passphrase_file: Path | None,
    tsa: str | None,
    reason: str | None,
    location: str | None,
    invisible: bool,
) -> None:
    """Sign every PDF edition in BUILD_DIR (default: build) with a PAdES signature.

    Each <name>.pdf gets <name>.signed.pdf beside it: the same bytes followed by the
    signature (an incremental update), with a mark of the electronic signature at the
    bottom of the last page. The signing time is now, or SOURCE_DATE_EPOCH when set.
    The passphrase is never an option value: give a file or set the variable.

    \b
    Examples:
      statementpress sign --key office.p12 --passphrase-file ~/.office-pass
      STATEMENTPRESS_KEY_PASSPHRASE=… statementpress sign build --key office.p12 \\
          --tsa http://tsa.example/tsr --reason "Official publication"
    """
    from statementpress.signing import read_passphrase, sign_build

    quiet = click.get_current_context().meta["quiet"]

    def report(path: Path) -> None:
        if not quiet:
            click.echo(f"signed {path} ({human_size(path.stat().st_size)})")

    sign_build(
        build_dir,
        key,
        read_passphrase(passphrase_file),
        tsa=tsa,
        reason=reason,
        location=location,
        visible=not invisible,
        on_signed=report,
    )


def main(argv: list[str] | None = None) -> None:
    """Run the command line (argv defaults to sys.argv[1:])."""
    cli.main(args=argv, prog_name="statementpress")
