"""CLI: every command through click's CliRunner, exit codes, and the no-traceback promise."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, ROOT, SOURCE
from statementpress.cli import cli
from statementpress.writers import GROUP_WRITERS, WRITERS


@pytest.fixture
def run(monkeypatch):
    monkeypatch.chdir(ROOT)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("statementpress ")


@pytest.mark.parametrize(
    "command", [[], ["build"], ["check"], ["inspect"], ["new"], ["index"], ["serve"]]
)
def test_help_with_examples(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output


def test_check_ok(run):
    result = run("check", str(SOURCE))
    assert result.exit_code == 0
    assert "ok (6 articles, 6 signatories" in result.output


def test_check_reports_located_errors(run, write_source):
    bad = write_source(MINIMAL.replace("kind:", "knid:"))
    result = run("check", str(bad))
    assert result.exit_code == 1
    assert result.output.startswith(f"{bad}:4:1: error: unknown front matter key 'knid'")
    assert "Traceback" not in result.output


def test_inspect_prints_model_json(run):
    result = run("inspect", str(SOURCE))
    data = json.loads(result.output)
    assert data["meta"]["id"] == "ca-china-fm-2020-07-16"
    assert len(data["articles"]) == 6


def test_build_html_writes_edition_and_summary(run, tmp_path):
    result = run("build", str(SOURCE), "--format", "html", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    out = tmp_path / "ca-china-fm-2020-07-16" / "ca-china-fm-2020-07-16.ru.html"
    assert out.is_file()
    # Not a terminal: one plain line per edition, then one summary line.
    assert result.output.splitlines() == [
        f"wrote {out} ({out.stat().st_size / 1024:.1f} KiB)",
        f"wrote 1 edition of 1 statement ({out.stat().st_size / 1024:.1f} KiB); "
        f"{tmp_path / 'index.html'} lists every edition in {tmp_path}",
    ]


def test_build_quiet_prints_nothing(run, tmp_path):
    result = run("build", str(SOURCE), "-f", "html", "-o", str(tmp_path), "-q")
    assert result.exit_code == 0 and result.output == ""


def test_build_bad_source_writes_nothing(run, write_source, tmp_path):
    bad = write_source(MINIMAL.replace("Вторая статья[^b]", "Вторая статья[^c]"))
    out = tmp_path / "out"
    result = run("build", str(SOURCE), str(bad), "-f", "html", "-o", str(out))
    assert result.exit_code == 1
    assert "[^c] has no definition" in result.output
    assert not out.exists()  # the good source is not built either


@pytest.mark.parametrize(
    "args, names",
    [
        (
            ["--format", "rtf"],
            ", ".join(repr(n) for n in (*WRITERS, *GROUP_WRITERS, "parallel", "all")),
        ),
        (["--layout", "fancy"], "valid layouts: "),
    ],
)
def test_unknown_format_or_layout_is_usage_error(run, args, names):
    result = run("build", *args)
    assert result.exit_code == 2
    assert names in result.output


def test_new_creates_a_valid_skeleton(run, tmp_path):
    result = run("new", "my-statement", "--dir", str(tmp_path))
    assert result.exit_code == 0
    path = tmp_path / "my-statement.md"
    assert path.is_file()
    assert run("check", str(path)).exit_code == 0
    again = run("new", "my-statement", "--dir", str(tmp_path))
    assert again.exit_code == 1 and "already exists" in again.output


def test_new_rejects_bad_id(run, tmp_path):
    result = run("new", "Bad/Id", "--dir", str(tmp_path))
    assert result.exit_code == 1 and "invalid id" in result.output
    assert list(tmp_path.iterdir()) == []


def test_real_process_error_has_no_traceback(write_source):
    bad = write_source(MINIMAL.replace("date: 2021-05-12", "date: 2021-13-01"))
    proc = subprocess.run(
        [sys.executable, "-m", "statementpress", "check", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{bad}:8:7: error: invalid date '2021-13-01'")
    assert "Traceback" not in proc.stderr


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys; from statementpress.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('weasyprint', 'docx', 'lxml', 'jinja2', 'markdown_it', 'yaml')"
        " if m in sys.modules]\nprint('HEAVY:' + ','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_build_on_a_terminal_shows_a_progress_bar(tmp_path):
    import os
    import pty

    main, other = pty.openpty()
    command = [sys.executable, "-m", "statementpress", "build", str(SOURCE), "-f", "html"]
    proc = subprocess.Popen(
        [*command, "-f", "epub", "-o", str(tmp_path)],
        stdin=subprocess.DEVNULL,
        stdout=other,
        stderr=other,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
    )
    os.close(other)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other end is closed: the build has finished
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=120) == 0
    os.close(main)
    screen = b"".join(chunks).decode()
    assert "writing editions" in screen and "2/2" in screen
    assert "wrote 2 editions of 1 statement" in screen
    assert f"wrote {tmp_path}" not in screen  # no line per edition on a terminal


def test_index_command_rewrites_the_index(run, tmp_path):
    assert run("build", str(SOURCE), "-f", "html", "-o", str(tmp_path), "-q").exit_code == 0
    (tmp_path / "manifest.json").unlink()
    result = run("index", str(tmp_path))
    assert result.exit_code == 0
    assert result.output.startswith("indexed 1 statement, 1 edition: ")
    assert (tmp_path / "manifest.json").is_file()
