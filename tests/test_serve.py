"""`serve`: the folder only, GET and HEAD only, rebuilds on change, survives a broken source."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import MINIMAL
from statementpress.builder import build
from statementpress.delivery.serve import Forbidden, Preview, resolve, with_banner

SECRET = "secret = 'not for the web'\n"
POLL_SECONDS = 20


def request(port: int, target: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One raw request: the target goes out exactly as written, unnormalised."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wait_for(port: int, target: str, predicate) -> bytes:
    """Poll `target` until `predicate(body)` holds; bounded to POLL_SECONDS."""
    deadline = time.monotonic() + POLL_SECONDS
    body = b""
    while time.monotonic() < deadline:
        status, _, body = request(port, target)
        if status == 200 and predicate(body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"{target} did not change as expected; last body:\n{body[:2000]!r}")


@pytest.fixture
def site(tmp_path):
    """A project: a source in src/, editions in out/, a secret file and symlinks out of out/."""
    (tmp_path / "pyproject.toml").write_text(SECRET)
    src = tmp_path / "src"
    src.mkdir()
    path = src / "statement.md"
    path.write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "out"
    preview = Preview(
        lambda: build([path], ["html"], out=out),
        out,
        watch=[src],
        host="127.0.0.1",
        port=0,
        report=lambda line: None,
    )
    preview.start()
    (out / "link-out").symlink_to(tmp_path / "pyproject.toml")
    (out / "dir-out").symlink_to(tmp_path)
    try:
        yield preview, path
    finally:
        preview.stop()


PAGE = "/test-statement/test-statement.ru.html"


@pytest.mark.parametrize(
    "target",
    [
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/%2E%2E/pyproject.toml",
        "/a%2f..%2f..%2fpyproject.toml",
        "/..%2fpyproject.toml",
        "/..%5cpyproject.toml",
        "/test-statement/../../pyproject.toml",
        "/link-out",
        "/dir-out/pyproject.toml",
        "//../pyproject.toml",
        "http://127.0.0.1/../pyproject.toml",
        "/pyproject.toml%00.html",
    ],
)
def test_nothing_outside_the_folder_is_served(site, target):
    preview, _ = site
    port = preview.httpd.server_address[1]
    status, _, body = request(port, target)
    assert status in (403, 404)
    assert b"not for the web" not in body


def test_build_records_are_not_served(site):
    preview, _ = site
    port = preview.httpd.server_address[1]
    assert (preview.out / "test-statement" / ".test-statement.ru.json").is_file()
    assert request(port, "/test-statement/.test-statement.ru.json")[0] == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"])
def test_only_get_and_head_are_answered(site, method):
    preview, _ = site
    status, headers, _ = request(preview.httpd.server_address[1], "/", method)
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"


def test_get_and_head_serve_the_page_and_editions(site):
    preview, _ = site
    port = preview.httpd.server_address[1]
    status, headers, body = request(port, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (preview.out / "index.html").read_bytes()
    status, head, empty = request(port, "/", "HEAD")
    assert status == 200 and empty == b"" and head["Content-Length"] == str(len(body))
    status, headers, body = request(port, "/SHA256SUMS?x=1")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert request(port, "/no-such-file")[0] == 404


def test_edits_rebuild_and_a_broken_source_keeps_the_last_build(site):
    preview, path = site
    port = preview.httpd.server_address[1]
    text = MINIMAL.replace("министров", "глав правительств")
    path.write_text(text, encoding="utf-8")
    wait_for(port, PAGE, lambda body: "глав правительств".encode() in body)
    wait_for(port, "/", lambda body: "глав правительств".encode() in body)

    path.write_text(text.replace("kind:", "knid:"), encoding="utf-8")
    body = wait_for(port, PAGE, lambda body: b'role="alert"' in body)
    page = body.decode()
    assert f"{path}:4:1: error: unknown front matter key" in page
    assert "глав правительств" in page  # still the last good build
    assert b'role="alert"' in wait_for(port, "/", lambda body: b'role="alert"' in body)
    assert preview.error is not None

    path.write_text(text.replace("глав правительств", "министров юстиции"), encoding="utf-8")
    # Once the rebuild has finished, the page is new and the banner gone.
    wait_for(port, PAGE, lambda b: "министров юстиции".encode() in b and b'role="alert"' not in b)
    assert preview.error is None


def test_resolve_refuses_traversal_without_a_server(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.txt").write_text("x")
    assert resolve(tmp_path, "/a/f.txt") == (tmp_path / "a" / "f.txt").resolve()
    assert resolve(tmp_path, "/a/missing") is None
    for target in ("/../x", "/a/%2e%2e/%2e%2e/x", "/a%2Ff.txt", "relative"):
        with pytest.raises(Forbidden):
            resolve(tmp_path, target)


def test_banner_goes_inside_body_and_is_escaped():
    page = with_banner(b"<html><body class=x><p>text</p></body></html>", "a.md:1:1: error: <b>")
    assert page.startswith(b'<html><body class=x><div role="alert"')
    assert b"a.md:1:1: error: &lt;b&gt;" in page and page.endswith(b"<p>text</p></body></html>")


def test_serve_command_listens_on_loopback_and_stops_on_interrupt(tmp_path):
    (tmp_path / "pyproject.toml").write_text(SECRET)
    path = tmp_path / "statement.md"
    path.write_text(MINIMAL, encoding="utf-8")
    command = [sys.executable, "-m", "statementpress", "serve", str(path), "-f", "html"]
    proc = subprocess.Popen(
        [*command, "-o", str(tmp_path / "out"), "--port", "0"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            lines.append(line)
            match = re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/", line)
            if match or not line:
                break
        assert match, "".join(lines)
        port = int(match.group(1))
        assert request(port, "/")[0] == 200
        assert request(port, "/../pyproject.toml")[0] in (403, 404)
        assert request(port, "/%2e%2e/pyproject.toml")[0] in (403, 404)
        assert request(port, "/", "POST")[0] == 405
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
