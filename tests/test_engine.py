"""The engine derives the textbook gradients (Matrix Cookbook forms), checked numerically too."""

import numpy as np
import pytest
from helpers import fixture_cases

from gen.engine.derive import derive
from gen.errors import Span, SpecError, Unsupported
from gen.expr import ir
from gen.expr.latex import latex
from gen.expr.lower import parse_expr
from gen.expr.numpy_source import numpy_source
from gen.expr.printers import text
from gen.render.json_view import to_json
from gen.spec.keys import Text, parse_spec
from gen.verify.checks import verify

SQUARE = "X: {shape: [n, n], assume: [invertible]}"
POSITIVE_DET = "X: {shape: [n, n], assume: [positive_det]}"  # logdet X is defined for det X > 0


def spec(symbols: str, function: str, wrt: str = "X", extra: str = ""):
    symbols = "".join(f"\n  {s.strip()}" for s in symbols.split(";"))
    return parse_spec(f"symbols:{symbols}\nfunction: {function}\nwrt: {wrt}\n{extra}", "case.yaml")


TEXTBOOK = fixture_cases("gradients.txt", 4)  # function ; wrt ; gradient ; symbols


@pytest.mark.parametrize("function, wrt, gradient, symbols", TEXTBOOK)
def test_textbook_gradient(function, wrt, gradient, symbols):
    derivation = derive(spec(symbols, function, wrt))
    report = verify(derivation)
    assert text(derivation.result) == gradient
    assert report.finite_difference.ok, report.finite_difference
    assert report.ok


@pytest.mark.parametrize("function, wrt, gradient, symbols", TEXTBOOK)
def test_textbook_gradient_holds_as_a_claim(function, wrt, gradient, symbols):
    report = verify(derive(spec(symbols, function, wrt, f"claim: {gradient}\n")))
    assert report.claim is not None and report.claim.ok


def test_a_false_claim_is_caught():
    report = verify(derive(spec(SQUARE, "tr(X^-1)", extra="claim: (X^-2)^T\n")))
    assert not report.claim.ok and report.claim_diagnosis.diagnosis == "sign"
    assert not report.ok


def test_the_derivative_with_respect_to_a_scalar():
    # d/ds det(X + sI) = det(X + sI) tr((X + sI)^-1), checked at s by hand for X = 2I (n = 3): 3 (2 + s)^2
    derivation = derive(spec(f"{SQUARE}; s: {{}}", "det(X + s*I)", "s"))
    assert verify(derivation).ok
    source = numpy_source(derivation.result, dict(derivation.symbols), derivation.variable)
    namespace = {"np": np}
    exec(source, namespace)
    assert namespace["result"](X=2 * np.eye(3), s=0.5) == pytest.approx(3 * 2.5**2)


@pytest.mark.parametrize(
    "symbols, function, wrt, extra, span",
    [
        (SQUARE, "X^-1", "X", "order: 2\n", (5, 8)),  # the second derivative of a matrix: at the 2
        (SQUARE, "diag(diag(X))", "X", "", (3, 11)),  # a Jacobian through diag(diag(X)): at the function
        (f"{SQUARE}; Y: {{shape: [n, n]}}", "tr(X*Y)", "[X, Y]", "order: 2\n", (6, 8)),  # several, order 2
    ],
    ids=["order-2", "diagonal-jacobian", "several-variables"],
)
def test_unsupported_is_an_honest_refusal(symbols, function, wrt, extra, span):
    with pytest.raises(Unsupported) as error:
        derive(spec(symbols, function, wrt, extra))
    assert error.value.exit_code == 2 and isinstance(error.value, SpecError)
    assert "not supported yet" in error.value.message
    assert (error.value.span.line, error.value.span.col) == span


@pytest.mark.parametrize("function", ["tr(X)", "exp(tr(X))"])
def test_every_printed_result_can_be_claimed(function):
    derivation = derive(spec(SQUARE, function))
    claimed = derive(spec(SQUARE, function, extra=f"claim: {text(derivation.result)}\n"))
    assert verify(claimed).claim.ok


def test_printed_result_of_a_textbook_case_parses_back():
    derivation = derive(spec(SQUARE, "det(X)"))
    source = Text(text(derivation.result), Span("claim", 1, 1))
    assert parse_expr(source, derivation.symbol_map) == derivation.result


def test_gradient_of_a_constant_can_be_claimed():
    symbols = f"{SQUARE}; A: {{shape: [n, n]}}"
    derivation = derive(spec(symbols, "tr(A)"))
    assert text(derivation.result) == "0" and verify(derivation).ok
    assert verify(derive(spec(symbols, "tr(A)", extra="claim: 0\n"))).claim.ok


def test_a_number_inside_an_entrywise_product_is_counted_once():
    # hadamard(c*hadamard(a, b), e) = c (a o b o e): the number c once, not once per factor
    derivation = derive(spec("x: {shape: [n]}", "norm(diag(softmax(x))*softmax(x))^2", "x"))
    report = verify(derivation)
    assert report.steps_ok and report.finite_difference.ok


def test_numbers_and_one_by_one_products_add_up():
    derivation = derive(spec("x: {shape: [n]}; y: {shape: [n]}", "softmax(x)^T*(x^T*y)*x", "x"))
    assert verify(derivation).ok


@pytest.mark.parametrize(
    "convention, gradient",
    [("sym", "S^-1"), ("cookbook", "2*S^-1 - diag(diag(S^-1))")],  # Cookbook §2.8: G + Gᵀ − diag(G)
)
def test_a_symmetric_variable_follows_its_convention(convention, gradient):
    symbols = "S: {shape: [n, n], assume: [spd]}"
    derivation = derive(spec(symbols, "logdet(S)", "S", f"symmetric_gradient: {convention}\n"))
    assert text(derivation.result) == gradient
    assert verify(derivation).ok  # finite differences taken within symmetric matrices
    other = "2*S^-1 - diag(diag(S^-1))" if convention == "sym" else "S^-1"
    wrong = verify(
        derive(spec(symbols, "logdet(S)", "S", f"symmetric_gradient: {convention}\nclaim: {other}\n"))
    )
    assert not wrong.claim.ok


def test_a_symmetric_variable_is_proved_by_differentials_only():
    with pytest.raises(SpecError, match="needs an unconstrained variable"):
        derive(spec("S: {shape: [n, n], assume: [spd]}", "logdet(S)", "S", "methods: [directional]\n"))


@pytest.mark.parametrize(
    "symbols, function, wrt, derivative",
    [  # numerator layout: the transpose of the gradient (by hand: ∇ tr(AX) = Aᵀ, ∇ xᵀAx = (A + Aᵀ)x)
        ("X: {shape: [n, m]}; A: {shape: [m, n]}", "tr(A*X)", "X", "A"),
        ("x: {shape: [n]}; A: {shape: [n, n]}", "x^T*A*x", "x", "x^T*(A + A^T)"),
    ],
)
def test_the_numerator_layout_transposes_the_gradient(symbols, function, wrt, derivative):
    derivation = derive(
        spec(symbols, function, wrt, "layout: numerator\nmethods: [differential, entrywise]\n")
    )
    assert text(derivation.result) == derivative
    assert verify(derivation).ok
    source = numpy_source(derivation.result, dict(derivation.symbols), derivation.variable)
    namespace = {"np": np}
    exec(source, namespace)
    rng = np.random.default_rng(1)
    shapes = {"X": (4, 3), "A": (3, 4) if wrt == "X" else (4, 4), "x": (4,)}
    args = {name: rng.standard_normal(shapes[name]) for name, _ in derivation.symbols}
    expected = args["A"] if wrt == "X" else (args["A"] + args["A"].T) @ args["x"]
    np.testing.assert_allclose(namespace["result"](**args), expected, rtol=1e-10)


def test_a_denominator_value_stated_in_numerator_layout_is_diagnosed_as_a_transpose():
    symbols = "X: {shape: [n, n]}; A: {shape: [n, n]}"
    report = verify(derive(spec(symbols, "tr(A*X)", "X", "layout: numerator\nclaim: A^T\n")))
    assert not report.claim.ok and report.claim_diagnosis.diagnosis == "transpose"


def test_the_derivative_of_a_matrix_valued_function_of_a_number():
    # d/dt (A + tB)⁻¹ = −(A + tB)⁻¹ B (A + tB)⁻¹; at A = 2I, B = I, t = ½ that is −I/2.5²
    derivation = derive(spec(f"{SQUARE}; B: {{shape: [n, n]}}; t: {{}}", "(X + t*B)^-1", "t"))
    assert text(derivation.result) == "-(X + t*B)^-1*B*(X + t*B)^-1"
    assert verify(derivation).ok
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable), namespace)
    value = namespace["result"](X=2 * np.eye(3), B=np.eye(3), t=0.5)
    np.testing.assert_allclose(value, -np.eye(3) / 2.5**2, rtol=1e-12)


@pytest.mark.parametrize(
    "symbols, function, wrt, claim",
    [  # Jacobians ∂f/∂xᵀ (Magnus & Neudecker), by hand: d(Ax) = A dx, d tanh(u) = (1 - tanh²u) ∘ du
        ("x: {shape: [n]}; A: {shape: [m, n]}", "A*x", "x", "A"),
        ("z: {shape: [n]}", "softmax(z)", "z", "diag(softmax(z)) - softmax(z)*softmax(z)^T"),
        (
            "x: {shape: [n]}; W: {shape: [m, n]}",
            "tanh(W*x)",
            "x",
            "diag(ones(m) - hadamard(tanh(W*x), tanh(W*x)))*W",
        ),
        ("x: {shape: [n]}; A: {shape: [n, n]}", "(x^T*A*x)*x", "x", "tr(x^T*A*x)*I + x*x^T*(A + A^T)"),
    ],
)
def test_the_jacobian_of_a_vector_function(symbols, function, wrt, claim):
    derivation = derive(spec(symbols, function, wrt, f"claim: {claim}\n"))
    report = verify(derivation)
    assert report.ok, (report.finite_difference, report.claim)
    assert ir.shape(derivation.result)[1] == ir.shape(derivation.variable)[0]


def test_the_numpy_jacobian_has_the_shape_size_f_by_size_x():
    derivation = derive(spec("z: {shape: [n]}", "softmax(z)", "z"))
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable, True), namespace)
    z = np.array([0.1, 0.5, -0.3, 2.0])
    s = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(namespace["result"](z=z), np.diag(s) - np.outer(s, s), atol=1e-12)


@pytest.mark.parametrize(
    "symbols, function, hessian",
    [  # Hessians, by hand: ∇(xᵀAx) = (A + Aᵀ)x; the logistic loss's gradient Xᵀ(σ(Xw) − y), σ' = σ(1 − σ)
        ("x: {shape: [n]}; A: {shape: [n, n]}", "x^T*A*x", "A + A^T"),
        ("x: {shape: [n]}; A: {shape: [n, n], assume: [symmetric]}", "x^T*A*x", "2*A"),
        (
            "x: {shape: [n]}; X: {shape: [m, n]}; y: {shape: [m]}",
            "sum(softplus(X*x)) - y^T*X*x",
            "X^T*diag(hadamard(sigmoid(X*x), sigmoid(-X*x)))*X",
        ),
        ("x: {shape: [n]}", "logsumexp(x)", "diag(softmax(x)) - softmax(x)*softmax(x)^T"),
    ],
)
def test_the_hessian_of_a_scalar_function_of_a_vector(symbols, function, hessian):
    derivation = derive(spec(symbols, function, "x", f"order: 2\nclaim: {hessian}\n"))
    report = verify(derivation)
    assert report.ok and report.claim.ok  # and finite differences of the gradient agree
    assert all(c.ok for c in report.proofs[0].second)


@pytest.mark.parametrize(
    "symbols, function, hessian",
    [  # by hand: the gradient G, then d vec G = H d vec X with vec(A dXᵀ B) = (Bᵀ ⊗ A) K vec dX
        # G = -X⁻ᵀX⁻ᵀ, dG = X⁻ᵀX⁻ᵀ dXᵀ X⁻ᵀ + X⁻ᵀ dXᵀ X⁻ᵀX⁻ᵀ
        (SQUARE, "tr(X^-1)", "(kron(X^-1, X^-T*X^-T) + kron(X^-2, X^-T))*commutation(n, n)"),
        (POSITIVE_DET, "logdet(X)", "-kron(X^-1, X^-T)*commutation(n, n)"),  # G = X⁻ᵀ, dG = -X⁻ᵀ dXᵀ X⁻ᵀ
        # G = 2Aᵀ(AX − B), dG = 2AᵀA dX
        (
            "X: {shape: [n, m]}; A: {shape: [p, n]}; B: {shape: [p, m]}",
            "norm(A*X - B)^2",
            "2*kron(I(m), A^T*A)",
        ),
    ],
)
def test_the_hessian_of_a_scalar_function_of_a_matrix(symbols, function, hessian):
    derivation = derive(spec(symbols, function, "X", f"order: 2\nclaim: {hessian}\n"))
    report = verify(derivation)
    assert report.ok and report.claim.ok
    n = 3
    X = np.random.default_rng(1).standard_normal((n, n)) + n * np.eye(n)
    if function == "logdet(X)":  # the numpy Hessian against differences of the numpy gradient, by hand
        namespace = {"np": np}
        exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable, True), namespace)
        gradient = lambda X: np.linalg.inv(X).T.ravel(order="F")  # noqa: E731
        h = 1e-6
        columns = []
        for k in range(n * n):
            E = np.zeros(n * n)
            E[k] = h
            E = E.reshape((n, n), order="F")
            columns.append((gradient(X + E) - gradient(X - E)) / (2 * h))
        np.testing.assert_allclose(namespace["result"](X=X), np.column_stack(columns), atol=1e-8)


RESOLVENT = "t: {}; A: {shape: [n, n], assume: [invertible]}; B: {shape: [n, n]}"


@pytest.mark.parametrize(
    "symbols, function, second",
    [  # by hand, with R = (A + tB)⁻¹ and R' = -RBR
        (RESOLVENT, "(A + t*B)^-1", "2*(A + t*B)^-1*B*(A + t*B)^-1*B*(A + t*B)^-1"),  # (-RBR)'
        (RESOLVENT, "tr((A + t*B)^-1)", "2*tr((A + t*B)^-1*B*(A + t*B)^-1*B*(A + t*B)^-1)"),
        ("t: {}; a: {shape: [n]}", "exp(t*a^T*a)", "(a^T*a)^2*exp(t*a^T*a)"),  # a number of a number
    ],
)
def test_the_second_derivative_by_a_number(symbols, function, second):
    derivation = derive(spec(symbols, function, "t", f"order: 2\nclaim: {second}\n"))
    report = verify(derivation)
    assert report.ok and report.claim.ok  # and finite differences of the derivative agree
    assert derivation.proofs[0].second[0].steps and report.proofs[0].second
    assert ir.shape(derivation.result) == ir.shape(derivation.function)


def test_a_false_second_derivative_is_caught():
    derivation = derive(
        spec(RESOLVENT, "(A + t*B)^-1", "t", "order: 2\nclaim: (A + t*B)^-1*B*(A + t*B)^-1*B*(A + t*B)^-1\n")
    )
    report = verify(derivation)
    assert not report.claim.ok and report.claim_diagnosis.label == "claim"


def test_the_hessian_within_symmetric_matrices():
    """log det X for a symmetric X: the gradient X⁻¹ moves by -X⁻¹UX⁻¹ in a symmetric direction U."""
    derivation = derive(spec("X: {shape: [n, n], assume: [spd]}", "logdet(X)", "X", "order: 2\n"))
    report = verify(derivation)
    assert report.ok and all(c.ok for c in report.proofs[0].second)
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable, True), namespace)
    rng = np.random.default_rng(2)
    n = 4
    A = rng.standard_normal((n, n))
    X = A @ A.T + n * np.eye(n)
    H = namespace["result"](X=X)
    np.testing.assert_allclose(H, H.T, atol=1e-12)  # a symmetric matrix, as a Hessian is
    U = rng.standard_normal((n, n))
    U = U + U.T
    Xi = np.linalg.inv(X)
    moved = (-Xi @ U @ Xi).ravel(order="F")
    np.testing.assert_allclose(H @ U.ravel(order="F"), moved, atol=1e-12)
    W = rng.standard_normal((n, n))  # an antisymmetric direction is not one X can move in
    np.testing.assert_allclose(H @ (W - W.T).ravel(order="F"), 0, atol=1e-12)


def test_order_2_with_the_cookbook_convention_is_refused():
    extra = "order: 2\nsymmetric_gradient: cookbook\n"
    with pytest.raises(Unsupported, match="order 2 with symmetric_gradient: cookbook is not supported yet"):
        derive(spec("X: {shape: [n, n], assume: [spd]}", "logdet(X)", "X", extra))


@pytest.mark.parametrize("function, wrt, jacobian, symbols", fixture_cases("jacobians.txt", 4))
def test_the_jacobian_of_a_matrix_function(function, wrt, jacobian, symbols):
    derivation = derive(spec(symbols, function, wrt, f"claim: {jacobian}\n"))
    report = verify(derivation)
    assert report.ok and report.claim.ok  # and against finite differences of vec F, column-major


@pytest.mark.parametrize(
    "function, moved",
    [  # the Kronecker product is bilinear: kron(A, X) moves by kron(A, U), kron(X, X) by the two terms
        ("kron(A, X)", lambda A, X, U: np.kron(A, U)),
        ("kron(X, A)", lambda A, X, U: np.kron(U, A)),
        ("kron(X, X)", lambda A, X, U: np.kron(U, X) + np.kron(X, U)),
        ("kron(kron(A, X), X^T)", lambda A, X, U: np.kron(np.kron(A, U), X.T) + np.kron(np.kron(A, X), U.T)),
    ],
)
def test_the_jacobian_of_a_kronecker_product(function, moved):
    derivation = derive(spec(f"{SQUARE}; A: {{shape: [m, p]}}", function, "X"))
    assert verify(derivation).ok
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable, True), namespace)
    rng = np.random.default_rng(4)
    A, X, U = rng.standard_normal((2, 3)), rng.standard_normal((4, 4)), rng.standard_normal((4, 4))
    J = namespace["result"](X=X, A=A)
    np.testing.assert_allclose(J @ U.ravel(order="F"), moved(A, X, U).ravel(order="F"), atol=1e-10)


@pytest.mark.parametrize(
    "function, bilinear",
    [  # by hand (Magnus & Neudecker): d² log det X = -tr(X⁻¹dX X⁻¹dX); d² tr(X⁻¹) = 2 tr(X⁻¹dX X⁻¹dX X⁻¹)
        ("logdet(X)", "-tr(X^-1*U*X^-1*V)"),
        ("tr(X^-1)", "tr(X^-1*U*X^-2*V) + tr(X^-2*U*X^-1*V)"),
    ],
)
def test_the_second_differential_of_a_matrix_function_as_a_bilinear_form(function, bilinear):
    derivation = derive(spec(POSITIVE_DET, function, "X", "order: 2\n"))
    *_, chain = derivation.proofs[0].second
    assert text(chain.last) == bilinear
    assert all(c.ok for c in verify(derivation).proofs[0].second[-len(chain.steps) :])  # = vec(V)ᵀ H vec(U)


def test_several_variables_share_one_differential_and_each_gradient_is_right():
    # by hand: d‖Wx + b − y‖² = 2 rᵀ(dW x + db) with r = Wx + b − y, so ∇_W = 2 r xᵀ and ∇_b = 2 r
    symbols = "W: {shape: [m, n]}; b: {shape: [m]}; x: {shape: [n]}; y: {shape: [m]}"
    derivation = derive(spec(symbols, "norm(W*x + b - y)^2", "[W, b]"))
    report = verify(derivation)
    assert report.ok and len(derivation.proofs) == 1  # one proof, finite differences for both gradients
    (W, grad_W), (b, grad_b) = derivation.results
    assert (W.name, text(grad_W), b.name, text(grad_b)) == (
        "W",
        "2*(W*x + b - y)*x^T",
        "b",
        "2*(W*x + b - y)",
    )
    proof = derivation.proofs[0]
    assert proof.chain.last.has(ir.d(W)) and proof.chain.last.has(ir.d(b))  # the shared differential


def test_several_variables_in_json_are_keyed_by_name():
    derivation = derive(spec(f"{SQUARE}; Y: {{shape: [n, n]}}", "tr(X*Y)", "[X, Y]"))
    out = to_json(derivation, verify(derivation))
    assert "result" not in out and list(out["results"]) == ["X", "Y"]
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((2, 3, 3))
    for name, expected in (("X", Y.T), ("Y", X.T)):  # ∇_X tr(XY) = Yᵀ, ∇_Y tr(XY) = Xᵀ
        namespace = {"np": np}
        exec(out["results"][name]["numpy"], namespace)
        np.testing.assert_allclose(namespace["result"](X=X, Y=Y), expected)


def test_a_jacobian_in_numerator_layout_is_refused_as_redundant_and_a_cookbook_one_as_not_yet():
    with pytest.raises(SpecError, match=r"a Jacobian is always .* remove 'layout'") as error:
        derive(spec("z: {shape: [n]}", "softmax(z)", "z", "layout: numerator\n"))
    assert (error.value.span.line, error.value.span.col) == (5, 9)
    with pytest.raises(
        Unsupported, match="a Jacobian with symmetric_gradient: cookbook is not supported yet"
    ):
        derive(spec("S: {shape: [n, n], assume: [symmetric]}", "S^-1", "S", "symmetric_gradient: cookbook\n"))


def test_the_jacobian_within_symmetric_matrices():
    """X² for a symmetric X moves by UX + XU in a symmetric direction U, and not at all otherwise."""
    derivation = derive(spec("X: {shape: [n, n], assume: [symmetric]}", "X^2", "X"))
    assert verify(derivation).ok
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable, True), namespace)
    rng = np.random.default_rng(3)
    X, U, W = rng.standard_normal((3, 4, 4))
    X, U = X + X.T, U + U.T
    J = namespace["result"](X=X)
    np.testing.assert_allclose(J @ U.ravel(order="F"), (U @ X + X @ U).ravel(order="F"), atol=1e-10)
    np.testing.assert_allclose(J @ (W - W.T).ravel(order="F"), 0, atol=1e-10)


def logdet_kron(A, X):
    return np.log(np.linalg.det(np.kron(A, X)))


def det_kron(A, X):
    return np.linalg.det(np.kron(A, X))


@pytest.mark.parametrize(
    "function, f, published",
    [  # det(A ⊗ X) = det(A)^m det(X)^n (A n×n, X m×m: Magnus & Neudecker ch. 2; Cookbook eq. 512), so
        # ∇_X logdet(A ⊗ X) = n X⁻ᵀ and ∇_X det(A ⊗ X) = n det(A)^m det(X)^n X⁻ᵀ: a dimension as a number
        ("logdet(kron(A, X))", logdet_kron, lambda A, X: len(A) * np.linalg.inv(X).T),
        ("det(kron(A, X))", det_kron, lambda A, X: len(A) * det_kron(A, X) * np.linalg.inv(X).T),
    ],
)
def test_the_determinant_of_a_kronecker_product(function, f, published):
    both = "A: {shape: [n, n], assume: [positive_det]}; X: {shape: [m, m], assume: [positive_det]}"
    derivation = derive(spec(both, function, "X"))
    assert verify(derivation).ok  # every line and finite differences, at two sizes
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable), namespace)
    rng = np.random.default_rng(5)
    for n, m in ((2, 3), (3, 2)):
        A, X = rng.standard_normal((n, n)) + 3 * np.eye(n), rng.standard_normal((m, m)) + 3 * np.eye(m)
        differences = np.zeros((m, m))
        for i, j in np.ndindex(m, m):
            E = np.zeros((m, m))
            E[i, j] = 1e-6
            differences[i, j] = (f(A, X + E) - f(A, X - E)) / 2e-6
        np.testing.assert_allclose(published(A, X), differences, rtol=1e-5)  # the published result is right
        np.testing.assert_allclose(namespace["result"](A=A, X=X), published(A, X), rtol=1e-10)


@pytest.mark.parametrize(
    "symbols, function, wrt, claim",
    [  # (a ⊗ b)ᵀ(c ⊗ d) = (aᵀc)(bᵀd) (Magnus & Neudecker ch. 2), so by hand: ∇ (aᵀx)(bᵀx) = a bᵀx + b aᵀx,
        # ∇ ‖x ⊗ x‖² = ∇ ‖x‖⁴ = 4 ‖x‖² x, ∇_X (aᵀXc)(bᵀx) = (bᵀx) a cᵀ; a ⊗ dx = (a ⊗ I) dx on the way
        (
            "x: {shape: [n]}; a: {shape: [n]}; b: {shape: [n]}",
            "kron(a, b)^T*kron(x, x)",
            "x",
            "a*b^T*x + b*a^T*x",
        ),
        ("x: {shape: [n]}", "norm(kron(x, x))^2", "x", "4*(x^T*x)*x"),
        ("x: {shape: [n]}", "kron(x, x)^T*kron(x, x)", "x", "4*(x^T*x)*x"),
        (
            "X: {shape: [n, m]}; a: {shape: [n]}; b: {shape: [n]}; c: {shape: [m]}; x: {shape: [n]}",
            "kron(a, b)^T*kron(X*c, x)",
            "X",
            "(b^T*x)*a*c^T",
        ),
    ],
)
def test_the_gradient_through_a_kronecker_product_of_vectors(symbols, function, wrt, claim):
    report = verify(derive(spec(symbols, function, wrt, f"claim: {claim}\n")))
    assert report.ok and report.claim.ok  # and finite differences


GELU_U = "0.7978845608028654*(x + 0.044715*x.^3)"  # √(2/π) (x + 0.044715 x³)
GELU = f"sum(hadamard(0.5*x, ones(n) + tanh({GELU_U})))"
# Hendrycks & Gimpel, Gaussian Error Linear Units (2016): GELU(x) ≈ ½x(1 + tanh(√(2/π)(x + 0.044715x³))),
# differentiated by hand: ½(1 + tanh u) + ½x(1 − tanh²u) √(2/π)(1 + 3·0.044715x²), entry by entry.
GELU_DERIVATIVE = (
    f"0.5*(ones(n) + tanh({GELU_U})) + 0.5*0.7978845608028654*"
    f"hadamard(hadamard(x, ones(n) - tanh({GELU_U}).^2), ones(n) + 3*0.044715*x.^2)"
)


def test_decimals_are_printed_as_the_author_wrote_them():
    """Published constants stay decimals in the result and its LaTeX (exact rationals inside)."""
    derivation = derive(spec("x: {shape: [n]}", GELU, "x", f"claim: {GELU_DERIVATIVE}\n"))
    report = verify(derivation)
    assert report.ok and report.claim.ok and report.finite_difference.ok
    printed, typeset = text(derivation.result), latex(derivation.result)
    for constant in ("0.7978845608028654", "0.044715*x.^3"):
        assert constant in printed
    assert "0.7978845608028654" in typeset and "0.044715x^{\\circ 3}" in typeset
    assert "5000000000000000" not in printed + typeset and "200000" not in printed + typeset
