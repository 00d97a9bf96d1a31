"""pytest plugin: ``pytest derivations/`` collects every spec and runs its numeric self-checks.

Spec files are collected under any directory named ``derivations``.
"""

from __future__ import annotations

from functools import cached_property

import pytest

from .errors import DerivtexError

SPEC_SUFFIXES = (".yaml", ".yml")


def pytest_collect_file(file_path, parent):
    if file_path.suffix in SPEC_SUFFIXES and "derivations" in file_path.parts:
        return SpecFile.from_parent(parent, path=file_path)
    return None


class SpecFile(pytest.File):
    """One spec: an item per kind of check."""

    @cached_property
    def outcome(self):
        from .pipeline import run

        return run(self.path)

    def collect(self):
        from .spec.keys import load_spec

        spec = load_spec(self.path)
        optional = (("claim", spec.claim is not None), ("author", bool(spec.steps)))
        for check in ("steps", "finite_difference", *(name for name, present in optional if present)):
            yield SpecCheck.from_parent(self, name=check)


class SpecCheck(pytest.Item):
    def runtest(self):
        report = self.parent.outcome.report
        if self.name == "steps":
            failed = [c for p in report.proofs for c in p.all if not c.ok]
            assert not failed, (
                f"{len(failed)} step(s) failed; worst relative error {report.max_step_error:.2g}"
            )
        elif self.name == "finite_difference":
            fd = report.finite_difference
            assert fd.ok, f"result disagrees with finite differences (relative error {fd.max_rel_error:.2g})"
        else:  # the same errors as `derivtex check`
            from . import pipeline

            require = pipeline.require_true_claim if self.name == "claim" else pipeline.require_true_steps
            require(self.parent.outcome)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, (DerivtexError, AssertionError)):
            return f"{self.path}: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}::{self.name}"
