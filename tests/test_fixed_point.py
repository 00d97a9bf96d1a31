"""The engine rearranges and simplifies until nothing changes, however many passes that takes; rules
that go round in a cycle stop it, and a refusal names what was left.

Backpropagation through a deep network moves one entrywise product per layer out of the way, one
pass each (the engine once stopped after 8 passes and refused deeper networks).
"""

from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp

from gen.api import derive
from gen.engine import linear, methods
from gen.engine.proof import Step
from gen.errors import Unsupported
from gen.expr import ir


def network(depth: int) -> str:
    """``sum(tanh(W_depth*…tanh(W2*tanh(W1*x))))``: W1 is the first layer, the deepest in the formula."""
    f = "x"
    for k in range(1, depth + 1):
        f = f"tanh(W{k}*{f})"
    return f"sum({f})"


def loss(Ws, x) -> float:
    """The same network in numpy, written independently of derivtex."""
    h = x
    for W in Ws:
        h = np.tanh(W @ h)
    return float(h.sum())


@pytest.mark.parametrize("depth", [8, 12])
def test_a_deep_network_is_derived_with_respect_to_its_first_layer(depth):
    symbols = {"x": {"shape": ["n"]}, **{f"W{k}": {"shape": ["n", "n"]} for k in range(1, depth + 1)}}
    derived = derive(network(depth), wrt="W1", symbols=symbols, timeout=None)
    assert derived.check()  # every line, and finite differences at two sizes
    namespace = {"np": np}
    exec(derived.result.numpy, namespace)
    rng = np.random.default_rng(8)
    n = 3
    Ws = [rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(depth)]
    x = rng.standard_normal(n)
    gradient = namespace["result"](x=x, **{f"W{k}": W for k, W in enumerate(Ws, 1)})
    differences = np.zeros((n, n))
    for i, j in np.ndindex(n, n):
        E = np.zeros((n, n))
        E[i, j] = 1e-6
        differences[i, j] = (loss([Ws[0] + E, *Ws[1:]], x) - loss([Ws[0] - E, *Ws[1:]], x)) / 2e-6
    np.testing.assert_allclose(gradient, differences, rtol=1e-5, atol=1e-8)


def test_a_network_sharing_its_weights_over_8_layers_is_derived():
    f = "x"
    for _ in range(8):
        f = f"tanh(W*{f})"
    # a generous budget, only to end a runaway: its time is measured in `make bench`, not here
    symbols = {"x": {"shape": ["n"]}, "W": {"shape": ["n", "n"]}}
    assert derive(f"sum({f})", wrt="W", symbols=symbols, timeout=300).check()


def flip(t, vector):
    """A rule that never settles: it changes the sign of every term, and changes it back."""
    return type(t)(-t.coeff, t.left, t.transposed, t.right, t.traced, t.inner, t.times)


def test_rearrangement_rules_that_undo_each_other_are_named_in_the_refusal(monkeypatch):
    flip.rule = SimpleNamespace(name="flip")
    monkeypatch.setattr(linear, "REARRANGEMENTS", (*linear.REARRANGEMENTS, flip))
    with pytest.raises(Unsupported, match="the rules 'flip' undo one another"):
        derive("tr(X)", wrt="X", symbols={"X": {"shape": ["n", "n"]}})


def test_simplifications_that_go_round_stop_where_the_cycle_began(monkeypatch):
    def negate(e, symmetric):
        return ir.neg(e)

    negate.rule = SimpleNamespace(name="negate")
    monkeypatch.setattr(methods, "SIMPLIFICATIONS", (negate,))
    X = sp.MatrixSymbol("X", 3, 3)
    steps = [Step(X, "identification")]
    methods.simplify(steps, frozenset())
    assert [s.expr for s in steps] == [X]  # -X, then X again: the cycle's lines are dropped


def test_a_refusal_names_the_term_no_rule_could_rearrange():
    # sum(X ⊗ X) = 1ᵀ(X ⊗ X)1 = sum(X)², but no rule splits 1 𝟏ᵀ into Kronecker factors
    with pytest.raises(Unsupported, match=r"no rule takes dX out of tr\(ones\(n\*n\)\*.*kron\(dX, X\)\)"):
        derive("sum(kron(X, X))", wrt="X", symbols={"X": {"shape": ["n", "n"]}})
