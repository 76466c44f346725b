"""Command line: click commands that parse options and make one library call each.

Library modules are imported inside the commands, so `statementpress --help` stays fast.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from statementpress.writers import GROUP_WRITERS, PARALLEL, WRITERS, human_size

FORMAT_NAMES = (*WRITERS, *GROUP_WRITERS, PARALLEL, "all")


def _version() -> str:
    from statementpress import __version__

    return __version__


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    logger = logging.getLogger("statementpress")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)


def common_options(func):
    """-q/--quiet and -v/--verbose on every command."""

    @click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
    @click.option("-v", "--verbose", count=True, help="Print what is being done.")
    @functools.wraps(func)
    def wrapper(*args, quiet: bool, verbose: int, **kwargs):
        _setup_logging(verbose, quiet)
        click.get_current_context().meta["quiet"] = quiet
        return func(*args, **kwargs)

    return wrapper


def _check_layout(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--layout must be a layout name; whether it exists is known once --layout-dir is parsed."""
    if value is None:
        return None
    from statementpress import layout

    if not layout.is_name(value):
        raise click.BadParameter(
            f"invalid layout name {value!r}: use the name of a layout folder", ctx=ctx, param=param
        )
    return value


def _require_layout(name: str | None, dirs: tuple[Path, ...]) -> None:
    """A usage error (exit 2) if --layout names no layout on the search path of `dirs`."""
    if name is None:
        return
    from statementpress import layout

    names = layout.available(dirs)
    if name not in names:
        ctx = click.get_current_context()
        param = next(p for p in ctx.command.params if p.name == "layout")
        raise click.BadParameter(
            f"unknown layout {name!r}; valid layouts: {', '.join(names) or 'none'}",
            ctx=ctx,
            param=param,
        )


def layout_dir_option(func):
    """--layout-dir DIR (repeatable) on the commands that load layouts."""
    return click.option(
        "--layout-dir",
        "layout_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Folder of layouts, searched before ./layouts and the built-in ones; repeat "
        "for several (the first given wins).",
    )(func)


def verify_options(func):
    """--no-epubcheck and --trust, shared by `verify` and `build --verify`."""

    @click.option(
        "--no-epubcheck",
        is_flag=True,
        help="Do not run EPUBCheck on the EPUB editions (it needs Java).",
    )
    @click.option(
        "--trust",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        metavar="CERT.pem",
        help="A certificate to trust when checking signed PDFs; repeat for several.",
    )
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _run_verify(
    build_dir: Path,
    sources: tuple[str, ...],
    only: list[Path] | None,
    epubcheck: bool,
    trust: tuple[Path, ...],
    quiet: bool,
) -> None:
    """Verify and print: 'verified PATH' per good edition, each problem on stderr; exit 1."""
    from statementpress.verify import verify

    def report(path: Path, problems: list) -> None:
        if not problems and not quiet:
            click.echo(f"verified {path}")

    problems = verify(
        build_dir, sources, only=only, epubcheck=epubcheck, trust=trust, on_edition=report
    )
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        files = len({p.path.split(": ")[0] for p in problems})
        noun = "problem" if len(problems) == 1 else "problems"
        click.echo(f"verify: {len(problems)} {noun} in {files} files", err=True)
        sys.exit(1)


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
    """


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMAT_NAMES),
    help="Edition to build; repeat for several. 'parallel' is the parallel editions of "
    "statements with several language versions (parallel-pdf, parallel-docx, parallel-html). "
    "Default: all.",
)
@click.option(
    "-l",
    "--layout",
    callback=_check_layout,
    help="Layout to use instead of the one each source names.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output folder.",
)
@layout_dir_option
@click.option(
    "--verify",
    "then_verify",
    is_flag=True,
    help="Then verify the editions written (as 'statementpress verify'); exit 1 on a problem.",
)
@verify_options
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
) -> None:
    """Build editions of SOURCES (default: source/*.md).

    Every source is validated first; if any has a problem, nothing is written.
    Editions go to OUT/<id>/<id>.<lang>.<ext>, each written atomically; sources sharing an
    id also get parallel editions, OUT/<id>/<id>.<lang1>-<lang2>.<ext>.

    \b
    Examples:
      statementpress build
      statementpress build --format pdf --format epub
      statementpress build source/ca-china-fm-2020-07-16.md --layout booklet --out dist
      statementpress build --layout-dir ~/layouts --layout ministry
      statementpress build --verify
    """
    from statementpress.builder import build as run

    _require_layout(layout, layout_dirs)
    quiet = click.get_current_context().meta["quiet"]

    def report(path: Path) -> None:
        if not quiet:
            click.echo(f"wrote {path} ({human_size(path.stat().st_size)})")

    written = run(
        sources, formats, layout=layout, out=out, on_written=report, layout_dirs=layout_dirs
    )
    if then_verify:
        _run_verify(out, sources, written, not no_epubcheck, trust, quiet)


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "-l",
    "--layout",
    callback=_check_layout,
    help="Check against this layout instead of the one each source names.",
)
@layout_dir_option
@common_options
def check(sources: tuple[str, ...], layout: str | None, layout_dirs: tuple[Path, ...]) -> None:
    """Validate SOURCES (default: source/*.md) without writing anything.

    Runs every check a build runs before writing (the source, its layout, the glyphs of the
    layout's face, and whether language versions line up for the parallel editions). Each
    problem is printed as 'path:line:col: error: message'; the exit
    code is 1 if there is any.

    \b
    Example:
      statementpress check source/ca-china-fm-2020-07-16.md
    """
    from statementpress.builder import check_groups, prepare_all

    _require_layout(layout, layout_dirs)
    pairs = prepare_all(sources, layout, layout_dirs)
    check_groups(pairs)
    statements = [st for st, _ in pairs]
    if not click.get_current_context().meta["quiet"]:
        for st in statements:
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
    _run_verify(
        build_dir,
        sources,
        None,
        not no_epubcheck,
        trust,
        click.get_current_context().meta["quiet"],
    )


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False))
@common_options
def inspect(source: str) -> None:
    """Print the document model of SOURCE as JSON.

    \b
    Example:
      statementpress inspect source/ca-china-fm-2020-07-16.md | less
    """
    import json

    from statementpress.model import to_dict
    from statementpress.reader import load

    click.echo(json.dumps(to_dict(load(source)), ensure_ascii=False, indent=2))


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
