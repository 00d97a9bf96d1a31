"""The kind of result, resolved once by the engine: its shape is the one its name promises."""

from pathlib import Path

import pytest
import sympy as sp

from gen.engine.derive import derive
from gen.engine.kind import KINDS
from gen.expr import ir
from gen.spec.keys import load_spec, parse_spec
from gen.verify.checks import verify

CATALOG = sorted((Path(__file__).parent.parent / "derivations").glob("*.yaml"))


def size(shape) -> object:
    return sp.Mul(*shape)


def promised_shape(derivation, variable) -> tuple:
    """The shape each kind has by its definition, from the function and the variable alone."""
    f, x = ir.shape(derivation.function), tuple(variable.shape) if ir.is_matrix(variable) else ()
    gradient = x[::-1] if derivation.layout == "numerator" else x
    return {
        "gradient": gradient,
        "derivative": f,
        "jacobian": (size(f), size(x)),
        "hessian": (size(x), size(x)),
        "second derivative": f,
    }[derivation.kind.name]


@pytest.fixture(scope="module")
def catalog():
    return {path.stem: derive(load_spec(path)) for path in CATALOG}


def test_every_result_of_the_catalog_has_the_shape_of_its_kind(catalog):
    for name, derivation in catalog.items():
        for variable, result in derivation.results:
            expected = tuple(sp.simplify(d) for d in promised_shape(derivation, variable))
            got = tuple(sp.simplify(d) for d in ir.shape(result))
            if expected in ((1, 1), ()) and got in ((1, 1), ()):
                continue  # a number is a 1×1 matrix
            assert got == expected, (name, derivation.kind.name)


def test_the_catalog_has_every_kind(catalog):
    assert {d.kind for d in catalog.values()} == set(KINDS.values())


def test_the_numerator_layout_by_a_number_changes_nothing():
    """A number's derivative has no layout: the result, and its check, are the default's."""
    text = "symbols:\n  t: {}\n  A: {shape: [n, n]}\nfunction: t*A\nwrt: t\n"
    plain, numerator = (derive(parse_spec(text + extra, "t.yaml")) for extra in ("", "layout: numerator\n"))
    assert numerator.layout == "denominator" and numerator.result == plain.result
    assert verify(numerator).finite_difference.ok
