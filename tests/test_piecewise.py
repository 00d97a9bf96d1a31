"""Piecewise functions (relu, abs, max/min with a constant, clip, huber; step and sign): issue 15, item 2.

Their derivatives hold off the kinks, so the sampler keeps every argument away from them, on both
sides over the samples; the verifier never runs the complex step through them; the proposition
says where the result holds. Each published gradient is written here by hand and checked against
central differences of a numpy loss written here too, independently of derivtex.

Sources: Goodfellow, Bengio & Courville, Deep Learning (2016), §6.3.1 (relu'(z) = 𝕀[z > 0]) and
§6.5; Huber, "Robust estimation of a location parameter" (1964), ψ = clip(·, −δ, δ); Hastie,
Tibshirani & Friedman, The Elements of Statistical Learning, §10.6 and §12.3.2 (the hinge loss).
"""

import numpy as np
import pytest
from helpers import central_gradient, invoke

from gen import pipeline
from gen.engine.derive import derive
from gen.errors import SpecError, Unsupported
from gen.expr.functions import ENTRYWISE
from gen.expr.numpy_source import numpy_source
from gen.expr.printers import text
from gen.spec.keys import parse_spec
from gen.verify import evaluate
from gen.verify.checks import verify
from gen.verify.sample import KINK_MARGIN, draw, size_assignments

LAYER = "W: {shape: [m, n]}; b: {shape: [m]}; x: {shape: [n]}; y: {shape: [m]}"
REGRESSION = "w: {shape: [n]}; X: {shape: [m, n]}; y: {shape: [m]}; delta: {assume: [positive]}"
PIECEWISE = [name for name, row in ENTRYWISE.items() if row.piecewise]


def spec(symbols: str, function: str, wrt: str, extra: str = ""):
    symbols = "".join(f"\n  {s.strip()}" for s in symbols.split(";"))
    return parse_spec(f"symbols:{symbols}\nfunction: {function}\nwrt: {wrt}\n{extra}", "case.yaml")


def huber(r, delta):
    """Huber (1964), written out: ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond."""
    return np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))


# --- the sampler -------------------------------------------------------------------------------------

# (symbols, function, wrt, the argument of the piecewise function and its kinks, from the values drawn)
ARGUMENTS = {
    "relu": (LAYER, "norm(relu(W*x + b) - y)^2", "W", lambda v: (v["W"] @ v["x"] + v["b"], (0.0,))),
    "huber": (
        REGRESSION,
        "sum(huber(X*w - y, delta))",
        "w",
        lambda v: (v["X"] @ v["w"] - v["y"], (-v["delta"], v["delta"])),
    ),
    "clip": (REGRESSION, "sum(clip(X*w, -1, 1))", "w", lambda v: (v["X"] @ v["w"], (-1.0, 1.0))),
    "abs of a number": ("t: {}", "abs(t)", "t", lambda v: (np.array([v["t"]]), (0.0,))),
}


@pytest.mark.parametrize("case", ARGUMENTS)
def test_the_sampler_keeps_every_argument_off_the_kinks_and_visits_both_sides(case):
    symbols, function, wrt, argument = ARGUMENTS[case]
    derivation = derive(spec(symbols, function, wrt))
    rng, regions = np.random.default_rng(0), set()
    for sample in range(6):
        dims = size_assignments(derivation)[sample % 2]
        values = {str(s): v for s, v in draw(derivation, dims, rng, sample).items()}
        value, kinks = argument(values)
        assert all(np.min(np.abs(value - kink)) >= KINK_MARGIN for kink in kinks)
        # the region of each entry: below every kink, between two, above every one
        here = {int(np.sum(entry > np.array(kinks))) for entry in np.ravel(value)}
        if value.size > len(kinks):  # enough entries: every side at each sample
            assert here == set(range(len(kinks) + 1))
        regions |= here
    assert regions == set(range(len(kinks) + 1))  # a number visits every side over the samples


def test_the_margin_is_wider_than_the_reach_of_the_finite_differences():
    assert KINK_MARGIN > 10 * 3 * evaluate.STEP  # the 6-point stencil reaches 3 steps each way


def test_no_complex_step_runs_through_a_piecewise_function(monkeypatch):
    calls = []

    def real_only(function):
        def evaluate_real(x, *parameters):
            assert np.isrealobj(x), "the complex step ran through a piecewise function"
            calls.append(x)
            return function(x, *parameters)

        return evaluate_real

    for name in PIECEWISE:
        monkeypatch.setitem(evaluate.ENTRYWISE, name, real_only(evaluate.ENTRYWISE[name]))
    for symbols, function, wrt, _ in ARGUMENTS.values():
        assert verify(derive(spec(symbols, function, wrt))).ok
    assert calls


# --- what the document says ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "symbols, function, wrt, condition",
    [
        (LAYER, "norm(relu(W*x + b) - y)^2", "[W, b]", r"such that no entry of $Wx + b$ is $0$."),
        (REGRESSION, "sum(huber(X*w - y, delta))", "w", r"no entry of $Xw - y$ is $-\delta$ or $\delta$."),
        ("t: {}", "abs(t^2 - 1)", "t", r"such that $t^{2} - 1 \neq 0$."),
        ("t: {}", "clip(t, -1, 2)", "t", r"such that $t \notin \{-1, 2\}$."),
    ],
)
def test_the_proposition_states_that_the_result_holds_off_the_kinks(symbols, function, wrt, condition):
    tex = pipeline.render_tex(pipeline.run_spec(spec(symbols, function, wrt)))
    assert condition in tex


def test_the_document_defines_the_indicator_and_the_less_common_functions():
    tex = pipeline.render_tex(pipeline.run_spec(spec(REGRESSION, "sum(huber(X*w - y, delta))", "w")))
    assert r"$\operatorname{huber}_{\delta}(u) = \tfrac{1}{2}u^{2}$ for $\lvert u\rvert \le \delta$" in tex
    assert r"$\operatorname{clip}(u, a, b) = \min(\max(u, a), b)$" in tex
    tex = pipeline.render_tex(pipeline.run_spec(spec(LAYER, "norm(relu(W*x + b) - y)^2", "W")))
    assert r"$\mathbb{I}[u > c]$ is $1$ where $u > c$ and $0$ elsewhere" in tex
    assert r"\mathbb{I}[Wx + b > 0]" in tex


# --- published gradients, checked independently ---------------------------------------------------


def point(seed: int = 0):
    """A point away from the kinks (redrawn until every residual is 0.1 away from ±δ)."""
    rng = np.random.default_rng(seed)
    while True:
        X, w, y, delta = rng.standard_normal((4, 2)), rng.standard_normal(2), rng.standard_normal(4), 0.8
        if np.min(np.abs(np.abs(X @ w - y) - delta)) > 0.1:
            return X, w, y, delta


def test_huber_regression_is_the_published_gradient_and_exports_to_numpy():
    # Huber (1964): ∇_w Σ huber_δ(Xw − y) = Xᵀ ψ(Xw − y), ψ(t) = max(−δ, min(t, δ))
    claim = "claim: X^T*clip(X*w - y, -delta, delta)\n"
    derivation = derive(spec(REGRESSION, "sum(huber(X*w - y, delta))", "w", claim))
    assert verify(derivation).claim.ok
    X, w, y, delta = point()
    published = X.T @ np.maximum(-delta, np.minimum(X @ w - y, delta))
    loss = lambda v: np.sum(huber(X @ v - y, delta))  # noqa: E731
    np.testing.assert_allclose(central_gradient(loss, w), published, atol=1e-6)
    namespace = {"np": np}
    exec(numpy_source(derivation.result, dict(derivation.symbols), derivation.variable), namespace)
    exported = namespace["result"](w=w, X=X, y=y, delta=delta)
    np.testing.assert_allclose(np.ravel(exported), published, rtol=1e-12)


def test_the_relu_layer_gradient_is_the_published_one_and_a_missing_mask_is_caught():
    # Goodfellow et al. §6.5: ∇_W ‖relu(Wx + b) − y‖² = 2((relu(Wx + b) − y) ∘ 𝕀[Wx + b > 0]) xᵀ
    rng = np.random.default_rng(1)
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(3)
    x, y = rng.standard_normal(2), rng.standard_normal(3)
    z = W @ x + b
    assert np.min(np.abs(z)) > 0.1 and np.any(z < 0) and np.any(z > 0)  # both sides of the kink
    published = 2 * np.outer((np.maximum(z, 0) - y) * (z > 0), x)
    loss = lambda V: np.sum((np.maximum(V @ x + b, 0) - y) ** 2)  # noqa: E731
    np.testing.assert_allclose(central_gradient(loss, W), published, atol=1e-6)
    claim = "claim: 2*hadamard(relu(W*x + b) - y, step(W*x + b))*x^T\n"
    assert verify(derive(spec(LAYER, "norm(relu(W*x + b) - y)^2", "W", claim))).claim.ok
    unmasked = "claim: 2*(relu(W*x + b) - y)*x^T\n"  # false wherever an entry of Wx + b is negative
    assert not verify(derive(spec(LAYER, "norm(relu(W*x + b) - y)^2", "W", unmasked))).claim.ok


def test_the_hinge_loss_gradient_is_the_published_one():
    # ESL §12.3.2: ∇_w Σ max(0, 1 − y_i x_iᵀw) = −Σ 𝕀[y_i x_iᵀw < 1] y_i x_i
    symbols = "w: {shape: [n]}; X: {shape: [m, n]}; y: {shape: [m]}"
    claim = "claim: -X^T*hadamard(y, step(ones(m) - hadamard(y, X*w)))\n"
    derivation = derive(spec(symbols, "sum(max(0, ones(m) - hadamard(y, X*w)))", "w", claim))
    assert verify(derivation).claim.ok
    rng = np.random.default_rng(2)
    X, w, y = rng.standard_normal((5, 2)), rng.standard_normal(2), rng.choice((-1.0, 1.0), 5)
    margin = 1 - y * (X @ w)
    assert np.min(np.abs(margin)) > 0.05
    loss = lambda v: np.sum(np.maximum(0, 1 - y * (X @ v)))  # noqa: E731
    np.testing.assert_allclose(central_gradient(loss, w), -X.T @ (y * (margin > 0)), atol=1e-6)


# --- constants, and what is refused ------------------------------------------------------------------


def test_max_takes_its_constant_on_either_side():
    assert text(derive(spec("t: {}; c: {}", "max(c, t)", "t")).result) == "step(t, c)"
    assert text(derive(spec("t: {}; c: {}", "max(t, c)", "t")).result) == "step(t, c)"
    assert text(derive(spec("x: {shape: [n]}", "sum(max(0, x))", "x")).result) == "step(x)"


def test_two_varying_arguments_of_max_are_refused_at_the_call(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("symbols:\n  t: {}\n  c: {}\nfunction: 1 + max(t, c*t)\nwrt: t\n", encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{path}:4:15: max(t, c*t): the parameters of max() after its argument are constants"
        " (numbers or expressions without t); for two varying arguments write max(x, y) = y + relu(x - y)"
    )
    # the rewrite it suggests is derived, and is right: d/dt max(t, ct) = 1 for t > ct, else c
    derivation = derive(spec("t: {}; c: {}", "c*t + relu(t - c*t)", "t"))
    assert verify(derivation).ok


@pytest.mark.parametrize(
    "symbols, function, message",
    [
        ("x: {shape: [n]}; b: {shape: [n]}", "sum(max(x, b))", "max() compares each entry with a number"),
        ("x: {shape: [n]}", "sum(clip(x, 1, -1))", "clip() needs a ≤ b in clip(x, a, b), not 1, -1"),
        ("x: {shape: [n]}", "sum(huber(x, -1/2))", "huber() needs delta > 0 in huber(x, delta), not -1/2"),
        ("x: {shape: [n]}", "sum(huber(x, 1, 2))", "huber() takes 1 or 2 arguments, not 3"),
        ("x: {shape: [n]}", "sum(max(x))", "max() takes 2 arguments, not 1"),
        ("x: {shape: [n]}; k: {}", "sum(huber(x, k*sum(x)))", "huber(x, k*sum(x)): the parameters of"),
    ],
)
def test_a_parameter_that_is_not_a_constant_number_is_refused_at_the_call(symbols, function, message):
    with pytest.raises(SpecError) as error:
        derive(spec(symbols, function, "x"))
    assert error.value.message.startswith(message)
    assert (error.value.span.line, error.value.span.col) == (len(symbols.split(";")) + 2, 15)
    assert isinstance(error.value, Unsupported) == ("parameters of" in message)


def test_the_huber_hessian_masks_the_residuals_inside_the_band():
    # the derivative of Xᵀψ(Xw − y) off the kinks: Xᵀ diag(𝕀[|Xw − y| < δ]) X, with 𝕀[−δ < r < δ] =
    # 𝕀[r > −δ] − 𝕀[r > δ] (Huber 1964; the Newton step of iteratively reweighted Huber regression)
    claim = "claim: X^T*diag(step(X*w - y, -delta) - step(X*w - y, delta))*X\n"
    derivation = derive(spec(REGRESSION, "sum(huber(X*w - y, delta))", "w", "order: 2\n" + claim))
    assert verify(derivation).claim.ok
    X, w, y, delta = point(3)
    inside = np.abs(X @ w - y) < delta
    assert inside.any() and not inside.all()  # both kinds of residual at this point
    published = X.T @ np.diag(inside.astype(float)) @ X
    gradient = lambda v: X.T @ np.clip(X @ v - y, -delta, delta)  # noqa: E731
    numeric = np.column_stack([(gradient(w + e) - gradient(w - e)) / 2e-6 for e in 1e-6 * np.eye(2)])
    np.testing.assert_allclose(numeric, published, atol=1e-6)


def test_an_indicator_times_itself_is_itself_in_the_relu_hessian():
    # ∇²_x ‖relu(Wx + b) − y‖² = 2 Wᵀ diag(𝕀[Wx + b > 0]) W off the kinks (relu'' = 0 there)
    derivation = derive(spec(LAYER, "norm(relu(W*x + b) - y)^2", "x", "order: 2\n"))
    assert text(derivation.result) == "2*W^T*diag(step(W*x + b))*W"
    assert verify(derivation).ok


def test_an_argument_that_is_always_at_a_kink_is_refused_at_its_position(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text("symbols:\n  x: {shape: [n]}\nfunction: sum(abs(x - x))\nwrt: x\n", encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{path}:3:15: could not draw a point where every entry of the argument of abs() is at least 0.1"
        " from its kinks (tried 50 random points)"
    )
