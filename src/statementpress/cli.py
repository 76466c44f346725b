"""Command line: click commands that parse options and make one library call each.

Library modules are imported inside the commands, so `statementpress --help` stays fast.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from statementpress.writers import WRITERS

FORMAT_NAMES = (*WRITERS, "all")


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
    if value is None:
        return None
    from statementpress import layout

    names = layout.available()
    if value not in names:
        raise click.BadParameter(
            f"unknown layout {value!r}; valid layouts: {', '.join(names) or 'none'}",
            ctx=ctx,
            param=param,
        )
    return value


def _parse_shard(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    from statementpress.delivery.shard import parse_shard

    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


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
      statementpress new my-statement           start a new source from a skeleton
      statementpress serve                      preview build/ at http://127.0.0.1:8000/
    """


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMAT_NAMES),
    help="Edition to build; repeat for several. Default: all.",
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
@click.option(
    "--shard",
    metavar="K/N",
    callback=_parse_shard,
    help="Write only shard K of N: the statements with sha256(id) mod N = K-1 "
    "(every language of a statement in one shard).",
)
@common_options
def build(
    sources: tuple[str, ...], formats: tuple[str, ...], layout: str | None, out: Path, shard
) -> None:
    """Build editions of SOURCES (default: source/*.md).

    Every source is validated first; if any has a problem, nothing is written.
    Editions go to OUT/<id>/<id>.<lang>.<ext>, each written atomically; then
    OUT/manifest.json, OUT/SHA256SUMS and the download page OUT/index.html are
    rewritten from every edition in OUT.

    \b
    Examples:
      statementpress build
      statementpress build --format pdf --format epub
      statementpress build source/ca-china-fm-2020-07-16.md --layout booklet --out dist
      statementpress build --shard 2/4 --out shard-2
    """
    from statementpress.builder import build as run
    from statementpress.progress import BuildProgress

    progress = BuildProgress(quiet=click.get_current_context().meta["quiet"])
    try:
        run(
            sources,
            formats,
            layout=layout,
            out=out,
            on_written=progress.edition,
            shard=shard,
            on_plan=progress.plan,
        )
    except BaseException:
        progress.close()  # end the bar's line before the error is printed
        raise
    progress.close(out)


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
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMAT_NAMES),
    help="Edition to build; repeat for several. Default: all.",
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
    help="Output folder, served.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port."
)
@common_options
def serve(
    sources: tuple[str, ...],
    formats: tuple[str, ...],
    layout: str | None,
    out: Path,
    host: str,
    port: int,
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
    from statementpress.delivery.serve import Preview
    from statementpress.layout import search_path

    quiet = click.get_current_context().meta["quiet"]
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host}, reachable from other machines", err=True)
    watched = [Path(s).parent for s in sources] if sources else [Path("source")]
    watched += search_path()

    def build_once() -> None:
        from statementpress.builder import build as run

        run(sources, formats, layout=layout, out=out)

    def report(line: str) -> None:
        if not quiet:
            click.echo(line, err=True)

    try:
        preview = Preview(build_once, out, sorted(set(watched)), host, port, report)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    preview.run()


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "-l",
    "--layout",
    callback=_check_layout,
    help="Check against this layout instead of the one each source names.",
)
@common_options
def check(sources: tuple[str, ...], layout: str | None) -> None:
    """Validate SOURCES (default: source/*.md) without writing anything.

    Runs every check a build runs before writing (the source, its layout, the glyphs of the
    layout's face). Each problem is printed as 'path:line:col: error: message'; the exit
    code is 1 if there is any.

    \b
    Example:
      statementpress check source/ca-china-fm-2020-07-16.md
    """
    from statementpress.builder import prepare_all

    statements = [st for st, _ in prepare_all(sources, layout)]
    if not click.get_current_context().meta["quiet"]:
        for st in statements:
            click.echo(
                f"{st.source.path}: ok ({len(st.articles)} articles, "
                f"{len(st.signatories)} signatories, {len(st.notes)} notes)"
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


def main(argv: list[str] | None = None) -> None:
    """Run the command line (argv defaults to sys.argv[1:])."""
    cli.main(args=argv, prog_name="statementpress")
