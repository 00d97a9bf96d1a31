"""Named intermediate quantities: ``where:`` and the names the engine gives itself.

The two-layer network is the case of Goodfellow et al. §6.5 (Algorithm 6.4), Bishop PRML §5.3.2
(tanh hidden units: δ_k = y_k − t_k, δ_j = (1 − z_j²) Σ_k w_kj δ_k, ∂E/∂w_ji = δ_j x_i) and the
CS231n notes (dscores = probs − y): its gradients are written below in numpy from those sources,
independently of derivtex, and both they and derivtex's results are compared with central finite
differences of the loss, written in numpy too.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
from helpers import invoke

from gen.engine.derive import derive
from gen.engine.linear import differentials, only
from gen.engine.linear_forms import linear_form
from gen.engine.named import Named
from gen.engine.proof import Chain, Step
from gen.engine.rearrange import identify
from gen.expr import ir
from gen.expr.functions import FUNCTIONS
from gen.expr.printers import text
from gen.pipeline import run_spec
from gen.spec.keys import parse_spec
from gen.verify.checks import verify
from gen.verify.evaluate import Evaluator

NETWORK = """\
symbols:
  W1: {shape: [m, n]}
  b1: {shape: [m]}
  W2: {shape: [k, m]}
  x: {shape: [n]}
  y: {shape: [k], assume: [probability]}
function: -y^T * log(softmax(W2 * tanh(W1*x + b1)))
wrt: [W1, b1, W2]
"""
LAYERS = "where:\n  a: W1*x + b1\n  h: tanh(a)\n  z: W2*h\n"
SIZES = {"m": 4, "n": 3, "k": 5}


def network(where: str = LAYERS, extra: str = ""):
    return parse_spec(NETWORK + where + extra, "net.yaml")


# --- by hand, from the sources ------------------------------------------------------------


def point(seed: int = 3) -> dict:
    rng = np.random.default_rng(seed)
    y = rng.random((SIZES["k"], 1))
    return {
        "W1": rng.standard_normal((SIZES["m"], SIZES["n"])),
        "b1": rng.standard_normal((SIZES["m"], 1)),
        "W2": rng.standard_normal((SIZES["k"], SIZES["m"])),
        "x": rng.standard_normal((SIZES["n"], 1)),
        "y": y / y.sum(),
    }


def loss(W1, b1, W2, x, y) -> float:
    z = W2 @ np.tanh(W1 @ x + b1)
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    return float(-(y.T @ np.log(p))[0, 0])


def published(W1, b1, W2, x, y) -> dict:
    """Goodfellow Alg. 6.4 / Bishop §5.3.2 / CS231n: δ_z = p − y, δ_a = (W2ᵀδ_z) ∘ (1 − h∘h)."""
    h = np.tanh(W1 @ x + b1)
    z = W2 @ h
    p = np.exp(z) / np.exp(z).sum()
    delta_a = (W2.T @ (p - y)) * (1 - h * h)
    return {"W2": (p - y) @ h.T, "b1": delta_a, "W1": delta_a @ x.T}


def finite_differences(values: dict, name: str, step: float = 1e-6) -> np.ndarray:
    gradient = np.zeros_like(values[name])
    for index in np.ndindex(values[name].shape):
        moved = {k: v.copy() for k, v in values.items()}
        moved[name][index] += step
        up = loss(**moved)
        moved[name][index] -= 2 * step
        gradient[index] = (up - loss(**moved)) / (2 * step)
    return gradient


def evaluator(derivation, values: dict) -> Evaluator:
    """At the spec's symbols given by name; each name is its definition (as the checks see it)."""
    symbols = derivation.symbol_map
    dims = {sp.Symbol(d, integer=True, positive=True): size for d, size in SIZES.items()}
    at = {symbols[name]: value for name, value in values.items()}
    return Evaluator({**at, **dict(derivation.named.pairs)}, dims, {})


# --- parsing --------------------------------------------------------------------------------


def test_where_keeps_its_order_and_infers_each_shape():
    derivation = derive(network())
    names = [(str(name), name) for name in derivation.named.symbols]
    assert [n for n, _ in names] == ["a", "h", "z"]
    shapes = {n: s.shape for n, s in names}
    m, k = sp.Symbol("m", integer=True, positive=True), sp.Symbol("k", integer=True, positive=True)
    assert shapes == {"a": (m, 1), "h": (m, 1), "z": (k, 1)}
    h = derivation.named.symbols[1]
    assert derivation.named.definition(h) == ir.apply("tanh", derivation.named.symbols[0])


def test_a_number_is_named_by_a_number():
    spec = parse_spec(
        "symbols: {x: {shape: [n]}}\nfunction: log(x^T*x) + sqrt(x^T*x)\nwrt: x\nwhere: {s: x^T*x}\n",
        "s.yaml",
    )
    derivation = derive(spec)
    ((s, definition),) = derivation.named.pairs
    assert isinstance(s, sp.Symbol) and not ir.is_matrix(definition)
    assert derivation.function.has(s) and verify(derivation).ok


@pytest.mark.parametrize(
    ("where", "error"),
    [
        ("  x: W1*x\n", "10:3: 'x' in 'where' is a declared symbol; give the quantity another name"),
        ("  m: W1*x\n", "10:3: 'm' in 'where' is a dimension; give the quantity another name"),
        ("  tr: W1*x\n", "10:3: 'tr' is reserved for a function and cannot be a name in 'where'"),
        ("  dx: W1*x\n", "10:3: 'dx' in 'where' would read as the differential of a symbol; give the"),
        ("  a: W1*x + b1\n  h: tanh(h)\n", "11:11: the definition of 'h' uses itself"),
        (
            "  h: tanh(a)\n  a: W1*x + b1\n",
            "10:11: the definition of 'h' uses 'a', which is defined after it",
        ),
        ("  a: W1*x + b1\n  q: W2*x2\n", "11:9: unknown symbol 'x2'"),
        ("  a: W1*x + b1\n  c: x\n", "11:6: 'c' only renames 'x'; write 'x' where it is used"),
        (
            "  a: W1*x + b1\n  c: W2^T*y\n",
            "11:3: 'c' is not used: its definition does not occur in the function",
        ),
        ("  1a: W1*x\n", "10:3: 'where' name '1a' is not a name"),
    ],
)
def test_a_bad_name_or_definition_is_refused_where_it_is_written(tmp_path, where, error):
    path = tmp_path / "net.yaml"
    path.write_text(NETWORK.replace("wrt: [W1, b1, W2]\n", "wrt: [W1, b1, W2]\nwhere:\n") + where, "utf-8")
    result = invoke("check", path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{path}:{error}"), result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("methods: [differential, entrywise]\n", "the directional or entrywise method"),
        ("order: 2\n", "order 2"),
    ],
)
def test_where_is_refused_where_it_is_not_supported_yet(tmp_path, extra, reason):
    path = tmp_path / "layer.yaml"
    text = "symbols: {W: {shape: [m, n]}, x: {shape: [n]}}\nfunction: sum(tanh(W*x))\nwrt: W\n"
    path.write_text(text + "where: {a: W*x}\n" + extra, "utf-8")
    result = invoke("check", path)
    message = f"{path}:4:8: 'where' with {reason} is not supported yet\n"
    assert (result.exit_code, result.stderr) == (2, message)


def test_where_must_be_a_mapping(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(NETWORK + "where: [a]\n", "utf-8")
    result = invoke("check", path)
    expected = "'where' must be a mapping of names to expressions, such as {a: W1*x + b1}, not a list"
    assert (result.exit_code, result.stderr) == (2, f"{path}:9:8: {expected}\n")


# --- fold and unfold ------------------------------------------------------------------------


def test_fold_and_unfold_are_inverse_on_the_function_and_on_the_result():
    derivation = derive(network(LAYERS + "  p: softmax(z)\n"))
    named = derivation.named
    assert str(derivation.function) == str(named.fold(derivation.function))  # folded already
    unfolded = named.unfold(derivation.function)
    assert not any(unfolded.has(s) for s in named.symbols)
    assert named.fold(unfolded) == derivation.function
    for _, result in derivation.results:
        assert named.fold(named.unfold(result)) == result
        assert not any(named.unfold(result).has(s) for s in named.symbols)


def test_fold_takes_the_latest_name_first():
    x = sp.MatrixSymbol("x", 3, 1)
    a, h = sp.MatrixSymbol("a", 3, 1), sp.MatrixSymbol("h", 3, 1)
    named = Named(((a, 2 * x), (h, ir.apply("tanh", a))))
    assert named.fold(ir.apply("tanh", 2 * x)) == h
    assert named.fold(ir.apply("exp", 2 * x)) == ir.apply("exp", a)
    assert named.unfold(h) == ir.apply("tanh", 2 * x)


# --- the proof and the result ---------------------------------------------------------------


def test_the_proof_goes_through_each_name_by_its_definition_and_every_line_holds():
    derivation = derive(network(LAYERS + "  p: softmax(z)\n"))
    rules = [s.rule for s in derivation.proofs[0].chain.steps]
    subjects = [str(s.subject) for s in derivation.proofs[0].chain.steps if s.rule == "definition"]
    assert subjects == ["z", "h", "a"]  # from the output back: the chain rule, one layer per line
    assert "log-softmax" in rules  # log(p) with p = softmax(z): the rule sees through the name
    report = verify(derivation)
    assert report.ok and all(c.ok for p in report.proofs for c in p.all)


def adjoints(W1, b1, W2, x, y) -> dict:
    """The same sources' backward pass: δ_z = p − y, δ_h = W2ᵀδ_z, δ_a = δ_h ∘ (1 − h∘h)."""
    h = np.tanh(W1 @ x + b1)
    z = W2 @ h
    p = np.exp(z) / np.exp(z).sum()
    delta_h = W2.T @ (p - y)
    return {"z": p - y, "h": delta_h, "a": delta_h * (1 - h * h)}


def test_each_name_is_replaced_once_df_is_collected_and_its_coefficient_is_the_adjoint():
    derivation = derive(network(LAYERS + "  p: softmax(z)\n"))
    steps = derivation.proofs[0].chain.steps
    by_hand, ev = adjoints(**point()), evaluator(derivation, point())
    assert np.allclose(by_hand["a"], finite_differences(point(), "b1"), atol=1e-6)  # δ_a is ∇_{b1} f
    taken = [(before.expr, step) for before, step in zip(steps, steps[1:]) if step.rule == "definition"]
    assert [str(step.subject) for _, step in taken] == ["z", "h", "a"]
    for before, step in taken:
        dh, held = ir.d(step.subject), tuple(dict.fromkeys(differentials(before)))
        assert differentials(before).count(dh) == 1  # collected: the name's differential stands once
        definition = ir.d(derivation.named.definition(step.subject))
        assert differentials(step.expr).count(definition) == 1  # so its definition is written once
        coefficient = identify(linear_form(only(before, dh, held), dh), dh)
        assert np.allclose(ev(coefficient), by_hand[str(step.subject)]), step.subject


def test_a_wrong_use_of_a_definition_is_caught():
    derivation = derive(network())
    proof = derivation.proofs[0]
    steps = list(proof.chain.steps)
    k = next(i for i, s in enumerate(steps) if s.rule == "definition" and str(s.subject) == "h")
    a = next(s for s in derivation.named.symbols if str(s) == "a")
    wrong = steps[k].expr.xreplace({ir.d(ir.apply("tanh", a)): ir.d(ir.apply("sigmoid", a))})
    assert wrong != steps[k].expr
    steps[k] = Step(wrong, "definition", steps[k].subject)
    tampered = replace(derivation, proofs=(replace(proof, chain=Chain(proof.chain.lhs, tuple(steps))),))
    checks = verify(tampered).proofs[0].chain
    assert not checks[k].ok and all(c.ok for c in checks[:k])


def test_the_results_are_stated_in_the_names_and_equal_the_published_gradients():
    derivation = derive(network(LAYERS + "  p: softmax(z)\n"))
    results = {v.name: r for v, r in derivation.results}
    h = next(s for s in derivation.named.symbols if str(s) == "h")
    assert text(results["W2"]) == "(p - y)*h^T"
    assert all(r.has(h) for r in results.values())
    values = point()
    by_hand = published(**values)
    ev = evaluator(derivation, values)
    for name, result in results.items():
        fd = finite_differences(values, name)
        assert np.allclose(by_hand[name], fd, atol=1e-6), name  # the sources, against the loss
        assert np.allclose(ev(result), fd, atol=1e-6), name  # derivtex, against the loss


def test_without_p_the_result_is_in_softmax_of_z():
    derivation = derive(network())
    z, h = (next(s for s in derivation.named.symbols if str(s) == n) for n in ("z", "h"))
    W2 = dict(derivation.results)[derivation.symbol_map["W2"]]
    y = derivation.symbol_map["y"]
    assert text(W2) == "(softmax(z) - y)*h^T" and W2.has(z, h, y)


def test_claims_may_use_the_names_and_the_catalog_network_holds():
    spec = network(
        LAYERS + "  p: softmax(z)\n",
        "claim:\n  W2: (p - y)*h^T\n  b1: hadamard(W2^T*(p - y), ones(m) - hadamard(h, h))\n",
    )
    report = run_spec(spec).report
    assert report.ok and report.claim.ok and report.finite_difference.ok


def test_a_false_claim_in_the_names_is_caught():
    spec = network(LAYERS, "claim:\n  W2: (softmax(z) - y)*a^T\n")
    assert not run_spec(spec).report.claim.ok


# --- what the documents say -----------------------------------------------------------------


def test_latex_markdown_and_json_introduce_the_names(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text(NETWORK + LAYERS, "utf-8")
    for to in ("tex", "md"):
        assert invoke("build", path, "--to", to, "-o", tmp_path / to).exit_code == 0
    tex = (tmp_path / "tex" / "net.tex").read_text("utf-8")
    write = r"Write $a = W_{1}x + b_{1}$, $h = \tanh(a)$ and $z = W_{2}h$."
    assert write.replace("_{1}", "_1").replace("_{2}", "_2") in tex or write in tex
    md = (tmp_path / "md" / "net.md").read_text("utf-8")
    assert re.search(r"Write \$a = W_\{?1\}?x \+ b_\{?1\}?\$", md)
    shown = invoke("show", "--json", path)
    where = json.loads(shown.stdout)["where"]
    assert [(w["name"], w["definition"]) for w in where] == [
        ("a", "W1*x + b1"),
        ("h", "tanh(a)"),
        ("z", "W2*h"),
    ]


# --- the names the engine gives itself ------------------------------------------------------


def test_the_engine_names_the_layers_of_the_network_itself():
    derivation = derive(network(where=""))
    names = {str(n): d for n, d in derivation.named.pairs}
    assert set(names) == {"a", "h", "z", "p", "delta_z", "delta_a"}
    assert verify(derivation).ok


def test_the_coefficients_the_chain_rule_collects_are_named_as_the_sources_adjoints():
    """δ_z and δ_a are the coefficients of dz and da once df is collected: written out, the sources'
    backward pass (δ_z = p − y, δ_a = (W₂ᵀδ_z) ∘ (1 − h∘h), ``adjoints`` above), and the gradients
    are stated in them as the sources state them (∇_{W₁} f = δ_a xᵀ, ∇_{b₁} f = δ_a, ∇_{W₂} f = δ_z hᵀ),
    which the finite differences of the loss confirm."""
    derivation = derive(network(where=""))
    names = {str(n): n for n in derivation.named.symbols}
    ev, by_hand = evaluator(derivation, point()), adjoints(**point())
    for v in ("z", "a"):
        assert np.allclose(ev(names[f"delta_{v}"]), by_hand[v]), v
    results = {v.name: r for v, r in derivation.results}
    assert results["b1"] == names["delta_a"]
    assert text(results["W1"]) == "delta_a*x^T" and text(results["W2"]) == "delta_z*h^T"
    for v in ("W1", "b1", "W2"):
        assert np.allclose(ev(results[v]), finite_differences(point(), v), atol=1e-6), v
    rules = [s.rule for s in derivation.proofs[0].chain.steps]
    assert rules.count("linear form") >= 2  # each step of the chain rule collected in one line


def test_automatic_names_never_clash_with_symbols_dimensions_or_functions():
    symbols = """\
symbols:
  a: {shape: [h, n]}
  t_1: {shape: [h]}
  W2: {shape: [p, h]}
  x: {shape: [n]}
  y: {shape: [p], assume: [probability]}
  z: {}
function: -z*y^T * log(softmax(W2 * tanh(a*x + t_1)))
wrt: [a, t_1, W2]
"""
    derivation = derive(parse_spec(symbols, "clash.yaml"))
    taken = {"a", "t_1", "W2", "x", "y", "z", "h", "n", "p"} | set(FUNCTIONS)
    names = [str(n) for n in derivation.named.symbols]
    layers = [n for n in names if not n.startswith("delta_")]  # and the adjoints δ of some of them
    assert len(layers) == 4 and not set(names) & taken
    assert len(set(names)) == len(names)
    assert verify(derivation).ok


def test_a_short_textbook_result_gets_no_names():
    spec = parse_spec(
        "symbols: {x: {shape: [n]}, mu: {shape: [n]}, S: {shape: [n, n], assume: [spd]}}\n"
        "function: (x - mu)^T*S^-1*(x - mu)\nwrt: mu\n",
        "gauss.yaml",
    )
    assert not derive(spec).named


def test_the_authors_steps_may_use_the_names_and_each_is_checked(tmp_path):
    # logistic loss log(1 + e^s), s = xᵀw: d/ds = σ(s) (Bishop §4.3.2), so ∇_w = σ(xᵀw) x
    text = """\
symbols: {w: {shape: [n]}, x: {shape: [n]}}
function: log(1 + exp(x^T*w))
wrt: w
where: {s: x^T*w}
steps:
  - {expr: d(log(1 + exp(s))), why: the function}
  - {expr: exp(s)/(1 + exp(s))*ds, why: the chain rule}
  - {expr: exp(s)/(1 + exp(s))*x^T*dw, why: the definition of s}
"""
    path = tmp_path / "logistic.yaml"
    path.write_text(text, "utf-8")
    assert invoke("check", path).exit_code == 0
    path.write_text(text.replace("*x^T*dw", "*2*x^T*dw"), "utf-8")
    result = invoke("check", path)
    assert result.exit_code == 1 and f"{path}:8:" in result.stderr and "step 3" in result.stderr
