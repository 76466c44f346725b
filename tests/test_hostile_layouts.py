"""Hostile layouts: a layout is data. Each class of attack gives one clear error line, exit 1,
nothing written, and nothing fetched (a loopback server counts requests; connecting a socket
fails the test)."""

from __future__ import annotations

import http.server
import re
import shutil
import socket
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL
from statementpress import fontpkgs, fonts, layout
from statementpress.cli import cli
from statementpress.errors import LayoutError

PT_SERIF = fontpkgs.find("fontpkg_pt_serif").file("files/PT_Serif-Web-Regular.ttf")


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to connect a network socket (other than the test's own loopback server's
    listening side) is recorded and refused; local (AF_UNIX) sockets are not the network."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family == socket.AF_UNIX:  # local IPC, not the network
            return real_connect(self, address)
        attempts.append(address)
        raise AssertionError(f"a connection was attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
    monkeypatch.setattr(socket.socket, "connect", real_connect)


@pytest.fixture
def loopback():
    """A tiny HTTP server on 127.0.0.1; `requests` lists the paths it was asked for."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.requests = requests  # type: ignore[attr-defined]
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with one source and a layouts/ folder; `build(toml, files)` writes
    layout 'x' and runs `statementpress build` with it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "source.md").write_text(MINIMAL, encoding="utf-8")
    folder = tmp_path / "layouts" / "x"
    folder.mkdir(parents=True)

    def build(toml: str, files: dict[str, str] | None = None, *formats: str):
        (folder / "layout.toml").write_text('inherit = "official"\n' + toml, encoding="utf-8")
        for name, text in (files or {}).items():
            (folder / name).write_text(text, encoding="utf-8")
        # One process: the socket guard below watches this process, where the PDF is made.
        args = ["build", "source.md", "--layout", "x", "--out", "out", "--jobs", "1"]
        for fmt in formats or ("pdf",):
            args += ["--format", fmt]
        return CliRunner().invoke(cli, args, catch_exceptions=False)

    build.folder = folder  # type: ignore[attr-defined]
    build.root = tmp_path  # type: ignore[attr-defined]
    return build


def refused(result, *parts: str) -> str:
    """The one error line of a refused build, which must contain `parts`; and nothing
    written."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    for part in parts:
        assert part in lines[0], lines[0]
    written = [p for p in Path("out").rglob("*") if p.is_file()] if Path("out").exists() else []
    assert written == []
    return lines[0]


# -- values -----------------------------------------------------------------------------------


def test_family_name_cannot_inject_css(project, no_network):
    family = '"); } @import url(http://127.0.0.1:9/x); {'
    result = project(f"[fonts.default]\nfamily = '{family}'\n")
    refused(result, "'fonts.default.family' must be a font family name")
    assert no_network == []


def test_css_string_escapes_everything_that_could_leave_a_string():
    quoted = layout.css_string('a"; } @import url(x); </style><b>\\\n')
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"'
    assert not any(ch in inner for ch in '"<>\n')
    # Every backslash left starts a hex escape: the string cannot be ended from inside.
    assert re.fullmatch(r"(?:[^\\]|\\[0-9a-f]+ )*", inner), inner


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[mine]\nx = 1\n", "unknown key 'mine'; a layout's own values for its templates go in"),
        ("[custom]\nx = 'a; } @import url(y)'\n", "'custom.x' must be plain text without"),
        ("[custom]\nx = '</style>'\n", "'custom.x' must be plain text without"),
        ("[custom]\nx = { y = 1 }\n", "'custom.x' must be text, a number or true/false"),
        ("[custom]\n'a-b' = 1\n", "'custom.a-b' is not a name"),
    ],
)
def test_layout_values_are_plain_data(project, toml, message):
    refused(project(toml), message)


def test_custom_values_reach_templates(project):
    result = project(
        "[custom]\nregistry = 'No. 17'\n",
        {
            "screen.css.j2": '{% include "official/screen.css.j2" %}\n'
            '.registry::after { content: "{{ L.custom.registry }}"; }\n'
        },
        "html",
    )
    assert result.exit_code == 0, result.output
    page = next(Path("out").glob("*/*.html")).read_text(encoding="utf-8")
    assert 'content: "No. 17"' in page


# -- fonts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("package", ["os", "subprocess", "statementpress", "fontpkg_pt_serif.x"])
def test_font_package_must_declare_itself(project, package, monkeypatch):
    imported: list[str] = []
    import importlib

    real = importlib.import_module
    monkeypatch.setattr(
        importlib, "import_module", lambda name, *a: imported.append(name) or real(name, *a)
    )
    line = refused(
        project(f"[fonts.default]\npackage = '{package}'\n"),
        f"[fonts.default]: {package!r} is not a font package",
        "statementpress.fonts",
    )
    assert "layout 'x'" in line
    assert package not in imported


def test_font_dir_cannot_climb(project):
    refused(
        project("[fonts.default]\ndir = '../../..'\n"),
        "'fonts.default.dir' must be a relative path inside the package",
    )


def fake_font_package(site: Path, name: str, files_link: Path | None = None) -> None:
    """A font package installed in `site`, declared by an entry point; its `files` folder is
    a symlink to `files_link` when given."""
    package = site / name
    package.mkdir(parents=True)
    files = package / "files"
    if files_link is None:
        files.mkdir()
        shutil.copy(PT_SERIF, files / "Face.ttf")
    else:
        files.symlink_to(files_link, target_is_directory=True)
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[statementpress.fonts]\nface = {name}\n")
    (info / "RECORD").write_text(
        f"{name}/files/Face.ttf,,\n{name}-1.0.dist-info/METADATA,,\n"
        f"{name}-1.0.dist-info/entry_points.txt,,\n{name}-1.0.dist-info/RECORD,,\n"
    )


@pytest.fixture
def site(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    fontpkgs.declared.cache_clear()
    fontpkgs.find.cache_clear()
    yield folder
    fontpkgs.declared.cache_clear()
    fontpkgs.find.cache_clear()


FACE = "[fonts.default]\nfamily = 'Face'\npackage = '{}'\nregular = 'Face.ttf'\n"
FACE += "bold = 'Face.ttf'\nitalic = 'Face.ttf'\nbold_italic = 'Face.ttf'\n"


def test_a_declared_font_package_is_used(project, site):
    fake_font_package(site, "declared_fonts")
    result = project(FACE.format("declared_fonts"), None, "pdf", "epub")
    assert result.exit_code == 0, result.output
    face = fonts.face_for(layout.load("x"), "ru")
    assert face.regular == (site / "declared_fonts" / "files" / "Face.ttf").resolve()
    # One file for every style is embedded once (a zip with a name twice is no EPUB).
    with zipfile.ZipFile(next(Path("out").rglob("*.epub"))) as zf:
        names = zf.namelist()
    assert names.count("EPUB/fonts/Face.ttf") == 1 and len(names) == len(set(names))


def test_symlinked_font_folder_pointing_outside_is_refused(project, site, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(PT_SERIF, outside / "Face.ttf")
    fake_font_package(site, "sneaky_fonts", files_link=outside)
    refused(
        project(FACE.format("sneaky_fonts")),
        "[fonts.default]: 'files/Face.ttf' leaves the folder of package 'sneaky_fonts'",
    )


def test_a_file_the_package_did_not_install_is_refused(project, site):
    fake_font_package(site, "planted_fonts")
    shutil.copy(PT_SERIF, site / "planted_fonts" / "files" / "Planted.ttf")
    refused(
        project(
            FACE.format("planted_fonts").replace("regular = 'Face.ttf'", "regular = 'Planted.ttf'")
        ),
        "'files/Planted.ttf' is not a file that the distribution 'planted_fonts' installed",
    )


# -- files of the layout ----------------------------------------------------------------------


def test_reference_cannot_be_an_absolute_path(project):
    refused(
        project("[docx]\nreference = '/etc/passwd'\n"),
        "'docx.reference' must be a relative path inside the layout's folder",
    )


def test_reference_symlinked_out_of_the_layout_is_refused(project):
    (project.folder / "reference.docx").symlink_to("/etc/passwd")
    refused(
        project("[docx]\nreference = 'reference.docx'\n"),
        "'reference.docx' leaves the layout's folder",
    )


def test_reference_that_points_outside_itself_is_refused(project):
    import docx

    path = project.folder / "reference.docx"
    docx.Document().save(str(path))
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["word/_rels/settings.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="http://127.0.0.1:9/t.dotx" '
        b'TargetMode="External"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    refused(
        project("[docx]\nreference = 'reference.docx'\n"),
        "docx.reference 'reference.docx' points outside itself",
        "http://127.0.0.1:9/t.dotx",
    )


def test_template_symlinked_out_of_the_layout_is_refused(project, tmp_path):
    outside = tmp_path / "elsewhere.css.j2"
    outside.write_text("body { color: red; }\n", encoding="utf-8")
    (project.folder / "print.css.j2").symlink_to(outside)
    refused(project(""), "template 'print.css.j2' leaves the layout's folder")


# -- what WeasyPrint may fetch ----------------------------------------------------------------


def test_html_link_to_a_server_is_not_fetched(project, loopback, no_network):
    url = f"http://127.0.0.1:{loopback.server_address[1]}/x.css"
    template = (
        '{% extends "official/statement.html.j2" %}\n'
        "{% block head %}{{ super() }}"
        f'<link rel="stylesheet" href="{url}"/>{{% endblock %}}\n'
    )
    refused(
        project("", {"statement.html.j2": template}),
        f"the PDF edition's templates ask for {url!r}",
        "nothing is fetched",
    )
    assert loopback.requests == [] and no_network == []


@pytest.mark.parametrize(
    "css, shown",
    [
        ("body { background: url(file:///etc/passwd); }", "file:///etc/passwd"),
        ("body { background: url(x.png); }", "x.png"),
        (
            "body { background: url(data:image/png;base64,iVBORw0KGgo=); }",
            "data:image/png;base64,iVBORw0KGgo=",
        ),
    ],
)
def test_stylesheet_urls_are_refused(project, css, shown, no_network):
    template = '{% include "official/print.css.j2" %}\n' + css + "\n"
    refused(
        project("", {"print.css.j2": template}),
        f"the PDF edition's templates ask for {shown!r}",
    )
    assert no_network == []


def test_import_of_a_server_stylesheet_is_not_fetched(project, loopback, no_network):
    url = f"http://127.0.0.1:{loopback.server_address[1]}/i.css"
    template = f'@import url("{url}");\n{{% include "official/print.css.j2" %}}\n'
    refused(project("", {"print.css.j2": template}), f"ask for {url!r}")
    assert loopback.requests == [] and no_network == []


def test_image_in_the_page_is_not_fetched(project, loopback, no_network):
    url = f"http://127.0.0.1:{loopback.server_address[1]}/logo.png"
    template = (
        '{% extends "official/statement.html.j2" %}\n'
        f'{{% block title %}}<img src="{url}" alt=""/>{{{{ super() }}}}{{% endblock %}}\n'
    )
    refused(project("", {"statement.html.j2": template}), f"ask for {url!r}")
    assert loopback.requests == [] and no_network == []


def test_the_official_layout_fetches_only_its_own_files(tmp_path, statement):
    """The guard lets through exactly what the built-in layout needs: a PDF is written."""
    from statementpress.writers import pdf

    dest = pdf.write(statement, layout.load("official"), tmp_path / "x.pdf")
    assert dest.read_bytes().startswith(b"%PDF")


def test_layout_error_is_a_layout_error_for_the_api(tmp_path, monkeypatch):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "layout.toml").write_text(
        'inherit = "official"\n[fonts.default]\npackage = "os"\n', encoding="utf-8"
    )
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path))
    with pytest.raises(LayoutError, match="'os' is not a font package"):
        fonts.face_for(layout.load("x"), "ru")


# -- templates run sandboxed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "layout.__class__.__init__.__globals__",
        "m.__class__.__mro__",
        "face.regular.read_text()",
        "face.regular.parent",
        "layout.env.loader",
        "cycler.__init__.__globals__.os",
    ],
)
def test_templates_cannot_reach_python_or_files(project, expression):
    template = '{% include "official/print.css.j2" %}\n/* {{ ' + expression + " }} */\n"
    refused(
        project("", {"print.css.j2": template}),
        "layout 'x', template 'print.css.j2'",
        "line 2: SecurityError: access to attribute",
        "is unsafe",
    )


def test_templates_may_read_a_file_name_and_the_layout_values(project):
    template = (
        '{% include "official/print.css.j2" %}\n'
        "/* {{ face.regular.name }} {{ layout.name }} {{ layout.get('page.size') }} */\n"
    )
    result = project("", {"print.css.j2": template})
    assert result.exit_code == 0, result.output
