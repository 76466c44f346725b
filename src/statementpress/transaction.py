"""A build as a transaction: every file is written into a staging folder inside the output
folder and moved into place only when all of them were written.

    with Transaction(Path("build")) as tx:
        writer.write(statement, layout, tx.path_for("id/id.ru.pdf"))
        ...                       # any step may add files with tx.path_for(relpath)
        written = tx.commit()     # every file renamed over its destination

Until `commit`, nothing in the output folder changes but the transaction's own entries
(`.lock`, `.staging-<pid>-<hex>/`), which are removed again whatever happens: an exception,
SIGINT, SIGTERM or SIGHUP (each raises `Interrupted` while the transaction is open) leaves
the folder as it was. A build killed outright (SIGKILL, a crash) leaves its staging folder;
the next build into the folder removes it. Two builds into one folder are serialised by an
advisory lock (`flock`) on `.lock`: the second one is refused at once, naming the first.

The commit renames one file after the other (each rename is atomic: a file is always either
the old or the new edition, never part of one), with the signals blocked; if a rename
fails, the ones done are undone from hard links of the old files kept in the staging
folder. Only a SIGKILL or a power cut in the middle of those renames (microseconds for a
few files) can leave some editions new and others old; each is still complete.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import Any

from statementpress.errors import BuildError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, builds are not serialised
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".lock"
STAGING_PREFIX = ".staging-"
# A staging folder's name: the build's pid and a random part, so two never collide.
STAGING_RE = re.compile(r"\.staging-(\d+)-([0-9a-f]+)")
# What builds made before there were transactions left when killed while writing an edition.
PARTIAL_RE = re.compile(r"\..+\.\d+\.partial")
# Signals that stop a build cleanly: Ctrl-C, `kill`, a closed terminal.
SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(KeyboardInterrupt):
    """A signal stopped the build; raised where the program was when it arrived.

    A KeyboardInterrupt, so that no `except Exception` of a library swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name, such as "SIGTERM"."""
        return signal.Signals(self.signum).name


class Busy(BuildError):
    """Another build holds the output folder's lock."""


class Transaction:
    """The files of one build, staged in `out` and committed together (see the module)."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.staging: Path | None = None  # the staging folder, once entered
        self.committed = False
        self._lock: int | None = None
        self._created: list[Path] = []  # folders of `out`'s path this transaction made
        self._handlers: dict[int, Any] = {}
        self._staged: list[PurePosixPath] = []

    # -- the staging side ------------------------------------------------------------------

    @property
    def new(self) -> Path:
        """The folder where the files of the build are staged, laid out as in `out`."""
        if self.staging is None:
            raise RuntimeError("the transaction is not open")
        return self.staging / "new"

    def path_for(self, relpath: str | PurePosixPath) -> Path:
        """Where to write the file that the commit puts at `out/relpath` ("/"-separated,
        relative); its folders are created in the staging folder."""
        rel = PurePosixPath(relpath)
        if rel.is_absolute() or not rel.parts or ".." in rel.parts or rel.parts[0] in ("", "."):
            raise ValueError(f"not a relative path inside the output folder: {relpath!r}")
        if rel not in self._staged:
            self._staged.append(rel)
        path = self.new.joinpath(*rel.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def final(self, relpath: str | PurePosixPath) -> Path:
        """Where the file staged as `relpath` will be once committed."""
        return self.out.joinpath(*PurePosixPath(relpath).parts)

    def staged(self) -> list[PurePosixPath]:
        """The relative paths staged so far, in the order they were first asked for."""
        return list(self._staged)

    # -- opening ---------------------------------------------------------------------------

    def __enter__(self) -> Transaction:
        self._install_handlers()
        try:
            self._make_out()
            self._take_lock()
            self._remove_stale()
            self.staging = self.out / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
            self.staging.mkdir()
            self.new.mkdir()
        except OSError as exc:
            self._close()
            raise BuildError(f"cannot write {self.out}/: {exc.strerror or exc}") from None
        except BaseException:
            self._close()
            raise
        return self

    def _make_out(self) -> None:
        """Create the output folder (and its missing parents), remembering which were made so
        that a failed build removes them again."""
        missing = []
        folder = self.out
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                continue  # made by another build meanwhile: not ours to remove
            except OSError as exc:
                raise BuildError(f"cannot create {path}/: {exc.strerror or exc}") from None
            self._created.append(path)

    def _take_lock(self) -> None:
        """Hold an exclusive lock on `out/.lock`, or raise Busy naming the build holding it.

        The lock file is removed when the transaction closes; a build that opened it just
        before that finds it replaced (another inode) and opens the new one.
        """
        if fcntl is None:  # pragma: no cover
            return
        path = self.out / LOCK_NAME
        for _ in range(100):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
            except FileNotFoundError:
                self._make_out()  # the folder was removed by a build that failed meanwhile
                continue
            except OSError as exc:
                raise BuildError(f"cannot write {self.out}/: {exc.strerror or exc}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _read_pid(fd)
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise BuildError(f"cannot lock {path}: {exc.strerror or exc}") from None
                raise Busy(
                    f"another build is writing {self.out}/ (pid {holder or 'unknown'}); "
                    "wait for it to finish or build into another folder with --out"
                ) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._lock = fd
                return
            os.close(fd)
        raise BuildError(f"cannot lock {path}: it keeps being replaced")  # pragma: no cover

    def _remove_stale(self) -> None:
        """Remove the staging folders of builds that were killed: with the lock held, no
        live build has one here. Also the `.<edition>.<pid>.partial` files that builds
        before transactions left beside an edition when killed."""
        for entry in self.out.iterdir():
            if entry.is_symlink():
                continue
            if STAGING_RE.fullmatch(entry.name) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_dir():
                for old in entry.iterdir():
                    if PARTIAL_RE.fullmatch(old.name) and old.is_file():
                        old.unlink(missing_ok=True)

    # -- committing ------------------------------------------------------------------------

    def commit(self) -> list[Path]:
        """Move every staged file into place; return their final paths, in staging order.

        Everything that could refuse is checked first (a folder where a file should go, a
        file where a folder should be); then, with the signals blocked, folders are created
        and each file renamed over its destination. A failing rename undoes the earlier
        ones. The transaction is then closed: staging and lock removed, handlers restored.
        """
        if self.committed:
            raise RuntimeError("the transaction is already committed")
        plan = [(rel, self.new.joinpath(*rel.parts), self.final(rel)) for rel in self._staged]
        plan = [(rel, src, dest) for rel, src, dest in plan if src.is_file()]
        for rel, _src, dest in plan:
            _check_destination(self.out, rel, dest)
        try:
            old = self._keep_old(plan)
        except OSError as exc:
            raise BuildError(
                f"cannot keep a copy of the old editions in {self.staging}: "
                f"{exc.strerror or exc}; {self.out}/ is unchanged"
            ) from None
        with _signals_blocked():
            done: list[tuple[Path, Path | None]] = []
            made: list[Path] = []
            try:
                for rel, src, dest in plan:
                    made.extend(_make_folders(self.out, rel))
                    os.replace(src, dest)
                    done.append((dest, old.get(rel)))
            except BaseException as exc:
                _undo(done, made)
                if isinstance(exc, OSError):
                    raise BuildError(
                        f"cannot write {dest}: {exc.strerror or exc}; {self.out}/ is unchanged"
                    ) from None
                raise
            self.committed = True
            self._created.clear()  # the output folder is now the build's result: keep it
            self._close()
        return [dest for _rel, _src, dest in plan]

    def _keep_old(self, plan: list[tuple[PurePosixPath, Path, Path]]) -> dict[Any, Path]:
        """Hard links (copies where links are not possible) of the files the commit replaces,
        in the staging folder, to put back should a rename fail."""
        assert self.staging is not None
        kept: dict[Any, Path] = {}
        for rel, _src, dest in plan:
            if not dest.is_file() or dest.is_symlink():
                continue
            backup = self.staging.joinpath("old", *rel.parts)
            backup.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(dest, backup)
            except OSError:
                shutil.copy2(dest, backup)
            kept[rel] = backup
        return kept

    # -- closing ---------------------------------------------------------------------------

    def __exit__(self, *exc_info: object) -> None:
        if not self.committed:
            with _signals_blocked():
                self._close()

    def _close(self) -> None:
        """Remove the staging folder, the lock file and the folders this build created (if
        it did not commit), and restore the signal handlers. Safe to call twice."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                # Unlinked while still held, so a waiting build sees a new file (see _take_lock).
                (self.out / LOCK_NAME).unlink()
            os.close(self._lock)
            self._lock = None
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty: never what another build put there
        self._created.clear()
        self._restore_handlers()

    # -- signals ---------------------------------------------------------------------------

    def _install_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; it is the one signals stop

        def stop(signum: int, frame: FrameType | None) -> None:
            raise Interrupted(signum)

        for signum in SIGNALS:
            self._handlers[signum] = signal.signal(signum, stop)

    def _restore_handlers(self) -> None:
        for signum, handler in self._handlers.items():
            signal.signal(signum, handler)
        self._handlers.clear()


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


def _check_destination(out: Path, rel: PurePosixPath, dest: Path) -> None:
    """BuildError if `dest` cannot be replaced by a file: a folder stands there, or a file
    stands where one of its folders should be."""
    folder = out
    for part in rel.parts[:-1]:
        folder = folder / part
        if folder.exists() and not folder.is_dir():
            raise BuildError(
                f"{folder} is a file where the folder of {dest.name} should be; move it away "
                f"(nothing was written, {out}/ is unchanged)"
            )
    if dest.is_dir():
        raise BuildError(
            f"{dest} is a folder where an edition should be written; move it away "
            f"(nothing was written, {out}/ is unchanged)"
        )


def _make_folders(out: Path, rel: PurePosixPath) -> list[Path]:
    """Create the missing folders of `out/rel`'s parent; return those made, outermost first."""
    made = []
    folder = out
    for part in rel.parts[:-1]:
        folder = folder / part
        if not folder.is_dir():
            folder.mkdir()
            made.append(folder)
    return made


def _undo(done: list[tuple[Path, Path | None]], made: list[Path]) -> None:
    """Put back the old file of every destination replaced (or remove the new one where
    there was none), then remove the folders made, innermost first."""
    for dest, backup in reversed(done):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, dest)
            else:
                dest.unlink()
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back while the block runs (they are delivered after):
    a commit or a clean-up is never cut in the middle."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
