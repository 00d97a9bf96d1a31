"""Published first-order identities (tests/fixtures/identities.txt): derived, or honestly refused.

Each line of the fixture is a gradient from the literature (Matrix Cookbook, Minka, machine-learning
texts), transcribed by hand, independent of derivtex's output. For each one the engine must either
refuse (a "not supported yet" error: an expected failure, reported with its message) or derive a
gradient that passes its own checks (every line, finite differences) and agrees numerically with the
published result given as the spec's `claim`. A wrong answer is never acceptable; a refusal is, but
the share of identities derived is measured and must stay at least COVERAGE.

Independently of the engine, every published result is also compared with central finite differences
of the function (so a transcription error is caught even on a line the engine refuses).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from gen.engine.derive import derive, result_expr
from gen.engine.named import NO_NAMES
from gen.errors import SpecError, Unsupported
from gen.expr import ir
from gen.expr.lower import parse_expr, symbol_table
from gen.spec.keys import parse_spec
from gen.verify.checks import Report, rel_error, verify
from gen.verify.evaluate import Evaluator, finite_difference_gradient
from gen.verify.sample import COVERED, draw, size_assignments

FIXTURE = Path(__file__).parent / "fixtures" / "identities.txt"
COVERAGE = 0.95  # the least share of the identities the engine must derive
REFUSALS = ("not supported yet", "no rule", "could not bring")
_SYMBOL = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z0-9_]*)\s*(?::\s*\[(?P<shape>[^\]]*)\])?(?P<assume>(?:\s+\w+)*)"
)


@dataclass(frozen=True)
class Identity:
    line: int
    symbols: str
    function: str
    wrt: str
    gradient: str
    source: str

    @property
    def id(self) -> str:
        return f"{self.line}:{self.function}/{self.wrt}"


def symbols_yaml(compact: str) -> str:
    """``X: [n, n] invertible; a: [n]; t`` → the spec's ``symbols:`` mapping, one symbol a line."""
    lines = []
    for entry in filter(None, (e.strip() for e in compact.split(";"))):
        match = _SYMBOL.fullmatch(entry)
        if not match:
            raise ValueError(f"bad symbol {entry!r}")
        shape = [d.strip() for d in (match["shape"] or "").split(",") if d.strip()]
        assume = match["assume"].split()
        lines.append(f"  {match['name']}: {{shape: [{', '.join(shape)}], assume: [{', '.join(assume)}]}}")
    return "\n".join(lines)


def load() -> list[Identity]:
    out = []
    for number, line in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            fields = [f.strip() for f in line.split(" | ")]
            if len(fields) != 5:
                raise ValueError(f"{FIXTURE.name}:{number}: expected 5 fields, got {len(fields)}")
            out.append(Identity(number, *fields))
    return out


IDENTITIES = load()


def spec_text(identity: Identity) -> str:
    return (
        f"title: {json.dumps(identity.source, ensure_ascii=False)}\n"
        f"symbols:\n{symbols_yaml(identity.symbols)}\n"
        f"function: {json.dumps(identity.function)}\n"
        f"wrt: {identity.wrt}\n"
        f"claim: {json.dumps(identity.gradient)}\n"
    )


@dataclass(frozen=True)
class Outcome:
    report: Report | None = None
    refusal: str | None = None  # the engine's "not supported yet" message


def spec_of(identity: Identity):
    return parse_spec(spec_text(identity), f"identities.txt:{identity.line}")


@functools.cache
def outcome(identity: Identity) -> Outcome:
    """Derive and verify once (the summary reuses the per-identity results)."""
    spec = spec_of(identity)
    try:
        return Outcome(report=verify(derive(spec)))
    except Unsupported as error:
        return Outcome(refusal=str(error))
    except SpecError as error:
        if any(phrase in error.message for phrase in REFUSALS):
            return Outcome(refusal=str(error))
        raise


@pytest.mark.parametrize("identity", IDENTITIES, ids=[i.id for i in IDENTITIES])
def test_identity(identity: Identity):
    result = outcome(identity)
    if result.refusal is not None:
        pytest.xfail(f"refused: {result.refusal}")
    report = result.report
    assert report.steps_ok, f"a line of the engine's own proof is false ({identity.source})"
    assert report.finite_difference.ok, (
        f"the derived gradient fails finite differences: {report.finite_difference}"
    )
    diagnosis = report.claim_diagnosis.diagnosis if report.claim_diagnosis else "?"
    assert report.claim.ok, (
        f"the published result {identity.gradient} ({identity.source}) disagrees with the derived gradient: "
        f"{diagnosis}, relative error {report.claim.max_rel_error:.3g}"
    )


@pytest.mark.parametrize("identity", IDENTITIES, ids=[i.id for i in IDENTITIES])
def test_published_result_agrees_with_finite_differences(identity: Identity):
    """The fixture itself, without the engine: the published gradient against central differences."""
    spec = spec_of(identity)
    symbols = symbol_table(spec.symbols)
    function = parse_expr(spec.function, symbols)
    variable = symbols[identity.wrt]
    published = result_expr(spec.claim, symbols, ir.shape(variable), "claim")
    # what the sampler reads of a derivation: the spec, the symbols, the function, and the claim,
    # compared values and steps it keeps defined (none: the published result is checked here alone)
    problem = SimpleNamespace(
        spec=spec,
        named=NO_NAMES,
        symbols=tuple(symbols.items()),
        symbol_map=symbols,
        function=function,
        claim=None,
        compare=(),
        steps=(),
        claims=(),
        change=None,  # no change of variable (wrt an inverse)
    )
    assignments = size_assignments(problem)
    rng = np.random.default_rng(identity.line)
    for sample in range(COVERED):  # at both sizes, with determinants of both signs at each
        dims = assignments[sample % 2]
        values = draw(problem, dims, rng, sample)
        expected = finite_difference_gradient(function, variable, values, dims)
        error = rel_error(Evaluator(values, dims, {})(published), expected)
        assert error < 1e-6, f"{identity.gradient} ({identity.source}) is off by {error:.3g}"


def test_enough_identities_are_derived():
    derived = [i for i in IDENTITIES if outcome(i).refusal is None]
    share = len(derived) / len(IDENTITIES)
    assert len(IDENTITIES) >= 100
    assert share >= COVERAGE, f"only {len(derived)} of {len(IDENTITIES)} ({share:.0%}) derived"
