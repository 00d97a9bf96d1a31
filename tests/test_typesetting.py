"""Typesetting that holds on long material (issue 16, item 4): long right-hand sides broken
recursively, the full stop after a display's last row, hypotheses said once, Greek names, formulas
in titles. (That nothing runs into the margin is tests/test_pdf.py's, on long published specs.)"""

import json
import re

import pytest
from helpers import DERIVATIONS, invoke

from gen import pipeline
from gen.errors import Span
from gen.expr.latex import broken, latex, name_latex
from gen.expr.line_breaks import MEASURE, width
from gen.expr.lower import parse_expr, symbol_table
from gen.render.templates import full_stop
from gen.render.view import document_view
from gen.spec.keys import Text, parse_spec

SPEC = """\
symbols:
  W1: {shape: [h, n]}
  b1: {shape: [h]}
  W2: {shape: [k, h]}
  x: {shape: [n]}
  y: {shape: [k]}
  Q: {shape: [T, d]}
  K: {shape: [S, d]}
  G: {shape: [T, dv]}
  V: {shape: [S, dv]}
  U: {shape: [h, n]}
  c: {shape: [h]}
  z: {shape: [h]}
function: -y^T*log(softmax(W2*tanh(W1*x + b1)))
wrt: W1
"""
SYMBOLS = symbol_table(parse_spec(SPEC, "net.yaml").symbols)
# right-hand sides of the two-layer network and of attention (issue 16), each too long for one row:
# a sum of products, a product whose factors are long, a function whose argument is long
LONG = [
    "hadamard(W2^T*(softmax(W2*tanh(W1*x + b1)) - y), hadamard(tanh(W1*x + b1), tanh(W1*x + b1)))*x^T",
    "(W2^T*softmax(W2*tanh(W1*x + b1)))*(softmax(W2*tanh(W1*x + b1)) - y)^T*W2*W1",
    "tanh(W1*x + U*x + hadamard(b1, c) + hadamard(c, z) + hadamard(b1, z) + U*hadamard(x, x))",
    "hadamard(G*V^T, softmax(Q*K^T/sqrt(d)))*K/sqrt(d)"
    " - diag(hadamard(G*V^T, softmax(Q*K^T/sqrt(d)))*ones(S))*softmax(Q*K^T/sqrt(d))*K/sqrt(d)",
]


def parsed(source: str):
    return parse_expr(Text(source, Span("case", 1, 1)), SYMBOLS)


def glyphs(tex: str) -> str:
    """The LaTeX without spaces, thin spaces and the marks a broken row starts with."""
    return re.sub(r"\\cdot|\\,|\s", "", tex)


@pytest.mark.parametrize("source", LONG)
def test_a_long_right_hand_side_is_broken_into_rows_that_fit(source):
    e = parsed(source)
    rows = broken(e)
    assert width(latex(e)) > MEASURE and len(rows) > 1
    assert glyphs("".join(rows)) == glyphs(latex(e))  # the same formula, cut, nothing lost or added
    assert all(width(row) <= MEASURE * 7 / 6 for row in rows)  # a short tail may stay on its row
    for row in rows:  # each row typesets alone: its braces closed
        assert row.count("{") == row.count("}")


def test_a_product_too_long_for_a_row_breaks_between_its_factors_with_a_visible_dot():
    rows = broken(parsed(LONG[1]))
    assert any(row.startswith(r"\cdot ") for row in rows[1:])


def test_a_function_whose_argument_is_too_long_breaks_inside_it():
    rows = broken(parsed(LONG[2]))
    assert rows[0].startswith(r"\tanh(") and not rows[0].endswith(")")
    assert rows[-1].endswith(")")


def test_a_short_right_hand_side_is_one_row():
    assert broken(parsed("W2*tanh(W1*x + b1)")) == [latex(parsed("W2*tanh(W1*x + b1)"))]


def test_the_full_stop_follows_the_last_row_of_a_display():
    assert full_stop("a = b") == "a = b."
    rows = r"\begin{aligned}f &= a \\ &\quad + b\end{aligned}"
    assert full_stop(rows) == r"\begin{aligned}f &= a \\ &\quad + b.\end{aligned}"


def test_a_multi_line_proposition_ends_with_its_full_stop_on_its_last_row(tmp_path):
    spec = tmp_path / "net.yaml"
    three = SPEC.replace("wrt: W1", "wrt: [W1, b1, W2]") + "where:\n  a: W1*x + b1\n"  # in a only: long
    spec.write_text(three, encoding="utf-8")  # three rows
    tex = pipeline.render_tex(pipeline.run(spec))
    display = tex[tex.index(r"\[") : tex.index(r"\]")]
    assert r"\begin{aligned}" in display
    assert display.rstrip().endswith(r".\end{aligned}")


def test_short_results_of_several_variables_stand_on_one_row(tmp_path):
    spec = tmp_path / "net.yaml"
    spec.write_text(SPEC.replace("wrt: W1", "wrt: [W1, b1, W2]"), encoding="utf-8")  # stated in δ
    tex = pipeline.render_tex(pipeline.run(spec))
    display = tex[tex.index(r"\[") : tex.index(r"\]")]
    assert r"\begin{aligned}" not in display and display.count(r",\quad ") == 2
    assert display.rstrip().endswith(".")


@pytest.mark.parametrize("template", ["article", "beamer", "md"])
def test_each_gradient_read_off_keeps_its_left_side_when_the_chains_are_too_wide_beside_it(template):
    """relu_layer reads off ∇_W f and ∇_b f in one display, each chain too wide for its left side
    beside it: each left side stands on its own row. (The second one was dropped, so that its rows
    seemed to continue ∇_W f's chain: ∇_W f = … = 2(…)xᵀ = 2(…), which is false.)"""
    outcome = pipeline.run(DERIVATIONS / "relu_layer.yaml")
    text = pipeline.render_tex(outcome, template)
    read_off = text[text.index("reads off each gradient") :]
    display = read_off[: read_off.index("Verification")]
    alone = re.findall(r"^\s*& (?:\\onslide<\d+->\{)?(?:\\mathrlap\{)?\\nabla_\{(\w)\}", display, flags=re.M)
    assert alone == ["W", "b"]
    lines = re.findall(r"&(?:\\onslide<\d+->\{)?= ", display)
    assert len(lines) == 4  # two lines per chain: identification, then the transpose


def test_a_hessian_proof_says_which_f_its_second_differential_is_of():
    """The proposition states ∇²_X log det(X) without naming f, and the proof's bilinear form writes
    d²f[U, V]: the proof defines f before it speaks of it (a reader, and `derivtex check`, could not
    tell which f that was)."""
    text = pipeline.render_tex(pipeline.run(DERIVATIONS / "hessian_logdet.yaml"))
    defined = text.index(r"Write $f(X) = \log\det(X)$.")
    assert r"f(X) =" not in text[: text.index(r"\begin{proof}")]  # the proposition does not name it
    assert defined < text.index(r"\mathrm{d}^{2}f") and defined < text.index("As a bilinear form")


# --- hypotheses ----------------------------------------------------------------------------

POSITIVE = """\
symbols:
  alpha: {assume: [positive]}
  beta: {assume: [positive]}
  x: {shape: [n]}
  S: {shape: [n, n], assume: [spd, symmetric, invertible]}
  z: {shape: [n]}
function: log(alpha) + log(beta)*x^T*x + logdet(S) + log(sum(exp(z))) + log(x^T*x)
wrt: x
"""


def hypothesis_of(tmp_path, text: str) -> str:
    spec = tmp_path / "h.yaml"
    spec.write_text(text, encoding="utf-8")
    outcome = pipeline.run(spec)
    return str(document_view(outcome.derivation, outcome.report).hypothesis)


def test_an_assumption_and_the_condition_it_implies_are_said_once(tmp_path):
    said = hypothesis_of(tmp_path, POSITIVE)
    sentence = said.split(". Write")[0]
    assert r"\alpha > 0" not in sentence and r"\beta > 0" not in sentence  # positive says it
    assert r"\det" not in sentence  # spd says det S > 0
    assert r"x^{\top}x > 0" in sentence  # what no assumption says stays
    assert "exp" not in sentence  # 1ᵀeᶻ > 0 by construction
    assert sentence.count("positive") == 2  # α, β positive once; S symmetric positive definite
    assert r"$\alpha, \beta \in \mathbb{R}$ be positive" in sentence
    assert "invertible" not in sentence and sentence.count("symmetric") == 1  # spd says both


def test_each_clause_is_said_once(tmp_path):
    said = hypothesis_of(tmp_path, POSITIVE.replace("+ log(x^T*x)", "+ log(x^T*x) + sqrt(x^T*x)"))
    assert said.count(r"x^{\top}x > 0") == 1


def test_a_sum_none_of_whose_terms_is_negative_and_one_positive_needs_no_condition(tmp_path):
    layer_norm = """\
symbols: {x: {shape: [n]}, eps: {assume: [positive]}, c: {}}
function: log(norm(x)^2/n + eps) + log(c^2 + eps) + log(norm(x)^2 + c)
wrt: x
"""
    sentence = hypothesis_of(tmp_path, layer_norm).split(". Write")[0]
    assert r"\varepsilon >" not in sentence.replace(r"\varepsilon \in", "")  # ‖x‖²/n + ε, c² + ε: positive
    assert r"\lVert x\rVert^{2} + c > 0" in sentence  # c may be negative: the condition stays


# --- Greek names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, letter",
    [
        *((n, "\\" + n) for n in "alpha beta gamma delta theta mu tau omega psi rho kappa eta xi nu".split()),
        ("lambda", r"\lambda"),
        ("sigma", r"\sigma"),
        ("epsilon", r"\varepsilon"),  # the variant textbooks use, as eps
        ("phi", r"\varphi"),
        ("Sigma", r"\Sigma"),
        ("Lambda", r"\Lambda"),
        ("sigma_1", r"\sigma_{1}"),
        ("lambda2", r"\lambda_{2}"),
        ("sigmoid", r"\mathrm{sigmoid}"),  # a word, not σ followed by letters
        ("etas", r"\mathrm{etas}"),
    ],
)
def test_the_ascii_names_of_greek_letters_print_as_the_letters(name, letter):
    assert name_latex(name) == letter


def test_sigmoid_is_a_function_not_the_letter_sigma():
    spec = "symbols:\n  sigma_1: {shape: [n]}\nfunction: sum(sigmoid(sigma_1))\nwrt: sigma_1\n"
    symbols = symbol_table(parse_spec(spec, "s.yaml").symbols)
    assert latex(parse_expr(Text("sigmoid(sigma_1)", Span("s.yaml")), symbols)) == r"\sigma(\sigma_{1})"


# --- formulas in titles ----------------------------------------------------------------------

TITLED = """\
title: 'Gradient of $tr(A^3)$, for \\$5'
symbols:
  A: {shape: [n, n]}
function: tr(A^3)
wrt: A
"""


def test_a_formula_in_a_title_is_parsed_and_printed_by_derivtex(tmp_path):
    spec = tmp_path / "cube.yaml"
    spec.write_text(TITLED, encoding="utf-8")
    outcome = pipeline.run(spec)
    tex = pipeline.render_tex(outcome)
    assert r"\title{Gradient of \(\operatorname{tr}(A^{3})\), for \$5}" in tex
    md = pipeline.render_tex(outcome, "md")
    assert md.startswith("# Gradient of $\\operatorname{tr}(A^{3})$, for \\$5\n")
    shown = json.loads(invoke("show", "--json", str(spec)).stdout)
    assert shown["title"] == "Gradient of $tr(A^3)$, for \\$5"  # JSON keeps the text


def test_a_title_never_passes_the_users_latex(tmp_path):
    spec = tmp_path / "hostile.yaml"
    spec.write_text(TITLED.replace("$tr(A^3)$", "$\\\\input{x}$"), encoding="utf-8")  # the formula at 1:21
    result = invoke("check", str(spec))
    assert result.exit_code == 2
    assert result.stderr == f"{spec}:1:22: unexpected character '\\\\'\n"
