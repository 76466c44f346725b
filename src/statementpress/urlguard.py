"""The URL fetcher WeasyPrint gets: it serves the files statementpress gives it and nothing else.

A layout is data, but its templates and stylesheets could still name a URL (`<link href>`,
`<img src>`, `url(…)`, `@import`). The PDF writer hands WeasyPrint a `GuardedFetcher` that
serves only the font files of the layout's face (resolved through the font package
registry) and the `data:` URLs the writer itself made; every other URL (`http:`, `https:`,
`file:` anywhere else, any other `data:`) stops the rendering with `Refused`, which the
writer turns into a layout error. Nothing is fetched, not even a refused URL's host looked
up. Relative URLs are resolved against `BASE_URL`, which no fetch can reach.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

# The base URL of the page: a relative URL in a template becomes a URL under this name,
# which is refused like any other (`.invalid` names resolve nowhere, RFC 2606).
BASE_URL = "https://statementpress.invalid/"


def _fetcher_base() -> type:
    from weasyprint.urls import URLFetcher

    return URLFetcher


def _refused_base() -> type:
    from weasyprint.urls import FatalURLFetchingError

    return FatalURLFetchingError


def shown_url(url: str) -> str:
    """A URL as messages show it: relative to BASE_URL when it was written relative."""
    return url[len(BASE_URL) :] if url.startswith(BASE_URL) else url


def refused_error(url: str) -> BaseException:
    """The exception that stops WeasyPrint at a refused URL (a FatalURLFetchingError,
    which WeasyPrint does not catch); its `url` is the URL asked for."""
    error = _refused_base()(f"refused to fetch {shown_url(url)}")
    error.url = url
    return error


def data_media_type(url: str) -> str:
    """The media type of a `data:` URL as a browser reads it: lower case, "text/plain" if
    none is given."""
    header = url[len("data:") :].partition(",")[0]
    return header.split(";", 1)[0].strip().lower() or "text/plain"


def decode_data(url: str) -> tuple[str, bytes]:
    """The media type (`data_media_type`) and bytes of a `data:` URL; base64 however a
    browser accepts the marker (`;base64`, `;BASE64`, `; base64`)."""
    header, _, payload = url[len("data:") :].partition(",")
    raw = unquote_to_bytes(payload)
    if header.rpartition(";")[2].strip().lower() == "base64":
        raw = base64.b64decode(raw)
    return data_media_type(url), raw


def guarded_fetcher(files: Iterable[Path], data_urls: Iterable[str]):
    """A WeasyPrint URL fetcher serving exactly `files` (as `file:` URLs, compared once
    symlinks are resolved) and `data_urls`; `fetcher.refused` lists what it refused."""
    from weasyprint.urls import URLFetcherResponse, iri_to_uri

    base = _fetcher_base()

    class GuardedFetcher(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__(fail_on_errors=True)
            self.files = {Path(f).resolve() for f in files}
            self.data_urls = {u for url in data_urls for u in (url, iri_to_uri(url))}
            self.refused: list[str] = []

        def fetch(self, url: str, headers=None):  # noqa: D102 - WeasyPrint API
            if url in self.data_urls:
                media_type, body = decode_data(url)
                return URLFetcherResponse(url, body, {"Content-Type": media_type})
            if url.lower().startswith("file:"):
                parts = urlsplit(url)
                if parts.netloc in ("", "localhost") and not parts.query:
                    path = Path(url2pathname(parts.path)).resolve()
                    if path in self.files:
                        return URLFetcherResponse(url, path.read_bytes())
            self.refused.append(url)
            raise refused_error(url)

    return GuardedFetcher()
