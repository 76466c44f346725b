"""Timing and memory of child processes, and the description of the machine they ran on."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EXE = BIN / "statementpress"


def child_env() -> dict[str, str]:
    """The environment of every measured command: the project's venv first on PATH, so the
    Pandoc pipeline runs the same installed WeasyPrint as statementpress."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


@dataclass(frozen=True)
class Sample:
    """One run of a command: its wall time and the peak resident memory of its process tree
    (the largest single process: the kernel reports the maximum, not the sum)."""

    seconds: float
    max_rss_kib: int
    cpu_seconds: float = 0.0


def run_child(command: Sequence[str | Path], cwd: Path = ROOT) -> Sample:
    """Run `command` to its end; its wall time and peak memory. Fails if it fails."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in command],
            cwd=cwd,
            env=child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        # wait4 gives this child's own resource usage, where getrusage(RUSAGE_CHILDREN)
        # would give the largest of every child so far.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            text = errors.read().decode("utf-8", "replace")[-2000:]
            shown = " ".join(str(c) for c in command)
            raise RuntimeError(f"{shown} failed with exit code {proc.returncode}:\n{text}")
    return Sample(seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)


@dataclass
class Figure:
    """Every sample of one measured thing, and what it stands for."""

    name: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def seconds(self) -> float:
        """The median wall time."""
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu_seconds(self) -> float:
        """The median CPU time, user + system, of the command and the processes it waited for."""
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def max_rss_mb(self) -> float:
        """The median peak memory in MB (10^6 bytes)."""
        return statistics.median(s.max_rss_kib for s in self.samples) * 1024 / 1e6

    def spread(self) -> str:
        """Lowest and highest sample."""
        times = [s.seconds for s in self.samples]
        return f"{fmt_time(min(times))} .. {fmt_time(max(times))}"


def interleaved(
    contenders: Sequence[tuple[Figure, Callable[[int], Sample]]], runs: int, warm_up: bool = True
) -> None:
    """Run each contender `runs` times, alternating between them run by run, so that a busy
    moment of a shared machine falls on both sides alike. With `warm_up`, each runs once
    unmeasured first (file caches, byte-compiled modules)."""
    if warm_up:
        for _, run in contenders:
            run(-1)
    for i in range(runs):
        for figure, run in contenders:
            figure.samples.append(run(i))


def fmt_time(seconds: float) -> str:
    """ "79 ms", "1.37 s", "1 min 12 s"."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 90:
        return f"{seconds:.2f} s"
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60} s"


def _first_line(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=child_env())
    except (OSError, subprocess.CalledProcessError):
        return "not installed"
    return done.stdout.splitlines()[0] if done.stdout else "?"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def _commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' with uncommitted changes' if dirty else ''}" if head else "unknown"


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on: processor, cores, memory, system and versions."""
    return [
        ("CPU", _cpu_model()),
        ("cores", str(os.cpu_count())),
        ("memory", _memory()),
        ("system", _os_name()),
        ("Python", platform.python_version()),
        ("WeasyPrint", _version("weasyprint")),
        ("Pandoc", _first_line(["pandoc", "--version"]).removeprefix("pandoc ")),
        ("fontTools", _version("fonttools")),
        ("statementpress", f"{_version('statementpress')}, commit {_commit()}"),
    ]
