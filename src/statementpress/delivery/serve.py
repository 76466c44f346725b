"""`statementpress serve`: build, serve the output folder for preview, rebuild on every change.

The server is the standard library's threading HTTP server with a handler of ours that
answers GET and HEAD only (405 for every other method) and serves nothing outside the output
folder: a request whose path has a `..` segment, an encoded slash or backslash, or that
resolves (symlinks followed) outside the folder gets 403; build records (dot-files) and
missing files get 404. The watcher is watchfiles (inotify and the like, no polling loop of
ours). When a rebuild fails, the folder keeps the last good build (a failed build writes
nothing) and every HTML page served carries the located error in a banner at its top until a
rebuild succeeds. Rebuilds run in a thread of their own, so the watcher keeps watching while
one runs: a change during a rebuild calls it off (`Rebuild.interrupt`), and the newest edit
is built next.
"""

from __future__ import annotations

import html
import logging
import mimetypes
import re
import socket
import threading
import time
from collections.abc import Callable, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger("statementpress")

ALLOWED = "GET, HEAD"
_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


class Forbidden(Exception):
    """The request names something outside the served folder."""


def content_type(path: Path) -> str:
    """The media type a file is served with: our editions' own types first."""
    from statementpress.writers import WRITERS

    suffix = path.suffix.lower()
    if suffix in _TYPES:
        return _TYPES[suffix]
    if path.name == "SHA256SUMS":
        return _TYPES[".txt"]
    by_extension = {f".{w.extension}": w.media_type for w in WRITERS.values()}
    return (
        by_extension.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def resolve(root: Path, target: str) -> Path | None:
    """The file of `root` a request target names, or None when there is none.

    Raises Forbidden for anything that would leave `root`: a `..` segment (plain or
    percent-encoded), a segment that decodes to contain a slash, a backslash or NUL, or a path
    that resolves outside `root` through a symlink.
    """
    if target.startswith(("http://", "https://")):
        target = urlsplit(target).path or "/"
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/"):
        raise Forbidden(target)
    segments = []
    for raw in path.split("/")[1:]:
        segment = unquote(raw, errors="strict")
        if segment in ("", "."):
            continue
        if segment == ".." or any(c in segment for c in "/\\\x00"):
            raise Forbidden(target)
        if segment.startswith("."):
            return None  # build records and temporary files are not published
        segments.append(segment)
    base = root.resolve()
    found = base.joinpath(*segments).resolve()
    if not found.is_relative_to(base):
        raise Forbidden(target)
    if found.is_dir():
        found = found / "index.html"
        if found.is_symlink() and not found.resolve().is_relative_to(base):
            raise Forbidden(target)
    return found if found.is_file() else None


def with_banner(page: bytes, error: str) -> bytes:
    """`page` with the build error shown in a banner at the top of its body."""
    banner = (
        '<div role="alert" lang="en" style="margin:0;padding:1rem;background:#fff4f2;color:#1b1b1b;'
        'border-bottom:3px solid #a4161a;font:16px/1.4 sans-serif">'
        "<strong>The last rebuild failed; this is the last good build.</strong>"
        '<pre style="white-space:pre-wrap;margin:.5rem 0 0;font:14px/1.4 monospace">'
        f"{html.escape(error)}</pre></div>"
    ).encode()
    match = _BODY.search(page)
    if match is None:
        return banner + page
    return page[: match.end()] + banner + page[match.end() :]


class Handler(BaseHTTPRequestHandler):
    """Serves the preview's folder; GET and HEAD only."""

    server_version = "statementpress"
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        """Send a file of the folder."""
        self._serve(body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        """Send a file's headers only."""
        self._serve(body=False)

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server looks up `do_<METHOD>` and answers 501 when it is missing; every method
        # but GET and HEAD (POST, PUT, DELETE, OPTIONS, made-up ones) is refused with 405.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        # The request's body is never read, so the connection cannot carry another request.
        self.close_connection = True
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"Only GET and HEAD are answered.\n", True)

    def _send(
        self, status: HTTPStatus, data: bytes, body: bool, kind: str = "text/plain; charset=utf-8"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", ALLOWED)
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _serve(self, body: bool) -> None:
        preview = self.server.preview
        try:
            path = resolve(preview.out, self.path)
        except Forbidden:
            self._send(HTTPStatus.FORBIDDEN, b"Forbidden: outside the served folder.\n", body)
            return
        except UnicodeDecodeError:
            self._send(HTTPStatus.BAD_REQUEST, b"Bad request: the path is not UTF-8.\n", body)
            return
        error = preview.error
        if path is None:
            if error and self.path.split("?", 1)[0] == "/":
                page = with_banner(b"<!DOCTYPE html><html lang=en><body></body></html>", error)
                self._send(HTTPStatus.OK, page, body, _TYPES[".html"])
            else:
                self._send(HTTPStatus.NOT_FOUND, b"Not found.\n", body)
            return
        try:
            data = path.read_bytes()
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, b"Not found.\n", body)
            return
        kind = content_type(path)
        if error and kind.startswith("text/html"):
            data = with_banner(data, error)
        self._send(HTTPStatus.OK, data, body, kind)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's API
        """Requests are logged at debug level (`-v`), not on every request by default."""
        log.debug("%s %s", self.address_string(), format % args)


class _HTTPServer(ThreadingHTTPServer):
    preview: Preview
    daemon_threads = True


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class Rebuild:
    """What `serve` runs on every change: an incremental build of `sources` into `out`.

    Its workers (`jobs - 1` of them) stay up from one rebuild to the next, so the PDF of an
    edited statement is rendered by a process that has imported the PDF engine already.
    After the first build, each rebuild writes the out-of-date pages first, listing their
    statements' editions as they are, so that the served page shows an edit at once; then
    every out-of-date edition, and the pages again with the new editions' sizes.
    """

    def __init__(
        self,
        sources: Sequence[str | Path],
        formats: Sequence[str],
        out: Path,
        layout: str | None = None,
        layout_dirs: Sequence[str | Path] = (),
        jobs: int = 1,
    ) -> None:
        from statementpress.jobs import Pool

        self.sources = list(sources)
        self.formats = list(formats)
        self.out = out
        self.layout = layout
        self.layout_dirs = list(layout_dirs)
        self.jobs = jobs
        self.pool = Pool(jobs - 1) if jobs > 1 else None
        self.built = False
        self.cancel = threading.Event()

    def __call__(self) -> None:
        """Rebuild what is out of date (raises what a build raises, and `jobs.Cancelled`
        when `interrupt` called it off)."""
        self.cancel.clear()
        if self.built:
            self._build(only_pages=True)
        self._build()
        self.built = True

    def interrupt(self) -> None:
        """Call off the rebuild under way (a newer edit is to be built): it stops between
        two tasks and changes nothing; a PDF a worker is rendering is left to finish."""
        self.cancel.set()

    def _build(self, only_pages: bool = False) -> None:
        from statementpress.builder import build

        build(
            self.sources,
            self.formats,
            layout=self.layout,
            out=self.out,
            layout_dirs=self.layout_dirs,
            jobs=self.jobs,
            pool=self.pool,
            only_pages=only_pages,
            cancel=self.cancel,
        )

    def close(self) -> None:
        """Stop the workers."""
        if self.pool is not None:
            self.pool.kill()


class Preview:
    """A build folder served over HTTP and rebuilt when its sources or layouts change.

    `build` is called with no arguments to (re)build; it raises on failure (any
    StatementpressError is shown on the pages, its message already located).
    """

    def __init__(
        self,
        build: Callable[[], object],
        out: Path,
        watch: Sequence[Path],
        host: str = "127.0.0.1",
        port: int = 8000,
        report: Callable[[str], None] = log.info,
    ) -> None:
        self.build = build
        self.report = report
        self.out = Path(out)
        self.watch_paths = [Path(p) for p in watch]
        self.error: str | None = None
        self.builds = 0  # successful builds so far
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._changed = threading.Event()  # a change the build thread has still to build
        self._threads: list[threading.Thread] = []
        server_class = _HTTPServer6 if ":" in host else _HTTPServer
        # Bound here, so that a port in use fails at once, before the first build.
        self.httpd = server_class((host, port), Handler)
        self.httpd.preview = self
        self.host = host

    @property
    def url(self) -> str:
        """Where the folder is served."""
        port = self.httpd.server_address[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}/"

    def rebuild(self) -> bool:
        """Build once; on failure keep the last good build and remember the error."""
        from statementpress.errors import StatementpressError
        from statementpress.jobs import Cancelled

        with self._lock:
            started = time.monotonic()
            try:
                self.build()
            except Cancelled:
                return False  # a newer change is being built instead
            except StatementpressError as exc:
                self.error = exc.format_message()
                log.error("rebuild failed; serving the last good build:\n%s", self.error)
                return False
            except Exception as exc:  # a bug must not stop the preview; it is shown instead
                log.exception("rebuild failed")
                self.error = f"unexpected error: {exc!r}"
                return False
            self.error = None
            self.builds += 1
            self.report(f"built {self.out} in {time.monotonic() - started:.1f} s")
            return True

    def start(self) -> None:
        """Watch, build, then serve, in background threads.

        The first build starts once the watcher is in place, so that no change made after
        `start` returns, or during the first build, goes unseen.
        """
        self.out.mkdir(parents=True, exist_ok=True)
        watching = threading.Thread(target=self._watch, name="watch", daemon=True)
        serving = threading.Thread(target=self.httpd.serve_forever, name="serve", daemon=True)
        building = threading.Thread(target=self._rebuilds, name="build", daemon=True)
        self._threads = [serving, watching, building]
        watching.start()
        if not self._watching.wait(timeout=30):
            log.warning("the file watcher did not start; changes will not rebuild")
        self._changed.clear()  # the first build sees every change made so far
        self.rebuild()
        serving.start()
        building.start()

    def _rebuilds(self) -> None:
        """Rebuild after each change the watcher reports, until stopped. The watcher keeps
        watching meanwhile: a change during a rebuild calls it off (when the build can be
        interrupted) and starts another, so the newest edit is shown soonest."""
        while not self._stop.is_set():
            if self._changed.wait(timeout=0.5):
                self._changed.clear()
                self.rebuild()

    def _watch(self) -> None:
        import watchfiles

        out = str(self.out.resolve())

        class Filter(watchfiles.DefaultFilter):
            def __call__(self, change: watchfiles.Change, path: str) -> bool:
                inside_out = path == out or path.startswith(out + "/")
                return (
                    not inside_out
                    and not path.endswith(".partial")
                    and super().__call__(change, path)
                )

        paths = [str(p.resolve()) for p in self.watch_paths if p.exists()]
        if not paths:
            self._watching.set()
            return
        # With yield_on_timeout, the first (empty) answer comes once the OS watches are set:
        # that is when `start` may build.
        for changes in watchfiles.watch(
            *paths,
            watch_filter=Filter(),
            stop_event=self._stop,
            rust_timeout=300,
            yield_on_timeout=True,
            # Changes are reported 25 ms after the last one of a burst (a save), not 50.
            step=25,
        ):
            self._watching.set()
            if changes:
                self.report(f"changed: {', '.join(sorted({p for _, p in changes}))}")
                self._changed.set()
                interrupt = getattr(self.build, "interrupt", None)
                if interrupt is not None:
                    interrupt()

    def stop(self) -> None:
        """Stop serving, watching and building, and wait for the threads."""
        self._stop.set()
        interrupt = getattr(self.build, "interrupt", None)
        if interrupt is not None:
            interrupt()
        if self._threads and self._threads[0].is_alive():
            self.httpd.shutdown()  # waits for serve_forever, which must be running
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def run(self) -> None:
        """Serve until interrupted (Ctrl+C)."""
        self.start()
        self.report(f"serving {self.out} at {self.url} (Ctrl+C stops)")
        try:
            while not self._stop.wait(3600):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
