"""pytest plugin: ``pytest derivations/`` collects every spec and runs its numeric self-checks.

A spec is a ``*.yaml`` or ``*.yml`` file under a directory named ``derivations`` with a top-level
``function:`` key (every spec has one), so another project's ``derivations/mkdocs.yaml`` is left
alone. Each spec is derived and verified once, for all its items. A spec that cannot be read,
derived, or checked within ``derivtex_timeout`` is one failing item, with the one line
``derivtex check`` prints (its other items are skipped, pointing to it).
"""

from __future__ import annotations

import math
import os
import re
from functools import cached_property

import pytest

from .errors import DerivtexError, Span, SpecError

SPEC_SUFFIXES = (".yaml", ".yml")
# a top-level `function:` key (after a byte order mark, quoted or not), found without parsing,
# so that a spec too malformed to parse is still collected, and fails
FUNCTION_KEY = re.compile(rb"^(?:\xef\xbb\xbf)?([\"']?)function\1[ \t]*:", re.M)
TIMEOUT = "derivtex_timeout"


def pytest_addoption(parser):
    parser.addini(TIMEOUT, "seconds to read, derive and verify each spec (default 20, as derivtex --timeout)")


def pytest_configure(config):
    time_budget(config)  # a bad value stops the session before anything runs


def time_budget(config) -> float:
    """The ini option ``derivtex_timeout``: a positive number of seconds."""
    from .pipeline import TIME_BUDGET

    given = config.getini(TIMEOUT) or str(TIME_BUDGET)
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not seconds > 0:  # nan neither; inf is no limit
        raise pytest.UsageError(f"{TIMEOUT} must be a positive number of seconds, not {given!r}")
    return seconds


def pytest_collect_file(file_path, parent):
    if is_spec(file_path):
        return SpecFile.from_parent(parent, path=file_path)
    return None


def is_spec(path) -> bool:
    """A YAML file under ``derivations/`` with a top-level ``function`` key (unreadable: not a spec)."""
    if path.suffix not in SPEC_SUFFIXES or "derivations" not in path.parts:
        return False
    from .spec.reader import read_spec

    try:  # a regular file of bounded size, read without blocking (never a FIFO's open)
        return FUNCTION_KEY.search(read_spec(str(path))) is not None
    except SpecError:
        return False


class SpecFile(pytest.File):
    """One spec: an item per kind of check, or the single item ``spec`` if it cannot be read."""

    failed_item: str | None = None  # the item that reports the outcome's error (the others skip)

    @cached_property
    def outcome(self):
        """The spec derived and verified, once; or the error that stopped it (one item raises it)."""
        from .pipeline import run

        try:
            return run(self.path, time_budget(self.config), hint=TIMEOUT)
        except Exception as error:  # a bug too: reported once, not derived again
            return error

    @cached_property
    def shown(self) -> str:
        """The spec's path as ``derivtex check`` run from here would print it."""
        return os.path.relpath(self.path, self.config.invocation_params.dir)

    def collect(self):
        from .spec.keys import load_spec

        try:
            spec = load_spec(self.path)
        except Exception as error:  # a bug too: one failing item, not a collection error
            self.outcome = error
            yield SpecCheck.from_parent(self, name="spec")
            return
        optional = (("claim", spec.claim is not None), ("author", bool(spec.steps)))
        for check in ("steps", "finite_difference", *(name for name, present in optional if present)):
            yield SpecCheck.from_parent(self, name=check)


class SpecCheck(pytest.Item):
    def runtest(self):
        outcome = self.parent.outcome
        if isinstance(outcome, Exception):
            self.fail_once(outcome)
        report = outcome.report
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
            require(outcome)

    def fail_once(self, error: Exception):
        """Raise the spec's error in the first of its items to run; skip the others."""
        spec = self.parent
        spec.failed_item = spec.failed_item or self.name
        if spec.failed_item != self.name:
            pytest.skip(f"{spec.shown}: not checked, see {spec.name}::{spec.failed_item}")
        raise error

    def repr_failure(self, excinfo):
        error, shown = excinfo.value, self.parent.shown
        if isinstance(error, DerivtexError):  # path:line:col: message
            span = error.span or Span(str(self.path))
            span = Span(shown, span.line, span.col) if span.path == str(self.path) else span
            return f"{span}: {error.message}"
        if isinstance(error, AssertionError):
            return f"{shown}: {error}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}::{self.name}"
