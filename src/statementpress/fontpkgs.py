"""Font packages: the installed distributions a layout may take font files from.

A layout's `[fonts.*] package` names a font package by its import name. statementpress never
imports it (importing runs the package's code): the name must be declared by an installed
distribution, and the files are found through that distribution's metadata
(`importlib.metadata`) in the folder it installed. A package declares itself with an entry
point in the group `statementpress.fonts` (or in `fontpkg.family`, the group the `fontpkg-*`
packages already use), whose value is the import name of the folder holding the files:

    [project.entry-points."statementpress.fonts"]
    my_serif = "my_serif_fonts"

Packages that declare nothing but are known to hold only fonts are listed in `KNOWN`.
Every file a layout asks for must be one the distribution installed, inside that folder
once symlinks are resolved (`file`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

# Entry-point groups in which a distribution declares a folder of font files.
ENTRY_POINT_GROUPS = ("statementpress.fonts", "fontpkg.family")
# Font packages that declare no entry point, by import name: their distribution's name.
KNOWN = {"pylopdf_fonts_zh_cn": "pylopdf-fonts-zh-cn"}


class FontPackageError(Exception):
    """A font package cannot be used; the message says why (the caller names the layout)."""


@dataclass(frozen=True)
class FontPackage:
    """A declared font package: its import name, its distribution and its folder."""

    name: str
    distribution: str
    root: Path  # the folder, symlinks resolved
    installed: frozenset[Path] | None  # every file the distribution installed there, resolved

    def file(self, relative: str) -> Path:
        """The resolved path of a file of the package; FontPackageError if it is not a file
        the distribution installed inside its folder (a symlink out of it included)."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise FontPackageError(f"{relative!r} leaves the folder of package {self.name!r}")
        if not path.is_file():
            raise FontPackageError(f"{relative!r} is not in package {self.name!r}")
        if self.installed is not None and path not in self.installed:
            raise FontPackageError(
                f"{relative!r} is not a file that the distribution {self.distribution!r} "
                f"installed in package {self.name!r}"
            )
        return path


@functools.lru_cache(maxsize=1)
def declared() -> dict[str, str]:
    """Every declared font package: import name -> distribution name (entry points of the
    installed distributions, then `KNOWN`)."""
    found: dict[str, str] = {}
    for group in ENTRY_POINT_GROUPS:
        for entry in metadata.entry_points(group=group):
            module = entry.value.split(":", 1)[0].strip()
            if entry.dist is not None and module:
                found.setdefault(module, entry.dist.name)
    for name, distribution in KNOWN.items():
        found.setdefault(name, distribution)
    return found


@functools.lru_cache(maxsize=16)
def find(name: str) -> FontPackage:
    """The declared font package with import name `name`; FontPackageError if no installed
    distribution declares it, or if the one that does is not installed."""
    distribution = declared().get(name)
    if distribution is None:
        groups = " or ".join(repr(g) for g in ENTRY_POINT_GROUPS)
        raise FontPackageError(
            f"{name!r} is not a font package: fonts come only from installed packages that "
            f"declare themselves (an entry point in the group {groups}) or from the known "
            f"ones ({', '.join(sorted(KNOWN))}); nothing else is imported or read"
        )
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        raise FontPackageError(
            f"font package {name!r} is not installed; add {distribution!r} to the project's "
            "dependencies (pip install it)"
        ) from None
    folder = PurePosixPath(*name.split("."))
    root = Path(str(dist.locate_file(str(folder)))).resolve()
    if not root.is_dir():
        raise FontPackageError(
            f"the distribution {distribution!r} has no folder {str(folder)!r} for {name!r}"
        )
    installed = None
    if dist.files is not None:
        installed = frozenset(
            Path(str(dist.locate_file(f))).resolve()
            for f in dist.files
            if PurePosixPath(str(f)).parts[: len(folder.parts)] == folder.parts
        )
    return FontPackage(name, distribution, root, installed)
