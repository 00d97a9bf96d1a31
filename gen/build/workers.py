"""Workers: each task in a process of its own, in its own process group, under limits the parent
enforces from outside.

A worker is forked from the parent once the engine is imported: it starts at once, and no
import is ever cut short by a limit (a later spec would find half a module). It tells the parent
each stage it starts; a stage that overruns its limit, Ctrl-C or SIGTERM ends the worker's whole
process group (SIGTERM, ``GRACE`` seconds, then SIGKILL), so no LaTeX outlives derivtex. A
worker turns SIGTERM into ``SystemExit``, so that its ``finally`` blocks (the one that ends
latexmk's own group) run within the grace.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import wait

from ..errors import CannotWrite, DerivtexError, Span, SpecError

GRACE = 2.0  # seconds between SIGTERM and SIGKILL
MARGIN = 1.0  # seconds past a stage's limit: the worker's own budget, when it has one, speaks first
DEFAULT_LIMIT = 60.0  # seconds, for a stage the task gives no limit
FORK = multiprocessing.get_context("fork")


@dataclass(frozen=True)
class Task:
    """``run(stage)`` in a worker; ``stage(name)`` starts a stage of ``limits[name]`` seconds."""

    label: str  # the spec (or document) a failure is reported at
    run: Callable[[Callable[[str], None]], object]
    limits: dict[str, tuple[float, str]]  # stage → (seconds, ", the time budget (see --timeout)")


@dataclass(frozen=True)
class Result:
    """A task's result, or its error as the CLI prints it and the exit code."""

    value: object = None
    error: str | None = None
    exit_code: int = 0


@dataclass
class Running:
    """A worker: its task, process, the connection it reports on, its stage and that stage's end."""

    index: int
    task: Task
    process: multiprocessing.Process
    connection: object
    stage: str = "starting"
    deadline: float = 0.0


def run_all(tasks: Iterable[tuple[int, Task]], jobs: int, done: Callable[[int, Result], None]) -> None:
    """Run the tasks, at most ``jobs`` at a time; ``done(index, result)`` as each ends."""
    waiting, running = deque(tasks), {}
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                worker = start(*waiting.popleft())
                running[worker.connection] = worker
            for worker, result in step(running):
                del running[worker.connection]
                done(worker.index, result)
    finally:
        for worker in running.values():
            stop(worker.process)


def start(index: int, task: Task) -> Running:
    """A worker running ``task``, in the stage of reading."""
    ours, theirs = FORK.Pipe(duplex=False)
    process = FORK.Process(target=work, args=(task, theirs), daemon=True)
    process.start()
    theirs.close()
    try:
        os.setpgid(process.pid, process.pid)  # as the worker does: whichever comes first
    except OSError:
        pass
    worker = Running(index, task, process, ours)
    begin(worker, "reading")
    return worker


def begin(worker: Running, stage: str) -> None:
    seconds, _ = worker.task.limits.get(stage, (DEFAULT_LIMIT, ""))
    worker.stage, worker.deadline = stage, time.monotonic() + seconds + MARGIN


def step(running: dict) -> list[tuple[Running, Result]]:
    """Wait for the next report or deadline; the workers that ended, with their results."""
    timeout = max(0.0, min(w.deadline for w in running.values()) - time.monotonic())
    ended = {}
    for connection in wait(list(running), timeout):
        worker = running[connection]
        result = receive(worker)
        if result is not None:
            ended[connection] = (worker, result)
    now = time.monotonic()
    for connection, worker in running.items():
        if connection not in ended and worker.deadline <= now:
            ended[connection] = (worker, out_of_time(worker))
    for worker, _ in ended.values():
        stop(worker.process)
        worker.connection.close()
    return list(ended.values())


def receive(worker: Running) -> Result | None:
    """The worker's result, or None after a stage's start (a KeyboardInterrupt for its Ctrl-C)."""
    try:
        kind, value = worker.connection.recv()
    except (EOFError, OSError):
        worker.process.join(GRACE)
        code = worker.process.exitcode
        error = f"{Span(worker.task.label)}: the worker ended unexpectedly (exit code {code})"
        return Result(error=error, exit_code=2)
    if kind == "stage":
        begin(worker, value)
        return None
    if kind == "interrupted":
        raise KeyboardInterrupt
    return value


def out_of_time(worker: Running) -> Result:
    seconds, hint = worker.task.limits.get(worker.stage, (DEFAULT_LIMIT, ""))
    error = SpecError(f"{worker.stage} took longer than {seconds:g} s{hint}", Span(worker.task.label))
    return Result(error=str(error), exit_code=error.exit_code)


def stop(process) -> None:
    """End the worker's process group: SIGTERM, ``GRACE`` seconds, then SIGKILL for what is left."""
    signal_group(process.pid, signal.SIGTERM)
    process.join(GRACE)
    signal_group(process.pid, signal.SIGKILL)
    process.join()


def signal_group(group: int, number: int) -> None:
    try:
        os.killpg(group, number)
    except (ProcessLookupError, PermissionError):
        pass


def work(task: Task, connection) -> None:
    """The worker: its own process group, SIGTERM as SystemExit, each stage and the result reported."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    signal.signal(signal.SIGTERM, terminate)
    try:
        connection.send(("result", Result(value=task.run(lambda stage: connection.send(("stage", stage))))))
    except KeyboardInterrupt:
        connection.send(("interrupted", None))
    except Exception as error:  # noqa: BLE001 (reported as the CLI reports it)
        connection.send(("result", failure(error, task.label)))


def terminate(number, frame) -> None:
    raise SystemExit(128 + number)


def failure(error: Exception, label: str) -> Result:
    """An error as the CLI prints it: a project error's line, a refused file, or an internal error."""
    if isinstance(error, DerivtexError):
        return Result(error=str(error), exit_code=error.exit_code)
    if isinstance(error, OSError):
        return Result(error=str(CannotWrite(error, error.filename or label, "read or write")), exit_code=2)
    if os.environ.get("DERIVTEX_DEBUG"):
        import traceback

        traceback.print_exc(file=sys.stderr)
    line = f"{label}: internal error: {type(error).__name__}: {error} (please report this)"
    return Result(error=line, exit_code=2)
