"""Assumptions on the entries: nonnegative, probability, onehot, binary.

Drawn inside their domain, used by the simplifier (1ᵀy = 1, M ∘ M = M), stated in the
proposition, and named when a claim holds only under one the spec does not declare. The
published gradients are written down here from their sources and checked by central differences
computed here, independently of derivtex.
"""

from pathlib import Path

import numpy as np
import pytest
from helpers import central_gradient, invoke

from gen.engine.derive import derive
from gen.expr.printers import text
from gen.pipeline import render_tex, run_spec
from gen.spec.keys import load_spec, parse_spec
from gen.verify.domains import draw_value

DERIVATIONS = Path(__file__).parent.parent / "derivations"


def write(tmp_path, spec: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(spec, encoding="utf-8")
    return path


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


# --- drawn inside the domain ------------------------------------------------------------------

DRAWS = [(seed, shape) for seed in range(5) for shape in ((5, 1), (4, 3), (1, 6))]


@pytest.mark.parametrize("seed, shape", DRAWS)
def test_a_probability_vector_sums_to_one_and_each_row_of_a_matrix_does(seed, shape):
    P = draw_value(np.random.default_rng(seed), shape, ("probability",))
    assert P.shape == shape and P.min() > 0
    sums = P.sum() if shape[1] == 1 else P.sum(axis=1)  # a vector is one column
    assert np.allclose(sums, 1)


@pytest.mark.parametrize("assume", [("onehot",), ("probability", "binary"), ("binary", "onehot")])
@pytest.mark.parametrize("seed, shape", DRAWS)
def test_a_one_hot_vector_has_exactly_one_one_and_each_row_of_a_matrix_does(seed, shape, assume):
    H = draw_value(np.random.default_rng(seed), shape, assume)
    assert set(np.unique(H)) <= {0.0, 1.0}
    ones = (H == 1).sum() if shape[1] == 1 else (H == 1).sum(axis=1)
    assert np.all(ones == 1)


def test_one_hot_positions_are_random():
    positions = {int(np.argmax(draw_value(np.random.default_rng(s), (5, 1), ("onehot",)))) for s in range(20)}
    assert len(positions) > 2


@pytest.mark.parametrize("seed, shape", DRAWS)
def test_a_binary_mask_has_both_values(seed, shape):
    M = draw_value(np.random.default_rng(seed), shape, ("binary",))
    assert set(np.unique(M)) == {0.0, 1.0}


@pytest.mark.parametrize("seed, shape", DRAWS)
def test_nonnegative_entries_include_zeros_and_positive_ones(seed, shape):
    X = draw_value(np.random.default_rng(seed), shape, ("nonnegative",))
    assert X.min() == 0 and X.max() > 0


def test_a_nonnegative_number_is_zero_at_negative_samples_and_positive_at_the_others():
    rng = np.random.default_rng(0)
    assert draw_value(rng, (), ("nonnegative",), -1) == 0.0
    assert draw_value(rng, (), ("nonnegative",), 1) > 0


def test_nonnegative_and_positive_entries_are_positive():
    X = draw_value(np.random.default_rng(0), (4, 3), ("nonnegative", "positive"))
    assert X.min() > 0


def test_a_log_of_a_nonnegative_vector_is_undefined_where_an_entry_is_zero(tmp_path):
    spec = "symbols:\n  x: {shape: [n], assume: [nonnegative]}\nfunction: sum(log(x))\nwrt: x\n"
    result = invoke("check", write(tmp_path, spec))
    assert result.exit_code == 2
    assert "log(x) is undefined where x ≤ 0, which happens for some nonnegative x" in result.stderr


# --- used by the simplifier: the published forms ----------------------------------------------


def test_softmax_cross_entropy_is_p_minus_y_for_a_probability_vector():
    # Goodfellow et al. §6.2.2.3, Bishop eq. (4.109): ∇_z(−yᵀ log softmax(z)) = softmax(z) − y
    derivation = derive(load_spec(DERIVATIONS / "ml_softmax_cross_entropy.yaml"))
    assert text(derivation.result) == "softmax(z) - y"
    rng = np.random.default_rng(7)
    for y in (rng.dirichlet(np.ones(5)), np.eye(5)[2]):  # soft targets, and a one-hot label
        z = rng.standard_normal(5)
        fd = central_gradient(lambda z, y=y: -y @ np.log(softmax(z)), z)
        assert np.allclose(fd, softmax(z) - y, atol=1e-8)


def test_softmax_cross_entropy_of_a_one_hot_label_is_p_minus_y(tmp_path):
    spec = (DERIVATIONS / "ml_softmax_cross_entropy.yaml").read_text(encoding="utf-8")
    onehot = spec.replace("assume: [probability]", "assume: [onehot]")
    assert onehot != spec
    assert text(derive(parse_spec(onehot, "onehot.yaml")).result) == "softmax(z) - y"
    assert invoke("check", write(tmp_path, onehot)).exit_code == 0


def test_masked_factorisation_gradients_carry_the_mask_once():
    # Srebro & Jaakkola 2003 §2: ∇_U ½‖W∘(UVᵀ − R)‖² = (W∘W∘(UVᵀ − R))V, and W∘W = W for a 0/1 mask
    derivation = derive(load_spec(DERIVATIONS / "ml_masked_matrix_factorization.yaml"))
    assert [text(g) for _, g in derivation.results] == [
        "hadamard(M, U*V^T - R)*V",
        "hadamard(M^T, V*U^T - R^T)*U",
    ]
    rng = np.random.default_rng(3)
    U, V, R = rng.standard_normal((4, 2)), rng.standard_normal((3, 2)), rng.standard_normal((4, 3))
    M = (rng.random((4, 3)) < 0.5).astype(float)
    f = lambda U, V: 0.5 * np.sum((M * (U @ V.T - R)) ** 2)  # noqa: E731
    assert np.allclose(central_gradient(lambda U: f(U, V), U), (M * (U @ V.T - R)) @ V, atol=1e-7)
    assert np.allclose(central_gradient(lambda V: f(U, V), V), (M * (U @ V.T - R)).T @ U, atol=1e-7)


def test_the_rows_of_a_probability_matrix_sum_to_one(tmp_path):
    # ∇_x xᵀY1 = Y1, which is 1 when each row of Y is a probability vector
    spec = "symbols:\n  x: {shape: [m]}\n  Y: {shape: [m, n], assume: [probability]}\n"
    spec += "function: x^T*Y*ones(n)\nwrt: x\nclaim: ones(m)\n"
    derivation = derive(parse_spec(spec, "rows.yaml"))
    assert text(derivation.result) == "ones(m)"
    assert invoke("check", write(tmp_path, spec)).exit_code == 0


def test_the_catalog_specs_check():
    for name in ("ml_softmax_cross_entropy", "ml_masked_matrix_factorization"):
        result = invoke("check", DERIVATIONS / f"{name}.yaml")
        assert result.exit_code == 0, result.stderr


# --- stated in the proposition ------------------------------------------------------------------


def test_the_proposition_states_each_assumption():
    spec = (
        "symbols:\n  z: {shape: [n]}\n  y: {shape: [n], assume: [probability]}\n"
        "  h: {shape: [n], assume: [onehot]}\n  M: {shape: [m, n], assume: [binary]}\n"
        "  P: {shape: [m, n], assume: [probability]}\n  X: {shape: [m, n], assume: [nonnegative]}\n"
        "function: -y^T*log(softmax(z)) + h^T*z + sum(hadamard(M, P*z*z^T)) + sum(X*z)\nwrt: z\n"
    )
    tex = render_tex(run_spec(parse_spec(spec, "hypothesis.yaml")))
    assert r"let $y \in \mathbb{R}^{n}$ be a probability vector (entries $\geq 0$ summing to $1$)" in tex
    assert r"$h \in \mathbb{R}^{n}$ be one-hot (one entry $1$, the others $0$)" in tex
    assert r"$M \in \mathbb{R}^{m\times n}$ be binary (entries in $\{0, 1\}$)" in tex
    assert (
        r"$P \in \mathbb{R}^{m\times n}$ be row-stochastic "
        r"(each row a probability vector: entries $\geq 0$ summing to $1$)"
    ) in tex
    assert r"$X \in \mathbb{R}^{m\times n}$ be entrywise nonnegative" in tex


def test_an_implied_assumption_is_not_said_twice():
    spec = "symbols:\n  y: {shape: [n], assume: [onehot, binary, nonnegative]}\n  z: {shape: [n]}\n"
    tex = render_tex(run_spec(parse_spec(spec + "function: y^T*z\nwrt: z\n", "implied.yaml")))
    assert r"$y \in \mathbb{R}^{n}$ be one-hot (one entry $1$, the others $0$)." in tex


# --- named when a claim needs it ----------------------------------------------------------------


@pytest.mark.parametrize(
    "symbols, function, claim, named",
    [
        (
            "  z: {shape: [n]}\n  y: {shape: [n]}\n",
            "-y^T*log(softmax(z))",
            "softmax(z) - y",
            "holds if sum(y) = 1: declare y probability",
        ),
        (
            "  U: {shape: [m, k]}\n  V: {shape: [n, k]}\n  R: {shape: [m, n]}\n  M: {shape: [m, n]}\n",
            "1/2*norm(hadamard(M, U*V^T - R))^2",
            '{U: "hadamard(M, U*V^T - R)*V", V: "hadamard(M, U*V^T - R)^T*U"}',
            "holds if hadamard(M, M) = M: declare M binary",
        ),
        (
            "  x: {shape: [m]}\n  Y: {shape: [m, n]}\n",
            "x^T*Y*ones(n)",
            "ones(m)",
            "holds if each row of Y sums to 1: declare Y probability",
        ),
    ],
    ids=["softmax cross-entropy", "masked factorisation", "rows"],
)
def test_a_claim_true_under_an_undeclared_assumption_names_it(tmp_path, symbols, function, claim, named):
    spec = f"symbols:\n{symbols}function: {function}\nwrt: {function_wrt(symbols)}\nclaim: {claim}\n"
    result = invoke("check", write(tmp_path, spec))
    assert result.exit_code == 1
    assert f"; it is not the gradient in general, but {named}\n" in result.stderr


def function_wrt(symbols: str) -> str:
    first = symbols.split(":")[0].strip()
    return "[U, V]" if first == "U" else first


def test_a_claim_false_under_every_assumption_names_none(tmp_path):
    spec = "symbols:\n  z: {shape: [n]}\n  y: {shape: [n]}\nfunction: -y^T*log(softmax(z))\nwrt: z\n"
    result = invoke("check", write(tmp_path, spec + "claim: softmax(z) + y\n"))
    assert result.exit_code == 1 and "the claim is false" in result.stderr
    assert "declare" not in result.stderr


def test_the_document_of_a_false_claim_names_the_assumption():
    spec = "symbols:\n  z: {shape: [n]}\n  y: {shape: [n]}\nfunction: -y^T*log(softmax(z))\nwrt: z\n"
    tex = render_tex(run_spec(parse_spec(spec + "claim: softmax(z) - y\n", "false.yaml")))  # --allow-false
    assert "is not the gradient in general, but holds if sum(y) = 1: declare y probability" in tex


def test_a_square_matrix_drawn_by_its_entries_is_not_said_to_take_determinants_of_both_signs():
    spec = "symbols:\n  P: {shape: [n, n], assume: [probability]}\n  x: {shape: [n]}\n"
    tex = render_tex(run_spec(parse_spec(spec + "function: x^T*P*x\nwrt: x\n", "square.yaml")))
    assert "determinants of both signs" not in tex
    unconstrained = spec.replace(", assume: [probability]", "")
    tex = render_tex(run_spec(parse_spec(unconstrained + "function: x^T*P*x\nwrt: x\n", "square.yaml")))
    assert "determinants of both signs" in tex
