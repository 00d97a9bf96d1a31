"""``derivtex watch``: build once, then rebuild a spec's outputs each time its file changes.

The process stays up, so the engine is imported once: an edit costs its derivation (milliseconds)
and LaTeX's own time. Changes come from watchfiles (inotify, FSEvents, ReadDirectoryChangesW, or
polling where none is available), grouped until 50 ms pass without another, so that an editor's
save (a write, or a new file renamed over the old) is one rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from .errors import DerivtexError
from .pipeline import find_specs

SUFFIXES = (".yaml", ".yml")  # what find_specs takes from a folder
READY_MS = 200  # the watcher wakes this often while nothing changes; its first wake says it runs


@dataclass(frozen=True)
class Job:
    """What to watch and how to build: the paths as the user named them (files, or folders
    standing for their specs) and the build's options (a ``gen.build.Request``)."""

    paths: tuple[Path, ...]
    request: object

    @property
    def together(self) -> bool:
        """One document of every spec (the notes): any change rebuilds it."""
        return bool(self.request.output_format.together)

    def folders(self) -> list[Path]:
        """The folders to watch: a folder named, and the folder of a file named (an editor that
        saves by renaming a new file over the old one would leave a watch on the file itself)."""
        return sorted({(p if p.is_dir() else p.parent).resolve() for p in self.paths})

    def build(self, specs: list[Path]) -> int:
        """Build ``specs`` as ``derivtex build`` does (the notes: of every spec), printing a line
        per document or error; the exit code. What a build of every spec would refuse (two specs
        writing one file) is refused first, as a project error."""
        from . import build as builds
        from .build.plan import plan_each

        every = find_specs(self.paths)
        if self.together:
            return builds.build_together(every, self.request, click.echo)
        plan_each(every, self.request.out, self.request.output_format, self.request.pdf)
        return builds.build_each(specs, self.request, click.echo)


def watch(job: Job, stop_event=None) -> None:
    """Build once, then rebuild what each change touches, until Ctrl-C (``KeyboardInterrupt``)
    or ``stop_event`` is set. A spec that fails prints its error; the watch goes on."""
    build(job, find_specs(job.paths))
    for changes in changes_of(job, stop_event):
        rebuild(changes, job)


def changes_of(job: Job, stop_event=None) -> Iterator[set]:
    """watchfiles' sets of ``(Change, path)``, after a line saying the watch has begun, printed
    once the watcher runs (so an edit made after the line is seen)."""
    import watchfiles

    changes = watchfiles.watch(
        *job.folders(),
        watch_filter=lambda _change, path: Path(path).suffix in SUFFIXES,
        recursive=False,  # a folder stands for its own specs, not its subfolders'
        stop_event=stop_event,
        rust_timeout=READY_MS,
        yield_on_timeout=True,
    )
    ready = False
    for found in changes:
        if not ready:
            click.echo(f"watching {', '.join(map(str, job.paths))} (Ctrl-C ends)", err=True)
            ready = True
        if found:
            yield found


def rebuild(changes: Iterable, job: Job) -> int:
    """Rebuild the outputs of the specs ``changes`` touch (all of them, into one document, when
    the job gathers them); the worst exit code, 0 if nothing was to be done."""
    touched = changed_specs(changes, job.paths)
    specs = [p for p in touched if p.is_file()]  # a deleted spec: only the notes change
    return build(job, specs) if specs or (touched and job.together) else 0


def build(job: Job, specs: list[Path]) -> int:
    """``job.build(specs)``; a project error it raises (the last spec of a folder deleted, two
    specs writing one file) printed, and its exit code returned: the watch goes on."""
    try:
        return job.build(specs)
    except DerivtexError as error:
        click.echo(str(error), err=True)
        return error.exit_code


def changed_specs(changes: Iterable, given: tuple[Path, ...]) -> list[Path]:
    """The specs a set of ``(Change, path)`` touches, named as the user named them (a folder's
    ``derivations/x.yaml``, not the absolute path watchfiles reports), in sorted order."""
    touched = {spec for _, changed in changes for spec in named(Path(changed), given)}
    return sorted(touched)


def named(changed: Path, given: tuple[Path, ...]) -> Iterator[Path]:
    """``changed`` as each path the user named that stands for it: the file itself, or its folder
    joined with its name (a spec directly in the folder, with a spec's suffix)."""
    where = changed.parent.resolve() / changed.name
    for path in given:
        if path.is_dir():
            if changed.suffix in SUFFIXES and changed.parent.resolve() == path.resolve():
                yield path / changed.name
        elif where == path.parent.resolve() / path.name:
            yield path
