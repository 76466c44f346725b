"""The command line's shared options, their callbacks and the verify report (cli.py uses them).

Kept apart from the commands so that each file stays short; like cli.py, it imports library
modules only inside functions, so `statementpress --help` stays fast.
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from statementpress.writers import GROUP_WRITERS, PARALLEL, WRITERS

FORMAT_NAMES = (*WRITERS, *GROUP_WRITERS, PARALLEL, "all")


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


def check_layout(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--layout must be a layout name; whether it exists is known once --layout-dir is parsed."""
    if value is None:
        return None
    from statementpress import layout

    if not layout.is_name(value):
        raise click.BadParameter(
            f"invalid layout name {value!r}: use the name of a layout folder", ctx=ctx, param=param
        )
    return value


def require_layout(name: str | None, dirs: tuple[Path, ...]) -> None:
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


def jobs_option(func):
    """--jobs N on the commands that build."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        metavar="N",
        help="Processes that write editions at once: this one and N-1 workers "
        "(default: the number of cores).",
    )(func)


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


def run_verify(
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


def _source_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """--max-source-size: bytes, or with a binary unit (512K, 2M)."""
    if value is None:
        return None
    from statementpress.limits import parse_size

    size = parse_size(value)
    if size is None:
        raise click.BadParameter(
            f"{value!r} is not a size; give bytes or a size such as 512K or 2M",
            ctx=ctx,
            param=param,
        )
    return size


def max_size_option(func):
    """--max-source-size SIZE on the commands that read sources."""
    return click.option(
        "--max-source-size",
        "max_source_size",
        callback=_source_size,
        metavar="SIZE",
        help="Largest source file read, in bytes or as 512K, 2M (default 1M, or "
        "$STATEMENTPRESS_MAX_SOURCE_SIZE).",
    )(func)


def parse_shard_option(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    from statementpress.delivery.shard import parse_shard

    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def edition_options(format_help: str, layout_help: str, out_help: str, files_only: bool = False):
    """SOURCES, -f/--format, -l/--layout and -o/--out, as `build`, `serve` and `check` take
    them (each command says in its own words what they mean for it)."""

    def decorate(func):
        for option in reversed(
            (
                click.argument("sources", nargs=-1, type=click.Path(dir_okay=not files_only)),
                click.option(
                    "-f",
                    "--format",
                    "formats",
                    multiple=True,
                    type=click.Choice(FORMAT_NAMES),
                    help=format_help,
                ),
                click.option("-l", "--layout", callback=check_layout, help=layout_help),
                click.option(
                    "-o",
                    "--out",
                    type=click.Path(file_okay=False, path_type=Path),
                    default=Path("build"),
                    show_default=True,
                    help=out_help,
                ),
            )
        ):
            func = option(func)
        return func

    return decorate
