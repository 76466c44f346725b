"""A layout's templates cannot make a reader's browser or e-reader fetch anything.

The HTML page and the EPUB's content document are opened by the reader's own software,
which fetches whatever they name: a stylesheet, script, image, frame or object from a
server, a refresh to another address, a `url()` or `@import` in CSS. Each such reference a
layout writes stops the build (exit 1, one located line, the output folder untouched);
hyperlinks and `data:` URLs stay allowed, and so do the built-in layouts (the rest of the
suite builds them).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, ROOT, SOURCE, snapshot
from statementpress import remote
from statementpress.cli import cli

ENGLISH = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"
# What a refused reference's message says, besides the URL.
LOADS = "from the network when the page is opened"
FIX = "a layout may only use files of its own folder"
PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"


def page(head: str = "", body: str = "") -> str:
    """A page template that extends the official one with `head` and `body` (after the
    title block) added; XHTML, so that the EPUB's content document stays well-formed."""
    return (
        '{% extends "official/statement.html.j2" %}\n'
        "{% block head %}{{ super() }}" + head + "{% endblock %}\n"
        "{% block title %}{{ super() }}" + body + "{% endblock %}\n"
    )


def stylesheet(extra: str, name: str = "screen.css.j2") -> str:
    """A stylesheet template: the official one, then `extra`."""
    return f'{{% include "official/{name}" %}}\n{extra}\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with one source, a `layouts/x` folder and an output folder that already
    holds a file; `build(files, *formats)` writes layout x's templates and builds with it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "source.md").write_text(MINIMAL, encoding="utf-8")
    folder = tmp_path / "layouts" / "x"
    folder.mkdir(parents=True)
    (folder / "layout.toml").write_text('inherit = "official"\n', encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "kept.txt").write_text("an earlier file\n", encoding="utf-8")

    def build(files: dict[str, str], *formats: str, sources: tuple[str, ...] = ("source.md",)):
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        args = ["build", *sources, "--layout", "x", "--out", "out", "--jobs", "1"]
        for fmt in formats:
            args += ["--format", fmt]
        return CliRunner().invoke(cli, args, catch_exceptions=False)

    build.folder = folder  # type: ignore[attr-defined]
    return build


def refused(project, files: dict[str, str], *parts: str, formats=("html", "epub"), **kw) -> str:
    """Build with the layout's `files`: exit 1, one error line holding `parts`, and the
    output folder as it was."""
    before = snapshot(project.folder.parent.parent / "out")
    result = project(files, *formats, **kw)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert len(lines) == 1, lines
    for part in parts:
        assert part in lines[0], lines[0]
    assert snapshot(project.folder.parent.parent / "out") == before
    return lines[0]


HOSTILE = {
    "link-stylesheet": (
        {
            "statement.html.j2": page(
                head='<link rel="stylesheet" href="https://cdn.example/a.css"/>'
            )
        },
        "<link href>",
        "https://cdn.example/a.css",
    ),
    "script-src": (
        {"statement.html.j2": page(head='<script src="//cdn.example/t.js"></script>')},
        "<script src>",
        "//cdn.example/t.js",
    ),
    "img": (
        {"statement.html.j2": page(body='<img src="http://pixel.example/p.gif" alt=""/>')},
        "<img src>",
        "http://pixel.example/p.gif",
    ),
    "iframe": (
        {"statement.html.j2": page(body='<iframe src="https://frame.example/"></iframe>')},
        "<iframe src>",
        "https://frame.example/",
    ),
    "object-data": (
        {"statement.html.j2": page(body='<object data="https://obj.example/o.svg"></object>')},
        "<object data>",
        "https://obj.example/o.svg",
    ),
    "source-srcset": (
        {
            "statement.html.j2": page(
                body=f'<picture><source srcset="{PIXEL} 1x, https://img.example/b.png 2x"/>'
                '<img src="" alt=""/></picture>'
            )
        },
        "<source srcset>",
        "https://img.example/b.png",
    ),
    "meta-refresh": (
        {
            "statement.html.j2": page(
                head='<meta http-equiv="refresh" content="5; url=https://away.example/"/>'
            )
        },
        '<meta http-equiv="refresh">',
        "https://away.example/",
    ),
    "style-attribute": (
        {
            "statement.html.j2": page(
                body='<div style="background:url(https://bg.example/b.png)"></div>'
            )
        },
        "the style attribute of <div>",
        "https://bg.example/b.png",
    ),
    "style-import": (
        {"statement.html.j2": page(head='<style>@import url("//css.example/i.css");</style>')},
        "@import in <style>",
        "//css.example/i.css",
    ),
    "style-import-string": (
        {"statement.html.j2": page(head="<style>@import 'https://css.example/s.css';</style>")},
        "@import in <style>",
        "https://css.example/s.css",
    ),
    "style-url": (
        {
            "statement.html.j2": page(
                head="<style>h1 { background: url(https://u.example/x) }</style>"
            )
        },
        "url() in <style>",
        "https://u.example/x",
    ),
    "svg-image": (
        {
            "statement.html.j2": page(
                body='<svg xmlns="http://www.w3.org/2000/svg" '
                'xmlns:xlink="http://www.w3.org/1999/xlink">'
                '<image xlink:href="https://svg.example/i.png"/></svg>'
            )
        },
        "<image href>",
        "https://svg.example/i.png",
    ),
    "svg-use": (
        {
            "statement.html.j2": page(
                body='<svg xmlns="http://www.w3.org/2000/svg"><use href="//svg.example/s#a"/></svg>'
            )
        },
        "<use href>",
        "//svg.example/s#a",
    ),
    "video-poster": (
        {"statement.html.j2": page(body='<video poster="https://v.example/p.jpg"></video>')},
        "<video poster>",
        "https://v.example/p.jpg",
    ),
    "base": (
        {"statement.html.j2": page(head='<base href="https://base.example/"/>')},
        "<base href>",
        "https://base.example/",
    ),
    "page-stylesheet": (
        {"screen.css.j2": stylesheet("body { background: url(https://screen.example/b.png); }")},
        "url() in <style>",
        "https://screen.example/b.png",
    ),
    "css-escapes": (
        {"screen.css.j2": stylesheet(r"body { background: \75 rl(h\74tps://esc.example/e); }")},
        "url() in <style>",
        "https://esc.example/e",
    ),
    "data-css-import": (
        {
            "statement.html.j2": page(
                head='<link rel="stylesheet" '
                'href="data:text/css,@import%20url(https://inner.example/c.css);"/>'
            )
        },
        "<link href> (in its data: URL)",
        "https://inner.example/c.css",
    ),
}


@pytest.mark.parametrize("files, what, url", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_layout_that_makes_the_page_fetch_is_refused(project, files, what, url):
    line = refused(project, files, what, repr(url), LOADS, FIX, "layout 'x'")
    name = next(iter(files))
    if "\\" in files[name]:
        # Written with CSS escapes, the URL is nowhere as it is: the layout is named.
        assert line.startswith(str(project.folder / "layout.toml") + ": error:"), line
    else:
        # Located at the line of the layout's file that writes it.
        assert line.startswith(str(project.folder / name) + ":"), line
        assert f"template {name!r}" in line


def test_every_format_is_refused_before_anything_is_written(project):
    """A full build (the PDF too) stops at the checks."""
    files = {"statement.html.j2": page(body='<img src="https://p.example/x.png" alt=""/>')}
    refused(project, files, "'https://p.example/x.png'", LOADS, formats=())


def test_the_epub_stylesheet_is_checked(project):
    files = {"epub.css.j2": stylesheet("@import url(https://epub.example/e.css);", "epub.css.j2")}
    line = refused(project, files, "@import in the stylesheet", "'https://epub.example/e.css'")
    assert line.startswith(str(project.folder / "epub.css.j2") + ":")


def test_what_only_the_epub_writes_is_checked(project):
    body = '{% if mode == "epub" %}<img src="https://e.example/i.png" alt=""/>{% endif %}'
    refused(project, {"statement.html.j2": page(body=body)}, "'https://e.example/i.png'", LOADS)


def test_a_url_made_by_the_template_is_refused_at_the_layout(project):
    """A URL the template puts together is written nowhere as it is: the message names
    the edition's templates, at the layout's own layout.toml."""
    body = '<img src="{{ "ht" ~ "tps://made.example/m.png" }}" alt=""/>'
    line = refused(
        project,
        {"statement.html.j2": page(body=body)},
        "'https://made.example/m.png'",
        formats=("html",),
    )
    assert line.startswith(str(project.folder / "layout.toml") + ": error: layout 'x', the ")
    assert "the HTML edition's templates (statement.html.j2, screen.css.j2)" in line


def test_a_url_in_a_font_loop_of_the_page_is_refused(project):
    """The check renders the stylesheet with @font-face sources, as the page is written."""
    css = "{% for f in faces %}@import url(https://loop.example/f.css);{% endfor %}"
    refused(project, {"screen.css.j2": stylesheet(css)}, "'https://loop.example/f.css'", "@import")


@pytest.mark.parametrize(
    "snippet, what",
    [
        ("<script>new Image().src = 'https://t.example/';</script>", "<script>"),
        ('<div onclick="fetch(1)">x</div>', "<div onclick>"),
        ('<a href="javascript:void(0)">x</a>', "<a href>"),
    ],
    ids=["inline-script", "handler", "javascript-link"],
)
def test_scripts_are_refused(project, snippet, what):
    refused(
        project,
        {"statement.html.j2": page(body=snippet)},
        what,
        "runs a script",
        "a layout's templates may not run scripts",
    )


def test_noscript_read_as_a_browser_with_scripts_reads_it(project):
    """With scripts on, `<noscript>` is text up to its end tag: the image after it is
    loaded, though a parser without scripts sees it inside a `<style>`."""
    head = "<noscript><style></noscript><img src='https://ns.example/n.png'></style>"
    refused(
        project,
        {"statement.html.j2": page(head=head)},
        "'https://ns.example/n.png'",
        formats=("html",),
    )


def test_iframe_srcdoc_is_read(project):
    body = '<iframe srcdoc="&lt;img src=&quot;https://doc.example/d.png&quot;&gt;"></iframe>'
    refused(project, {"statement.html.j2": page(body=body)}, "'https://doc.example/d.png'")


def test_a_url_from_layout_toml_is_located_there(project):
    (project.folder / "layout.toml").write_text(
        'inherit = "official"\n[custom]\nlogo = "https://toml.example/logo.png"\n',
        encoding="utf-8",
    )
    body = '<img src="{{ L.custom.logo }}" alt=""/>'
    line = refused(project, {"statement.html.j2": page(body=body)}, "its layout.toml")
    assert line.startswith(str(project.folder / "layout.toml") + ":3:"), line


def test_the_parallel_page_is_checked(project):
    template = (
        '{% extends "official/parallel.html.j2" %}\n'
        "{% block head %}{{ super() }}"
        '<link rel="stylesheet" href="https://par.example/p.css"/>{% endblock %}\n'
    )
    line = refused(
        project,
        {"parallel.html.j2": template},
        "'https://par.example/p.css'",
        LOADS,
        formats=("parallel-html",),
        sources=(str(SOURCE), str(ENGLISH)),
    )
    assert "template 'parallel.html.j2'" in line


def test_links_and_data_urls_are_allowed(project):
    body = (
        '<p><a href="https://www.example.org/statement">source</a> '
        '<a href="mailto:press@example.org">mail</a></p>'
        f'<img src="{PIXEL}" alt=""/>'
        f'<div style="background: url({PIXEL})"></div>'
        '<img src="seal.png" alt=""/>'
    )
    head = (
        f'<style>@namespace svg url(http://www.w3.org/2000/svg); h1 {{ background: url("{PIXEL}") }}</style>'
        '<meta name="source" content="https://www.example.org/"/>'
    )
    result = project({"statement.html.j2": page(head=head, body=body)}, "html", "epub")
    assert result.exit_code == 0, result.output
    written = project.folder.parent.parent / "out" / "test-statement"
    assert {p.suffix for p in written.iterdir()} >= {".html", ".epub"}
    assert "https://www.example.org/statement" in (written / "test-statement.ru.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    "url, loaded",
    [
        ("https://x.example/", True),
        ("HTTP://x.example/", True),
        ("//x.example/", True),
        (" \t//x.example/", True),
        ("\\\\x.example/", True),
        ("/\\x.example/", True),
        ("ht\ntps://x.example/", True),
        ("file:///etc/passwd", True),
        ("data:image/png;base64,AAAA", False),
        ("images/x.png", False),
        ("#top", False),
        ("/x.png", False),
    ],
)
def test_which_urls_leave_the_edition(url, loaded):
    found = remote.references(f"<img src='{url}'>")
    assert [r.url for r in found] == ([url] if loaded else [])


def test_srcset_candidates_are_each_read():
    found = remote.references(
        "<img srcset='a.png 1x,https://x.example/b.png 2x, data:image/png;base64,A,B 3x, //y/c.png'>"
    )
    assert [r.url for r in found] == ["https://x.example/b.png", "//y/c.png"]


def test_an_xml_base_elsewhere_is_read():
    xhtml = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body xml:base="https://b.example/">'
        '<img src="a.png"/></body></html>'
    )
    assert [r.url for r in remote.references(xhtml, xml=True)] == ["https://b.example/"]


def test_xhtml_entities_and_stylesheet_instructions_are_read():
    xhtml = (
        '<?xml version="1.0"?>\n<?xml-stylesheet href="https://pi.example/s.css"?>\n'
        '<!DOCTYPE html [<!ENTITY u "https://ent.example/u.png">]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><img src="&u;"/></body></html>'
    )
    found = remote.references(xhtml, xml=True)
    assert [r.url for r in found] == ["https://pi.example/s.css", "https://ent.example/u.png"]


@pytest.mark.parametrize("marker", [";base64", ";BASE64", "; base64", ";Base64 "])
def test_a_base64_data_stylesheet_is_read_however_its_marker_is_written(marker):
    import base64

    css = base64.b64encode(b"@import 'https://evil.example/x.css';").decode("ascii")
    found = remote.references(f"<link rel=stylesheet href='data:Text/CSS{marker},{css}'>")
    assert [r.url for r in found] == ["https://evil.example/x.css"]
