"""Names and constants (issue 15, item 4): pi and e, dimensions used as numbers, the symbols d and T."""

import numpy as np
import pytest

from gen.engine.derive import derive
from gen.errors import Span, SpecError
from gen.expr.lower import parse_expr, symbol_table
from gen.expr.numpy_source import numpy_source
from gen.expr.printers import text
from gen.spec.keys import Text, parse_spec
from gen.verify.checks import verify
from gen.verify.evaluate import Evaluator


def spec(symbols: str, function: str, wrt: str, extra: str = ""):
    symbols = "".join(f"\n  {s.strip()}" for s in symbols.split(";"))
    return parse_spec(f"symbols:{symbols}\nfunction: {function}\nwrt: {wrt}\n{extra}", "case.yaml")


def lowered(source: str, symbols: str = "s: {}; x: {shape: [n]}"):
    table = symbol_table(spec(symbols, "x", "x").symbols)
    return parse_expr(Text(source, Span("expr.yaml", 1, 1)), table), table


def run(case):
    derivation = derive(case)
    return derivation, verify(derivation)


# --- pi and e ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, value",
    [
        ("log(2*pi)", np.log(2 * np.pi)),
        ("sqrt(2*pi)", np.sqrt(2 * np.pi)),
        ("e", np.e),
        ("e^2", np.e**2),
        ("e^-1", 1 / np.e),
        ("pi^2/6", np.pi**2 / 6),  # Euler's Basel sum
    ],
)
def test_constants_evaluate_to_their_values(source, value):
    expr, _ = lowered(source)
    assert Evaluator({}, {}, {})(expr) == pytest.approx(value, rel=1e-15)


def test_e_to_a_number_is_exp_and_of_a_vector_entry_by_entry():
    expr, table = lowered("e^(s^2)*x")
    s, x = table["s"], table["x"]
    value = Evaluator({s: 0.7, x: np.array([[1.0], [2.0]])}, {}, {})(expr)
    assert np.allclose(value, np.exp(0.49) * np.array([[1.0], [2.0]]))
    assert text(lowered("e^x")[0]) == text(lowered("exp(x)")[0]) == "exp(x)"


def test_the_gaussian_normaliser_is_derived_and_exported():
    """d/ds of -1/2 log(2 pi s) - x²/(2s) is -1/(2s) + x²/(2s²) (the variance of a normal)."""
    derivation, report = run(
        spec(
            "s: {assume: [positive]}; a: {}",
            "-1/2*log(2*pi*s) - a^2/(2*s)",
            "s",
            "claim: -1/(2*s) + a^2/(2*s^2)",
        )
    )
    assert report.ok
    assert "pi" not in text(derivation.result)  # log 2π is a constant
    namespace = {"np": np}
    exec(numpy_source(derivation.function, dict(derivation.symbols), derivation.variable), namespace)
    assert namespace["result"](2.0, 3.0) == pytest.approx(-0.5 * np.log(4 * np.pi) - 9 / 4, rel=1e-14)


def test_pi_and_e_print_for_numpy():
    expr, table = lowered("pi*e*s")
    source = numpy_source(expr, table, table["s"])
    assert "np.pi" in source and "np.e" in source


def test_a_declared_symbol_shadows_the_constant():
    expr, table = lowered("pi^T*x + e", "pi: {shape: [n]}; x: {shape: [n]}; e: {}")
    assert expr.free_symbols == {table["pi"], table["x"], table["e"]}
    assert text(lowered("e + s")[0]) == "exp(1) + s"  # the constant prints as exp(1), never as e


# --- dimensions used as numbers ----------------------------------------------------------------

SIGMA = "Sigma: {shape: [N, N], assume: [spd]}"


def test_a_dimension_is_a_number_the_size_of_each_assignment():
    """∂/∂Σ of −N/2 log det Σ is −N/2 Σ⁻¹ (Magnus & Neudecker); N takes each assignment's size."""
    case = spec(SIGMA, "-N/2*logdet(Sigma)", "Sigma", "claim: -N/2*Sigma^-1")
    derivation, report = run(case)
    assert report.ok and report.claim.ok
    assert [dict(sizes)["N"] for sizes in report.sizes] == [4, 5]
    assert text(derivation.result) == "-1/2*N*Sigma^-1"
    expr = derivation.function
    sigma = derivation.symbol_map["Sigma"]
    for n in (4, 5):  # independently: -n/2 log det(2 I) = -n²/2 log 2
        value = Evaluator({sigma: 2 * np.eye(n)}, {sigma.shape[0]: n}, {})(expr)
        assert value == pytest.approx(-(n**2) / 2 * np.log(2))


def test_a_wrong_dimension_factor_is_caught_at_both_sizes():
    case = spec(SIGMA, "-N/2*logdet(Sigma)", "Sigma", "claim: -1/2*Sigma^-1")
    _, report = run(case)
    assert not report.claim.ok


def test_the_numpy_export_reads_a_dimension_off_a_shape():
    case = spec("x: {shape: [N]}", "x^T*x/N", "x")
    derivation, _ = run(case)
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable), namespace)
    x = np.array([1.0, -2.0, 3.0])
    assert np.allclose(namespace["result"](x), 2 * x / 3)


def test_a_dimension_cannot_also_be_a_symbol():
    with pytest.raises(SpecError, match="'n' is a dimension name and cannot also be a symbol"):
        spec("x: {shape: [n]}; n: {}", "n*x^T*x", "x")


# --- d and T as symbol names -------------------------------------------------------------------


ATTENTION = "q: {shape: [n]}; k: {shape: [n]}; d: {assume: [positive]}; T: {assume: [positive]}"


def test_d_and_t_are_symbols_where_the_grammar_is_unambiguous():
    """The scaled dot product q·k/√d of attention (Vaswani et al. 2017, §3.2.1) at temperature T."""
    derivation, report = run(spec(ATTENTION, "q^T*k/(sqrt(d)*T) + T^2", "q", "claim: k/(sqrt(d)*T)"))
    assert report.ok
    assert text(derivation.result) == "k/(T*sqrt(d))"  # as the paper writes it: a fraction


@pytest.mark.parametrize(
    "function, col, message",
    [
        ("q^T*k*d^T", 8, "'^T' is the transpose, not the power by the symbol T: for the power write d^(T)"),
        ("q^T*k*d^-T", 8, "'^T' is the transpose, not the power by the symbol T: for the power write d^(-T)"),
        (
            "q^T*k*d(T)",
            7,
            "'d' is a declared symbol, so 'd(' is not the differential here: write 'd*(' to multiply, "
            "or rename the symbol",
        ),
    ],
)
def test_ambiguous_uses_of_d_and_t_are_refused_at_their_position(function, col, message):
    with pytest.raises(SpecError) as error:
        derive(spec(ATTENTION, function, "q"))
    assert (error.value.message, error.value.span.col) == (message, 11 + col - 1)


def test_caret_t_stays_the_transpose_of_a_matrix_and_a_power_prints_back_in_parentheses():
    table = symbol_table(spec(ATTENTION, "T", "T").symbols)
    transpose = parse_expr(Text("q^T*k", Span("e.yaml", 1, 1)), table)
    power = parse_expr(Text("d^(T)", Span("e.yaml", 1, 1)), table)
    assert text(transpose) == "q^T*k"
    assert text(power) == "d^(T)"
    assert parse_expr(Text(text(power), Span("e.yaml", 1, 1)), table) == power


def test_d_remains_the_differential_in_steps_when_no_symbol_is_named_d():
    case = spec("x: {shape: [n]}", "x^T*x", "x", "steps:\n  - expr: d(x^T*x)\n  - expr: 2*x^T*dx")
    _, report = run(case)
    assert report.author_ok


# --- wrt an inverse: a change of variable --------------------------------------------------------

PRECISION = "Sigma: {shape: [n, n], assume: [spd]}; X: {shape: [N, n]}"
LOGLIK = "-N*n/2*log(2*pi) - N/2*logdet(Sigma) - 1/2*tr(Sigma^-1*X^T*X)"


def loglik(Lam, X):
    """Bishop (2.118) with Σ = Λ⁻¹, written independently with numpy."""
    N, n = X.shape
    Sigma = np.linalg.inv(Lam)
    return -N * n / 2 * np.log(2 * np.pi) - N / 2 * np.linalg.slogdet(Sigma)[1] - np.trace(Lam @ X.T @ X) / 2


def test_the_gradient_by_the_precision_is_bishops():
    """∂/∂Λ of the Gaussian log-likelihood is N/2 Σ − S/2 (Bishop §2.3.4, exercise 2.34), S = XᵀX."""
    derivation, report = run(spec(PRECISION, LOGLIK, "Sigma^-1", "claim: N/2*Sigma - 1/2*X^T*X"))
    assert report.ok and report.claim.ok
    assert derivation.variable.name == "Lambda"
    assert text(derivation.result) == "1/2*(N*Sigma - X^T*X)"  # in the spec's own terms
    rng = np.random.default_rng(1)
    X, A = rng.standard_normal((6, 3)), rng.standard_normal((3, 3))
    Lam = A @ A.T + 3 * np.eye(3)
    G = 6 / 2 * np.linalg.inv(Lam) - X.T @ X / 2  # the published gradient, at Σ = Λ⁻¹
    E = rng.standard_normal((3, 3))
    E = E + E.T  # a symmetric direction: Λ stays symmetric
    h = 1e-5
    slope = (loglik(Lam + h * E, X) - loglik(Lam - h * E, X)) / (2 * h)
    assert slope == pytest.approx(np.trace(G @ E), rel=1e-7)
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.change.old), namespace)
    assert np.allclose(namespace["result"](np.linalg.inv(Lam), X), G)


def test_the_function_in_the_new_variable_is_the_function():
    derivation, _ = run(spec(PRECISION, LOGLIK, "Sigma^-1"))
    change = derivation.change
    rng = np.random.default_rng(2)
    X, A = rng.standard_normal((5, 3)), rng.standard_normal((3, 3))
    Lam = A @ A.T + np.eye(3)
    dims = {change.old.shape[0]: 3, derivation.symbol_map["X"].shape[0]: 5}
    X_symbol = derivation.symbol_map["X"]
    in_lambda = Evaluator({change.new: Lam, X_symbol: X}, dims, {})(derivation.function)
    as_written = Evaluator({change.old: np.linalg.inv(Lam), X_symbol: X}, dims, {})(change.written)
    assert in_lambda == pytest.approx(as_written, rel=1e-12) == pytest.approx(loglik(Lam, X), rel=1e-12)


@pytest.mark.parametrize(
    "symbols, function, claim",
    [
        # Matrix Cookbook (eq. 57 and 126 with Y = X⁻¹): d log|X| = −d log|X⁻¹|, tr(A X⁻¹) is linear in X⁻¹
        ("X: {shape: [n, n], assume: [positive_det]}", "logdet(X)", "-X^T"),
        ("X: {shape: [n, n], assume: [invertible]}; A: {shape: [n, n]}", "tr(A*X^-1)", "A^T"),
        ("X: {shape: [n, n], assume: [invertible]}; a: {shape: [n]}", "a^T*X*a", "-X^T*a*a^T*X^T"),
    ],
)
def test_the_gradient_by_an_inverse_of_an_unstructured_matrix(symbols, function, claim):
    methods = "methods: [differential, directional, entrywise]"
    derivation, report = run(spec(symbols, function, "X^-1", f"claim: {claim}\n{methods}"))
    assert report.ok and report.claim.ok
    assert len(derivation.proofs) == 3


def test_a_wrong_claim_by_the_precision_is_caught():
    _, report = run(spec(PRECISION, LOGLIK, "Sigma^-1", "claim: N/2*Sigma^-1 - 1/2*X^T*X"))
    assert not report.claim.ok


def test_the_proof_states_the_change_of_variable():
    from gen.render.proofs import proof_view

    derivation, report = run(spec(PRECISION, LOGLIK, "Sigma^-1"))
    first = str(proof_view(derivation, 0, report).parts[0].text)
    assert first.startswith(
        r"Write $\Lambda = \Sigma^{-1}$; then $\Sigma = \Lambda^{-1}$, $\det \Sigma = 1/\det \Lambda$"
    )
    assert derivation.proofs[0].gradient.steps[-1].rule == "change of variable"


@pytest.mark.parametrize(
    "symbols, wrt, extra, message",
    [
        ("x: {shape: [n]}", "x^-1", "", "'wrt: x^-1' differentiates by the inverse of a square matrix, but"),
        ("X: {shape: [n, n]}", "Y^-1", "", "'wrt' names 'Y', which is not a declared symbol"),
        ("X: {shape: [n, n]}", "[X^-1, X]", "", "'wrt' names 'X' twice"),
    ],
)
def test_a_bad_inverse_in_wrt_is_refused_at_its_position(symbols, wrt, extra, message):
    with pytest.raises(SpecError, match=message.replace("[", r"\[").replace("^", r"\^")) as error:
        spec(symbols, "tr(X)" if "X" in symbols else "x^T*x", wrt, extra)
    assert error.value.span.line == 4  # the line of 'wrt' (symbols, one symbol, function, wrt)


@pytest.mark.parametrize(
    "wrt, extra, message",
    [
        ("[Sigma^-1, X]", "", "the inverse 'Sigma^-1' with several 'wrt' is not supported yet"),
        ("Sigma^-1", "order: 2", "'order' with 'wrt' an inverse is not supported yet"),
    ],
)
def test_what_an_inverse_in_wrt_cannot_do_yet_is_refused(wrt, extra, message):
    with pytest.raises(SpecError) as error:
        derive(spec(PRECISION, LOGLIK, wrt, extra))
    assert error.value.message == message


def test_an_assumption_the_inverse_loses_is_refused():
    """Λ takes Σ's assumptions: spd, invertible, positive_det and positive_eigenvalues hold of the
    inverse, an entrywise positive matrix's inverse is not positive."""
    with pytest.raises(SpecError) as error:
        derive(spec("X: {shape: [n, n], assume: [positive]}", "sum(log.(X))", "X^-1"))
    assert error.value.message == (
        "differentiating by the inverse of the entrywise positive 'X' (its inverse is not positive)"
        " is not supported yet"
    )


def test_d_and_t_as_dimensions_of_attention():
    """Scaled dot-product scores Q k/√d (Vaswani et al. 2017, §3.2.1), Q of T rows and d columns:
    ∂/∂k of vᵀ exp(Q k/√d) is Qᵀ (v ∘ exp(Q k/√d))/√d, checked at two sizes of d and T."""
    symbols = "Q: {shape: [T, d]}; k: {shape: [d]}; v: {shape: [T]}"
    claim = "claim: Q^T*hadamard(v, exp(Q*k/sqrt(d)))/sqrt(d)"
    derivation, report = run(spec(symbols, "v^T*exp(Q*k/sqrt(d)) - T*log(2*pi)", "k", claim))
    assert report.ok and report.claim.ok
    assert {name for sizes in report.sizes for name, _ in sizes} == {"T", "d"}
    rng = np.random.default_rng(3)
    Q, k, v = rng.standard_normal((4, 3)), rng.standard_normal((3, 1)), rng.standard_normal((4, 1))
    symbol = derivation.symbol_map
    dims = {symbol["Q"].shape[0]: 4, symbol["Q"].shape[1]: 3}
    values = {symbol["Q"]: Q, symbol["k"]: k, symbol["v"]: v}
    expected = Q.T @ (v * np.exp(Q @ k / np.sqrt(3))) / np.sqrt(3)
    assert np.allclose(Evaluator(values, dims, {})(derivation.result), expected)


def test_a_dimension_named_e_shadows_the_constant():
    expr, table = lowered("e*s", "s: {}; x: {shape: [e]}")
    assert Evaluator({table["s"]: 2.0}, {table["x"].shape[0]: 5}, {})(expr) == 10.0


def test_each_proof_states_the_change_once_and_the_proposition_names_the_variable():
    from gen.render.proofs import proof_view
    from gen.render.view import hypothesis

    symbols = "X: {shape: [n, n], assume: [invertible]}; A: {shape: [n, n]}"
    case = spec(symbols, "tr(A*X^-1)", "X^-1", "methods: [differential, directional, entrywise]")
    derivation, report = run(case)
    assert str(hypothesis(derivation)).endswith(r"be invertible. Write $\Lambda = X^{-1}$.")
    for k, proof in enumerate(derivation.proofs):
        first = str(proof_view(derivation, k, report).parts[0].text)
        assert first.startswith(r"Write $\Lambda = X^{-1}$; then $X = \Lambda^{-1}$")
        assert first.count(r"f(\Lambda) =") == 1, proof.method  # the directional proof writes it itself
