"""Textbook forms reached by the simplifier's algebra (issue 16, item 3): results users bring, derived
and compared with the form their published source prints.

Each case's ``claim`` is the published result, written down from the source named beside it (not from
derivtex's output), in the spec grammar. The derived result must be that expression, structurally
(the claim parsed by the spec grammar and the result print alike), and both must agree with finite
differences (the verifier checks the result against finite differences and the claim against the
result, at two sizes), so that a wrong published form written here cannot pass.
"""

from pathlib import Path

import pytest
import sympy as sp

from gen.engine.forms import oriented
from gen.engine.simplify import numbers_out_of_traces, softmaxes
from gen.engine.transposes import push_transposes
from gen.engine.walk import rebuild
from gen.expr.printers import text
from gen.pipeline import run_spec
from gen.spec.keys import load_spec, parse_spec

CASES = {
    # Bishop, Pattern Recognition and Machine Learning (2006), eq. 4.91: ∇E(w) = Σₙ (yₙ − tₙ)φₙ = Φᵀ(y − t),
    # for the cross-entropy of logistic regression (4.90); Murphy, Probabilistic Machine Learning, §10.2.3.
    "binary cross-entropy": """
symbols: {X: {shape: [m, p]}, y: {shape: [m]}, w: {shape: [p]}}
function: -(y^T*log(sigmoid(X*w)) + (ones(m) - y)^T*log(ones(m) - sigmoid(X*w)))
wrt: w
claim: X^T*(sigmoid(X*w) - y)
""",
    # The quotient rule (Stewart, Calculus, §3.2): ((x² − 1)/(x² + 1))' = (2x(x² + 1) − 2x(x² − 1))/(x² + 1)²
    # = 4x/(x² + 1)².
    "quotient rule": """
symbols: {x: {}}
function: (x^2 - 1)/(x^2 + 1)
wrt: x
claim: 4*x/(x^2 + 1)^2
""",
    # Stewart, Calculus, §5.5: ∫ tan x dx = −ln|cos x| + C, so (−ln|cos x|)' = tan x.
    "tangent": """
symbols: {x: {}}
function: -log(abs(cos(x)))
wrt: x
claim: tan(x)
""",
    # Bishop, PRML, eq. 4.88: dσ/da = σ(1 − σ).
    "sigmoid": """
symbols: {a: {}}
function: sigmoid(a)
wrt: a
claim: sigmoid(a)*(1 - sigmoid(a))
""",
    # The same of σ written out (Bishop, PRML, eq. 4.59: σ(a) = 1/(1 + exp(−a))): the quotient
    # e^{−a}/(1 + e^{−a})² over one denominator is e^a/(1 + e^a)², named back as σ(a)(1 − σ(a)).
    "sigmoid written out": """
symbols: {a: {}}
function: 1/(1 + exp(-a))
wrt: a
claim: sigmoid(a)*(1 - sigmoid(a))
""",
    # The same entry by entry (Goodfellow, Bengio & Courville, Deep Learning, §6.2.2.2, eq. 6.21 ff.):
    # ∇_z vᵀσ(z) = v ∘ σ(z) ∘ (1 − σ(z)).
    "sigmoid, entry by entry": """
symbols: {z: {shape: [n]}, v: {shape: [n]}}
function: v^T*sigmoid(z)
wrt: z
claim: hadamard(hadamard(v, sigmoid(z)), ones(n) - sigmoid(z))
""",
}

# Goodfellow, Bengio & Courville, Deep Learning, §6.5 (algorithm 6.4), and the CS231n notes
# (Karpathy, "Putting it together: minimal neural network case study"): with a = W₁x + b₁, h = tanh(a),
# p = softmax(W₂h) and a one-hot y, δ_z = p − y, ∇_{W₂} = δ_z hᵀ, δ_a = (W₂ᵀδ_z) ∘ (1 − h∘h),
# ∇_{W₁} = δ_a xᵀ, ∇_{b₁} = δ_a (written out, without the names).
NETWORK = """
symbols:
  W1: {shape: [h, n]}
  b1: {shape: [h]}
  W2: {shape: [k, h]}
  x: {shape: [n]}
  y: {shape: [k], assume: [onehot]}
function: -y^T * log(softmax(W2 * tanh(W1*x + b1)))
wrt: [W1, b1, W2]
claim:
  W1: hadamard(W2^T*(softmax(W2*tanh(W1*x + b1)) - y), ones(h) - tanh(W1*x + b1).^2)*x^T
  b1: hadamard(W2^T*(softmax(W2*tanh(W1*x + b1)) - y), ones(h) - tanh(W1*x + b1).^2)
  W2: (softmax(W2*tanh(W1*x + b1)) - y)*tanh(W1*x + b1)^T
"""

# Layer normalisation (Ba, Kiros & Hinton, 2016, §3) of x ∈ ℝⁿ: μ = 1ᵀx/n, c = x − μ1, σ² = cᵀc/n + ε,
# y = c/σ, and a loss gᵀy with g = ∂ℓ/∂y. Its gradient, from the backward pass of Ioffe & Szegedy
# (2015, §3) taken over the features, is (1/σ)(g − mean(g) 1 − y (yᵀg)/n), here with y = c/σ written
# out: σ⁻¹(g − (1ᵀg/n) 1 − (cᵀg) c/(nσ²)). The centring (1ᵀc = 0) and the common σ⁻¹ are what the
# algebra must find; naming y and σ is the work of ``where:`` (issue 16, item 1).
CENTRED = "(x - (ones(n)^T*x/n)*ones(n))"
VARIANCE = f"({CENTRED}^T*{CENTRED}/n + eps)"
LAYER_NORM = f"""
symbols: {{x: {{shape: [n]}}, g: {{shape: [n]}}, eps: {{assume: [positive]}}}}
function: g^T*{CENTRED}/sqrt({VARIANCE})
wrt: x
claim: {VARIANCE}^(-1/2)*(g - (ones(n)^T*g/n)*ones(n) - ({CENTRED}^T*g)*{CENTRED}/(n*{VARIANCE}))
"""


def derived(source: str):
    outcome = run_spec(parse_spec(source, "case.yaml"))
    report = outcome.report
    assert report.finite_difference.ok and report.steps_ok
    assert report.claim is not None and report.claim.ok, report.claim_of
    return outcome.derivation


@pytest.mark.parametrize("name", CASES)
def test_the_result_is_the_published_form(name):
    derivation = derived(CASES[name])
    assert text(derivation.named.unfold(derivation.result)) == text(derivation.claim)  # names written out


def test_the_two_layer_network_gradients_are_the_published_forms():
    derivation = derived(NETWORK)
    claims = dict(derivation.claims)
    for variable, gradient in derivation.results:  # the parser writes softmax out; named back as in a result
        written_out = softmaxes(derivation.named.unfold(gradient))
        assert text(written_out) == text(softmaxes(claims[variable])), variable


def written_alike(e) -> str:
    """``e`` printed with transposes pushed in, numbers out of traces and each 1×1 product one way
    round (``tr(gᵀc)`` and ``tr(cᵀg)`` are one number): how a claim parsed from the grammar compares."""
    e = numbers_out_of_traces(push_transposes(e))
    return text(rebuild(e, lambda node: oriented(node.arg) if isinstance(node, sp.Trace) else node))


def test_layer_norm_comes_out_centred_with_its_common_factor():
    derivation = derived(LAYER_NORM)
    assert written_alike(derivation.named.unfold(derivation.result)) == written_alike(derivation.claim)


# Published derivations of tests/published_ml/ (each cites its source in ``references``; its claim is
# the gradient the source prints) whose result is now that very form, not only equal to it: binary
# cross-entropy (Bishop 4.91), with an L2 penalty (Murphy §10.2.7), softmax cross-entropy over a batch
# (the CS231n notes), distillation (Hinton, Vinyals & Dean 2015, eq. 2) and a two-layer network
# (Goodfellow §6.5).
PRINTED_AS_PUBLISHED = ("logistic_nll", "layer_sigmoid_ce", "batch_softmax_ce", "distillation", "mlp2")


@pytest.mark.parametrize("stem", PRINTED_AS_PUBLISHED)
def test_a_published_derivation_comes_out_in_its_published_form(stem):
    spec = load_spec(Path(__file__).parent / "published_ml" / f"{stem}.yaml")
    outcome = run_spec(spec)
    assert outcome.report.finite_difference.ok and outcome.report.claim.ok
    derivation = outcome.derivation
    claims = dict(derivation.claims) if derivation.claims else {derivation.variable: derivation.claim}
    for variable, gradient in derivation.results:
        unfolded = softmaxes(derivation.named.unfold(gradient))  # the engine's names written out
        assert written_alike(unfolded) == written_alike(softmaxes(claims[variable])), variable
