"""The softmax and the log-sum-exp of a matrix, row by row, against formulas written down by hand and
computed here with numpy alone, independent of the engine and of its evaluator:

- each row of softmax(Z) is the vector softmax e^z / Σ e^z of that row, and sums to 1 (Goodfellow et
  al., Deep Learning, §6.2.2.3; the batch convention of Vaswani et al. 2017 and CS231n);
- the Jacobian of a row's softmax is diag(s) − s sᵀ (Bishop, PRML, §4.3.4), so that ∂vec S/∂(vec Z)ᵀ
  holds one such block per row; the Hessian of Σ logsumexp is the same matrix;
- the backward pass of attention (Dao et al., FlashAttention, 2022, Appendix B.2): with P the softmax
  of τQKᵀ, O = PV and G = ∂L/∂O, dV = PᵀG, dS = P ∘ (GVᵀ − ((G ∘ O)1)1ᵀ), dQ = τ dS K, dK = τ dSᵀ Q.

Each result is also compared with central finite differences of the numpy function.
"""

import numpy as np
import pytest
import sympy as sp

from gen.engine.derive import derive
from gen.errors import Span, SpecError
from gen.expr.lower import parse_expr
from gen.expr.numpy_source import NumpyPrinter
from gen.spec.keys import Text, parse_spec
from gen.verify.checks import rel_error
from gen.verify.evaluate import Evaluator

m, n = sp.Symbol("m"), sp.Symbol("n")
Z, z = sp.MatrixSymbol("Z", m, n), sp.MatrixSymbol("z", n, 1)
SYMBOLS = {"Z": Z, "z": z}
DIMS = {m: 3, n: 4}


def softmax_rows(A):
    """By hand: each row's e^z / Σ e^z, its maximum subtracted first."""
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def parse(source: str):
    return parse_expr(Text(source, Span("case", 1, 1)), SYMBOLS)


def evaluate(source: str, value, vector=None):
    return Evaluator({Z: value, z: vector}, DIMS, {})(parse(source))


def central(f, x, h=1e-6):
    """∂vec f/∂(vec x)ᵀ by central differences, column-major as vec."""
    columns = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        step = e.reshape(x.shape, order="F")
        columns.append(np.ravel((f(x + step) - f(x - step)) / (2 * h), order="F"))
    return np.column_stack(columns)


def point(seed: int, scale: float = 1.0):
    return scale * np.random.default_rng(seed).standard_normal((3, 4))


@pytest.mark.parametrize("scale", [1.0, 1000.0])  # large logits: the row's maximum is subtracted first
def test_each_row_of_the_softmax_is_the_softmax_of_that_row_and_sums_to_one(scale):
    Zv = point(0, scale)
    S = evaluate("softmax(Z)", Zv)
    assert np.all(np.isfinite(S)) and np.allclose(S.sum(axis=1), 1.0)
    for row, s in zip(Zv, S):
        e = np.exp(row - row.max())
        assert np.allclose(s, e / e.sum())
    ell = evaluate("logsumexp(Z)", Zv)
    assert ell.shape == (3, 1)
    assert np.allclose(ell[:, 0], [r.max() + np.log(np.sum(np.exp(r - r.max()))) for r in Zv])


def test_the_column_convention_is_the_transpose_of_the_row_one():
    Zv = point(1)
    S = evaluate("softmax(Z, columns)", Zv)
    assert np.allclose(S.sum(axis=0), 1.0) and np.allclose(S, softmax_rows(Zv.T).T)
    assert np.allclose(evaluate("softmax(Z, rows)", Zv), softmax_rows(Zv))
    assert evaluate("logsumexp(Z, columns)", Zv).shape == (1, 4)


def test_a_vector_keeps_its_own_softmax():
    v = np.random.default_rng(2).standard_normal((4, 1))
    for source in ("softmax(z)", "softmax(z, columns)"):
        assert np.allclose(evaluate(source, point(2), v), np.exp(v) / np.exp(v).sum())
    assert np.isclose(evaluate("logsumexp(z)", point(2), v), np.log(np.exp(v).sum()))


def test_the_complex_step_goes_through_the_stable_softmax():
    """Im S(Z + ihE)/h is the directional derivative: the row maximum is taken on the real part."""
    Zv, E, h = point(3, 50.0), point(4), 1e-30
    stepped = evaluate("softmax(Z)", Zv + 1j * h * E)
    by_differences = (softmax_rows(Zv + 1e-6 * E) - softmax_rows(Zv - 1e-6 * E)) / 2e-6
    assert rel_error(np.imag(stepped) / h, by_differences) < 1e-6


def test_the_exported_code_is_the_stable_row_softmax():
    source = NumpyPrinter().print(parse("softmax(Z)"))
    Zv = point(5, 1000.0)
    assert np.allclose(eval(source, {"np": np, "Z": Zv}), softmax_rows(Zv))  # noqa: S307 (our own printer)
    source = NumpyPrinter().print(parse("logsumexp(Z)"))
    expected = np.log(np.exp(point(5)).sum(axis=1, keepdims=True))
    assert np.allclose(eval(source, {"np": np, "Z": point(5)}), expected)  # noqa: S307


def spec(function: str, wrt: str = "Z", extra: str = "", symbols: str = "Z: {shape: [m, n]}"):
    return parse_spec(f"symbols: {{{symbols}}}\nfunction: {function}\nwrt: {wrt}\n{extra}", "s.yaml")


def at(derivation, values: dict, sizes: dict):
    """An evaluator at the spec's own symbols and dimensions, given by name (a named intermediate is
    its definition)."""
    symbols = derivation.symbol_map
    dims = {d: sizes[d.name] for x in symbols.values() for d in getattr(x, "shape", ()) if d.is_Symbol}
    values = {symbols[name]: value for name, value in values.items()}
    return Evaluator({**values, **dict(derivation.named.pairs)}, dims, {})


def blocks(Zv):
    """By hand: ∂vec S/∂(vec Z)ᵀ holds diag(s) − s sᵀ for each row s, between that row's entries."""
    rows, cols = Zv.shape
    J = np.zeros((Zv.size, Zv.size))
    for i, s in enumerate(softmax_rows(Zv)):
        at = [i + rows * j for j in range(cols)]  # the row's entries in vec order
        J[np.ix_(at, at)] = np.diag(s) - np.outer(s, s)
    return J


def test_the_jacobian_of_the_row_softmax_is_one_bishop_block_per_row():
    derivation = derive(spec("softmax(Z)"))
    Zv = point(6)
    J = at(derivation, {"Z": Zv}, {"m": 3, "n": 4})(derivation.result)
    assert rel_error(J, blocks(Zv)) < 1e-12
    assert rel_error(J, central(softmax_rows, Zv)) < 1e-7


def test_the_hessian_of_the_summed_log_sum_exps_is_the_same_matrix():
    derivation = derive(spec("sum(logsumexp(Z))", extra="order: 2\n"))
    Zv = point(7)
    H = at(derivation, {"Z": Zv}, {"m": 3, "n": 4})(derivation.result)
    assert rel_error(H, blocks(Zv)) < 1e-12
    assert rel_error(H, central(softmax_rows, Zv)) < 1e-7  # the gradient is S itself


def test_attention_gradients_are_the_flashattention_backward_pass():
    symbols = "Q: {shape: [t, k]}, K: {shape: [s, k]}, V: {shape: [s, p]}, G: {shape: [t, p]}"
    symbols += ", tau: {assume: positive}"
    derivation = derive(spec("tr(G^T*softmax(tau*Q*K^T)*V)", "[Q, K, V]", symbols=symbols))
    rng = np.random.default_rng(8)
    Qv, Kv, Vv, Gv = (rng.standard_normal(shape) for shape in [(3, 2), (4, 2), (4, 5), (3, 5)])
    tau = 0.7
    P = softmax_rows(tau * Qv @ Kv.T)
    out = P @ Vv
    dS = P * (Gv @ Vv.T - (Gv * out).sum(axis=1, keepdims=True))
    published = {"Q": tau * dS @ Kv, "K": tau * dS.T @ Qv, "V": P.T @ Gv}
    values = {"Q": Qv, "K": Kv, "V": Vv, "G": Gv, "tau": tau}
    evaluate = at(derivation, values, {"t": 3, "k": 2, "s": 4, "p": 5})
    loss = lambda Q, K, V: np.trace(Gv.T @ softmax_rows(tau * Q @ K.T) @ V)  # noqa: E731
    for variable, gradient in derivation.results:
        value = evaluate(gradient)
        assert rel_error(value, published[variable.name]) < 1e-12
        args = {"Q": Qv, "K": Kv, "V": Vv}

        def moved(x, name=variable.name, args=args):
            return np.array([[loss(**{**args, name: x})]])

        assert rel_error(value, central(moved, args[variable.name]).reshape(value.shape, order="F")) < 1e-7


@pytest.mark.parametrize(
    "function, column, message",
    [
        ("softmax(Z, diagonal)", 12, "the second argument of softmax() is rows or columns, not 'diagonal'"),
        ("logsumexp(Z, 1)", 14, "the second argument of logsumexp() is rows or columns, not '1'"),
        ("softmax(Z, Z)", 12, "the second argument of softmax() is rows or columns, not 'Z'"),
    ],
)
def test_a_bad_axis_is_refused_at_its_position(function, column, message):
    with pytest.raises(SpecError) as error:
        parse(function)
    assert error.value.span.col == column
    assert str(error.value).endswith(message)
