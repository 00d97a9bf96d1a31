"""``derivtex build``: plan the outputs, take what the cache holds, derive and typeset the rest in
workers, and write each document's files together, reporting in the order of the specs.

- ``plan`` refuses two specs that would write one file, before anything is written;
- ``cache`` keys each spec's results on its bytes, derivtex's sources and the build's options;
- ``workers`` runs each spec in a process group of its own under limits enforced from outside;
- ``files`` writes a document's files through temporaries, and leaves identical ones alone.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ..errors import DerivtexError
from .cache import Cache, folder_digest, key_of, spec_digest
from .files import write_all
from .plan import Target, plan_each, plan_together
from .tasks import Request, document_task, part_task, prepare, together_task
from .workers import Result, Task, run_all

Echo = Callable[..., None]  # click.echo: (line, err=False)


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def build_each(paths, request: Request, echo: Echo) -> int:
    """A document per spec, then the format's extra files beside them (if any document was built)."""
    targets = plan_each(paths, request.out, request.output_format, request.pdf)
    cache, context = open_cache(request), context_of(request)
    keys = [spec_key("document", context, target) for target in targets]
    report = Report(len(targets), echo)

    def finish(index: int, result: Result) -> None:
        report.add(index, result, lambda value: document_line(targets[index], value, keys[index]))

    def document_line(target: Target, value: dict, key: str | None) -> str:
        files = value["files"]
        written = write_all(request.out, files)
        if key and value.get("fresh"):
            cache.store(key, {"marked": value["marked"]}, files)
        main = request.out / target.outputs[-1]
        return f"wrote {main}" if written else f"up to date {main}"

    run_tasks(targets, keys, cache, request, lambda t: document_task(t, request), finish)
    if report.succeeded and request.output_format.files:
        extra = {name: text.encode("utf-8") for name, text in request.output_format.files().items()}
        try:
            for path in write_all(request.out, extra):
                echo(f"wrote {path}")
        except DerivtexError as error:
            report.fail(str(error), error.exit_code)
    return report.worst


def build_together(paths, request: Request, echo: Echo) -> int:
    """Check every spec (one line each), then write the one document; nothing at all if any fails."""
    output_format = request.output_format
    targets = plan_together(paths, request.out, output_format)
    cache, context = open_cache(request), context_of(request)
    keys = [spec_key("part", {"allow_false": request.allow_false}, target) for target in targets]
    report, parts, fresh_parts = Report(len(targets), echo), [None] * len(targets), {}

    def finish(index: int, result: Result) -> None:
        report.add(index, result, lambda value: part_line(index, value))

    def part_line(index: int, value: dict) -> str:
        parts[index] = value["part"]
        if keys[index] and value.get("fresh"):  # stored once the document is written
            fresh_parts[keys[index]] = {"part": value["part"], "marked": value["marked"]}
        marked = " (false lines or claim marked)" if value["marked"] else ""
        return f"ok  {targets[index].path}{marked}"

    run_tasks(targets, keys, cache, request, lambda t: part_task(t, request), finish)
    if report.worst:
        failed = len(targets) - report.succeeded
        what = output_format.together
        echo(f"{failed} of {len(targets)} specs failed: the {what} were not written", err=True)
        return report.worst
    key = key_of("together", context, keys) if all(keys) else None
    value = cached(cache, key) or run_one(together_task(parts, request), request)
    if value.error:
        echo(value.error, err=True)
        return value.exit_code
    try:
        written = write_all(request.out, value.value["files"])
    except DerivtexError as error:
        echo(str(error), err=True)
        return error.exit_code
    for part_key, part in fresh_parts.items():  # a failed build leaves the cache as it was
        cache.store(part_key, part)
    if key and value.value.get("fresh"):
        cache.store(key, {}, value.value["files"])
    main = request.out / f"{output_format.together}{'.pdf' if request.pdf else output_format.suffix}"
    echo(f"wrote {main}" if written else f"up to date {main}")
    return 0


class Report:
    """Each spec's line (or error) printed in the order of the specs, whatever order they end in;
    on a terminal, a progress line below them that updates."""

    def __init__(self, total: int, echo: Echo):
        self.total, self.echo, self.results, self.printed = total, echo, {}, 0
        self.worst, self.succeeded = 0, 0
        self.progress = sys.stdout.isatty()

    def add(self, index: int, result: Result, line: Callable[[object], str]) -> None:
        self.results[index] = (result, line)
        self.clear()
        while self.printed in self.results:
            self.show(*self.results.pop(self.printed))
            self.printed += 1
        if self.progress and self.printed < self.total:
            done = self.printed + len(self.results)
            sys.stdout.write(f"\r[{done}/{self.total}] building…")
            sys.stdout.flush()

    def show(self, result: Result, line: Callable[[object], str]) -> None:
        if result.error is not None:
            self.fail(result.error, result.exit_code)
            return
        try:
            self.echo(line(result.value))
        except DerivtexError as error:
            self.fail(str(error), error.exit_code)
            return
        self.succeeded += 1

    def fail(self, error: str, exit_code: int) -> None:
        self.echo(error, err=True)
        self.worst = max(self.worst, exit_code)

    def clear(self) -> None:
        if self.progress:
            sys.stdout.write("\r\033[K")


def run_tasks(targets, keys, cache: Cache, request: Request, task: Callable[[Target], Task], finish) -> None:
    """The cached results first, then a worker for each of the others."""
    todo = []
    for index, (target, key) in enumerate(zip(targets, keys)):
        hit = cached(cache, key)
        if hit:
            finish(index, hit)
        else:
            todo.append((index, task(target)))
    if todo:
        prepare(request)
        with terminated_as_exit():
            run_all(todo, request.jobs, lambda index, result: finish(index, fresh(result)))


def run_one(task: Task, request: Request) -> Result:
    results = []
    prepare(request)
    with terminated_as_exit():
        run_all([(0, task)], 1, lambda _, result: results.append(fresh(result)))
    return results[0]


def fresh(result: Result) -> Result:
    """A result just computed, to be stored in the cache."""
    if result.error is not None:
        return result
    return Result(value={**result.value, "fresh": True})


def cached(cache: Cache, key: str | None) -> Result | None:
    """The stored result under ``key``, its files read back; None on a miss."""
    payload = cache.entry(key) if key else None
    if payload is None:
        return None
    files = cache.files(payload.get("files", {}))
    return None if files is None else Result(value={**payload, "files": files})


def open_cache(request: Request) -> Cache:
    """OUTPUT/.build/cache; with --force, every lookup misses (the results are stored again)."""
    return Cache(request.out / ".build" / "cache", enabled=not request.force)


def context_of(request: Request) -> dict:
    """What a document depends on besides its spec: the template (a user's, by its folder's
    files), the options, whether it is typeset and whether false lines are let through."""
    output_format = request.output_format
    template = Path(output_format.name)
    user = not output_format.together and template.suffix == ".j2"
    return {
        "format": template.name if user else output_format.name,
        "template": folder_digest(template.parent, limit=1000) if user else None,
        "options": sorted(request.options),
        "pdf": request.pdf,
        "allow_false": request.allow_false,
    }


def spec_key(kind: str, context: dict, target: Target) -> str | None:
    """The key of a spec's results (None for a spec that is not a regular file: never cached)."""
    spec = spec_digest(target.path)
    return key_of(kind, context, target.name, spec) if spec else None


@contextmanager
def terminated_as_exit():
    """SIGTERM of derivtex ends the build as Ctrl-C does: the workers' groups are ended first."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield  # someone else (a test runner, an embedding program) handles it
        return
    try:
        previous = signal.signal(signal.SIGTERM, exit_on_term)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def exit_on_term(number, frame) -> None:
    raise SystemExit(128 + number)
