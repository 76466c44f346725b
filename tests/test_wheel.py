"""A wheel of the project, installed into a fresh venv away from the checkout, builds editions
with the built-in layouts (they are package data, not files of the checkout)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT

EDITIONS = {".pdf", ".docx", ".epub", ".html"}


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheel(tmp: Path) -> Path:
    # From a copy of what a source distribution holds, so that setuptools' build folders do
    # not land in the checkout (its build/ is the editions' folder). No build isolation: the
    # build backend comes from the test environment, and tests never touch the network.
    project = tmp / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(
        ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    dist = tmp / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "-w", dist, ".", cwd=project)  # fmt: skip
    (wheel,) = dist.glob("statementpress-*.whl")
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> Path:
    """A venv with the wheel installed and, for its dependencies only, a `.pth` line naming
    this interpreter's site-packages (whose own .pth files, the editable install's link to
    src/ among them, Python does not process for a path listed this way)."""
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "-q", wheel, cwd=tmp)  # fmt: skip
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                    cwd=tmp).strip())  # fmt: skip
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    assert not any(Path(p).resolve().is_relative_to(ROOT / "src") for p in ours)
    (site / "test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return venv


@pytest.mark.slow
def test_wheel_installed_away_from_the_checkout_builds_every_edition(tmp_path):
    venv = fresh_venv(tmp_path, build_wheel(tmp_path))
    work = tmp_path / "work"
    work.mkdir()
    (work / "statement.md").write_text(MINIMAL, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STATEMENTPRESS_LAYOUTS")}

    where = run(venv / "bin" / "python", "-c",
                "import statementpress, statementpress.layout as l; "
                "print(statementpress.__file__); print(l.load('booklet').dirs[-1])",
                cwd=work, env=env).split()  # fmt: skip
    assert len(where) == 2
    for path in where:  # the package and its built-in layouts come from the wheel
        assert Path(path).resolve().is_relative_to(venv.resolve()), where

    for name in ("official", "booklet"):
        out = work / f"out-{name}"
        run(venv / "bin" / "statementpress", "build", "statement.md", "--layout", name,
            "--out", out, "-q", cwd=work, env=env)  # fmt: skip
        written = sorted(p.name for p in (out / "test-statement").iterdir())
        assert {Path(n).suffix for n in written} == EDITIONS, written
        assert all((out / "test-statement" / n).stat().st_size > 0 for n in written)
    assert sorted(p.name for p in work.iterdir()) == ["out-booklet", "out-official", "statement.md"]
