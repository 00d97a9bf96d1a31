"""Spectral functions and the Cholesky factor: published gradients, derived and checked independently.

Each case of tests/fixtures/spectral.txt is derived with its published gradient as the claim,
and the published gradient is compared with central differences of the function at points
drawn here (not by the sampler), with simple eigenvalues and singular values. Closed forms
that need no eigenvector (a diagonal matrix, a rank-one matrix, X⁻¹) check the numbers of
the nodes themselves and the exported numpy code.
"""

import numpy as np
import pytest
import sympy as sp
from helpers import fixture_cases

from gen.engine.derive import derive
from gen.errors import Span, SpecError
from gen.expr import spectral
from gen.expr.lower import parse_expr
from gen.expr.numpy_source import numpy_source
from gen.expr.printers import text
from gen.spec.keys import Text, parse_spec
from gen.verify.checks import verify
from gen.verify.evaluate import Evaluator
from gen.verify.spectral import ill_posed

CASES = fixture_cases("spectral.txt", 4)
SIZES = {"n": 4, "m": 3}
H = 1e-5


def spec(function: str, symbols: str, extra: str = ""):
    return parse_spec(f"symbols: {{{symbols}}}\nfunction: {function}\nwrt: X\n{extra}", "case.yaml")


def draw(symbol, assume, rng):
    """A point of the symbol's domain with a spectrum spread out: eigenvalues and singular values
    at least 0.5 apart, of both signs unless spd."""
    rows, cols = (SIZES.get(str(d), d) for d in symbol.shape)
    q1, _ = np.linalg.qr(rng.standard_normal((rows, rows)))
    q2, _ = np.linalg.qr(rng.standard_normal((cols, cols)))
    spread = rng.permutation(np.arange(1, min(rows, cols) + 1)) * 0.5 + 0.25
    if "spd" in assume or "symmetric" in assume:
        signs = 1 if "spd" in assume else np.where(np.arange(rows) % 2, -1, 1)
        return q1 @ np.diag(spread * signs) @ q1.T
    return q1[:, : min(rows, cols)] @ np.diag(spread + 1) @ q2[:, : min(rows, cols)].T


def point(derivation, seed):
    rng = np.random.default_rng(seed)
    values = {
        derivation.symbol_map[s.name]: draw(derivation.symbol_map[s.name], s.assume, rng)
        for s in derivation.spec.symbols
    }
    dims = {d: SIZES[str(d)] for _, s in derivation.symbols for d in s.shape if d.is_Symbol}
    return values, dims


def central_gradient(function, X, values, dims, symmetric):
    """∂f/∂X_ij by central differences; for a symmetric X along E_ij + E_ji, halved off the diagonal."""
    value = values[X]
    gradient = np.zeros_like(value)
    for i, j in np.ndindex(value.shape):
        if symmetric and i > j:
            continue
        step = np.zeros_like(value)
        step[i, j] = 1.0
        if symmetric:
            step[j, i] = 1.0
        at = lambda t, step=step: Evaluator({**values, X: value + t * step}, dims, {})(function)  # noqa: E731
        derivative = (at(-2 * H) - 8 * at(-H) + 8 * at(H) - at(2 * H)) / (12 * H)
        gradient[i, j] = derivative / 2 if symmetric and i != j else derivative
        if symmetric:
            gradient[j, i] = gradient[i, j]
    return gradient


@pytest.mark.parametrize("function, symbols, published, source", CASES)
def test_the_published_gradient_is_derived(function, symbols, published, source):
    report = verify(derive(spec(function, symbols, f"claim: {published}\n")))
    assert report.ok and report.claim.ok and report.finite_difference.ok


@pytest.mark.parametrize("function, symbols, published, source", CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_the_published_gradient_agrees_with_finite_differences(function, symbols, published, source, seed):
    derivation = derive(spec(function, symbols, f"claim: {published}\n"))
    values, dims = point(derivation, seed)
    X = derivation.variable
    symmetric = derivation.convention is not None
    expected = central_gradient(derivation.function, X, values, dims, symmetric)
    claimed = Evaluator(values, dims, {})(derivation.claim)
    np.testing.assert_allclose(claimed, expected, atol=1e-7 * max(1, np.max(np.abs(expected))))


def exported(derivation):
    namespace = {"np": np}
    exec(numpy_source(derivation.result, derivation.symbol_map, derivation.variable), namespace)
    return namespace["result"]


def test_the_gradient_of_the_largest_eigenvalue_of_a_diagonal_matrix():
    """X = diag(3, -5, 1, 2): λ_max = 3, and its gradient is e₁e₁ᵀ whatever sign the eigenvector has."""
    derivation = derive(spec("lambda_max(X)", "X: {shape: [n, n], assume: [symmetric]}"))
    X = np.diag([3.0, -5.0, 1.0, 2.0])
    expected = np.zeros((4, 4))
    expected[0, 0] = 1.0
    np.testing.assert_allclose(exported(derivation)(X=X), expected, atol=1e-12)
    assert Evaluator({derivation.variable: X}, {}, {})(derivation.function) == pytest.approx(3.0)
    smallest = derive(spec("lambda_min(X)", "X: {shape: [n, n], assume: [symmetric]}"))
    np.testing.assert_allclose(exported(smallest)(X=X)[1, 1], 1.0, atol=1e-12)


def test_the_gradient_of_the_spectral_norm_of_a_rank_one_matrix():
    """σ_max(a bᵀ) = ‖a‖‖b‖, and ∇ σ_max = a bᵀ / (‖a‖‖b‖) (u = a/‖a‖, v = b/‖b‖)."""
    derivation = derive(spec("sigma_max(X)", "X: {shape: [m, n]}"))
    a, b = np.array([1.0, -2.0, 2.0]), np.array([3.0, 0.0, -4.0, 0.0])
    X = np.outer(a, b)
    np.testing.assert_allclose(exported(derivation)(X=X), X / 15.0, atol=1e-12)
    assert Evaluator({derivation.variable: X}, {}, {})(derivation.function) == pytest.approx(15.0)


def test_the_gradient_of_the_nuclear_norm_is_the_polar_factor():
    """X = Q diag(1, 2, 3) Wᵀ: ‖X‖_* = 6 and ∇ = Q Wᵀ (Watson 1992)."""
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.standard_normal((4, 3)))
    W, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    X = Q @ np.diag([1.0, 2.0, 3.0]) @ W.T
    derivation = derive(spec("nuclear(X)", "X: {shape: [m, n]}"))
    np.testing.assert_allclose(exported(derivation)(X=X), Q @ W.T, atol=1e-12)
    assert Evaluator({derivation.variable: X}, {}, {})(derivation.function) == pytest.approx(6.0)


@pytest.mark.parametrize(
    "function, expected",
    [
        ("2*sum(log(diag(chol(X))))", lambda X, L: np.linalg.inv(X)),
        ("tr(chol(X))", lambda X, L: np.linalg.inv(L).T @ np.diag(np.diag(L)) @ np.linalg.inv(L) / 2),
    ],
)
def test_the_cholesky_gradients_in_closed_form(function, expected):
    """Murray (2016): the exported gradient, symmetrised, is the closed form (L = chol X)."""
    derivation = derive(spec(function, "X: {shape: [n, n], assume: [spd]}"))
    A = np.random.default_rng(4).standard_normal((4, 4))
    X = A @ A.T + 4 * np.eye(4)
    G = exported(derivation)(X=X)
    np.testing.assert_allclose(G, expected(X, np.linalg.cholesky(X)), atol=1e-10)


def test_a_false_spectral_claim_fails():
    """The transposed product v uᵀ, or the eigenvector of the other end, is caught."""
    report = verify(derive(spec("sigma_max(X)", "X: {shape: [n, n]}", "claim: svd_v(X)*svd_u(X)^T\n")))
    assert not report.claim.ok
    symmetric = "X: {shape: [n, n], assume: [symmetric]}"
    report = verify(derive(spec("lambda_max(X)", symmetric, "claim: eigvec_min(X)*eigvec_min(X)^T\n")))
    assert not report.claim.ok


@pytest.mark.parametrize(
    "function, symbols, where",
    [
        ("lambda_max(X)", "X: {shape: [n, n]}", 11),
        ("tr(X) + eig(A*X, 2)", "X: {shape: [n, n], assume: [symmetric]}, A: {shape: [n, n]}", 19),
        ("tr(chol(X + A))", "X: {shape: [n, n], assume: [spd]}, A: {shape: [n, n]}", 14),
    ],
)
def test_an_eigenvalue_of_a_matrix_not_known_symmetric_is_refused_at_its_position(function, symbols, where):
    with pytest.raises(SpecError) as error:
        derive(spec(function, symbols))
    assert error.value.span.col == where and "needs a symmetric matrix" in error.value.message


@pytest.mark.parametrize(
    "function",
    ["lambda_max(X + X^T)", "lambda_min(X^T*A*X)", "eig(X*X^T, 1)", "chol(X^T*X + I)"],
)
def test_symmetric_expressions_are_accepted(function):
    X = derive(
        spec(
            f"tr(X) + sum({function})" if "chol" in function else f"tr(X) + {function}",
            "X: {shape: [n, n]}, A: {shape: [n, n], assume: [symmetric]}",
        )
    )
    assert X.result is not None


@pytest.mark.parametrize(
    "function, message",
    [
        ("eig(X, 0)", "the index of eig(X, k) is a positive integer"),
        ("lambda_max(x)", "lambda_max() takes a matrix, not a vector"),
        ("sigma_max(2)", "sigma_max() takes a matrix, not a number"),
        ("chol(B)", "cannot take chol() of"),
    ],
)
def test_bad_arguments_are_refused(function, message):
    symbols = "X: {shape: [n, n], assume: [symmetric]}, x: {shape: [n]}, B: {shape: [n, m]}"
    with pytest.raises(SpecError, match=None) as error:
        derive(spec(function, symbols))
    assert message in error.value.message


def test_the_complex_step_is_not_used_through_a_spectral_node():
    """numpy's svd of a complex matrix is not the analytic continuation: the directional proof's
    lemma (2 g D_U g, with g = σ_max(X) a named piece) is checked by central differences."""
    derivation = derive(spec("sigma_max(X)^2", "X: {shape: [m, n]}", "methods: [directional]\n"))
    assert verify(derivation).ok


@pytest.mark.parametrize("function, symbols, published, source", CASES)
def test_the_grammar_printer_writes_what_parses_back(function, symbols, published, source):
    """Every spectral node prints in the grammar (eig(X, 2), svd_u(X), tril_half(…)) and parses back."""
    derivation = derive(spec(function, symbols, f"claim: {published}\n"))
    for value in (derivation.function, derivation.result, derivation.claim):
        reparsed = parse_expr(Text(text(value), Span("r", 1, 1)), derivation.symbol_map)
        assert reparsed == value


def test_the_sampler_keeps_eigenvalues_and_singular_values_simple():
    """A point where the eigenvalue or singular value is repeated (or nearly: a gap under 0.1 of the
    largest magnitude), the matrix not symmetric, rank-deficient or indefinite is drawn again."""
    X = sp.MatrixSymbol("X", 3, 3)
    largest, smallest = spectral.Eigenvalue(X, spectral.MAX), spectral.Eigenvalue(X, spectral.MIN)
    assert ill_posed(largest, np.diag([1.0, 2.0, 2.0])) and not ill_posed(largest, np.diag([1.0, 2.0, 3.0]))
    assert ill_posed(smallest, np.diag([1.0, 1.2, 3.0])) and not ill_posed(smallest, np.diag([1.0, 1.5, 3.0]))
    assert ill_posed(spectral.Eigenvalue(X, 2), np.diag([1.0, 2.0, 2.1]))
    assert ill_posed(largest, np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 5.0]]))  # not symmetric
    assert ill_posed(spectral.SingularValue(X), np.diag([2.0, -2.0, 1.0]))
    assert not ill_posed(spectral.SingularValue(X), np.diag([3.0, -2.0, 1.0]))
    assert ill_posed(spectral.Nuclear(X), np.diag([3.0, 2.0, 0.0]))
    assert ill_posed(spectral.Cholesky(X), np.diag([3.0, 2.0, -1.0]))
    assert not ill_posed(spectral.Cholesky(X), np.diag([3.0, 2.0, 1.0]))
