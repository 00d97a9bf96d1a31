"""The backpropagation method (issue 16, item 2): the forward pass, each adjoint δ checked against
the derivatives of f by the complex step, the gradients read off as a δ times an input, shared by
several variables.

The textbook forms are Goodfellow, Bengio & Courville, Deep Learning, §6.5, Algorithm 6.4, and
Bishop, PRML §5.3.1, eqs 5.53–5.56: for the two-layer network a = W₁x + b₁, h = tanh(a), z = W₂h,
δ_z = p − y (p = softmax(z)), δ_a = (W₂ᵀδ_z) ∘ (1 − h∘h), ∇W₂ = δ_z hᵀ, ∇W₁ = δ_a xᵀ, ∇b₁ = δ_a. They
are written below in numpy, independently of derivtex, and checked by finite differences here.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from helpers import DERIVATIONS, invoke, require_tools

from gen.engine.backprop import backprop_proof
from gen.engine.derive import derive
from gen.engine.facts import known
from gen.engine.named import Named
from gen.errors import SpecError, Unsupported
from gen.expr import ir
from gen.expr.latex import latex
from gen.expr.lower import parse_expr, symbol_table
from gen.pipeline import render_tex, run_spec
from gen.render.json_view import to_json
from gen.render.pdf import typeset
from gen.spec.keys import load_spec
from gen.verify.evaluate import Evaluator
from gen.verify.sample import draw, size_assignments

NETWORK = DERIVATIONS / "backprop_two_layer_network.yaml"
SPECS = sorted(DERIVATIONS.glob("*.yaml"))


def write(tmp_path: Path, text: str, name: str = "spec") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def central_gradient(f, X: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """∇f at X by central differences, entry by entry (independent of derivtex's evaluator)."""
    G = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[index] = step
        G[index] = (f(X + E) - f(X - E)) / (2 * step)
    return G


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


@pytest.fixture(scope="module")
def network():
    outcome = run_spec(load_spec(NETWORK))
    assert outcome.report.ok
    return outcome


def named_values(outcome):
    """The symbols drawn at one point, and an evaluator that knows the names and the δs."""
    derivation = outcome.derivation
    dims = size_assignments(derivation)[0]
    values = draw(derivation, dims, np.random.default_rng(3), 0)
    proof = derivation.proofs[0]
    return values, Evaluator({**values, **dict(proof.backprop.definitions)}, dims, {})


def test_the_two_layer_network_has_the_textbook_layers_and_adjoints(network):
    backprop = network.derivation.proofs[0].backprop
    assert [n.name for n in backprop.named.symbols] == ["a", "h", "z"]
    assert [latex(d) for _, d in backprop.named.pairs] == ["W_{1}x + b_{1}", r"\tanh(a)", "W_{2}h"]
    assert [latex(a.delta) for a in backprop.adjoints] == [r"\delta_{z}", r"\delta_{a}"]
    delta_z, delta_a = (latex(a.value) for a in backprop.adjoints)
    assert delta_z == r"\operatorname{softmax}(z) - y"
    assert delta_a.startswith(r"(W_{2}^{\top}\delta_{z}) \circ (\mathbf{1} - h")  # h∘h or h^∘2
    results = {v.name: latex(r) for v, r in network.derivation.results}
    assert results == {"W1": r"\delta_{a}x^{\top}", "b1": r"\delta_{a}", "W2": r"\delta_{z}h^{\top}"}


def test_the_network_agrees_with_the_textbook_and_finite_differences(network):
    """Each name, δ and gradient against Goodfellow's formulas in numpy, themselves checked by
    finite differences of the loss written in numpy."""
    values, ev = named_values(network)
    S = dict(network.derivation.symbols)
    W1, b1, W2, x, y = (values[S[n]] for n in ("W1", "b1", "W2", "x", "y"))
    loss_of_z = lambda z: float(np.sum(-y * np.log(softmax(z))))  # noqa: E731
    loss_of_a = lambda a: loss_of_z(W2 @ np.tanh(a))  # noqa: E731
    a = W1 @ x + b1
    h = np.tanh(a)
    z = W2 @ h
    delta_z = softmax(z) - y  # Goodfellow eq. 6.… / Bishop eq. 5.54: p − y
    delta_a = (W2.T @ delta_z) * (1 - h * h)  # Bishop eq. 5.56 with tanh' = 1 − tanh²
    book = {"W1": delta_a @ x.T, "b1": delta_a, "W2": delta_z @ h.T}
    assert np.allclose(central_gradient(loss_of_z, z), delta_z, atol=1e-7)
    assert np.allclose(central_gradient(loss_of_a, a), delta_a, atol=1e-7)
    loss = {
        "W1": lambda W: loss_of_a(W @ x + b1),
        "b1": lambda b: loss_of_a(W1 @ x + b),
        "W2": lambda W: loss_of_z(W @ h),
    }
    for name, G in book.items():
        assert np.allclose(central_gradient(loss[name], values[S[name]]), G)
    deltas = {a.name.name: a.delta for a in network.derivation.proofs[0].backprop.adjoints}
    assert np.allclose(ev(deltas["z"]), delta_z) and np.allclose(ev(deltas["a"]), delta_a)
    for variable, result in network.derivation.results:
        assert np.allclose(ev(result), book[variable.name])


def test_every_delta_line_is_checked_by_the_complex_step(network):
    """Each δ against the derivatives of f_v by the complex step: exact to rounding (tanh, log and
    softmax are analytic), so it is bounded as an equality, not as a difference quotient."""
    checks = network.report.proofs[0]
    assert len(checks.chain) == 2 and all(c.ok and c.kind == "=" for c in checks.chain)
    assert all(c.max_rel_error < 1e-12 for c in checks.chain)
    assert checks.identification.ok and checks.identification.kind == "="


def test_a_wrong_delta_fails_its_check(network):
    """The δ check is real: δ_z with its sign flipped is caught, against the derivatives of f_z."""
    from gen.verify.backprop import adjoint_errors
    from gen.verify.checks import rel_error

    proof = network.derivation.proofs[0]
    backprop = proof.backprop
    adjoint = backprop.adjoints[0]
    wrong = dataclasses.replace(adjoint, value=-adjoint.value)
    broken = dataclasses.replace(backprop, adjoints=(wrong, *backprop.adjoints[1:]))
    broken_proof = dataclasses.replace(proof, backprop=broken)
    values, _ = named_values(network)
    ev = Evaluator({**values, **dict(broken.definitions)}, size_assignments(network.derivation)[0], {})
    errors = adjoint_errors(ev, broken_proof, values, rel_error)
    assert errors[0] > 0.1 and errors[1] > 0.1  # δ_a is computed from δ_z: both are wrong


def test_several_variables_share_the_deltas(network, tmp_path):
    proof = network.derivation.proofs[0]
    assert len(network.derivation.proofs) == 1 and proof.partials  # one proof for W1, b1 and W2
    deltas = [s.subject for s in proof.chain.steps]
    assert len(deltas) == len(set(deltas)) == 2
    tex = render_tex(network)
    for delta in (r"\delta_{z}", r"\delta_{a}"):
        assert tex.count(rf"{delta} &=") == 1  # each δ is defined on one line, once


def test_names_do_not_clash_with_the_spec(tmp_path):
    """The issue's spec has a dimension h: the activation takes another letter."""
    path = write(
        tmp_path,
        "symbols: {W1: {shape: [h, n]}, b1: {shape: [h]}, W2: {shape: [k, h]}, x: {shape: [n]}, "
        "y: {shape: [k], assume: [probability]}}\n"
        "function: -y^T * log(softmax(W2 * tanh(W1*x + b1)))\nwrt: [W1, b1, W2]\nmethods: [backprop]\n",
    )
    outcome = run_spec(load_spec(path))
    assert outcome.report.ok
    names = [n.name for n in outcome.derivation.proofs[0].backprop.named.symbols]
    assert names[0] == "a" and names[2] == "z" and names[1] not in {"h", "n", "k", "W1", "b1", "W2", "x", "y"}


def test_the_spec_named_intermediates_are_used():
    """With named intermediates (item 1's ``where:``, here built by hand) the proof uses those names."""
    spec = load_spec(NETWORK)
    symbols = symbol_table(spec.symbols)
    function = parse_expr(spec.function, symbols)
    W1, b1, W2, x = (symbols[n] for n in ("W1", "b1", "W2", "x"))
    m = W1.shape[0]
    s, r = sp.MatrixSymbol("s", m, 1), sp.MatrixSymbol("r", m, 1)
    named = Named(
        (
            (s, ir.add(ir.mul(W1, x), b1)),
            (r, ir.Elementwise("tanh", s)),
            (sp.MatrixSymbol("o", W2.shape[0], 1), ir.mul(W2, r)),
        )
    )
    variables = (W1, b1, W2)
    proof = backprop_proof(function, variables, known(spec, symbols), named, set())
    assert [latex(a.delta) for a in proof.backprop.adjoints] == [r"\delta_{o}", r"\delta_{s}"]
    assert latex(proof.gradient.last) == r"\delta_{s}x^{\top}"


REFUSALS = {
    "a scalar variable": (
        "symbols: {t: {}, a: {shape: [n]}}\nfunction: sum(exp(t*a))\nwrt: t\nmethods: [backprop]\n",
        "the backprop method needs a matrix or vector variable",
    ),
    "a Jacobian": (
        "symbols: {W: {shape: [m, n]}, x: {shape: [n]}}\nfunction: tanh(W*x)\nwrt: x\nmethods: [backprop]\n",
        "not by the backprop method",
    ),
    "a Hessian": (
        "symbols: {A: {shape: [m, n]}, x: {shape: [n]}}\nfunction: sum(exp(A*x))\nwrt: x\norder: 2\n"
        "methods: [backprop]\n",
        "order 2 by the backprop method is not supported yet",
    ),
    "no layers": (
        "symbols: {X: {shape: [n, n], assume: [invertible]}}\nfunction: tr(X^-1)\nwrt: X\n"
        "methods: [backprop]\n",
        "the backprop method needs layers",
    ),
    "numerator layout": (
        "symbols: {A: {shape: [m, n]}, x: {shape: [n]}}\nfunction: sum(exp(A*x))\nwrt: x\nlayout: numerator\n"
        "methods: [backprop]\n",
        "the backprop method with 'layout' is not supported yet",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_what_backprop_does_not_cover_is_refused_by_name(case, tmp_path):
    text, message = REFUSALS[case]
    path = write(tmp_path, text)
    result = invoke("check", path)
    assert result.exit_code == 2
    ((line,),) = [result.stderr.strip().splitlines()]
    assert line.startswith(f"{path}:") and message in line and "Traceback" not in result.output


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_backprop_agrees_with_differentials_on_the_catalog(path):
    """Every catalog spec by backpropagation: refused with a message naming the method, or every line
    checked and the gradients equal to those by differentials."""
    spec = load_spec(path)
    try:
        derivation = derive(dataclasses.replace(spec, methods=("backprop",)))
    except (Unsupported, SpecError) as error:
        assert "backprop" in error.message
        pytest.skip(error.message)
    report = run_spec(dataclasses.replace(spec, methods=("backprop",))).report
    assert report.ok, path.name
    differential = derive(dataclasses.replace(spec, methods=("differential",)))
    dims = size_assignments(derivation)[0]
    values = draw(derivation, dims, np.random.default_rng(0), 0)
    by_backprop = Evaluator({**values, **dict(derivation.proofs[0].backprop.definitions)}, dims, {})
    by_differentials = Evaluator(values, dims, {})
    for (v, result), (w, expected) in zip(derivation.results, differential.results):
        assert v == w
        G = by_differentials(differential.named.unfold(expected))  # its names written out
        assert np.linalg.norm(by_backprop(result) - G) <= 1e-9 * max(1.0, np.linalg.norm(G))


PUBLISHED = sorted((Path(__file__).parent / "published_ml").glob("*.yaml"))


@pytest.mark.parametrize("path", PUBLISHED, ids=[p.stem for p in PUBLISHED])
def test_published_gradients_hold_by_backprop(path):
    """The published ML derivations by backpropagation: refused by name, or the source's gradient
    (the claim) equals the one backpropagation states in its names and δs."""
    variant = dataclasses.replace(load_spec(path), methods=("backprop",))
    try:
        report = run_spec(variant).report
    except (Unsupported, SpecError) as error:
        assert "backprop" in error.message
        pytest.skip(error.message)
    assert report.ok and report.claim is not None and report.claim.ok


def test_the_catalog_has_backprop_specs():
    covered = [p.stem for p in SPECS if "backprop" in load_spec(p).methods]
    assert {"backprop_two_layer_network", "backprop_logistic_regression", "backprop_relu_layer"} <= set(
        covered
    )


@pytest.mark.parametrize("template", ["article", "notes", "appendix", "beamer"])
def test_every_latex_format_shows_the_forward_and_backward_pass(network, template):
    tex = render_tex(network, template)
    assert "Forward pass:" in tex and "Backward pass:" in tex
    assert r"$h = \tanh(a)$" in tex and r"$z = W_{2}h$" in tex
    for piece in (r"= \operatorname{softmax}(z) - y", r"= \delta_{z}h^{\top}", r"from $z = W_{2}h$}"):
        assert piece in tex  # the δ and gradient lines, with their justifications (beamer: uncovered)


def test_markdown_and_json_show_the_proof(network):
    md = render_tex(network, "md")
    assert "### Proof by backpropagation" in md and r"\delta_{a} &= (W_{2}^{\top}\delta_{z})" in md
    out = json.loads(json.dumps(to_json(network.derivation, network.report)))
    steps = out["methods"]["backprop"]["steps"]
    assert [s["lhs"] for s in steps][:2] == [r"\delta_{z}", r"\delta_{a}"]
    assert all(s["check"]["ok"] for s in steps)
    assert out["results"]["W2"]["latex"] == r"\delta_{z}h^{\top}"
    namespace: dict = {"np": np}
    exec(out["results"]["W2"]["numpy"], namespace)  # noqa: S102  (derivtex's own output, in the spec's symbols)
    values, ev = named_values(network)
    S = dict(network.derivation.symbols)
    args = [values[S[n]] for n in ("W1", "b1", "W2", "x", "y")]
    assert np.allclose(namespace["result"](*args), ev(network.derivation.results[2][1]))


def test_the_two_layer_network_fits_on_one_page(tmp_path):
    require_tools("latexmk", "pdflatex", "pdfinfo")
    result = invoke("build", NETWORK, "--to", "pdf", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    info = subprocess.run(["pdfinfo", str(tmp_path / f"{NETWORK.stem}.pdf")], capture_output=True, text=True)
    assert "Pages:           1" in info.stdout


def test_the_terminal_shows_the_forward_pass_and_each_delta():
    result = invoke("show", NETWORK)
    assert result.exit_code == 0
    assert "backprop (forward pass: a = W1*x + b1, h = tanh(a), z = W2*h):" in result.stdout
    assert "  delta_z\n     = softmax(z) - y" in result.stdout


def test_the_exported_code_is_in_the_spec_symbols_and_checks_itself(tmp_path):
    """A result stated in δs is written out for code, which compares it with finite differences."""
    spec = DERIVATIONS / "backprop_logistic_regression.yaml"
    result = invoke("export", spec, "--to", "numpy", "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    module = tmp_path / f"{spec.stem}.py"
    assert "delta" not in module.read_text(encoding="utf-8")
    run = subprocess.run([sys.executable, module], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert run.returncode == 0 and run.stdout.startswith(
        "the gradient agrees with central finite differences"
    )


BY_BACKPROP = [p for p in SPECS if "backprop" in load_spec(p).methods]


@pytest.mark.parametrize("path", BY_BACKPROP, ids=[p.stem for p in BY_BACKPROP])
def test_the_backprop_specs_typeset_without_overfull_boxes(path, tmp_path):
    require_tools("latexmk", "pdflatex")
    _, log = typeset(render_tex(run_spec(load_spec(path))), tmp_path)
    assert "Output written" in log
    assert not [line for line in log.splitlines() if line.startswith("Overfull \\hbox")]


def test_both_methods_in_one_spec_agree(tmp_path):
    """``methods: [differential, backprop]`` with several variables: two proofs, the same gradients."""
    spec = dataclasses.replace(load_spec(NETWORK), methods=("differential", "backprop"))
    outcome = run_spec(spec)
    assert outcome.report.ok and [p.method for p in outcome.derivation.proofs] == ["differential", "backprop"]
    derivation = outcome.derivation
    backprop = derivation.proofs[1]
    dims = size_assignments(derivation)[0]
    values = draw(derivation, dims, np.random.default_rng(1), 0)
    ev = Evaluator({**values, **dict(backprop.backprop.definitions)}, dims, {})
    chains = ((backprop.variable, backprop.gradient), *backprop.partials)
    for (v, stated), (w, chain) in zip(derivation.results, chains):  # stated by differentials
        assert v == w and np.allclose(ev(stated), ev(chain.last))


def test_a_deeper_network_numbers_its_layers(tmp_path):
    """Three layers: a1, h1, a2, h2, z, and Algorithm 6.4's recursion δ_{a_k} = (W_{k+1}ᵀδ) ∘ φ'(a_k)."""
    path = write(
        tmp_path,
        "symbols: {W1: {shape: [p, n]}, W2: {shape: [q, p]}, W3: {shape: [k, q]}, x: {shape: [n]}, "
        "y: {shape: [k], assume: [onehot]}}\n"
        "function: -y^T * log(softmax(W3 * relu(W2 * tanh(W1*x))))\nwrt: [W1, W2, W3]\nmethods: [backprop]\n",
    )
    outcome = run_spec(load_spec(path))
    assert outcome.report.ok
    backprop = outcome.derivation.proofs[0].backprop
    assert [n.name for n in backprop.named.symbols] == ["a1", "h1", "a2", "h2", "z"]
    assert [a.delta.name for a in backprop.adjoints] == ["delta_z", "delta_a2", "delta_a1"]
    assert latex(backprop.adjoints[1].value) == r"(W_{3}^{\top}\delta_{z}) \circ \mathbb{I}[a_{2} > 0]"
    results = [latex(r) for _, r in outcome.derivation.results]
    assert results == [r"\delta_{a_{1}}x^{\top}", r"\delta_{a_{2}}h_{1}^{\top}", r"\delta_{z}h_{2}^{\top}"]


def test_a_variable_that_f_uses_directly_adds_its_own_term(tmp_path):
    """Weight decay: f = −yᵀ log softmax(Wx) + λ‖W‖², so ∇_W f = δ_z xᵀ + 2λW (f among W's users)."""
    path = write(
        tmp_path,
        "symbols: {W: {shape: [k, n]}, x: {shape: [n]}, y: {shape: [k], assume: [onehot]}, "
        "lam: {assume: [positive]}}\n"
        "function: -y^T * log(softmax(W*x)) + lam*norm(W)^2\nwrt: W\nmethods: [backprop]\n",
    )
    outcome = run_spec(load_spec(path))
    assert outcome.report.ok
    assert latex(outcome.derivation.result) == r"\delta_{z}x^{\top} + 2\lambda W"
