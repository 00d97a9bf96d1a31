"""Matrix functions (expm, logm, sqrtm, sinm, cosm) and their Fréchet derivatives, against published
closed forms written down by hand, independent of SciPy and of the engine.

- f of a Jordan block: f([[a, 1], [0, a]]) = [[f(a), f'(a)], [0, f(a)]] (Higham, Functions of
  Matrices, 2008, Definition 1.2, the Jordan canonical form);
- the Fréchet derivative at a diagonal matrix: L_f(D, E)_ij = f[d_i, d_j] E_ij, the divided
  difference (the Daleckii–Krein theorem, Higham, ch. 3);
- the integral forms L_exp(X, E) = ∫₀¹ e^{sX} E e^{(1-s)X} ds (Higham, ch. 10) and
  L_log(X, E) = ∫₀¹ (s(X - I) + I)⁻¹ E (s(X - I) + I)⁻¹ ds (Higham, ch. 11), by Gauss–Legendre
  quadrature, and the Sylvester equation X^{1/2} L + L X^{1/2} = E (Higham, ch. 6);
- the rotation e^{[[0, θ], [-θ, 0]]} = [[cos θ, sin θ], [-sin θ, cos θ]].

Each derived result is also compared with central finite differences.
"""

import math
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from helpers import ROOT, invoke

from gen.engine.derive import derive
from gen.errors import Span, SpecError
from gen.expr import ir
from gen.expr.functions import FUNCTIONS
from gen.expr.latex import latex
from gen.expr.lower import parse_expr, symbol_table
from gen.expr.printers import text
from gen.spec.keys import Text, parse_spec
from gen.verify.checks import rel_error, verify
from gen.verify.evaluate import Evaluator, directional_derivative

X, E = sp.MatrixSymbol("X", 2, 2), sp.MatrixSymbol("E", 2, 2)
SYMBOLS = {"X": X, "E": E}

# name: (f, f') as plain math functions of a number, for the closed forms
SCALAR = {
    "expm": (math.exp, math.exp),
    "logm": (math.log, lambda a: 1 / a),
    "sqrtm": (math.sqrt, lambda a: 1 / (2 * math.sqrt(a))),
    "sinm": (math.sin, math.cos),
    "cosm": (math.cos, lambda a: -math.sin(a)),
}


def evaluate(source: str, **values):
    expr = parse_expr(Text(source, Span("case", 1, 1)), SYMBOLS)
    return Evaluator({SYMBOLS[k]: np.asarray(v, dtype=float) for k, v in values.items()}, {}, {})(expr)


@pytest.mark.parametrize("name", SCALAR)
def test_a_function_of_a_jordan_block(name):
    f, df = SCALAR[name]
    a = 2.0
    expected = [[f(a), df(a)], [0.0, f(a)]]
    value = evaluate(f"{name}(X)", X=[[a, 1.0], [0.0, a]])
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", SCALAR)
def test_the_frechet_derivative_at_a_diagonal_matrix_is_the_divided_difference(name):
    f, df = SCALAR[name]
    d1, d2 = 1.0, 2.5
    divided = (f(d2) - f(d1)) / (d2 - d1)
    E_value = np.array([[0.3, -1.2], [0.7, 2.0]])
    expected = np.array([[df(d1), divided], [divided, df(d2)]]) * E_value
    value = evaluate(f"{name}_frechet(X, E)", X=np.diag([d1, d2]), E=E_value)
    np.testing.assert_allclose(value, expected, rtol=1e-10)


def test_the_exponential_of_a_rotation_generator():
    theta = 0.7
    expected = [[math.cos(theta), math.sin(theta)], [-math.sin(theta), math.cos(theta)]]
    np.testing.assert_allclose(evaluate("expm(X)", X=[[0, theta], [-theta, 0]]), expected, rtol=1e-13)


def quadrature(integrand, points: int = 30):
    """∫₀¹ integrand(s) ds by Gauss–Legendre."""
    nodes, weights = np.polynomial.legendre.leggauss(points)
    return sum(w / 2 * integrand((x + 1) / 2) for x, w in zip(nodes, weights))


def random_point(seed: int, n: int = 4):
    """A matrix with eigenvalues near 1.5 (off the negative axis) and a direction."""
    rng = np.random.default_rng(seed)
    return 1.5 * np.eye(n) + 0.3 * rng.standard_normal((n, n)), rng.standard_normal((n, n))


def frechet(name: str, Xv, Ev):
    n = Xv.shape[0]
    symbols = {"X": sp.MatrixSymbol("X", n, n), "E": sp.MatrixSymbol("E", n, n)}
    expr = parse_expr(Text(f"{name}_frechet(X, E)", Span("case", 1, 1)), symbols)
    return Evaluator({symbols["X"]: Xv, symbols["E"]: Ev}, {}, {})(expr)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_frechet_derivatives_agree_with_their_integral_and_sylvester_forms(seed):
    import scipy.linalg

    Xv, Ev = random_point(seed)
    I = np.eye(len(Xv))  # noqa: E741
    exp_integral = quadrature(lambda s: scipy.linalg.expm(s * Xv) @ Ev @ scipy.linalg.expm((1 - s) * Xv))
    np.testing.assert_allclose(frechet("expm", Xv, Ev), exp_integral, rtol=1e-10)
    inverse = lambda s: np.linalg.inv(s * (Xv - I) + I)  # noqa: E731
    log_integral = quadrature(lambda s: inverse(s) @ Ev @ inverse(s))
    np.testing.assert_allclose(frechet("logm", Xv, Ev), log_integral, rtol=1e-9)
    S = scipy.linalg.sqrtm(Xv)
    np.testing.assert_allclose(frechet("sqrtm", Xv, Ev), scipy.linalg.solve_sylvester(S, S, Ev), rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_logarithm_agrees_with_scipys(seed):
    """The evaluator's inverse scaling and squaring against SciPy's logm (slower, same algorithm)."""
    import scipy.linalg

    Xv, Ev = random_point(seed)
    big = np.block([[Xv, Ev], [np.zeros_like(Xv), Xv]])  # as the Fréchet derivative evaluates it
    for M in (Xv, 3 * Xv, big):
        np.testing.assert_allclose(FUNCTIONS["logm"].numpy_function(np)(M), scipy.linalg.logm(M), atol=1e-12)


@pytest.mark.parametrize("name", SCALAR)
def test_the_frechet_derivative_is_the_directional_derivative(name):
    Xv, Ev = random_point(2)
    f = FUNCTIONS[name].numpy_function(np)
    h = 1e-4
    central = (f(Xv - 2 * h * Ev) - 8 * f(Xv - h * Ev) + 8 * f(Xv + h * Ev) - f(Xv + 2 * h * Ev)) / (12 * h)
    assert rel_error(frechet(name, Xv, Ev), central) < 1e-8


def test_the_complex_step_holds_for_the_exponential_as_its_row_says():
    Xv, Ev = random_point(3)
    assert FUNCTIONS["expm"].analytic
    step = np.imag(FUNCTIONS["expm"].numpy_function(np)(Xv + 1e-30j * Ev)) / 1e-30
    np.testing.assert_allclose(step, frechet("expm", Xv, Ev), rtol=1e-10)


def spec(function: str, wrt: str = "X", claim: str | None = None, symbols: str = "X: {shape: [n, n]}"):
    lines = [f"symbols: {{{symbols}}}", f"function: {function}", f"wrt: {wrt}"]
    return parse_spec("\n".join(lines + ([f"claim: {claim}"] if claim else [])) + "\n", "s.yaml")


@pytest.mark.parametrize("seed", [0, 1])
def test_the_gradient_of_tr_A_expm_is_the_integral_form_transposed(seed):
    """∇ tr(A e^X) = (∫₀¹ e^{sX} A e^{(1-s)X} ds)ᵀ, by quadrature, and by finite differences."""
    import scipy.linalg

    derivation = derive(spec("tr(A*expm(X))", symbols="X: {shape: [n, n]}, A: {shape: [n, n]}"))
    assert text(derivation.result) == "expm_frechet(X^T, A^T)"
    assert latex(derivation.result) == r"L_{\exp}(X^{\top}, A^{\top})"
    Xv, Av = random_point(seed)
    symbols = dict(derivation.symbols)
    n = symbols["X"].shape[0]
    values = {symbols["X"]: Xv, symbols["A"]: Av}
    gradient = Evaluator(values, {n: 4}, {})(derivation.result)
    integral = quadrature(lambda s: scipy.linalg.expm(s * Xv) @ Av @ scipy.linalg.expm((1 - s) * Xv))
    np.testing.assert_allclose(gradient, integral.T, rtol=1e-10)
    for i, j in [(0, 0), (1, 3), (2, 1)]:
        unit = np.zeros((4, 4))
        unit[i, j] = 1.0
        fd = directional_derivative(derivation.function, values, {n: 4}, {symbols["X"]: unit})
        assert abs(fd - gradient[i, j]) < 1e-7 * max(1.0, abs(gradient[i, j]))


def test_the_derivative_of_e_tA_is_A_e_tA():
    derivation = derive(spec("expm(t*A)", "t", "A*expm(t*A)", "A: {shape: [n, n]}, t: {}"))
    assert text(derivation.result) == "expm(t*A)*A"
    report = verify(derivation)
    assert report.steps_ok and report.finite_difference.ok and report.claim.ok
    wrong = verify(derive(spec("expm(t*A)", "t", "t*A*expm(t*A)", "A: {shape: [n, n]}, t: {}")))
    assert not wrong.claim.ok


def test_a_transposed_frechet_gradient_is_a_false_claim():
    symbols = "X: {shape: [n, n]}, A: {shape: [n, n]}"
    assert verify(derive(spec("tr(A*expm(X))", claim="expm_frechet(X^T, A^T)", symbols=symbols))).claim.ok
    assert not verify(derive(spec("tr(A*expm(X))", claim="expm_frechet(X, A)", symbols=symbols))).claim.ok


def test_the_second_derivative_of_a_frechet_derivative_is_refused_honestly():
    source = "symbols: {X: {shape: [n, n]}, A: {shape: [n, n]}}\nfunction: tr(A*expm(X))\nwrt: X\norder: 2\n"
    with pytest.raises(SpecError, match=r"no rule for the differential of expm_frechet\(X\^T, A\^T\)"):
        derive(parse_spec(source, "s.yaml"))


@pytest.mark.parametrize(
    "symbols, function, message",
    [
        ("X: {shape: [n, m]}", "tr(expm(X))", "1:4: cannot take expm() of an n×m matrix: it is not square"),
        ("X: {shape: [n]}", "sum(sqrtm(X))", "1:5: cannot take sqrtm() of a vector (n-vector)"),
        ("t: {}", "logm(t)", "1:1: logm() takes a square matrix; for a number write log(...)"),
        (
            "X: {shape: [n, n]}, a: {shape: [n]}",
            "tr(expm_frechet(X, a*a^T*X*a))",
            "1:4: expm_frechet(X, E) needs E of X's shape, not an n-vector",
        ),
    ],
)
def test_a_matrix_function_of_a_non_square_argument_is_refused_at_its_position(symbols, function, message):
    first = symbols.split(":")[0]
    source = f"symbols: {{{symbols}}}\nfunction: {first}\nwrt: {first}\n"
    table = symbol_table(parse_spec(source, "s.yaml").symbols)
    with pytest.raises(SpecError) as error:
        parse_expr(Text(function, Span("f.yaml", 1, 1)), table)
    assert str(error.value) == f"f.yaml:{message}"


def test_a_logarithm_defined_nowhere_is_refused_at_its_position(tmp_path):
    path = tmp_path / "neg.yaml"
    path.write_text("title: t\nsymbols:\n  X: {shape: [n, n]}\nfunction: tr(logm(-X*X^T))\nwrt: X\n")
    result = invoke("check", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        ":4:14: logm(-X*X^T) is undefined where -X*X^T has an eigenvalue on the closed negative real"
        " axis, which happens for some X when n = 4; declare assumptions under which it has none"
        " (such as spd or positive_eigenvalues)"
    )


def test_a_logarithm_of_a_matrix_of_negative_determinant_is_undefined_not_drawn_again(tmp_path):
    """A real matrix whose determinant is negative has a negative eigenvalue: no real logarithm."""
    path = tmp_path / "inv.yaml"
    path.write_text(
        "title: t\nsymbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(logm(X))\nwrt: X\n"
    )
    result = invoke("check", str(path))
    assert result.exit_code == 2
    assert (
        ":4:14: logm(X) is undefined where X has an eigenvalue on the closed negative real axis"
        in result.stderr
    )
    spd = path.read_text().replace("[invertible]", "[spd]")
    path.write_text(spd + "claim: X^-1\n")
    assert invoke("check", str(path)).exit_code == 0


def test_matrix_functions_are_typeset_as_in_higham():
    A = sp.MatrixSymbol("A", 3, 3)
    t = sp.Symbol("t")
    assert latex(ir.matrix_function("expm", A)) == "e^{A}"
    assert latex(ir.matrix_function("expm", ir.mul(t, A))) == "e^{tA}"
    assert latex(ir.matrix_function("expm", ir.add(A, ir.transpose_of(A)))) == r"\exp(A + A^{\top})"
    assert latex(ir.matrix_function("logm", A)) == r"\log(A)"
    assert latex(ir.matrix_function("sqrtm", A)) == "A^{1/2}"
    assert latex(sp.Transpose(ir.matrix_function("sqrtm", A))) == r"(A^{1/2})^{\top}"


def test_importing_gen_does_not_import_scipy():
    program = "import sys, gen.cli, gen.pipeline, gen.expr.functions; assert 'scipy' not in sys.modules"
    subprocess.run([sys.executable, "-c", program], cwd=ROOT, check=True)


def kronecker_form(name: str, Xv):
    n = Xv.shape[0]
    symbol = sp.MatrixSymbol("X", n, n)
    expr = parse_expr(Text(f"{name}_kronecker(X)", Span("case", 1, 1)), {"X": symbol})
    return Evaluator({symbol: Xv}, {}, {})(expr)


def test_the_kronecker_form_of_the_exponential_is_its_integral():
    """K_exp(X) = ∫₀¹ e^{(1-s)Xᵀ} ⊗ e^{sX} ds: the vec of ∫₀¹ e^{sX} E e^{(1-s)X} ds (Higham, ch. 10)."""
    import scipy.linalg

    Xv, _ = random_point(4, 3)
    integral = quadrature(lambda s: np.kron(scipy.linalg.expm((1 - s) * Xv.T), scipy.linalg.expm(s * Xv)))
    np.testing.assert_allclose(kronecker_form("expm", Xv), integral, rtol=1e-10)


@pytest.mark.parametrize("name", SCALAR)
def test_the_kronecker_form_at_a_diagonal_matrix_is_diagonal(name):
    """K_f(D) = diag(vec F) with F_ij = f[d_i, d_j] (Daleckii–Krein, Higham ch. 3)."""
    f, df = SCALAR[name]
    d = [0.8, 1.7, 2.9]
    F = [[df(a) if a == b else (f(a) - f(b)) / (a - b) for b in d] for a in d]
    expected = np.diag(np.ravel(np.array(F), order="F"))
    np.testing.assert_allclose(kronecker_form(name, np.diag(d)), expected, rtol=1e-9, atol=1e-12)


def test_the_jacobian_of_expm_is_its_kronecker_form():
    derivation = derive(spec("expm(X)"))
    assert text(derivation.result) == "expm_kronecker(X)"
    assert latex(derivation.result) == r"K_{\exp}(X)"
    report = verify(derivation)
    assert report.steps_ok and report.finite_difference.ok


@pytest.mark.parametrize(
    "function, kind", [("tr(expm(X))", "="), ("tr(sqrtm(X))", "fd"), ("tr(logm(X))", "fd")]
)
def test_lines_through_a_function_without_complex_step_get_the_bound_of_finite_differences(function, kind):
    """expm is evaluated by analytic operations (the complex step holds); sqrtm and logm through a
    Schur form, so their differentials are central differences, and their lines get that bound."""
    from gen.pipeline import Outcome, render_tex

    derivation = derive(spec(function, symbols="X: {shape: [n, n], assume: [positive_eigenvalues]}"))
    report = verify(derivation)
    assert report.ok and {c.kind for c in report.proofs[0].chain} == {kind}
    sentence = "by the complex step where every function in it is analytic, else by central differences"
    assert (sentence in render_tex(Outcome(derivation.spec, derivation, report))) == (kind == "fd")
