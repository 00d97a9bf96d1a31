"""What a build writes, decided before anything is: one target per spec, no two writing one file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import Span, SpecError


@dataclass(frozen=True)
class Target:
    """A spec and the names of the files its document is written to (none for a part of the notes)."""

    path: Path
    name: str  # the spec's id: its file name without the suffix
    outputs: tuple[str, ...]


def document_names(name: str, output_format, pdf: bool) -> tuple[str, ...]:
    """``x.tex`` (``x.md``), and ``x.pdf`` when the document is typeset."""
    return (f"{name}{output_format.suffix}", *((f"{name}.pdf",) if pdf else ()))


def plan_each(paths, out: Path, output_format, pdf: bool) -> tuple[Target, ...]:
    """A target per spec (a spec named twice counts once); two specs that would write the same
    file (``a/x.yaml`` and ``b/x.yaml``, ``x.yaml`` and ``x.yml``) are refused, both named."""
    targets = [Target(p, p.stem, document_names(p.stem, output_format, pdf)) for p in distinct(paths)]
    owners: dict[str, Path] = {}
    for target in targets:
        for name in target.outputs:
            if name in owners:
                message = f"writes {out / name}, as {owners[name]} does: rename one of them"
                raise SpecError(message, Span(str(target.path)))
            owners[name] = target.path
    return tuple(targets)


def plan_together(paths, out: Path, output_format) -> tuple[Target, ...]:
    """The specs of one document gathering them all; a spec of the document's own name is refused,
    so that the notes never overwrite an article built from it."""
    targets = tuple(Target(p, p.stem, ()) for p in distinct(paths))
    for target in targets:
        if target.name == output_format.together:
            written = out / f"{output_format.together}.pdf"
            message = (
                f"a spec named {target.name!r} has its article at {written}, where the "
                f"{output_format.together} go: rename the spec"
            )
            raise SpecError(message, Span(str(target.path)))
    return targets


def distinct(paths) -> list[Path]:
    """The paths in order, a file named twice (``x.yaml``, ``./x.yaml``) kept once."""
    seen, out = set(), []
    for path in map(Path, paths):
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out
