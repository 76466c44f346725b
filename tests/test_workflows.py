"""The CI workflows: actionlint and zizmor (offline) find nothing, actions are pinned, and
the release workflow runs exactly the commands `make release` runs."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}")


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def runs(job: dict) -> list[dict]:
    return [step for step in job["steps"] if "run" in step]


def expand(command: str, env: dict[str, str]) -> list[str]:
    """A one-line `run:` as the shell would split it, with $VAR and "$VAR" filled in."""
    words = shlex.split(command)
    return [re.sub(r"\$(\w+)", lambda m: env[m.group(1)], w) for w in words]


def make_release_commands() -> list[list[str]]:
    """What `make release` runs from scripts/release.sh, in order (`make -n`: nothing runs)."""
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", "release"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [shlex.split(line) for line in out.splitlines() if line.startswith("scripts/release.sh")]


def test_actionlint_finds_nothing():
    assert shutil.which("shellcheck"), "scripts/system-deps.sh test installs shellcheck"
    result = subprocess.run(
        [str(BIN / "actionlint"), *sorted(map(str, WORKFLOWS.glob("*.yml")))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_offline_finds_nothing():
    result = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--persona=pedantic", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_release_script_passes_shellcheck():
    result = subprocess.run(
        ["shellcheck", "scripts/release.sh", "scripts/system-deps.sh"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("name", ["ci.yml", "release.yml"])
def test_actions_pinned_and_permissions_least(name):
    workflow = load(name)
    assert workflow["permissions"] == {"contents": "read"}
    text = (WORKFLOWS / name).read_text()
    for line in text.splitlines():
        if "uses:" in line:
            ref = line.split("uses:", 1)[1].split("#")[0].strip()
            assert SHA_PIN.fullmatch(ref), f"not pinned by commit: {line.strip()}"
            assert re.search(r"# v\d+\.\d+\.\d+$", line), f"no version comment: {line.strip()}"
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
        writes = job.get("permissions", {})
        if job_name == "release":
            assert writes == {"contents": "write"}
        else:
            assert writes == {}


def test_ci_runs_the_readme_test_command():
    workflow = load("ci.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    assert [s["run"] for s in runs(workflow["jobs"]["test"])] == ["make test"]
    assert "make test" in (ROOT / "README.md").read_text()


def test_release_workflow_runs_what_make_release_runs():
    workflow = load("release.yml")
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    shard_job, release_job = workflow["jobs"]["shard"], workflow["jobs"]["release"]
    shards = shard_job["strategy"]["matrix"]["shard"]
    count = int(workflow["env"]["SHARDS"])
    assert shards == list(range(1, count + 1))
    assert release_job["needs"] == "shard"

    made = make_release_commands()
    # The shard jobs: set up, then one `shard` command each, as make runs them in turn.
    steps = runs(shard_job)
    assert [s["run"] for s in steps[:1]] == ["make setup"]
    assert len(steps) == 2
    from_workflow = []
    for k in shards:
        env = {**workflow["env"], **steps[1].get("env", {}), "SHARD": str(k)}
        from_workflow.append(expand(steps[1]["run"], env))
    assert from_workflow == [c for c in made if c[1] == "shard"]
    assert [c for c in made if c[1] == "shard"], "make release builds shards"

    # What the shard jobs upload is what the merge job downloads and merges.
    upload = next(s for s in shard_job["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "shards/shard-${{ matrix.shard }}"
    assert upload["with"]["include-hidden-files"] is True
    download = next(s for s in release_job["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"] == {"pattern": "shard-*", "path": "shards"}

    steps = runs(release_job)
    assert [s["run"] for s in steps[:1]] == ["make setup"]
    merge, publish = (expand(s["run"], {"GITHUB_REF_NAME": "v1.0.0"}) for s in steps[1:])
    assert len(steps) == 3
    assert [merge] == [c for c in made if c[1] == "merge"]
    # Publishing is the one step only the workflow takes; it attaches what `assets` lists,
    # which make release prints for the same folder.
    assert publish == ["scripts/release.sh", "publish", merge[2], "v1.0.0"]
    assert [c for c in made if c[1] == "assets"] == [["scripts/release.sh", "assets", merge[2]]]
    assert [c[1] for c in made] == ["shard"] * count + ["merge", "assets"]


def test_make_release_sets_up_first():
    recipe = (ROOT / "Makefile").read_text().split("\nrelease:\n", 1)[1]
    assert recipe.splitlines()[0].strip() == "$(MAKE) --no-print-directory setup"


def fake_statementpress(tmp_path: Path) -> Path:
    """A stand-in that logs each call; `index` runs the real command, `verify` passes."""
    log = tmp_path / "calls.log"
    fake = tmp_path / "statementpress"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {shlex.quote(str(log))}\n'
        f'if [ "$1" = index ]; then exec {shlex.quote(str(BIN / "statementpress"))} "$@"; fi\n'
    )
    fake.chmod(0o755)
    return fake


def release_sh(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "STATEMENTPRESS": str(fake_statementpress(tmp_path))}
    return subprocess.run(
        [str(ROOT / "scripts" / "release.sh"), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )


def test_release_shard_step_builds_with_verify(tmp_path):
    result = release_sh(tmp_path, "shard", "2", "3", "shards/shard-2")
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert calls == ["build --shard 2/3 --verify --out shards/shard-2"]


def test_release_merge_step_indexes_verifies_and_checks(tmp_path):
    from statementpress.builder import build
    from statementpress.delivery.shard import Shard

    src = tmp_path / "src"
    src.mkdir()
    paths = []
    for sid in ("alpha", "bravo", "charlie", "delta"):
        paths.append(src / f"{sid}.md")
        paths[-1].write_text(MINIMAL.replace("id: test-statement", f"id: {sid}"))
    for k in (1, 2):
        build(paths, ["html"], out=tmp_path / "shards" / f"shard-{k}", shard=Shard(k, 2))
    build(paths, ["html"], out=tmp_path / "full")

    result = release_sh(tmp_path, "merge", "dist", "shards/shard-1", "shards/shard-2")
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert calls == ["index dist", "verify dist"]
    # The merged folder is the full build's, but for the build's own cache (`.cache/`).
    full = sorted(
        p.relative_to(tmp_path / "full")
        for p in (tmp_path / "full").rglob("*")
        if p.relative_to(tmp_path / "full").parts[0] != ".cache"
    )
    assert sorted(p.relative_to(tmp_path / "dist") for p in (tmp_path / "dist").rglob("*")) == full
    for name in full:
        if (tmp_path / "full" / name).is_file():
            assert (tmp_path / "dist" / name).read_bytes() == (
                tmp_path / "full" / name
            ).read_bytes()

    assets = release_sh(tmp_path, "assets", "dist").stdout.splitlines()
    assert assets == sorted(
        str(p) for p in full if not p.name.startswith(".") and (tmp_path / "full" / p).is_file()
    )
    assert "SHA256SUMS" in assets and "index.html" in assets

    # A statement in two shards, or a folder that is not empty, stops the merge.
    again = release_sh(tmp_path, "merge", "dist2", "shards/shard-1", "shards/shard-1")
    assert again.returncode == 1 and "is in more than one shard" in again.stderr
    again = release_sh(tmp_path, "merge", "dist", "shards/shard-1")
    assert again.returncode == 1 and "must be empty or absent" in again.stderr
