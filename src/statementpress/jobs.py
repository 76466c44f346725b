"""Parallel builds: a pool of worker processes, and a scheduler that shares the tasks of a
build (checks, editions) between them and the main process.

`--jobs N` means N processes work at once: the main process and N-1 workers. The workers
are forked from a `forkserver` process (a fresh interpreter, never a copy of the build
with its lock and signal handlers) that has imported WeasyPrint once, so each worker starts
ready to render a PDF; they are launched by a thread, so the build goes on while the fork
server imports WeasyPrint. Tasks that need the PDF engine (`Task.heavy`) go to the workers
first, handed over at once (they wait for the first worker that is up); the main process
takes the others, and a PDF too when more remain than the workers can take. With one
statement this overlaps the PDF, in a worker, with the checks and the DOCX, EPUB and HTML
written by the main process.

A task's result is the same wherever it runs, so a build's editions are byte for byte the
same with any number of jobs. Workers write into the build's staging folder; only the main
process commits. A failing task fails the build (its error as it would be raised in the
main process); a worker that dies (killed, out of memory) fails it with a message naming
what it was writing; SIGINT, SIGTERM and SIGHUP are the main process's to handle: workers
ignore the first and last, and are terminated when the build stops.
"""

from __future__ import annotations

import contextlib
import copyreg
import importlib
import logging
import os
import signal
import sys
import threading
import types
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Future, wait
from dataclasses import dataclass, field
from typing import Any

from statementpress.errors import BuildError

log = logging.getLogger("statementpress")

# The document model holds MappingProxyType (read-only) mappings, which pickle cannot
# send as they are: a statement crosses to a worker with them as plain dicts, made
# read-only again on arrival.


def _mapping_proxy(data: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(data)


copyreg.pickle(types.MappingProxyType, lambda m: (_mapping_proxy, (dict(m),)))


def default_jobs() -> int:
    """The default of `--jobs`: the number of cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)  # pragma: no cover - not Linux


@dataclass
class Task:
    """One step of a build: `fn(arg)`, run in a worker or in the main process.

    `fn` is a module-level function and `arg` picklable, so that a worker can run it.
    `label` names what it makes, for the message when a worker dies on it. `heavy` tasks
    need the PDF engine. `then(result)` runs in the main process once the task is done and
    returns the tasks that it made ready (the pages, once their editions are written).
    """

    fn: Callable[[Any], Any]
    arg: Any
    label: str
    heavy: bool = False
    then: Callable[[Any], Iterable[Task]] | None = None


# -- the workers' side ---------------------------------------------------------------------


class _Captured(logging.Handler):
    """Keeps the log records of the task a worker runs, to be replayed by the main process."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Format now: the arguments of a record may not cross to the main process.
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


_CAPTURED = _Captured()


def _start_worker(level: int) -> None:
    """A worker's initializer: signals are the main process's, log records go back to it,
    and the PDF engine is imported once (the forkserver usually did already)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    logger = logging.getLogger("statementpress")
    logger.setLevel(level)
    logger.propagate = False
    logger.handlers = [_CAPTURED]
    # Should one fail, the writer's own import reports why, where it is used.
    for engine in _engines():
        with contextlib.suppress(Exception):
            importlib.import_module(engine)


def _engines() -> list[str]:
    from statementpress.writers import engines

    return engines()


def _ready(_: object = None) -> int:
    """The task that tells a worker is up: its pid."""
    return os.getpid()


@dataclass
class _Outcome:
    """What a worker sends back: the task's result and the log records it made."""

    result: Any
    records: list[logging.LogRecord] = field(default_factory=list)


def _run_in_worker(fn: Callable[[Any], Any], arg: Any) -> _Outcome:
    _CAPTURED.records = []
    try:
        result = fn(arg)
    except BaseException as exc:
        # The records made before the failure go back with it.
        exc.__dict__["_statementpress_records"] = list(_CAPTURED.records)
        raise
    return _Outcome(result, list(_CAPTURED.records))


def _replay(records: Iterable[logging.LogRecord]) -> None:
    for record in records:
        if log.isEnabledFor(record.levelno):
            log.handle(record)


# -- the pool ------------------------------------------------------------------------------


class Pool:
    """`workers` worker processes, started on first use and kept until `close` (so that
    `serve` renders every rebuild with warm workers)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._executor: Any = None
        self._warm: list[Future[int]] = []
        self._outstanding: set[Future[Any]] = set()
        # Done once the workers are launched (see `start`); None before `start`.
        self._launching: Future[None] | None = None
        # Tasks handed over while the workers were being launched, with their futures.
        self._pending: list[tuple[Future[_Outcome], Task]] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the workers now, in the background (they import the PDF engine).

        Launching a worker waits until the fork server has imported the PDF engine (half a
        second): a thread of this process does that waiting, so that the build goes on with
        its checks and the editions that need no PDF engine meanwhile.
        """
        if self._launching is not None:
            return
        self._launching = Future()
        threading.Thread(
            target=self._launch, args=(self._launching,), name="statementpress-pool", daemon=True
        ).start()

    def _launch(self, launching: Future[None]) -> None:
        try:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("forkserver")
            # Imported once by the fork server, so every worker forked from it has them
            # (the main script too: else each worker would run it again).
            context.set_forkserver_preload(["__main__", "statementpress.jobs", *_engines()])
            executor = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(log.getEffectiveLevel(),),
            )
            self._executor = executor
            self._warm = [executor.submit(_ready) for _ in range(self.workers)]
        except BaseException as exc:  # raised where the workers are next needed
            failed: BaseException | None = exc
        else:
            failed = None
        with self._lock:
            if failed is None:
                launching.set_result(None)
            else:
                launching.set_exception(failed)
            pending, self._pending = self._pending, []
        for future, task in pending:
            self._hand_over(future, task)

    def _launched(self) -> Any:
        """The executor, once its workers are launched (started if they were not)."""
        self.start()
        assert self._launching is not None
        self._launching.result()
        return self._executor

    @property
    def ready(self) -> int:
        """How many workers are up (0 until the first has imported the PDF engine)."""
        if self._launching is None or not self._launching.done():
            return 0
        return sum(1 for f in self._warm if f.done())

    def room(self, heavy: bool) -> int:
        """How many tasks the workers may hold (running or waiting for them): for tasks
        that need the PDF engine, `AHEAD` each from the start, so that a PDF waits for a
        worker while this process writes the other editions; for the others, one for each
        worker that is up (else this process runs them itself)."""
        return self.workers * AHEAD if heavy else self.ready

    def starting(self) -> set[Future[Any]]:
        """The signals of the workers not up yet (each done when one is; the launch itself
        while it is under way)."""
        if self._launching is not None and not self._launching.done():
            return {self._launching}
        return {f for f in self._warm if not f.done()}

    def submit(self, task: Task) -> Future[_Outcome]:
        """Run `task` in a worker; at once, while the workers are still being launched
        (the task waits for the first that is up)."""
        self.start()
        future: Future[_Outcome] = Future()
        with self._lock:
            assert self._launching is not None
            launched = self._launching.done()
            if not launched:
                self._pending.append((future, task))
        if launched:
            self._hand_over(future, task)
        self._outstanding.add(future)
        return future

    def _hand_over(self, future: Future[_Outcome], task: Task) -> None:
        """Run `task` in a worker, its outcome (or failure) given to `future`."""
        try:
            assert self._launching is not None
            self._launching.result()
            inner = self._executor.submit(_run_in_worker, task.fn, task.arg)
        except BaseException as exc:  # the launch failed, or a worker died: BrokenExecutor
            future.set_exception(exc)
            return

        def settle(done: Future[_Outcome]) -> None:
            if done.cancelled():
                future.cancel()
            elif done.exception() is not None:
                future.set_exception(done.exception())
            else:
                future.set_result(done.result())

        inner.add_done_callback(settle)

    def in_flight(self) -> int:
        """Tasks handed to the workers and not done yet, those of a build that was called off
        included (they still hold a worker)."""
        self._outstanding = {f for f in self._outstanding if not f.done()}
        return len(self._outstanding)

    def usable(self) -> bool:
        """Whether the workers can take tasks (a pool whose worker died is not)."""
        return self._executor is None or not getattr(self._executor, "_broken", False)

    def kill(self) -> None:
        """Stop every worker at once (SIGTERM: they run no clean-up of their own) and wait
        for them; the pool starts new ones when next used."""
        executor, self._warm = self._stopping(), []
        self._outstanding = set()
        if executor is None:
            return
        # ProcessPoolExecutor has no public way to stop its workers before Python 3.14.
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            with contextlib.suppress(OSError, ValueError):
                process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Let the workers finish and exit."""
        executor, self._warm = self._stopping(), []
        self._outstanding = set()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _stopping(self) -> Any:
        """The executor to stop, once a launch under way has ended; the pool is left
        without one (the next `start` launches new workers)."""
        launching, self._launching = self._launching, None
        if launching is not None:
            with contextlib.suppress(BaseException):
                launching.result()
        for future, _ in self._pending:  # none: the launch handed them over
            future.cancel()
        self._pending = []
        executor, self._executor = self._executor, None
        return executor

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            self.close()
        else:
            self.kill()


def stop_forkserver() -> None:
    """Stop this process's fork server, if it started one, and wait for it to exit.

    The workers are the fork server's children: once it has been waited for, their CPU
    time and peak memory count among this process's children's, which is what `time` and
    the benchmarks read. A later pool starts a new fork server.
    """
    # No pool was started (one job, nothing to do): no fork server, nothing to import.
    forkserver = sys.modules.get("multiprocessing.forkserver")
    if forkserver is None:
        return
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        with contextlib.suppress(OSError):
            stop()


# -- the scheduler -------------------------------------------------------------------------


class Cancelled(Exception):
    """The build was called off (`serve` starts again on a newer edit): not a failure."""


# PDFs handed to each worker at a time: the one it renders and the next, so that it never
# waits for the main process (which may be busy with a task of its own) to get more. Other
# tasks go to a worker only when it has nothing to do: the main process takes them first.
AHEAD = 2


def run(
    tasks: Iterable[Task],
    pool: Pool | None = None,
    where: str = "",
    cancel: threading.Event | None = None,
) -> None:
    """Run `tasks` and those their `then` adds, in the main process and, with `pool`, in its
    workers too; return when all are done. The first failure stops the rest and is raised;
    `where` (the output folder) goes into the message of a worker that died. With `cancel`,
    the tasks are the workers' alone, and once it is set Cancelled is raised (the workers
    that are busy are stopped)."""
    queue: deque[Task] = deque(sorted(tasks, key=lambda t: not t.heavy))
    if pool is None:
        while queue:
            _check_cancel(cancel)
            task = queue.popleft()
            _follow(task, task.fn(task.arg), queue)
        return
    running: dict[Future[_Outcome], Task] = {}
    pool.start()
    try:
        while queue or running:
            _check_cancel(cancel)
            while queue and pool.in_flight() < pool.room(queue[0].heavy):
                task = queue.popleft()
                # A worker that died fails the task's future (BrokenProcessPool: `_outcome`).
                running[pool.submit(task)] = task
            finished = [f for f in running if f.done()]
            for future in finished:
                task = running.pop(future)
                _follow(task, _outcome(future, task, running, where), queue)
            if finished:
                continue
            # A build that may be called off (`serve`'s) leaves every task to the workers:
            # this process, only waiting, stops the moment it is asked to.
            mine = None if cancel is not None else _for_main(queue, pool, pool.in_flight())
            if mine is not None:
                queue.remove(mine)
                _follow(mine, mine.fn(mine.arg), queue)
                continue
            # Nothing to do here: wait for a worker to finish, or to come up.
            waiting: set[Future[Any]] = set(running) | pool.starting()
            # With `cancel`, look at it often: `serve` waits for this build to stop.
            timeout = 0.02 if cancel is not None else None if waiting else 0.05
            wait(waiting, timeout=timeout, return_when=FIRST_COMPLETED)
    except BaseException as exc:
        # Called off: the workers busy with this build are stopped too, so that the next
        # build has the processor (its workers fork from the fork server, WeasyPrint loaded).
        if running or not pool.usable() or (isinstance(exc, Cancelled) and pool.in_flight()):
            pool.kill()
        raise


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


def _for_main(queue: deque[Task], pool: Pool, running: int) -> Task | None:
    """The task the main process should run now, if any: the first that needs no PDF
    engine; a PDF only when every worker is up and has its tasks ahead already."""
    for task in queue:
        if not task.heavy:
            return task
    if queue and pool.ready == pool.workers and running >= pool.workers * AHEAD:
        return queue[0]
    return None


def _outcome(future: Future[_Outcome], task: Task, running: dict, where: str) -> Any:
    try:
        outcome = future.result()
    except BrokenExecutor:  # BrokenProcessPool: a worker died while it ran the task
        labels = [task.label, *(t.label for t in running.values())]
        raise BuildError(
            "a build worker stopped unexpectedly (killed, or out of memory) while writing "
            f"{' or '.join(dict.fromkeys(labels))}; nothing was changed in {where}/"
        ) from None
    except BaseException as exc:
        _replay(exc.__dict__.pop("_statementpress_records", ()))
        raise
    _replay(outcome.records)
    return outcome.result


def _follow(task: Task, result: Any, queue: deque[Task]) -> None:
    if task.then is not None:
        for new in task.then(result):
            if new.heavy:
                queue.appendleft(new)
            else:
                queue.append(new)
