"""Readings of real notation in ``derivtex check`` (issue 18): a conditional bar among a function's
arguments (a policy π(a | s, θ)), plain TeX's ``{a \\over b}``, a class label as a signed subscript
(μ_{-1}), a display's definition declared anew by a later annotation, the sides of a link that
share no symbol, a derivative by a number the text defines, bars around a vector, ``\\nabla f(x)``
inside an expression, a derivative by a declared subscripted symbol, Newton's dot, a symbol set
over a letter, deep-learning notes' dz for ∂L/∂z, Lagrange's condition after "FOC", a subscript
with its own subscript, \\therefore and \\because, a bracketed row, a dimension n+1, sums whose
index a name's subscript or another letter carries, a Hessian as a second-partial fraction, an
inverse singular at some sizes, a bold letter defined from its plain self, a power by a declared time,
a display's := of a declared name, the gradient and Hessian of an f never written out, a matrix
written at a point (H(x^{(i)})), a positive semidefinite matrix, a trace typed Tr or with braces, a
starred matrix (U^*), one letter defined under two argument lists (P(X|θ) := ∏ P(x_i|θ)), a
transposed function applied (x^H(t)), e^H of a vector e, a number above a declared name (w^1) and
a declared variance (σ²: scalar), a norm squared before its subscript, optima (\\min_x, \\arg\\min_x)
compared by their objectives, a display's name equal to a derivative or a squared name (σ² = …)
defined, a trace typed tr AB, the gradient of an f never written out applied (∇_{A^T} f(A)), an
indicator (\\mathbf{1}[z > 0], \\mathbb{1}_{x < 0}), a loss differentiated by a quantity two definitions
back, ReLU in index notation, a display's shape remark on what it defines, a whole power of a function
before its argument (\\tanh^2 x), an \\intertext without a row break, annotations in subsections. Every
expected status is worked by hand; the wrong variants differ by a sign, a factor or a transpose the
hand can see."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import checked_in_paper

from gen.texcheck.document import unprimed
from gen.texcheck.indexvalues import inverted


def statuses(tmp_path: Path, body: str) -> list[str]:
    return [o.status for o in checked_in_paper(tmp_path, body)]


def test_a_bar_among_a_function_s_arguments_conditions(tmp_path):
    # π(a | s, θ) := 1 / (1 + e^{-θᵀx}) = e^{θᵀx} / (e^{θᵀx} + 1) (numerator and denominator times e^{θᵀx})
    notes = "% derivtex: \\theta, x: d; \\pi(a|s,\\theta) := \\frac{1}{1 + e^{-\\theta^\\top x}}\n"
    body = notes + "\\[ \\pi(a|s,\\theta) = \\frac{e^{\\theta^\\top x}}{e^{\\theta^\\top x} + 1} \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    body = notes + "\\[ \\pi(a \\mid s,\\theta) = \\frac{e^{\\theta^\\top x}}{e^{\\theta^\\top x} - 1} \\]\n"
    assert statuses(tmp_path, body) == ["does not follow"]


def test_plain_tex_over_is_a_fraction(tmp_path):
    # ∂(xᵀAx)/∂x = (A + Aᵀ)x; ½ xᵀx = ½‖x‖²; 2Ax only for a symmetric A
    notes = "% derivtex: x: n; A: n x n\n"
    body = notes + "\\[ {\\partial \\over \\partial x} x^\\top A x = (A + A^\\top) x \\]\n"
    body += "\\[ {1 \\over 2} x^\\top x = {\\|x\\|^2 \\over 2} \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    body = notes + "\\[ {\\partial \\over \\partial x} x^\\top A x = 2 A x \\]\n"
    assert statuses(tmp_path, body) == ["does not follow"]


def test_a_signed_number_subscript_is_a_label(tmp_path):
    # -½(x - μ)ᵀΣ⁻¹(x - μ) = -½xᵀΣ⁻¹x + μᵀΣ⁻¹x - ½μᵀΣ⁻¹μ for a symmetric Σ, μ = μ_{-1}
    notes = "% derivtex: x, \\mu_{-1}: n; \\Sigma: n x n spd\n"
    left = "-\\frac 12(x - \\mu_{-1})^T \\Sigma^{-1}(x - \\mu_{-1})"
    right = "-\\frac12 x^T \\Sigma^{-1} x SIGN \\mu_{-1}^T \\Sigma^{-1} x"
    right += " - \\frac12 \\mu_{-1}^T\\Sigma^{-1}\\mu_{-1}"
    assert statuses(tmp_path, f"{notes}\\[ {left} = {right.replace('SIGN', '+')} \\]\n") == ["ok"]
    assert statuses(tmp_path, f"{notes}\\[ {left} = {right.replace('SIGN', '-')} \\]\n") == [
        "does not follow"
    ]


def test_an_annotation_declares_anew_a_name_a_display_defined(tmp_path):
    # X = [1 2; 3 4] in an example; then X: m x n, a general matrix: ‖y - Xw‖² = yᵀy - 2wᵀXᵀy + wᵀXᵀXw
    example = "\\[ X = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix} \\]\n"
    notes = "% derivtex: X: m x n; y: m; w: n\n"
    claim = "\\[ \\|y - Xw\\|^2 = y^T y - 2 w^T X^T y + w^T X^T X w \\]\n"
    assert statuses(tmp_path, example + notes + claim)[-1] == "ok"
    assert statuses(tmp_path, example + notes + claim.replace("- 2", "+ 2"))[-1] == "does not follow"


def test_sides_that_share_no_symbol_need_the_relation_said_in_words(tmp_path):
    # U Uᵀ = U₁U₁ᵀ + U₂U₂ᵀ holds for U = [U₁ U₂], which the text says in words: nothing ties U to
    # U₁, U₂ here, and any values drawn would make it fail
    notes = "% derivtex: U: m x m; U_1: m x r; U_2: m x s\n"
    (found,) = checked_in_paper(tmp_path, notes + "\\[ U U^T = U_1 U_1^T + U_2 U_2^T \\]\n")
    assert (found.status, found.message.split(":")[0]) == ("cannot check", "the sides share no symbol")
    notes += "% derivtex: U := \\begin{bmatrix} U_1 & U_2 \\end{bmatrix}\n"
    assert statuses(tmp_path, notes + "\\[ U U^T = U_1 U_1^T + U_2 U_2^T \\]\n") == ["ok"]
    assert statuses(tmp_path, notes + "\\[ U U^T = U_1 U_1^T - U_2 U_2^T \\]\n") == ["does not follow"]


LAGRANGIAN = (
    "% derivtex: a: P; b: Q; S: P x Q; \\Sigma: P x P symmetric; \\lambda: scalar\n"
    "\\[ L = a^T S b - \\frac{\\lambda}{2}(a^T \\Sigma a - 1) \\]\n"
)


def test_a_derivative_written_with_delta(tmp_path):
    # ∂/∂a [aᵀSb - λ/2 (aᵀΣa - 1)] = Sb - λΣa (Σ symmetric); a δ with a script is a symbol: δ_j/δ_k a quotient
    derivative = (
        "\\[ {\\delta L \\over \\delta a} = \\frac{\\delta}{\\delta a} (a^T S b) - \\lambda \\Sigma a = "
    )
    assert statuses(tmp_path, LAGRANGIAN + derivative + "S b - \\lambda \\Sigma a \\]\n")[1:] == ["ok", "ok"]
    assert statuses(tmp_path, LAGRANGIAN + derivative + "S b - 2\\lambda \\Sigma a \\]\n")[1:] == [
        "ok",
        "does not follow",
    ]
    notes = "% derivtex: \\delta_j, \\delta_k: scalar\n"
    assert statuses(
        tmp_path, notes + "\\[ \\frac{\\delta_j}{\\delta_k} = \\delta_j \\delta_k^{-1} \\]\n"
    ) == ["ok"]


def test_a_display_going_on_with_0_sets_the_derivative_to_zero(tmp_path):
    # "= 0" on a display of its own goes on from ∂L/∂a = Sb - λΣa: a condition on a, as is Sb = λΣa after it
    body = LAGRANGIAN + "\\[ \\frac{\\partial L}{\\partial a} = S b - \\lambda \\Sigma a \\]\n\\[ = 0 \\]\n"
    body += "\\[ S b = \\lambda \\Sigma a \\]\n"
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["skipped", "ok", "skipped", "skipped"]
    assert "a derivative set to zero" in found[2].message


def test_pi_alone_is_the_number_where_a_policy_pi_is_defined(tmp_path):
    # π(a | μ) := exp(-(a - μ)²/(2σ²)) / (σ√(2π)): ln π(a | μ) = -ln(σ√(2π)) - (a - μ)²/(2σ²); the √π variant
    # is off by ln √2
    notes = "% derivtex: a, \\mu, \\sigma: scalar; \\sigma: positive\n"
    notes += (
        "% derivtex: \\pi(a|\\mu) := \\frac{1}{\\sigma\\sqrt{2\\pi}} \\exp(-\\frac{(a-\\mu)^2}{2\\sigma^2})\n"
    )
    claim = "\\[ \\ln \\pi(a|\\mu) = -\\ln(\\sigma\\sqrt{ROOT}) - \\frac{(a-\\mu)^2}{2\\sigma^2} \\]\n"
    assert statuses(tmp_path, notes + claim.replace("ROOT", "2\\pi")) == ["ok"]
    assert statuses(tmp_path, notes + claim.replace("ROOT", "\\pi")) == ["does not follow"]


def test_a_random_symbol_and_its_draws_are_one_symbol(tmp_path):
    # R := E[x xᵀ] averages draws of x; R = x xᵀ drops the expectation (a slip, not a relation in words)
    notes = "% derivtex: x: n, random; R := E[x x^T]\n"
    (found,) = checked_in_paper(tmp_path, notes + "\\[ R = x x^T \\]\n")
    assert found.status == "does not follow"


def test_a_derivative_by_a_defined_number_is_taken_at_its_value(tmp_path):
    # v₄ := v₁ + v₂ is a number though Latin lowercase; ∂v₃/∂v₄ of v₃ := v₄² is 2v₄, at v₄'s value:
    # 2(log x₁ + x₁x₂); ∂v₄/∂v₂ = 1, ∂v₂/∂x₁ = x₂, ∂v₁/∂x₁ = 1/x₁
    def d(f, x):
        return f"\\frac{{\\partial {f}}}{{\\partial {x}}}"

    notes = "% derivtex: x_1, x_2: scalar; x_1: positive\n"
    notes += "% derivtex: v_1 := \\log(x_1); v_2 := x_1 x_2; v_4 := v_1 + v_2; v_3 := v_4^2\n"
    chain = f"\\[ {d('v_3', 'v_4')}{d('v_4', 'v_2')} = 2(\\log x_1 + x_1 x_2) \\]\n"
    by_x = f"{d('v_4', 'v_1')}{d('v_1', 'x_1')} + {d('v_4', 'v_2')}{d('v_2', 'x_1')}"
    chain += f"\\[ {by_x} = \\frac{{1}}{{x_1}} + x_2 \\]\n"
    assert statuses(tmp_path, notes + chain) == ["ok", "ok"]
    wrong = chain.replace("+ x_1 x_2", "- x_1 x_2").replace("+ x_2 \\]", "- x_2 \\]")
    assert statuses(tmp_path, notes + wrong) == ["does not follow", "does not follow"]


def test_bars_around_a_vector_are_its_length(tmp_path):
    # |x - y|² = xᵀx - 2xᵀy + yᵀy; ∇_x |Ax|² = 2AᵀAx (AAᵀ only for a normal A); |x| = √(xᵀx)
    notes = "% derivtex: x, y: n; A: n x n\n"
    body = notes + "\\[ |x - y|^2 = x^T x - 2 x^T y + y^T y \\]\n"
    body += "\\[ \\frac{\\partial}{\\partial x} |A x|^2 = 2 A^T A x \\]\n\\[ |x| = \\sqrt{x^T x} \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok", "ok"]
    wrong = body.replace("- 2 x^T y", "+ 2 x^T y").replace("2 A^T A x", "2 A A^T x")
    assert statuses(tmp_path, wrong.replace("{x^T x}", "{x^T y}")) == ["does not follow"] * 3


def test_nabla_of_a_function_of_one_symbol_is_by_that_symbol(tmp_path):
    # f(x) = ½xᵀAx - bᵀx: ∇f(x) = ½(A + Aᵀ)x - b, so ∇f(x)ᵀp = ½xᵀ(A + Aᵀ)p - bᵀp; ∇ log det A = A^{-T}
    notes = "% derivtex: x, p, b: n; A: n x n; f(x) := \\frac12 x^T A x - b^T x\n"
    body = notes + "\\[ \\nabla f(x)^T p + 1 = \\frac12 x^T (A + A^T) p - b^T p + 1 \\]\n"
    body += "\\[ 2\\nabla \\log\\det(A) = 2A^{-T} \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("- b^T p", "+ b^T p").replace("2A^{-T}", "2A^{-1}")
    assert statuses(tmp_path, wrong) == ["does not follow", "does not follow"]


def test_a_derivative_by_a_declared_subscripted_symbol_is_by_it(tmp_path):
    # ∂tr(K_k H P)/∂K_k = (HP)ᵀ = PᵀHᵀ (the Kalman gain at step k, declared); \mathrm d unbraced as ∂
    notes = "% derivtex: K_k: n x m; H: m x n; P: n x n\n"
    body = (
        notes + "\\[ \\frac{\\partial \\operatorname{tr}(K_k H P)}{\\partial K_k} + K_k = P^T H^T + K_k \\]\n"
    )
    body += "\\[ \\frac{\\mathrm d\\operatorname{tr}(K_k H P)}{\\mathrm dK_k} + K_k = P^T H^T + K_k \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("P^T H^T", "P H^T")) == ["does not follow"] * 2


def test_a_dot_is_the_time_derivative(tmp_path):
    # J := det F: J̇ = J tr(F⁻¹Ḟ) (Jacobi); with ẋ = Ax + Bu and V := xᵀPx (P symmetric, constant),
    # V̇ = ẋᵀPx + xᵀPẋ = xᵀ(AᵀP + PA)x + 2uᵀBᵀPx
    notes = "% derivtex: F: n x n\n% derivtex: J := \\det(F)\n"
    body = notes + "\\[ \\dot{J} = J \\operatorname{tr}(F^{-1} \\dot{F}) \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("F^{-1} \\dot{F}", "F^{-1} \\dot{F}^T F")) == ["does not follow"]
    notes = "% derivtex: x: n; u: m; A, P: n x n; B: n x m; P: symmetric\n% derivtex: V := x^T P x\n"
    body = notes + "\\[ \\dot{x} = A x + B u \\]\n"
    body += "\\[ \\dot{V} = \\dot{x}^T P x + x^T P \\dot{x} = x^T (A^T P + P A) x + 2 u^T B^T P x \\]\n"
    assert statuses(tmp_path, body) == ["skipped", "ok", "ok"]
    assert statuses(tmp_path, body.replace("+ 2 u^T", "- 2 u^T")) == ["skipped", "ok", "does not follow"]
    # the rate of a quantity the text defines, given where no rate of its parts is: its dynamics
    notes = "% derivtex: x, x_d: n; A, A_d: n x n\n"
    notes += "% derivtex: x_a := \\begin{bmatrix} x \\\\ x_d \\end{bmatrix}\n"
    body = notes + "\\[ \\dot{x}_a = \\begin{bmatrix} A & 0 \\\\ 0 & A_d \\end{bmatrix} x_a \\]\n"
    assert [o.message for o in checked_in_paper(tmp_path, body)] == [
        "the rate of a quantity the text defines: its dynamics, not an identity"
    ]


def test_a_symbol_set_over_a_letter_names_a_symbol(tmp_path):
    # the Truesdell rate σ° := J⁻¹FṠFᵀ is not σ; over '=', a label is left out
    notes = "% derivtex: F, S, \\sigma: n x n\n"
    rate = "\\overset{\\circ}{\\sigma}"
    body = notes + f"\\[ {rate} = F S F^T \\]\n"
    body += f"\\[ {rate} + \\sigma \\overset{{(a)}}{{=}} F S F^T + \\sigma \\]\n"
    assert statuses(tmp_path, body) == ["skipped", "ok"]
    assert "a definition of sigmacirc" in checked_in_paper(tmp_path, body)[0].message
    wrong = body.replace("+ \\sigma \\]", "+ \\sigma^T \\]")
    assert statuses(tmp_path, wrong) == ["skipped", "does not follow"]


def test_dz_equal_to_a_gradient_by_z_names_the_gradient(tmp_path):
    # Ng's notation: dz := ∂L/∂z = (a - y) for a := σ(z), cross-entropy L; then dw = dz x
    notes = "% derivtex: x, w: n; b, y, z: scalar; z := w^T x + b; a := \\sigma(z)\n"
    notes += "% derivtex: L(a) := -y\\log a - (1 - y)\\log(1 - a)\n"
    body = notes + "\\begin{align}\ndz &= \\frac{\\partial L}{\\partial z} \\\\\n&= a - y\n\\end{align}\n"
    body += "\\[ dw = \\frac{\\partial L}{\\partial w} = dz\\, x \\]\n"
    assert statuses(tmp_path, body) == ["skipped", "ok", "skipped", "ok"]
    assert statuses(tmp_path, body.replace("&= a - y", "&= y - a")) == [
        "skipped",
        "does not follow",
        "skipped",
        "ok",
    ]
    # a derivative by a defined number scales a vector: -∂L/∂z ∂z/∂w = (y - a)x
    minus = notes + "\\[ -\\frac{\\partial L}{\\partial z} \\frac{\\partial z}{\\partial w} = (y - a) x \\]\n"
    assert statuses(tmp_path, minus) == ["ok"]
    assert statuses(tmp_path, minus.replace("(y - a)", "(a - y)")) == ["does not follow"]


def test_lagrange_s_condition_after_foc_is_a_condition(tmp_path):
    # ∇f(h) = λ∇g(h) holds at the optimum only (2Vh = λa): a condition to solve where the prose says
    # FOC; read as an identity it fails at the values drawn
    notes = "% derivtex: V: N x N spd; h, a: N; \\lambda: scalar; f(h) := h^T V h; g(h) := a^T h\n"
    body = "\\[ \\nabla f(h) = \\lambda \\nabla g(h) \\]\n"
    assert statuses(tmp_path, notes + "FOC:\n" + body) == ["skipped"]
    assert statuses(tmp_path, notes + "Then\n" + body) == ["does not follow"]


def test_a_subscript_with_its_own_subscript_names_a_symbol(tmp_path):
    # μ_{x_1}, x₁'s mean, is a symbol: A(x₁ - μ_{x₁}) + Aμ_{x₁} = Ax₁, and not Aᵀx₁
    notes = "% derivtex: \\mu_{x_1}, x_1: n; A: n x n\n"
    body = notes + "\\[ A(x_1 - \\mu_{x_1}) + A\\mathbf{\\mu_{x_1}} = A x_1 \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("= A x_1", "= A^T x_1")) == ["does not follow"]


def test_nabla_by_a_declared_iterate(tmp_path):
    # L(w) = wᵀAw: ∇L(w_k) = (A + Aᵀ)w_k, so a gradient step is w_k - α(A + Aᵀ)w_k; 2Aw_k needs A = Aᵀ
    notes = "% derivtex: w_k: n; A: n x n; \\alpha: scalar; L(w) := w^T A w\n"
    body = notes + "\\[ w_k - \\alpha\\nabla_{w_k}L(w_k) = w_k - \\alpha (A + A^T) w_k \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("(A + A^T)", "2A")) == ["does not follow"]


def test_spaces_typed_one_by_one_and_a_word_separate_statements(tmp_path):
    # PY = PXβ + Pε for Y := Xβ + ε, then "where" and a definition of Z: not w·h·e·r·e·Z
    notes = "% derivtex: X: n x k; \\epsilon: n; \\beta: k; P: n x n; Y := X\\beta + \\epsilon\n"
    body = notes + "$$ P Y = P X \\beta + P \\epsilon \\ \\ \\ where \\ Z = P X $$\n"
    assert statuses(tmp_path, body) == ["ok", "skipped"]
    wrong = body.replace("+ P \\epsilon", "- P \\epsilon")
    assert statuses(tmp_path, wrong) == ["does not follow", "skipped"]


def test_therefore_starts_a_statement_and_because_gives_a_reason(tmp_path):
    # Aᵀ = (XB)ᵀ = BᵀXᵀ; "∴ Bᵀ Xᵀ = Aᵀ" its own statement (not "… Xᵀ ∴ Bᵀ" one product); the reason
    # after \because is an aside, skipped, not multiplied into the step
    notes = "% derivtex: X, B: n x n; A := XB\n"
    body = notes + "\\begin{align} A^T &= B^T X^T ~\\because (XB)^T = B^TX^T \\\\\n"
    body += "\\therefore X^T B^T &= A^T \\end{align}\n"
    assert statuses(tmp_path, body) == ["ok", "does not follow", "skipped"]  # the reason's link last
    assert statuses(tmp_path, body.replace("X^T B^T &", "B^T X^T &")) == ["ok", "ok", "skipped"]


def test_a_derivative_of_what_the_text_defines_without_the_variable(tmp_path):
    # E := Σ_q E^q with each E^q declared: E as written does not move with W (the text says in words how
    # it does): ∂E/∂W = Hᵀδ cannot be checked; it is not "does not follow"
    notes = "% derivtex: H: n x m; W: m x k; \\delta: n x k; E, E^q: scalar; E := \\sum_{q=1}^{n} E^q\n"
    body = notes + "$$\\frac{\\partial E}{\\partial W}=H^\\top \\delta$$\n"
    assert statuses(tmp_path, body) == ["cannot check"]


def test_a_bracketed_list_is_a_row(tmp_path):
    # [X₁, X₂]ᵀ[X₁, X₂] is the 2 × 2 block matrix of the products XᵢᵀXⱼ; [a, b][a, b]ᵀ = a² + b²
    notes = "% derivtex: X_1: n x p; X_2: n x q; a, b: scalar\n"
    block = "\\begin{bmatrix} X_1^T X_1 & X_1^T X_2 \\\\ X_2^T X_1 & X_2^T X_2 \\end{bmatrix}"
    body = notes + f"$$[X_1, X_2]^T [X_1, X_2] = {block}$$\n$$[a, b] [a, b]^T = a^2 + b^2$$\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("X_2^T X_1 &", "X_1^T X_2 &").replace("a^2 + b^2", "a^2 - b^2")
    assert statuses(tmp_path, wrong) == ["shape error", "does not follow"]


def test_a_dimension_one_more_than_a_name(tmp_path):
    # θ, x ∈ R^{n+1} (an intercept x₀ = 1), summed from 0 to n: θᵀx; X ∈ R^{m×(n+1)}:
    # ∇ ½‖Xθ − y‖² = Xᵀ(Xθ − y)
    prose = "Let $\\theta, x \\in \\mathbb{R}^{n + 1}$, $X \\in \\mathbb{R}^{m \\times (n+1)}$, "
    prose += "$y \\in \\mathbb{R}^m$.\n"
    body = prose + "$$ \\sum_{i=0}^{n}\\theta_{i}x_{i} = \\theta^{T}x $$\n"
    body += "$$ \\nabla_\\theta \\frac{1}{2}\\|X\\theta - y\\|^2 = X^T(X\\theta - y) $$\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("= \\theta^{T}x", "= x^T x")) == ["does not follow", "ok"]
    notes = "% derivtex: \\theta: n+1; X: m x (n+1); y: m\n"
    body = notes + "$$ \\nabla_\\theta \\frac{1}{2}\\|X\\theta - y\\|^2 = X(X\\theta - y) $$\n"
    assert statuses(tmp_path, body) == ["shape error"]


def test_a_sum_of_a_name_that_its_index_does_not_reach(tmp_path):
    # φᵢ := e^{ηᵢ} / Σⱼ e^{ηⱼ}; the slip Σ_{i=1}^k e^{ηⱼ} (k e^{ηⱼ}, j free) must never read as the
    # normaliser: undeclared θⱼ inside Σⱼ is one value per j, not one symbol summed k times
    notes = "% derivtex: \\eta_i := \\theta_i^Tx; \\eta_j := \\theta_j^Tx; "
    notes += "\\phi_i := \\frac{e^{\\eta_i}}{\\sum_{j=1}^ke^{\\eta_j}}\n"
    body = notes + "$$ \\phi_i = \\frac{e^{\\eta_i}}{\\sum_{i=1}^ke^{\\eta_j}} $$\n"
    assert statuses(tmp_path, body) != ["ok"]
    assert statuses(tmp_path, body) == ["cannot check"]


def test_entries_declared_as_numbers_beside_the_vector_they_define(tmp_path):
    # y := [y₁ ⋯ y_m]ᵀ, X := [x₁ ⋯ x_m]ᵀ: ½(Xθ − y)ᵀ(Xθ − y) = ½ Σᵢ (xᵢᵀθ − yᵢ)², not with + yᵢ
    notes = "% derivtex: X: m x n; \\theta, x_1, x_2, x_m, x_i: n; y: m; y_1, y_2, y_m, y_i: scalar\n"
    notes += "% derivtex: X := \\begin{bmatrix}x_1 & x_2 & \\cdots & x_m\\end{bmatrix}^T; "
    notes += "y := \\begin{bmatrix}y_1 & y_2 & \\cdots & y_m\\end{bmatrix}^T\n"
    body = (
        notes
        + "$$\\frac{1}{2}(X\\theta-y)^T(X\\theta-y) = \\frac{1}{2}\\sum_{i=1}^m (x_i^T\\theta - y_i)^2$$\n"
    )
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("\\theta - y_i", "\\theta + y_i")) == ["does not follow"]


def test_a_function_written_in_its_parameter_through_another(tmp_path):
    # J(θ) := ½(h_θ(x) − y)², h_θ(x) := θᵀx: J is written in θ through h_θ, a function it applies,
    # also once the text has stated J(θ) = ½(θᵀx − y)²; then ∇J = (θᵀx − y)x
    notes = "% derivtex: \\theta, x: n; y: scalar\n% derivtex: h_\\theta(x) := \\theta^T x\n"
    notes += "% derivtex: J(\\theta) := \\frac{1}{2}\\left(h_\\theta(x)-y\\right)^2\n"
    body = notes + "$$ \\frac{1}{2}(\\theta^T x - y)^2 = J(\\theta) $$\n"
    body += "$$ \\nabla_\\theta J(\\theta) = x x^T \\theta - y x $$\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("- y x", "+ y x")) == ["ok", "does not follow"]


def test_a_gradient_by_a_transpose(tmp_path):
    # ∇_{Aᵀ} f = (∇_A f)ᵀ: ∇_{Aᵀ} tr(AB) = B, as ∇_A tr(AB) = Bᵀ
    notes = "% derivtex: A, B: n x n\n"
    body = notes + "$$\\nabla_{A^T}\\ \\mathrm{tr}AB = B$$\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("= B$", "= B^T$")) == ["does not follow"]


def test_log_typed_as_letters_before_its_argument(tmp_path):
    # log typed without a backslash before φ or a fraction: e^{log φ} = φ, not e^{l·o·g·φ}
    notes = "% derivtex: \\phi, y: scalar; \\phi: positive\n"
    body = notes + "$$ e^{log\\phi} = \\phi $$\n$$ log{\\frac{\\phi}{2}} = log\\phi - log 2 $$\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("- log 2", "+ log 2")) == ["ok", "does not follow"]


def test_sums_one_apart_and_an_index_free_on_one_side_summed_on_the_other(tmp_path):
    # Σ_{n=0}^{N} x_n = Σ_{n=0}^{N-1} x_n + x_N holds, but x: m cannot be both N + 1 and N long;
    # Σ_{i=1}^{n} θ_i x_i over θ ∈ R^{n+1} leaves an entry out: never read as θᵀx
    body = "% derivtex: x: m\n\\[ \\sum_{n=0}^{N} x_n = \\sum_{n=0}^{N-1} x_n + x_N \\]\n"
    assert statuses(tmp_path, body) == ["not understood"]
    body = "% derivtex: \\theta, x: n+1\n\\[ \\sum_{i=1}^{n}\\theta_i x_i = \\theta^T x \\]\n"
    assert statuses(tmp_path, body) == ["not understood"]
    # ∂ℓ/∂θ_i, a number, against Σ_i (T_i − p_i) X_i, a vector: the i of the left is summed on the right
    notes = "% derivtex: \\theta, X_i: d; T_i: scalar; \\ell(\\theta) := \\sum_{i=1}^n T_i \\theta^T X_i\n"
    body = notes + "\\[ \\frac{\\partial \\ell(\\theta)}{\\partial \\theta_i} = \\sum_{i=1}^n T_i X_i \\]\n"
    assert statuses(tmp_path, body) == ["shape error"]


def test_a_sum_apart_from_an_index_runs_over_the_other_letter(tmp_path):
    # with Σ_j y_j = 1 (one-hot y): −y_i + y_i p_i + Σ_{j≠i} y_j p_i = p_i − y_i, written Σ_{i≠j}
    notes = "% derivtex: a: n; y: n onehot; y_i, y_j: scalar; p_i := \\frac{e^{a_i}}{\\sum_k e^{a_k}}\n"
    body = notes + "\\[ -y_i + y_i p_i + \\sum_{i \\neq j} y_j p_i = -y_i + \\sum_j y_j p_i = p_i - y_i \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("= p_i - y_i", "= p_i + y_i")) == ["ok", "does not follow"]


def test_a_defined_function_written_with_another_count_of_arguments(tmp_path):
    # k(x) := Ax defined of one argument; k(x, y) written with two is not k(x)
    notes = "% derivtex: x, y: n; A: n x n; k(x) := A x\n"
    assert statuses(tmp_path, notes + "\\[ k(x, y) = A x \\]\n") == ["cannot check"]
    assert statuses(tmp_path, notes + "\\[ k(y) = A y \\]\n") == ["ok"]


def test_a_hessian_written_as_a_second_partial_fraction(tmp_path):
    # C(β) = ‖y − Xβ‖²/n: ∂²C/∂β∂βᵀ = 2XᵀX/n (not XᵀX/n); ∂²(sμ³)/∂μ² = 6sμ; βᵀAβ: A + Aᵀ, 2A only if A = Aᵀ
    notes = "% derivtex: X: n x p; y: n; \\beta: p; \\mu, s: scalar; A: p x p; "
    notes += "C(\\beta) := \\frac{1}{n}\\|y - X\\beta\\|^2\n"
    body = (
        notes + "$$\\frac{\\partial^2 C(\\beta)}{\\partial \\beta\\partial \\beta^T} = \\frac{2}{n}X^TX$$\n"
    )
    body += "$$\\frac{\\partial^{2}}{\\partial \\mu^2} (s\\mu^3) = 6 s \\mu$$\n"
    body += "$$\\frac{\\partial^2 (\\beta^T A \\beta)}{\\partial \\beta \\partial \\beta^\\top} = A + A^T$$\n"
    assert statuses(tmp_path, body) == ["ok", "ok", "ok"]
    wrong = (
        body.replace("\\frac{2}{n}X^TX", "\\frac{1}{n}X^TX").replace("6 s", "3 s").replace("A + A^T", "2A")
    )
    assert statuses(tmp_path, wrong) == ["does not follow"] * 3
    # by two variables, the layout of the cross-derivative is not settled: refused
    body = (
        notes
        + "$$\\frac{\\partial^2 (\\mu\\beta^T A \\beta)}{\\partial \\beta \\partial \\mu} = 2A\\beta$$\n"
    )
    assert statuses(tmp_path, body) == ["cannot check"]


def test_a_label_below_after_a_transpose_names_the_symbol(tmp_path):
    # β^T_\text{sep} is (β_sep)ᵀ, as LaTeX sets the two scripts on one base
    notes = "% derivtex: \\beta_{\\text{sep}}, z: n\n"
    body = notes + "$$\\beta^T_\\text{sep} z = z^T \\beta_\\mathrm{sep}$$\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("= z^T", "= 2 z^T")) == ["does not follow"]


def test_an_inverse_singular_at_some_sizes_is_checked_at_others(tmp_path):
    # tr(X(XᵀX)⁻¹Xᵀ) = k for X: n × k of full column rank, n > k; at n < k, XᵀX is singular whatever
    # the rounding (an exact 0 pivot or not depends on the BLAS): those sizes are left for others
    notes = "% derivtex: X: n x k\n"
    body = notes + "$$ \\sum_{i=1}^n (X(X^TX)^{-1}X^T)_{ii} = k $$\n"
    outcomes = checked_in_paper(tmp_path, body)
    assert [o.status for o in outcomes] == ["ok"]
    assert "the sides are undefined at k = 4, n = 3" in outcomes[0].message
    assert statuses(tmp_path, body.replace("= k", "= n")) == ["does not follow"]


def test_a_matrix_inverted_is_singular_by_its_singular_values():
    # rank 2 of 3: singular, however the machine rounds XᵀX; a well-conditioned one is inverted
    x = np.arange(6.0).reshape(2, 3)
    with pytest.raises(np.linalg.LinAlgError):
        inverted(x.T @ x)
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    assert np.allclose(inverted(a) @ a, np.eye(2))


def test_sides_in_index_notation_that_share_no_symbol(tmp_path):
    # Σ_i h_ii = tr(X(XᵀX)⁻¹Xᵀ): h is never defined (the leverages, said in words): not a false
    # "does not follow" from a random h
    notes = "% derivtex: X: n x k\n"
    body = notes + "$$ \\sum_{i}^n h_{ii} = tr(X(X^TX)^{-1}X^T) $$\n"
    outcomes = checked_in_paper(tmp_path, body)
    assert [o.status for o in outcomes] == ["cannot check"]
    assert outcomes[0].message.startswith("the sides share no symbol")


def test_a_bold_letter_defined_from_the_plain_one_is_a_symbol_of_its_own(tmp_path):
    # recursive least squares: y_{m+1} ∈ R^{m+1} stacks y_m over the new scalar y_{m+1}, so
    # X_{m+1}ᵀ y_{m+1} = X_mᵀ y_m + x_{m+1} y_{m+1} (blocks multiplied out by hand)
    notes = "% derivtex: y_{m+1}: scalar; \\mathbf{y}_m: m; \\mathbf{X}_m: m x n; \\mathbf{x}_{m+1}: n\n"
    notes += "% derivtex: \\mathbf{X}_{m+1} := \\begin{bmatrix} \\mathbf{X}_m \\\\ \\mathbf{x}_{m+1}^\\top"
    notes += (
        " \\end{bmatrix}; \\mathbf{y}_{m+1} := \\begin{bmatrix} \\mathbf{y}_m \\\\ y_{m+1} \\end{bmatrix}\n"
    )
    body = notes + "$$ \\mathbf{X}_{m+1}^\\top \\mathbf{y}_{m+1} = \\mathbf{X}_m^\\top \\mathbf{y}_m"
    body += " + \\mathbf{x}_{m+1} y_{m+1} $$\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("+ \\mathbf{x}_{m+1} y", "- \\mathbf{x}_{m+1} y")) == [
        "does not follow"
    ]


def test_a_power_by_a_declared_time(tmp_path):
    # λ^t λ = λ^{t+1} where t is declared (a forgetting factor's power), not λᵀλ
    notes = "% derivtex: t, \\lambda: scalar\n"
    body = notes + "$$ \\lambda^t \\lambda = \\lambda^{t+1} $$\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("{t+1}", "{t+2}")) == ["does not follow"]


def test_a_display_defines_a_declared_name(tmp_path):
    # $$k := Pz / (λ + zᵀPz)$$ after k: n is k's definition (a Kalman gain), not an equation ignored
    notes = "% derivtex: z, k: n; P: n x n; \\lambda: scalar; \\lambda: positive; P: spd\n"
    body = notes + "$$ k := \\frac{P z}{\\lambda + z^T P z} $$\n$$ k (\\lambda + z^T P z) = P z $$\n"
    assert statuses(tmp_path, body) == ["skipped", "ok"]
    assert statuses(tmp_path, body.replace("= P z $$", "= P^T P z $$")) == ["skipped", "does not follow"]


def test_the_gradient_of_an_f_never_written_out_is_a_value_of_its_own(tmp_path):
    # Newton and quasi-Newton notes: d_k := -H_k ∇f(x_k) gives ∇f(x_k)ᵀd_k = -∇f(x_k)ᵀH_k∇f(x_k) for
    # any value of ∇f(x_k) (so for f's); the sign dropped is wrong for every nonzero one. The Hessian
    # is symmetric: ∇f(x)ᵀ∇²f(x)p = pᵀ∇²f(x)∇f(x), which needs it
    notes = "% derivtex: x_k, d_k, x, p: n; H_k: n x n symmetric; d_k := -H_k \\nabla f(x_k)\n"
    body = notes + "\\[ \\nabla f(x_k)^T d_k = -\\nabla f(x_k)^T H_k \\nabla f(x_k) \\]\n"
    body += "\\[ \\nabla f(x)^T \\nabla^2 f(x) p = p^T \\nabla^2 f(x) \\nabla f(x) \\]\n"
    outcomes = checked_in_paper(tmp_path, body)
    assert [o.status for o in outcomes] == ["ok", "ok"]
    assert any("\\nabla^2 f(x): symmetric" in c for c in outcomes[1].conventions)
    assert statuses(tmp_path, body.replace("= -\\nabla", "= \\nabla")) == ["does not follow", "ok"]


def test_a_link_that_says_what_an_unwritten_gradient_is_cannot_be_checked(tmp_path):
    # f(x) = ½xᵀQx is said in words only: ∇f(x_k) = Qx_k and (Qx_k)ᵀp = ∇f(x_k)ᵀp hold for that f,
    # not for any f; "α pᵀQp = -∇f(x_k)ᵀp", exact line search's condition on the step α, holds at one α
    notes = "% derivtex: x_k, p: n; Q: n x n spd; \\alpha: scalar\n"
    body = notes + "\\[ \\nabla f(x_k) = Q x_k \\]\n\\[ (Q x_k)^T p = \\nabla f(x_k)^T p \\]\n"
    outcomes = checked_in_paper(tmp_path, body)
    assert [o.status for o in outcomes] == ["cannot check", "cannot check"]
    assert all("% derivtex: f(" in o.message for o in outcomes)
    # f written out: the link that uses ∇f(x_k)'s value is a condition where the prose solves, not a
    # derivative worked out (which is checked even there)
    notes += "% derivtex: f(x) := \\frac{1}{2} x^T Q x\n"
    condition = "\\[ \\alpha p^T Q p = -\\nabla f(x_k)^T p \\]\n"
    assert statuses(tmp_path, notes + "Setting the derivative to zero gives\n" + condition) == ["skipped"]
    assert statuses(tmp_path, notes + "Then\n" + condition) == ["does not follow"]


def test_a_matrix_written_at_a_point(tmp_path):
    # H(x^{(i)}), the Hessian at the iterate, is not H times x^{(i)}: declared so, x - H(x)∇f(x) is
    # a Newton step's value (z^{(i+1)} = A⁻¹x^{(i+1)} for x^{(i)} := Az^{(i)}); undeclared, the
    # product does not fit and the declaration is named
    notes = "% derivtex: A: n x n invertible; H: n x n; x^{(i)}, z^{(i)}: n; x^{(i)} := Az^{(i)}\n"
    body = "\\[ A z^{(i)} - H(x^{(i)}) \\nabla f(x^{(i)}) = x^{(i)} - H(x^{(i)}) \\nabla f(x^{(i)}) \\]\n"
    outcomes = checked_in_paper(tmp_path, notes + body)
    assert [o.status for o in outcomes] == ["cannot check"]
    assert outcomes[0].message.endswith("% derivtex: H(x^{(i)}): n x n")
    declared = notes + "% derivtex: H(x^{(i)}): n x n symmetric\n"
    assert statuses(tmp_path, declared + body) == ["ok"]
    assert statuses(tmp_path, declared + body.replace("x^{(i)} - H", "x^{(i)} + H")) == ["does not follow"]


def test_a_positive_semidefinite_matrix_is_checked_at_positive_definite_values(tmp_path):
    # PCA: for S = Cov(x), symmetric positive semidefinite, (wᵀSw)' = 2Sw; "sym psd" as notes write it
    notes = "% derivtex: S: d x d sym psd; w: d\n"
    body = notes + "\\[ \\frac{\\partial}{\\partial w} w^T S w = 2 S w \\]\n"
    outcomes = checked_in_paper(tmp_path, body)
    assert [o.status for o in outcomes] == ["ok"]
    assert statuses(tmp_path, body.replace("= 2 S w", "= 2 S^T S w")) == ["does not follow"]


def test_a_trace_written_tr_with_a_capital_or_braces(tmp_path):
    # ‖V - WH‖²_F = Tr{(V - WH)ᵀ(V - WH)} (NMF notes type Tr and braces); Tr(AB) = Tr(BA), not twice it
    notes = "% derivtex: V: n x p; W: n x k; H: k x p; A: n x m; B: m x n\n"
    body = notes + "\\[ \\|V - WH\\|_F^2 = Tr{(V - WH)^T (V - WH)} \\]\n"
    body += "\\[ \\operatorname{Tr}(AB) = \\mathrm{Tr}(BA) \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("Tr{(V - WH)^T", "Tr{(V + WH)^T").replace("\\mathrm{Tr}(BA)", "2\\mathrm{Tr}(BA)")
    assert statuses(tmp_path, wrong) == ["does not follow", "does not follow"]


def test_a_starred_matrix_is_an_adjoint_only_where_declared(tmp_path):
    # ‖A‖ = ‖U^*AV‖ (Frobenius) for orthogonal U, V needs U^* = Uᵀ, the adjoint; read as a symbol of its
    # own (an optimum x^*) it is any matrix: not a false "does not follow", the declaration named
    notes = "% derivtex: A, U, V: n x n; U, V: orthogonal\n"
    body = "\\[ \\|A\\|_F = \\|U^* A V\\|_F \\]\n"
    outcomes = checked_in_paper(tmp_path, notes + body)
    assert [o.status for o in outcomes] == ["cannot check"]
    assert "% derivtex: U^* := U^T" in outcomes[0].message
    adjoint = notes + "% derivtex: U^* := U^T\n"
    assert statuses(tmp_path, adjoint + body) == ["ok"]
    assert statuses(tmp_path, adjoint + body.replace("= \\|U", "= 2\\|U")) == ["does not follow"]


def test_one_letter_defined_under_two_argument_lists(tmp_path):
    # a data set's likelihood P(X|θ) := ∏_i P(x_i|θ) of a sample's density P(x_i|θ) (PRML notes): two
    # functions, not one defined through itself; log of the Gaussian -½log 2π - log σ - (x_i - μ)²/(2σ²)
    notes = "% derivtex: x_i, \\mu: scalar; \\sigma: scalar positive; N: scalar\n"
    density = "\\frac{1}{\\sqrt{2\\pi}\\sigma}\\exp(-\\frac{(x_i-\\mu)^2}{2\\sigma^2})"
    notes += f"% derivtex: P(x_i|\\theta) := {density}\n"
    notes += "% derivtex: P(X|\\theta) := \\prod_{i=1}^{N} P(x_i|\\theta)\n"
    right = "\\sum_{i=1}^N [-\\frac12 \\log(2\\pi) - \\log\\sigma - \\frac{(x_i-\\mu)^2}{2\\sigma^2}]"
    body = notes + f"\\[ \\log P(X|\\theta) = \\sum_{{i=1}}^N \\log P(x_i|\\theta) = {right} \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("{2\\sigma^2}]", "{\\sigma^2}]")
    assert statuses(tmp_path, wrong) == ["ok", "does not follow"]


def test_a_transposed_function_applied(tmp_path):
    # x^H(t), e^H(t): the conjugate transpose of x(t) (a function the text defines) and of e(t) (a
    # symbol declared with its argument), not x^H times t nor e to the power H; ‖As + e‖² expanded
    notes = "% derivtex: A: m x k; s: k; \\mathbf{e}(t): m; \\mathbf{x}(t) := A s + \\mathbf{e}(t)\n"
    left = "\\mathbf{x}^H(t) \\mathbf{x}(t)"
    right = "s^T A^T A s + 2 \\mathbf{e}^H(t) A s + \\mathbf{e}^H(t)\\mathbf{e}(t)"
    assert statuses(tmp_path, f"{notes}\\[ {left} = {right} \\]\n") == ["ok"]
    assert statuses(tmp_path, f"{notes}\\[ {left} = {right.replace('2', '')} \\]\n") == ["does not follow"]


def test_e_to_the_h_of_a_vector_e_is_its_conjugate_transpose(tmp_path):
    # a steering vector e := [1; e^{jφ}]-like, here real: eᴴe/(eᴴe) = 1, and e^H e = ‖e‖²; e^H of the
    # number e would be a power
    notes = "% derivtex: a, b: scalar; \\mathbf{e} := \\begin{bmatrix} a \\\\ b \\end{bmatrix}\n"
    body = notes + "\\[ \\mathbf{e}^H \\mathbf{e} = a^2 + b^2 \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("a^2 + b^2", "a^2 + 2 b^2")) == ["does not follow"]


def test_a_number_above_a_declared_name_is_a_label(tmp_path):
    # W^1, W^2: two layers' weights (declared so, never powers): (W²W¹x)ᵀ = xᵀ(W¹)ᵀ(W²)ᵀ, not in the
    # other order; a variance declared σ²: scalar declares σ, whose square is written
    notes = "% derivtex: W^1, W^{2}: n x n; x: n; \\sigma^2: scalar positive\n"
    body = notes + "\\[ (W^2 W^1 x)^T = x^T (W^1)^T (W^{2})^T \\]\n"
    body += "\\[ \\frac{x^T x}{\\sigma^2} = \\frac{\\|x\\|^2}{\\sigma \\sigma} \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("(W^1)^T (W^{2})^T", "(W^{2})^T (W^1)^T").replace("{\\sigma \\sigma}", "{\\sigma}")
    assert statuses(tmp_path, wrong) == ["does not follow", "does not follow"]


def test_a_norm_squared_before_its_subscript(tmp_path):
    # ‖Ax - b‖²₂ typed \|…\|^2_2 (the power first), and \vert\vert X \vert\vert^2_F: ‖X‖²_F = tr(XᵀX)
    notes = "% derivtex: A: m x n; x: n; b: m; X: m x n\n"
    body = notes + "\\[ \\|Ax - b\\|^2_2 = (Ax - b)^T (Ax - b) \\]\n"
    body += "\\[ \\vert\\vert X \\vert\\vert^2_F = \\operatorname{tr}(X^T X) \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("= (Ax - b)^T", "= (Ax + b)^T").replace("(X^T X)", "(X^T X X^T X)")
    assert statuses(tmp_path, wrong) == ["does not follow", "does not follow"]


def test_optima_are_compared_by_their_objectives(tmp_path):
    # min_x ‖Ax - b‖² = min_x xᵀAᵀAx - 2bᵀAx + bᵀb (the objective expanded: equal objectives, equal
    # minima); the ridge minimiser written three ways; objectives that differ by the constant bᵀb have
    # the same minimiser but not the same minimum, and a lone optimum has no value: not checked
    notes = "% derivtex: A: m x n; x: n; b: m; \\lambda: scalar\n"
    body = notes + "\\[ \\min_x \\|Ax - b\\|_2^2 = \\min_x x^T A^T A x - 2 b^T A x + b^T b \\]\n"
    ridge = "\\|Ax - b\\|^2 + \\lambda \\|x\\|^2"
    under = "\\underset{x}{\\operatorname{argmin}}"
    body += f"\\[ \\arg\\min_x {ridge} = {under} (Ax-b)^T(Ax-b) + \\lambda x^T x"
    body += " = argmin_x x^T (A^T A + \\lambda I) x - 2 b^T A x + b^T b \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok", "ok"]
    dropped = notes + "\\[ \\min_x \\|Ax - b\\|_2^2 = \\min_x x^T A^T A x - 2 b^T A x \\]\n"
    outcomes = checked_in_paper(tmp_path, dropped)
    assert [o.status for o in outcomes] == ["cannot check"]
    assert "the objectives differ" in outcomes[0].message
    least = "\\[ \\min_x \\|Ax - b\\|^2 = b^T b - b^T A (A^T A)^{-1} A^T b \\]\n"
    assert statuses(tmp_path, notes + least) == ["cannot check"]
    # max(a, b) of two values is still the larger: max(x, 0) = max{0, x}
    assert statuses(tmp_path, "% derivtex: y: scalar\n\\[ \\max(y, 0) = \\max\\{0, y\\} \\]\n") == ["ok"]


def test_a_name_written_first_equal_to_a_derivative_is_defined(tmp_path):
    # g = ∂(xᵀAx)/∂x = (A + Aᵀ)x: g is named, not compared with the gradient as a free vector; H =
    # ∂(Qx - c)/∂xᵀ = Q, the Jacobian of the operator form (rows by the entries of Qx - c); a variance
    # written σ² = … defines σ (its root), and a later step uses it
    notes = "% derivtex: A, Q: n x n; x, c: n; y: m; X: m x n; m: scalar\n"
    body = notes + "\\[ g = \\frac{\\partial}{\\partial x} x^T A x = (A + A^T) x \\]\n"
    body += "\\[ H = \\frac{\\partial}{\\partial x^T}(Qx - c) = Q \\]\n"
    body += "\\[ \\sigma^2 = \\frac{1}{m} (y - Xx)^T (y - Xx) \\]\n\\[ m \\sigma^2 = \\|y - Xx\\|^2 \\]\n"
    assert statuses(tmp_path, body) == ["skipped", "ok", "skipped", "ok", "skipped", "ok"]
    wrong = body.replace("= (A + A^T) x", "= 2 A x").replace("= Q \\]", "= Q^T \\]")
    wrong = wrong.replace("m \\sigma^2 =", "\\sigma^2 =")
    dnf = "does not follow"
    assert statuses(tmp_path, wrong) == ["skipped", dnf, "skipped", dnf, "skipped", dnf]


def test_a_trace_typed_as_letters_before_a_matrix(tmp_path):
    # CS229's notes type tr AB, trABA^TC: the trace of the product that follows. ∇_A tr AB = Bᵀ;
    # ∇_{Aᵀ} tr ABAᵀC = (CAB + CᵀABᵀ)ᵀ = BᵀAᵀCᵀ + BAᵀC; tr θᵀXᵀXθ = ‖Xθ‖²
    notes = "% derivtex: A, B, C: n x n; X: m x n; \\theta: n\n"
    body = notes + "\\[ \\nabla_A tr AB = B^T \\]\n\\[ \\nabla_{A^T} trABA^TC = B^TA^TC^T+BA^TC \\]\n"
    body += "\\[ tr\\theta^T X^T X \\theta = \\|X\\theta\\|^2 \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok", "ok"]
    wrong = body.replace("= B^T \\]", "= B \\]").replace("+BA^TC", "+BA^TC^T").replace("\\|X", "2\\|X")
    assert statuses(tmp_path, wrong) == ["does not follow", "does not follow", "does not follow"]


def test_the_gradient_of_an_f_never_written_out_applied_to_the_variable(tmp_path):
    # CS229's ∇_{Aᵀ} f(A) = (∇_A f(A))ᵀ holds for every f: with f never written out, f(A) is f applied,
    # not f times A (a false shape error), and the link names the definition it needs; defined, checked
    notes = "% derivtex: A, B: n x n\n"
    body = "\\[ \\nabla_{A^T} f(A) = (\\nabla_{A} f(A))^T \\]\n"
    outcomes = checked_in_paper(tmp_path, notes + body)
    assert [o.status for o in outcomes] == ["cannot check"]
    assert "% derivtex: f(X) := " in outcomes[0].message
    defined = notes + "% derivtex: f(A) := \\operatorname{tr}(AB)\n"
    assert statuses(tmp_path, defined + body) == ["ok"]
    assert statuses(tmp_path, defined + body.replace("f(A))^T", "f(A))")) == ["does not follow"]


def test_an_indicator_written_as_authors_write_it(tmp_path):
    # 1[x > 0] ⊙ x keeps the positive entries: max(x, 0); 1[x < 0] ⊙ x the negative ones: min(x, 0)
    # (≥ and ≤ as > and <: they differ where an entry is 0, never at a random point); \mathbb{1}^T x
    # and \mathbf{1}_n^T x, with no comparison after them, stay the vector of ones
    body = r"""% derivtex: x, y: n
\[ \mathbf{1}[x > 0] \odot x = \max(x, 0) \]
\[ \mathbb{1}\{x \geq 0\} \odot x = \max(x, 0) \]
\[ \mathbb{1}_{x < 0} \odot x = \min(x, 0) \]
\[ \mathbb{I}(x \le 0) \odot x = \min(x, 0) \]
\[ \mathbb{1}^T (x - y) = \mathbf{1}_n^T x - \mathbf{1}^T y \]
"""
    assert statuses(tmp_path, body) == ["ok"] * 5
    wrong = body.replace("[x > 0]", "[x < 0]").replace("{x \\geq 0\\}", "{x \\leq 0\\}")
    wrong = wrong.replace("_{x < 0}", "_{x > 0}").replace("(x \\le 0)", "(x \\ge 0)")
    wrong = wrong.replace("- \\mathbf{1}^T", "+ \\mathbf{1}^T")
    assert statuses(tmp_path, wrong) == ["does not follow"] * 5


TWO_LAYERS = r"""% derivtex: X: B x D; W_1: H x D; W_2: C x H; Y: B x C onehot
% derivtex: \mathrm{ReLU}(Z) := \max(Z, 0)
% derivtex: \mathrm{softmax}(Z) := \exp^{\circ}(Z) \oslash (\exp^{\circ}(Z) \mathbf{1}\mathbf{1}^\top)
$$
\begin{aligned}
Z_1 &= X W_1^{\top},\quad Z_1 \in \mathbb{R}^{B \times H}\\
H_1 &= \mathrm{ReLU}(Z_1),\quad H_1 \in \mathbb{R}^{B \times H}\\
Z_2 &= H_1 W_2^{\top},\quad Z_2 \in \mathbb{R}^{B \times C}\\
P &= \mathrm{softmax}(Z_2),\quad P \in \mathbb{R}^{B \times C}\\
\mathcal{L} &= -\frac{1}{B}\sum_{b,c} Y_{bc} \log P_{bc}
\end{aligned}
$$
\[ \frac{\partial \mathcal{L}}{\partial Z_2} = \frac{1}{B}(P - Y) \]
\[ \frac{\partial \mathcal{L}}{\partial W_2} = \frac{\partial \mathcal{L}}{\partial Z_2}^{\top} H_1 \]
\[ \frac{\partial \mathcal{L}}{\partial H_1} = \frac{\partial \mathcal{L}}{\partial Z_2} W_2 \]
\[ \frac{\partial \mathcal{L}}{\partial Z_1}
   = \frac{\partial \mathcal{L}}{\partial H_1} \odot \mathbf{1}[Z_1 > 0] \]
"""


def test_a_two_layer_network_backpropagated_through_its_forward_pass(tmp_path):
    # fumishiki/zenn's lecture 3 (held out): the mean softmax cross-entropy of one-hot rows has
    # ∂L/∂Z_2 = (P - Y)/B, by Z_2 two definitions back (L of P, P of Z_2); then Z_2 = H_1 W_2ᵀ gives
    # ∂L/∂W_2 = (∂L/∂Z_2)ᵀ H_1 and ∂L/∂H_1 = ∂L/∂Z_2 W_2; ReLU's derivative is the indicator of
    # Z_1 > 0 (in index notation, as L is written). Each display's X ∈ R^{…} remarks on the shape of
    # what it defines (P declared there is still defined there, not a free symbol)
    outcomes = checked_in_paper(tmp_path, TWO_LAYERS)
    assert [o.status for o in outcomes][-4:] == ["ok"] * 4
    wrong = TWO_LAYERS.replace("(P - Y)", "(Y - P)").replace("^{\\top} H_1 \\]", " H_1 \\]")
    wrong = wrong.replace("Z_2} W_2 \\]", "Z_2} W_2 + 1 \\]").replace("[Z_1 > 0]", "[Z_1 < 0]")
    found = [o.status for o in checked_in_paper(tmp_path, wrong)][-4:]
    assert found[0] == found[3] == "does not follow" and all(s != "ok" for s in found)


LAYER_NORM = r"""% derivtex: x, \gamma, \beta: d; \varepsilon: scalar positive
% derivtex: \frac{\partial \mathcal{L}}{\partial y}: d
$$
\mu = \frac{1}{d}\sum_{j=1}^d x_j,\quad
\sigma^2 = \frac{1}{d}\sum_{j=1}^d (x_j - \mu)^2,\quad
\hat{x}_j = \frac{x_j - \mu}{\sqrt{\sigma^2 + \varepsilon}},\quad
y_j = \gamma_j \hat{x}_j + \beta_j
$$
$$
\frac{\partial \mathcal{L}}{\partial \gamma_j} = \frac{\partial \mathcal{L}}{\partial y_j} \hat{x}_j
$$
$$
\frac{\partial \mathcal{L}}{\partial x_j}
= \frac{1}{d\sqrt{\sigma^2 + \varepsilon}}
  \left[d\,\delta_j - \sum_k \delta_k - \hat{x}_j \sum_k \delta_k \hat{x}_k\right],
\quad \delta_j = \gamma_j \frac{\partial \mathcal{L}}{\partial y_j}
$$
"""


def test_a_forward_pass_written_entry_by_entry_defines_its_vectors(tmp_path):
    # LayerNorm as fumishiki/zenn's lecture 3 (held out) writes it: y_j = γ_j x̂_j + β_j defines y, whose
    # upstream gradient is declared, so ∂L/∂γ_j = ∂L/∂y_j x̂_j; with δ_j = γ_j ∂L/∂y_j (given after a
    # comma, on the next line) and s = √(σ² + ε), ∂x̂_k/∂x_j = (δ_jk - 1/d - x̂_j x̂_k / d)/s, hence
    # ∂L/∂x_j = (d δ_j - Σ_k δ_k - x̂_j Σ_k δ_k x̂_k)/(d s). d is the size: 1/(d√…) is d times √…, not a
    # differential. The source writes 1/(dσ), true only where ε = 0: its real error, found at its line
    outcomes = checked_in_paper(tmp_path, LAYER_NORM)
    assert [o.status for o in outcomes][-3:] == ["ok", "ok", "skipped"]
    source = LAYER_NORM.replace("{d\\sqrt{\\sigma^2 + \\varepsilon}}", "{d\\sigma}")
    found = checked_in_paper(tmp_path, source)
    lines = (tmp_path / "paper.tex").read_text().splitlines()
    slip = next(n for n, line in enumerate(lines, 1) if "{d\\sigma}" in line)
    assert [o.status for o in found][-2:] == ["does not follow", "skipped"] and found[-2].line == slip


def test_a_definition_with_an_index_its_name_does_not_carry_cannot_be_read(tmp_path):
    # cthorey's batch norm: μ_l := (1/N) Σ_p h_{pj} (a typo for h_{pl}) leaves j free; read so, every
    # step through μ_l would compare numbers of another column. It is named, not used; typed right, the
    # step ∂μ_l/∂h_{il} = 1/N holds
    notes = "% derivtex: h: N x H\n"
    body = r"""$$ \mu_l = \frac{1}{N}\sum_p h_{pj} $$
$$ \frac{\partial \mu_l}{\partial h_{il}} = \frac{1}{N} $$
"""
    found = checked_in_paper(tmp_path, notes + body)
    assert found[-1].status == "cannot check" and "index j free" in found[-1].message
    assert statuses(tmp_path, notes + body.replace("h_{pj}", "h_{pl}"))[-1] == "ok"


def test_a_size_named_d_leaves_differentials_alone(tmp_path):
    # X ∈ R^{d×d}: d tr(X⁻¹) = -tr(X⁻² dX) (the differential of X⁻¹ is -X⁻¹ dX X⁻¹, under the trace
    # cyclic), and beside ∇_X the differential dX of the variable: both read as differentials, not d times
    body = r"""% derivtex: X: d x d
\[ d\operatorname{tr}(X^{-1}) = -\operatorname{tr}(X^{-2} dX) \]
\[ \nabla_X \operatorname{tr}(X^{-1}) = -(X^{-2})^T \]
\[ d\operatorname{tr}(X^{-1}) = \operatorname{tr}(X^{-2} dX) \]
"""
    assert statuses(tmp_path, body) == ["ok", "ok", "does not follow"]


def test_a_word_in_text_differentiated_or_multiplied_is_a_name(tmp_path):
    # fumishiki/zenn's attention notes (held out) name matrices \text{attn}, \text{out}: a word the
    # display differentiates by or multiplies is a name wherever it is written there, not a remark
    # (blanked, ∂L/∂\text{attn} was an empty expression); out := attn·V, so ∂L/∂attn = ∂L/∂out Vᵀ
    # and ∂L/∂V = attnᵀ ∂L/∂out (the product rule of a matrix product, any upstream gradient)
    body = r"""% derivtex: \text{attn}: n x n; V: n x d
% derivtex: \text{out} := \text{attn} \cdot V
% derivtex: \frac{\partial L}{\partial \text{out}}: n x d
$$ \frac{\partial L}{\partial \text{attn}} = \frac{\partial L}{\partial \text{out}} \cdot V^\top $$
$$ \frac{\partial L}{\partial V} = \text{attn}^\top \cdot \frac{\partial L}{\partial \text{out}} $$
$$ \frac{\partial L}{\partial V} = \text{attn} \cdot \frac{\partial L}{\partial \text{out}} $$
$$ \text{attn} V = \text{attn} \cdot V \quad \text{as written} $$
"""
    assert statuses(tmp_path, body) == ["ok", "ok", "does not follow", "ok"]


def test_a_function_of_several_letters_the_text_defines_typed_as_letters(tmp_path):
    # adiazescobar's OLS notes define SRC(β̃) := (y - Xβ̃)'(y - Xβ̃) and expand it: y'y - 2β̃'X'y +
    # β̃'X'Xβ̃ (β̃'X'y = y'Xβ̃, a number); the RMSNorm notes divide by RMS(x). Typed as letters, the
    # name the text defines is applied (it was S·R·C times a bracket: a false shape error)
    body = r"""% derivtex: X: n x k; y: n; \tilde{\beta}: k; \mathbf{x}: N; \epsilon: scalar positive
% derivtex: SRC(\tilde{\beta}) := (y - X\tilde{\beta})'(y - X\tilde{\beta})
% derivtex: RMS(\mathbf{x}) := \sqrt{\frac{1}{N} \sum_{i=1}^{N} x_i^2 + \epsilon}
\[ SRC(\tilde{\beta}) = y'y - 2\tilde{\beta}'X'y + \tilde{\beta}'X'X\tilde{\beta} \]
\[ \frac{\mathbf{x}}{RMS(\mathbf{x})} = \mathbf{x} / \sqrt{\mathbf{x}^T\mathbf{x} / N + \epsilon} \]
"""
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("- 2\\tilde", "+ 2\\tilde").replace("/ N +", "/ N^2 +")
    assert statuses(tmp_path, wrong) == ["does not follow", "does not follow"]


def test_a_matrix_s_entries_written_in_lowercase(tmp_path):
    # wangluchen567/CANNDY's layer notes (held out) differentiate Y = XW entry by entry in lowercase,
    # w_{ab} of W, y_{ib} of Y, x_{ia} of X: ∂L/∂w_{ab} = Σ_i ∂L/∂y_{ib} x_{ia} = (XᵀG)_{ab}, G the
    # upstream gradient (any N × C matrix); with the indices of x and y swapped it is G's column a
    # (a C-index, not a D-index: a shape error). u_{ki} beside the eigenvectors u_k: N is not U's
    # entry (the text means u_k's i-th entry): not read so, never a false "does not follow"
    body = r"""% derivtex: X: N x D; W: D x C; \frac{\partial L}{\partial Y}: N x C
% derivtex: Y := X W
\[ \frac{\partial L}{\partial w_{ab}} = \sum_{i=1}^N \frac{\partial L}{\partial y_{ib}} x_{ia} \]
\[ \frac{\partial L}{\partial w_{ab}} = \sum_{i=1}^N \frac{\partial L}{\partial y_{ia}} x_{ib} \]
"""
    assert statuses(tmp_path, body) == ["ok", "shape error"]
    family = r"""% derivtex: U: N x N orthogonal; u_k: N; x: N
\[ \tilde{x}_k = \sum_i u_{ki} x_i = u_k^T x \]
"""
    assert "does not follow" not in statuses(tmp_path, family)


def test_a_derivative_by_an_entry_written_for_equal_indices(tmp_path):
    # CANNDY's layer notes (held out): "only when i equals a does y_{ij} depend on x_{ab}", so
    # ∂y_{ij}/∂x_{ab} = ∂/∂x_{ab} Σ_k x_{ak} w_{kj} (x_{ak}: a written for i) = w_{bj}. The first
    # link holds only where i = a: cannot check, naming it (it was a false "does not follow"); the
    # second holds (k = b; the a of x_{ak} is the derivative's own, not summed by convention: it was
    # "not understood"). With neither i nor a on the right the link drops δ_{ia}: does not follow.
    body = r"""% derivtex: X: N x D; W: D x C
% derivtex: Y := X W
\[ \frac{\partial y_{ij}}{\partial x_{ab}}
   = \frac{\partial}{\partial x_{ab}} \sum_{k=1}^D x_{ak}w_{kj}=w_{bj} \]
\[ \frac{\partial y_{ij}}{\partial x_{ab}} = \delta_{ia} w_{bj} \]
\[ \frac{\partial y_{ij}}{\partial x_{ab}} = w_{bj} \]
"""
    found = statuses(tmp_path, body)
    assert found == ["cannot check", "ok", "ok", "does not follow"]
    message = checked_in_paper(tmp_path, body)[0].message
    assert "only where i = a" in message


def test_differentials_of_an_inner_product_and_of_an_inverse(tmp_path):
    # boathit's matrix-calculus post (held out): the softmax cross-entropy by differentials writes
    # d⟨1, exp(Xw)⟩ (was d times the inner product), and the Gaussian likelihood dΣ^{-1}, d(Σ⁻¹)
    # (no differential is inverted; was refused); y annotated "C probability vector" (the noun was
    # a bad annotation), so ⟨y, 1⟩ = 1. dx defined as a name (dx := m_x - x) keeps dx^{-1} its inverse.
    body = r"""% derivtex: X: C x d; \mathbf{w}: d; \mathbf{y}: C probability vector; \Sigma: n x n spd
% derivtex: m_x, x: scalar; dx := m_x - x
\[ \log \langle\mathbf{1}, \exp (X \mathbf{w}) \rangle \left\langle \mathbf{y}, \mathbf{1}\right\rangle
   = \log \langle\mathbf{1}, \exp (X \mathbf{w}) \rangle \]
\[ d \log \langle\mathbf{1}, \exp (X \mathbf{w}) \rangle
   = \frac{d \langle\mathbf{1}, \exp (X \mathbf{w}) \rangle}
          {\langle\mathbf{1}, \exp (X \mathbf{w}) \rangle} \]
\[ d\Sigma^{-1} = -\Sigma^{-1} d\Sigma \Sigma^{-1} \]
\[ \frac{1}{m_x - x} = dx^{-1} \]
"""
    assert statuses(tmp_path, body) == ["ok", "ok", "ok", "ok"]
    wrong = body.replace(r"= \frac{d \langle", r"= \frac{2 d \langle").replace("= -\\Sigma", "= \\Sigma")
    assert statuses(tmp_path, wrong) == ["ok", "does not follow", "does not follow", "ok"]


def test_a_nabla_without_subscript_is_by_the_chain_s_variable(tmp_path):
    # silencial's matrix-derivative notes (held out): PRML's weight gradient written ∇f = ∇(…) =
    # -β/2 ∇‖…‖² of f(W): each bare ∇ is by W, the one variable the chain's gradients are by (was
    # "not understood" on every side: the text's sign slip went unseen). ∇ alone where nothing fixes
    # the variable stays refused.
    body = r"""% derivtex: W: M x K; \Phi: N x M; T: N x K; \beta: scalar
% derivtex: f(W) := -\frac{\beta}{2}\|\Phi W - T\|_F^2
\begin{align}
\nabla f &= \nabla \left( -\frac{\beta}{2}\|\Phi W - T\|_F^2 \right) \\
 &= -\frac{\beta}{2} \nabla \|\Phi W - T\|_F^2 \\
 &= -\beta \Phi^T(\Phi W - T)
\end{align}
\[ \nabla f = \frac{\beta}{2} \nabla \|\Phi W - T\|_F^2 \]
\[ \nabla \|\Phi W - T\|_F^2 = 2 \Phi^T(\Phi W - T) \]
"""
    assert statuses(tmp_path, body) == ["ok", "ok", "ok", "does not follow", "not understood"]


def test_a_message_never_names_the_stand_in_of_a_loss_s_gradient(tmp_path):
    # silencial's RNN notes (held out): ∂l_t/∂W through h_t of a loss l_t never written out; the check's
    # stand-in of ∂l_t/∂h (h§∂l_t) was read as a family member with index t, and named so in the
    # message; daoran's ∂θ_b/∂u beside a shape error was named in the hint "if u§∂theta_b is a number"
    body = r"""% derivtex: \mathbf{h}_t: n; W: n x n; U: n x q; \mathbf{x}_t: q; \mathbf{b}: n
\[ \mathbf{h}_t = W f(\mathbf{h}_{t-1}) + U \mathbf{x}_t + \mathbf{b} \]
\[ \frac{\partial l_t}{\partial W}
   = \sum_{k=1}^t \frac{\partial l_t}{\partial \mathbf{h}_k} (f(\mathbf{h}_{k-1}))^T \]
% derivtex: m_x, m_y, x, y: scalar
% derivtex: u := \dfrac{m_y - y}{m_x - x}
\[ \dfrac{\partial \theta_b}{\partial x}
   = \dfrac{\partial \theta_b}{\partial u} \dfrac{\partial u}{\partial x}
   = \left( \dfrac{1}{1 + u^2} \right) \dfrac{(m_y - y)}{(m_x - x)^2} \]
"""
    messages = [o.message for o in checked_in_paper(tmp_path, body)]
    assert messages and not any("§" in m for m in messages)


def test_a_nabla_without_subscript_is_by_what_the_prose_says(tmp_path):
    # silencial's notes (held out): "the gradient is by $X$", then ∇‖XAᵀ - B‖²_F = ∇ tr(…) = 2XAᵀA - 2BA
    # with no subscript anywhere: by X, which the sides written out use; without the sentence, refused,
    # and so is ∇ before X itself (∇X, a name for the gradient by X)
    said = "The gradient is taken with respect to $X$.\n"
    body = r"""% derivtex: X: p x n; A: m x n; B: p x m
\[ \nabla \|X A^T - B\|_F^2 = \nabla \operatorname{tr}((XA^T - B)^T(XA^T - B)) = 2XA^TA - 2BA \]
\[ \nabla \|X A^T - B\|_F^2 = 2XA^TA - BA \]
"""
    assert statuses(tmp_path, said + body) == ["ok", "ok", "does not follow"]
    assert statuses(tmp_path, body) == ["not understood"] * 3
    named = said + body.replace(r"\nabla \|X A^T - B\|_F^2 = 2", r"\nabla X = 2")  # ∇X: the gradient so named
    assert statuses(tmp_path, named) == ["ok", "ok", "not understood"]
    ended = said + "\\section{Next}\n" + body  # the sentence holds to its section's end
    assert statuses(tmp_path, ended) == ["not understood"] * 3


def test_differentials_inside_index_notation(tmp_path):
    # boathit's matrix-calculus post (held out): the Gaussian likelihood's second term by differentials,
    # d (1/N) Σ_i ⟨x_i - μ, Σ⁻¹(x_i - μ)⟩ = (1/N) Σ_i ⟨x_i - μ, dΣ⁻¹ (x_i - μ)⟩, then d(Σ⁻¹) = -Σ⁻¹ dΣ Σ⁻¹
    # (the post drops the minus: its slip), then df of f(Σ) := log|Σ| + … (|Σ| its determinant) against
    # ⟨Σ⁻¹ - Σ⁻¹ S Σ⁻¹, dΣ⟩ with S the sample covariance about μ. Each was "not understood" (a
    # differential in index notation); d before \frac read as d times 1/N. (The post's bold x_i, μ
    # written plain here.)
    notes = r"""% derivtex: x_i, \mu: n; \Sigma: n x n spd
% derivtex: f(\Sigma) := \log \vert\Sigma\vert + \frac{1}{N} \sum_{i=1}^N\langle x_i - \mu, \Sigma^{-1} (x_i - \mu) \rangle
% derivtex: S := \frac{1}{N}\sum_{i=1}^N (x_i - \mu) (x_i - \mu)^\top
"""  # noqa: E501
    chain = r"""\begin{align}
d\frac{1}{N} \sum_{i=1}^N\left\langle x_i - \mu, \Sigma^{-1} (x_i - \mu) \right\rangle
 &= \frac{1}{N}\sum_{i=1}^N \left\langle x_i - \mu, d\Sigma^{-1} (x_i - \mu) \right\rangle \\
 &= -\frac{1}{N} \sum_{i=1}^N\left\langle x_i - \mu, \Sigma^{-1} (d\Sigma) \Sigma^{-1} (x_i - \mu) \right\rangle \\
 &= -\frac{1}{N} \sum_{i=1}^N \left\langle \Sigma^{-1} (x_i - \mu)(x_i - \mu)^\top\Sigma^{-1}, d\Sigma \right\rangle
\end{align}
\[ d f = \left\langle\Sigma^{-1} - \Sigma^{-1} S \Sigma^{-1}, d \Sigma \right\rangle \]
"""  # noqa: E501
    assert statuses(tmp_path, notes + chain) == ["ok", "ok", "ok", "ok"]
    minus = r" &= -\frac{1}{N} \sum_{i=1}^N\left\langle x"
    slip = chain.replace(minus, minus.replace("-", ""))
    assert statuses(tmp_path, notes + slip) == ["ok", "does not follow", "does not follow", "ok"]
    transposed = chain.replace(r"\Sigma^{-1} S \Sigma^{-1}, d", r"S \Sigma^{-1} S, d")
    assert statuses(tmp_path, notes + transposed)[-1] == "does not follow"


def test_a_differential_beside_the_size_d_is_not_guessed(tmp_path):
    # doraemonzzz's normalisation backward pass (corpus): with x: d, "1/d (\sum_i q_i)" is d times the
    # sum's reciprocal, not a differential; nothing written dX beside it: refused, never evaluated as
    # d(\sum_i q_i). With dΣ written (tohhongxiang's GDA notes), d(…) is a differential though Σ: d × d.
    body = r"""% derivtex: q: d
\[ \sum_{i=1}^d q_i (\mathbf 1_{i=k}-1/d) = q_k-1/d \left( \sum_{i=1}^d q_i \right) \]
% derivtex: \Sigma: d x d spd; S_i: d x d symmetric
\[ d \left( - \frac{1}{2} \sum_{i=1}^n \operatorname{tr}(\Sigma^{-1} S_i) \right)
   = \frac{1}{2} \sum_{i=1}^n \operatorname{tr}(\Sigma^{-1} (d\Sigma) \Sigma^{-1} S_i) \]
\[ \frac{1}{2} \operatorname{tr} (-n\Sigma^{-1} d\Sigma)
   = -\frac{n}{2} \operatorname{tr} (\Sigma^{-1} d\Sigma) + 0 \sum_{i=1}^n \operatorname{tr}(S_i) \]
"""
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "ok", "ok"]
    assert "d is also the text's size" in found[0].message


def test_an_index_range_after_a_chain_is_no_link(tmp_path):
    # lee-jaejoon's logistic-regression notes (held out): "∂l/∂β_j = Σ_i … \enspace , \enspace
    # j=0,1,...,p": the range is no identity (was "not understood"), and \enspace sets it apart as
    # \quad does (was one side with it: "unexpected j")
    body = r"""% derivtex: x_i: d; \beta: d; y_i: scalar
\[ \frac{\partial}{\partial \beta} \sum_{i=1}^{N} y_i \beta^T x_i
   = \sum_{i=1}^{N} y_i x_i \enspace , \enspace i=1,2,...,N \]
\[ \frac{\partial}{\partial \beta} \sum_{i=1}^{N} y_i \beta^T x_i
   = \sum_{i=1}^{N} y_i \beta , \quad i=1,\dots,N \]
"""
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["ok", "skipped", "does not follow", "skipped"]
    assert "the values an index takes" in found[1].message


def test_a_second_partial_by_two_entries_is_the_hessian_s_entry(tmp_path):
    # lee-jaejoon's logistic-regression notes (held out) and CS229's problem set 0 (doraemonzzz, corpus):
    # ∂²l/∂β_j∂β_k = -Σ_i x_ij x_ik p_i(1 - p_i) of l(β) = Σ_i (y_i βᵀx_i - log(1 + e^{βᵀx_i})), x_ij the
    # entry j of the sample x_i; ∂²f/∂x_l∂x_k = A_lk of f = ½xᵀAx + bᵀx, A symmetric (was "a second
    # derivative cannot be checked"). Worked by hand: ∂l/∂β_k = Σ_i (y_i - p_i) x_ik, and
    # ∂p_i/∂β_j = p_i(1 - p_i) x_ij.
    body = r"""% derivtex: x_i: d; \beta: d; y_i: scalar
% derivtex: l(\beta) := \sum_{i=1}^{N} \{ y_i \beta^T x_i -\log(1+e^{\beta^T x_i}) \}
% derivtex: p(x_i;\beta) := \frac{e^{\beta^T x_i}}{1+e^{\beta^T x_i}}
\[ \frac{\partial^2 l(\beta)}{\partial \beta_j \partial \beta_k}
   = - \sum_{i=1}^{N} x_{ij} x_{ik} p(x_i;\beta) (1-p(x_i;\beta)) \]
\[ \frac{\partial^2 l(\beta)}{\partial \beta_j \partial \beta_k}
   = - \sum_{i=1}^{N} x_{ij} x_{ik} p(x_i;\beta)^2 \]
\section{Quadratic}
% derivtex: x, b: n; A: n x n symmetric; f(x) := \frac 1 2 x^T Ax +b^Tx
\[ \frac{\partial^2 f(x)}{\partial x_l \partial x_k} = A_{lk} \]
\[ \frac{\partial^{2}}{\partial x_l \partial x_k} f(x) = 2 A_{lk} \]
"""
    assert statuses(tmp_path, body) == ["ok", "does not follow", "ok", "does not follow"]


def test_a_prime_as_a_superscript_is_a_prime(tmp_path):
    # CS229 problem set 0 (doraemonzzz, corpus) writes g^{'}(a^Tx) for g'(aᵀx): it read g^T times aᵀx (a
    # false "does not follow"); the prime typeset as a superscript is the prime: g' of an undefined g is
    # refused, σ^{\prime}(z) is the sigmoid's derivative, X^{'} of a matrix still its transpose
    body = r"""% derivtex: x, a: n; f(x) := g(a^Tx)
\[ \frac{\partial f(x)}{\partial x_k} = g^{'}(a^Tx)a_k \]
% derivtex: z: scalar
\[ \sigma^{\prime}(z) = \sigma(z) (1 - \sigma(z)) \]
\[ \sigma^{\prime}(z) = \sigma(z) \sigma(z) \]
% derivtex: X: n x n; Y, Z: n x m
\[ X^{'}(Y + Z) = X^T Y + X^T Z \]
"""
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "ok", "does not follow", "ok"]
    assert "the derivative of the function g" in found[0].message


def test_a_number_added_to_a_vector_is_added_to_each_entry(tmp_path):
    # the sigmoid's derivative σ'(z) = σ(z) ⊙ (1 - σ(z)) of a vector z, as every ML text writes it (zingale's
    # single-layer notes, pumpkinbook's logistic regression, corpus): 1 - σ(z) is 1 - σ(z_i) for each i (was a
    # shape error: "a matrix added to a number"); of a matrix Z still refused (each entry, or times I?);
    # a link that fails says the number was added to each entry: tidy-finance's μ - c for μ - cι (corpus)
    body = r"""% derivtex: z, w, \mu, \iota: n; Z: n x m; c: scalar
\[ \sigma'(z) = \sigma(z) \odot (1 - \sigma(z)) \]
\[ \sigma'(z) = \sigma(z) \odot (2 - \sigma(z)) \]
\[ \sigma'(Z) = \sigma(Z) \odot (1 - \sigma(Z)) \]
\[ w^T (z + 1) = w^T z + w^T \mathbf{1} \]
\[ \mu - c\iota = \mu - c \]
"""
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["ok", "does not follow", "shape error", "ok", "does not follow"]
    assert "a number is added to each entry of a vector" in found[-1].message
    assert "added to each entry" not in found[1].message  # inside ⊙, as the text means it: no hint


def test_a_dimension_declared_a_number_is_that_size(tmp_path):
    # lee-jaejoon's smoothing-spline notes (held out) declare p a number and X n × p: tr(I_p) = p is the
    # column count (was a free number p: "does not follow"); tr(X(XᵀX)⁻¹Xᵀ) = p, the hat matrix's trace
    body = r"""% derivtex: p: scalar positive; X: n x p
\[ \operatorname{tr}(X(X^T X)^{-1} X^T) = \operatorname{tr}(X^T X (X^T X)^{-1})
   = \operatorname{tr}(I_p) = p \]
\[ \operatorname{tr}(I_p) = p + 1 \]
"""
    assert statuses(tmp_path, body) == ["ok", "ok", "ok", "does not follow"]


def test_a_matrix_s_two_norm_in_a_squared_error(tmp_path):
    # ‖Ŷ - X‖₂² of matrices in an MSE (uesina15's attention notes, corpus): the spectral norm as written,
    # but a squared error means the Frobenius norm: a link that holds only so is cannot check, saying it;
    # d2l's sign slip d/dV ‖X - UV‖₂² = 2Uᵀ(X - UV) fails under both (-2Uᵀ(X - UV) under Frobenius's)
    body = r"""% derivtex: Y, X: T x d; U: T x r; V: r x d
\[ \frac{\partial}{\partial Y} \|Y - X\|_2^2 = 2(Y - X) \]
\[ \frac{\partial}{\partial V} \|X - UV\|_2^{2} = 2U^\top(X - UV) \]
\[ \frac{\partial}{\partial V} \|X - UV\|_F^{2} = -2U^\top(X - UV) \]
"""
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "does not follow", "ok"]
    assert "Frobenius" in found[0].message


def test_a_primed_or_starred_index_is_an_index_of_its_own(tmp_path):
    # vᵀKv = Σ_n Σ_{n'} v_n K_{nn'} v_{n'}; ∂/∂u_k log Σ_{j'} e^{u_{j'}} = e^{u_k} / Σ_{j'} e^{u_{j'}}
    notes = "% derivtex: v, u: n; K: n x n\n"
    body = notes + "\\[ v^T K v = \\sum_{n=1}^{N} \\sum_{n'=1}^{N} v_n K_{nn'} v_{n'} \\]\n"
    body += "\\[ \\frac{\\partial}{\\partial u_k} \\log \\sum_{j'} \\exp(u_{j'}) = "
    body += "\\frac{\\exp(u_k)}{\\sum_{j^{\\prime}} \\exp(u_{j^{\\prime}})} \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    body = notes + "\\[ v^T K v = \\sum_{n=1}^{N} \\sum_{n'=1}^{N} v_n K_{nn'} v_n \\]\n"
    body += "\\[ \\log \\sum_{j'} \\exp(u_{j'}) - u_{j^*} = \\log \\sum_{j'} \\exp(u_{j'} + u_{j^*}) \\]\n"
    assert statuses(tmp_path, body) == ["does not follow", "does not follow"]


def test_a_starred_variable_is_not_renamed():
    # w* written outside a subscript (L(w^*)) is the optimum, a variable: only indices are renamed
    text = "w_{k+1} = w_k - \\alpha \\nabla_{w^*} L(w^*) + \\sum_{a'} \\phi(s, a')"
    assert unprimed(text) == "w_{k+1} = w_k - \\alpha \\nabla_{w^*} L(w^*) + \\sum_{q } \\phi(s, q )"
    assert unprimed("x_{i'}^{\\prime} = f'(x)") == "x_{q }^{\\prime} = f'(x)"


def test_a_gradient_by_a_transpose_inside_an_expression(tmp_path):
    # ∇_X ‖AXᵀ - Bᵀ‖²_F = (∇_{Xᵀ} ‖AXᵀ - Bᵀ‖²_F)ᵀ = (2Aᵀ(AXᵀ - Bᵀ))ᵀ; ∇_{tᵀ}(tᵀt) = 2tᵀ, a row
    notes = "% derivtex: A: m x n; B: p x m; X: p x n; t: m\n"
    norm = "\\|A X^T - B^T\\|_F^2"
    chain = f"\\nabla_X {norm} = \\left(\\nabla_{{X^T}} {norm}\\right)^T = (2 A^T (A X^T - B^T))^T"
    body = notes + f"\\[ {chain} \\]\n"
    body += "\\[ 3 \\nabla_{t^T} (t^T t) = 6 t^T \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok", "ok"]
    wrong = body.replace("\\right)^T", "\\right)").replace("6 t^T", "6 t")
    assert statuses(tmp_path, wrong) == ["shape error", "shape error", "shape error"]
    assert statuses(tmp_path, body.replace("= (2 A^T", "= (A^T")) == ["ok", "does not follow", "ok"]


def test_a_subscripted_gradient_of_an_f_never_written_out_is_a_value(tmp_path):
    # ∇_w f(w) of an f the text never writes out is the gradient at w, a vector, as ∇f(w) is:
    # -∇f(w)ᵀSSᵀ∇f(w) = -(Sᵀ∇f(w))ᵀ(Sᵀ∇f(w)); the transpose dropped is a shape error
    notes = "% derivtex: w: d; S: d x d\n"
    body = (
        notes
        + "\\[ -\\nabla_w f(w)^T S S^T \\nabla_w f(w) = -(S^T \\nabla_w f(w))^T (S^T \\nabla f(w)) \\]\n"
    )
    body += "\\[ (\\nabla_{w^T} f(w)) S = (S^T \\nabla_w f(w))^T \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("\\nabla_w f(w)^T", "\\nabla_w f(w)").replace("(\\nabla_{w^T}", "(\\nabla_{w}")
    assert statuses(tmp_path, wrong) == ["shape error", "shape error"]


def test_size_switches_and_unicode_relations(tmp_path):
    # \large, \normalsize set the size of what follows, nothing else; ≥ typed as a character is a
    # relation (its link skipped), … an elision: ½ xᵀx = ‖x‖²/2 ≥ 0, (x_1 … x_n) a row of x's entries
    notes = "% derivtex: x: n\n"
    body = notes + "\\[ \\large \\tfrac{1}{2} x^T x = \\normalsize \\frac{\\|x\\|^2}{2} ≥ 0 \\]\n"
    assert statuses(tmp_path, body) == ["ok", "skipped"]
    assert statuses(tmp_path, body.replace("{2} ≥", "{4} ≥")) == ["does not follow", "skipped"]
    elided = notes + "\\[ x^T x = \\begin{bmatrix} x_1 & … & x_n \\end{bmatrix} x \\]\n"
    assert statuses(tmp_path, elided) == ["ok"]


def test_a_number_declared_a_probability_lies_in_the_unit_interval(tmp_path):
    # a Bernoulli log-likelihood, Σ_i log(θ^{x_i}(1-θ)^{1-x_i}) = (Σ_i x_i) log θ + (N - Σ_i x_i) log(1-θ),
    # evaluated entry by entry (real logs): defined for θ in (0, 1), not for a θ drawn above 1
    notes = "% derivtex: \\theta: scalar probability; x_i: scalar; N: scalar\n"
    left = "\\sum_{i=1}^N \\log(\\theta^{x_i} (1-\\theta)^{1-x_i})"
    right = "(\\sum_{i=1}^N x_i) \\log\\theta + (N - \\sum_{i=1}^N x_i) \\log(1-\\theta)"
    body = notes + f"\\[ {left} = {right} \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("(N - ", "(N + ")) == ["does not follow"]


def test_arithmetic_that_comes_to_zero_is_checked(tmp_path):
    # [-1, -1] [1; -1] = -1 + 1: numbers only, both 0, an arithmetic fact (no dependence left out);
    # with symbols, both sides 0 everywhere still proves nothing (x - x = 2(x - x))
    product = "\\begin{bmatrix} -1 & -1 \\end{bmatrix} \\begin{bmatrix} 1 \\\\ -1 \\end{bmatrix}"
    body = f"\\[ {product} = -1 + 1 \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("-1 + 1", "-1 + 2")) == ["does not follow"]
    assert statuses(tmp_path, "% derivtex: x: n\n\\[ x - x = 2(x - x) \\]\n") == ["cannot check"]


def test_a_bracketed_subscript_is_a_label(tmp_path):
    # leave-one-out (rbind's LOOCV notes): X stacks X_{[i]} (X without row i) over x_iᵀ, so by blocks
    # XᵀX = X_{[i]}ᵀX_{[i]} + x_i x_iᵀ and XᵀY = X_{[i]}ᵀY_{[i]} + x_i y_i; a label inside a sum over its
    # letter would change with it: not the one symbol declared
    notes = "% derivtex: X_{[i]}: M x p; Y_{[i]}: M; x_i: p; y_i: scalar; n: scalar\n"
    notes += "% derivtex: X := \\begin{bmatrix} X_{[i]} \\\\ x_i^T \\end{bmatrix}; "
    notes += "Y := \\begin{bmatrix} Y_{[i]} \\\\ y_i \\end{bmatrix}\n"
    body = notes + "\\[ X_{[i]}^TX_{[i]} = X^TX - x_ix_i^T \\]\n\\[ X_{[i]}^T Y_{[i]} = X^TY - x_i y_i \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("X^TY - x_i", "X^TY + x_i")) == ["ok", "does not follow"]
    summed = notes + "% derivtex: z_{[i]}: scalar\n\\[ \\sum_{i=1}^n z_{[i]} = n z_{[i]} \\]\n"
    assert statuses(tmp_path, summed) == ["cannot check"]
    # undeclared, y_{[i,j]} may be a label or y's entry (RishabhSood's post writes entries so): unread
    outcomes = checked_in_paper(
        tmp_path, "% derivtex: y: N x C\n\\[ y_{[i,j]} + y_{[i,j]} = 2 y_{[i,j]} \\]\n"
    )
    assert [o.status for o in outcomes] == ["cannot check"]
    assert "% derivtex: y_{[i,j]}: n" in outcomes[0].message


def test_numbers_above_a_scalar_beside_another_number_are_layers(tmp_path):
    # one neuron per layer (paulkoerbitz's backprop post): z^1 = w^1 x, z^2 = w^2 z^1, all numbers, so
    # ∂z²/∂w¹ = w² x; z^2 beside z^1 is the second layer's z, not z squared (σ^2 alone stays a variance)
    notes = "% derivtex: w^1, w^2, z^1, z^2, x: scalar\n% derivtex: z^1 := w^1 x; z^2 := w^2 z^1\n"
    body = notes + "\\[ \\frac{\\partial z^2}{\\partial w^1} = w^2 x \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("= w^2 x", "= w^1 x")) == ["does not follow"]


def test_a_function_declared_any_is_a_generic_one(tmp_path):
    # g: function, an activation the text leaves open (sudeepraja's and paulkoerbitz's backprop notes):
    # a = g(z), z = wx + b gives ∂C/∂w = ∂C/∂a g'(z) x for every g and C (the chain rule, by hand);
    # entry by entry for y = g(Wv): ∂C/∂W = (∂C/∂y ⊙ g'(Wv)) vᵀ. Dropping g'(z), or the logistic
    # function's own identity g' = g(1 - g), holds for no generic g
    notes = "% derivtex: g: function; w, x, b, z, a: scalar; W: n x m; v: m; y, u: n\n"
    notes += "% derivtex: z := wx+b; a := g(z); u := Wv; y := g(u)\n"
    by = {v: f"\\frac{{\\partial {v[0]}}}{{\\partial {v[1]}}}" for v in ("Cw", "Ca", "az", "zw", "CW", "Cy")}
    body = notes + f"\\[ {by['Cw']} = {by['Ca']} {by['az']} {by['zw']} = {by['Ca']} g'(z) x \\]\n"
    body += f"\\[ {by['CW']} = \\left({by['Cy']} \\odot g'(u)\\right) v^T \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok", "ok"]
    dropped = body.replace("g'(z) x", "x").replace("\\odot g'(u)", "")
    assert statuses(tmp_path, dropped) == ["ok", "does not follow", "does not follow"]
    logistic = notes + "\\[ g'(u) = g(u) \\odot (1 - g(u)) \\]\n"
    assert statuses(tmp_path, logistic) == ["does not follow"]
    # a layer's function written g^{[L]} (pilex1's notes), applied as A^{[L]} := g^{[L]}(Z^{[L]})
    layer = "% derivtex: Z^{[L]}, A^{[L]}, Y: m x 1; f: scalar; g^{[L]}: function\n"
    layer += "% derivtex: A^{[L]} := g^{[L]}(Z^{[L]}); f := \\frac 1m\\Vert A^{[L]}-Y\\Vert_F^2\n"
    layer += "\\[ \\frac{df}{dZ^{[L]}} = \\frac 2m (A^{[L]}-Y)\\odot {g^{[L]}}'(Z^{[L]}) \\]\n"
    assert statuses(tmp_path, layer) == ["ok"]
    assert statuses(tmp_path, layer.replace("\\frac 2m (", "\\frac 1m (")) == ["does not follow"]
    # of a square matrix too, g is applied entry by entry (never the matrix function): ∂f/∂X = ∂f/∂G ⊙ g'(X)
    square = "% derivtex: X, G: n x n; f: scalar; g: function; G := g(X)\n"
    square += "\\[ \\frac{df}{dX} = \\frac{df}{dG} \\odot g'(X) \\]\n"
    assert statuses(tmp_path, square) == ["ok"]
    assert statuses(tmp_path, square.replace("\\odot g'(X)", "g'(X)")) == ["does not follow"]


def test_a_row_saying_let_defines_a_declared_symbol(tmp_path):
    # sudeepraja's backprop: "Let δ₃ = (x₃ - t) ∘ f₃'(W₃x₂)", δ₃ declared for its shape; then
    # ∂E/∂W₃ = δ₃x₂ᵀ of E = ½‖x₃ - t‖² (by hand: ∂E/∂x₃ = x₃ - t, through f₃ entry by entry)
    notes = "% derivtex: x_3, t, \\delta_3: 2; W_3: 2 x 3; x_2: 3; E: scalar; f_3: function\n"
    notes += "% derivtex: x_3 := f_3(W_3x_2); E := \\frac{1}{2}\\|x_3-t\\|_2^2\n"
    let = "\\[ \\mbox{Let }\\delta_3 = (x_3-t)\\circ f_3'(W_3x_2) \\]\n"
    claim = "\\[ \\frac{\\partial E}{\\partial W_3} = \\delta_3x_2^T \\]\n"
    assert statuses(tmp_path, notes + let + claim) == ["skipped", "ok"]
    wrong = let.replace("(x_3-t)", "(x_3+t)")
    assert statuses(tmp_path, notes + wrong + claim) == ["skipped", "does not follow"]
    # without "Let" the equation for a declared δ₃ is not substituted where the text differentiates
    equation = let.replace("\\mbox{Let }", "")
    assert statuses(tmp_path, notes + equation + claim) == ["skipped", "does not follow"]


def test_an_annotation_applying_an_unknown_letter_is_not_a_product(tmp_path):
    # u := g(a + b), v := g(a) + g(b) with g never defined: read as g times (a + b), u = v held (a false
    # ok: no function is linear in general); now it cannot be checked, saying how to declare g, and
    # with g declared any it does not follow. A g the text defines later (a display g(ξ) = …, as
    # zingale's sigmoid) is applied where it is known
    notes = "% derivtex: a, b, u, v: scalar; u := g(a + b); v := g(a) + g(b)\n"
    outcomes = checked_in_paper(tmp_path, notes + "\\[ u = v \\]\n")
    assert [o.status for o in outcomes] == ["cannot check"]
    assert "g: function" in outcomes[0].message
    declared = notes.replace("v: scalar;", "v: scalar; g: function;")
    assert statuses(tmp_path, declared + "\\[ u = v \\]\n") == ["does not follow"]
    later = notes + "\\[ g(\\xi) = \\frac{1}{1 + e^{-\\xi}} \\]\n\\[ u = \\frac{1}{1 + e^{-a-b}} \\]\n"
    assert statuses(tmp_path, later) == ["skipped", "ok"]


def test_a_one_before_braces_comparing_is_the_indicator(tmp_path):
    # 1{x > 0}, as Ng's CS229 notes and Seita's post on local gradients write it: ReLU's derivative
    # (by hand: d max(0, x)/dx is 1 where x > 0, 0 where x < 0); 1{x > 0} + 1{x < 0} = 1 off 0
    notes = "% derivtex: x_1, x_2: scalar\n"
    body = notes + "\\[ \\frac{\\partial}{\\partial x_1}\\max\\{0,x_1\\} = 1\\{x_1>0\\} \\]\n"
    body += "\\[ 1\\{x_2>0\\} + 1\\{x_2 < 0\\} = 1 \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    wrong = body.replace("= 1\\{x_1>0\\}", "= 1\\{x_1<0\\}").replace("1\\{x_2 < 0\\}", "1\\{x_2 > 0\\}")
    assert statuses(tmp_path, wrong) == ["does not follow", "does not follow"]


def test_a_bare_gradient_is_by_the_one_declared_vector_among_the_arguments(tmp_path):
    # Sutton and Barto's ∇ v̂(S_t, w): the state a label, w the weights; v̂ = σ(wᵀx), so by hand
    # ∇_w v̂ = σ(1 - σ) x (σ' = σ(1 - σ)), and σ(1 + σ) x is wrong. With two declared vectors among
    # the arguments the variable is not said: refused, never guessed
    notes = "% derivtex: w, x: d; \\hat{v}(s, w) := \\frac{1}{1 + e^{-w^T x}}\n"
    right = "$$ \\nabla \\hat{v}(S_t, w) = \\hat{v}(S_t, w)(1 - \\hat{v}(S_t, w)) x $$\n"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("(1 - ", "(1 + ")) == ["does not follow"]
    both = notes.replace("w, x: d", "w, x, u: d") + right.replace("S_t", "u")
    assert statuses(tmp_path, both) == ["not understood"]


def test_names_declared_with_their_arguments_may_be_listed(tmp_path):
    # "% derivtex: \theta, x(s,a): d": the comma inside x(s,a) does not split the list (it did: a bad
    # annotation, x(s,a) undeclared); θᵀx = xᵀθ holds, with a sign flipped it does not
    notes = "% derivtex: \\theta, x(s,a), x(s,b): d\n"
    right = "$$ \\theta^T x(s,a) - \\theta^T x(s,b) = (x(s,a) - x(s,b))^T \\theta $$\n"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("(x(s,a) - x(s,b))", "(x(s,a) + x(s,b))")) == [
        "does not follow"
    ]


def test_a_derivative_written_with_a_slash_is_the_derivative(tmp_path):
    # ∂L/∂x_i typed on one line: L = ½ xᵀx, so ∂L/∂x_i = x_i by hand (it was read dL divided by dx_i,
    # a ratio of two random differentials: a false "does not follow"); 2 x_i is wrong
    notes = "% derivtex: x: n; L := \\frac{1}{2} x^T x\n"
    assert statuses(tmp_path, notes + "$$ \\partial L / \\partial x_i = x_i $$\n") == ["ok"]
    assert statuses(tmp_path, notes + "$$ \\partial L / \\partial x_i = 2 x_i $$\n") == ["does not follow"]


def test_an_elided_sum_is_the_sum_its_terms_follow(tmp_path):
    # w_1 x_1 + w_2 x_2 + ⋯ + w_n x_n + b = wᵀx + b; the partials of L = ½ xᵀx summed, x_1 + ⋯ + x_n,
    # are 1ᵀx (∂L/∂x_1 written like a derivative by a symbol x_1, the first of x's entries); terms
    # that follow no one index are still refused
    notes = "% derivtex: w, x: n; b: scalar; L := \\frac{1}{2} x^T x\n"
    neuron = "$$ w_1 x_1 + w_2 x_2 + \\cdots + w_n x_n + b = w^T x + b $$\n"
    partials = (
        "$$ \\frac{\\partial L}{\\partial x_1} + \\frac{\\partial L}{\\partial x_2} + \\dots"
        " + \\frac{\\partial L}{\\partial x_n} = \\mathbf{1}^T x $$\n"
    )
    assert statuses(tmp_path, notes + neuron + partials) == ["ok", "ok"]
    wrong = neuron.replace("w^T x + b", "w^T x - b") + partials.replace("\\mathbf{1}^T x", "2\\mathbf{1}^T x")
    assert statuses(tmp_path, notes + wrong) == ["does not follow", "does not follow"]
    assert statuses(tmp_path, notes + "$$ w_1 + x_2 + \\dots + w_n = w^T x $$\n") == ["not understood"]
    typed = "$$ w_1 x_1 + w_2 x_2 + ... + w_n x_n = {} $$\n"  # the dots typed as periods, as posts do
    assert statuses(tmp_path, notes + typed.format("x^T w")) == ["ok"]
    assert statuses(tmp_path, notes + typed.format("x^T w + b")) == ["does not follow"]


def test_prose_after_a_display_saying_where_explains_it(tmp_path):
    # "x = S(m - BD⁻¹n) … where S = (A - BD⁻¹C)⁻¹": the Schur complement, read for the display above
    # (it was a random S: a false "does not follow"); with m := Ax + By, n := Cx + Dy, by hand
    # x = (A - BD⁻¹C)⁻¹(m - BD⁻¹n), and the sign of BD⁻¹n flipped is wrong
    notes = "% derivtex: A: p x p; B: p x q; C: q x p; D: q x q invertible; x: p; y: q\n"
    notes += "% derivtex: m := Ax + By; n := Cx + Dy\n"
    right = "$$ x = S(m - BD^{-1}n) $$\nwhere $S = (A - BD^{-1}C)^{-1}$.\n"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("(m - BD", "(m + BD")) == ["does not follow"]


def test_prose_defining_a_name_with_a_function_it_never_writes_out(tmp_path):
    # "where y = f(x)" (f in bold), f the text's own: not f times x (a false shape error); the
    # declaration that unlocks it is named
    chain = "\\frac{\\partial z}{\\partial x} = "
    chain += "\\frac{\\partial z}{\\partial y} \\frac{\\partial y}{\\partial x}"
    body = f"% derivtex: x: n\n$${chain}$$\nwhere $y = \\mathbf{{f}}(x)$.\n"
    outcomes = checked_in_paper(tmp_path, body)
    assert [o.status for o in outcomes] == ["cannot check"]
    assert "f: function" in outcomes[0].message


def test_sums_written_without_their_index_each_run_over_their_own(tmp_path):
    # a straight-line fit's normal equation (jkillingsworth's post): Σ(y_i - a_0 - a_1 x_i) = Σ y_i
    # - n a_0 - a_1 Σ x_i, each bare Σ over i (the other's i is bound, not free); + a_1 Σ x_i is wrong
    notes = "% derivtex: x, y: n; a_0, a_1: scalar\n"
    right = "$$ \\sum{(y_i - a_0 - a_1 x_i)} = \\sum{y_i} - n a_0 - a_1 \\sum{x_i} $$\n"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("- a_1 \\sum", "+ a_1 \\sum")) == ["does not follow"]
    free = "$$ \\sum{x_i} + x_i = \\sum_j x_j + x_i $$\n"  # an i free beside the bare sum: which index?
    assert statuses(tmp_path, notes + free) == ["not understood"]


def test_a_numbered_name_of_a_declared_vector_is_its_entry(tmp_path):
    # ∂(aᵀv)/∂v_1 = a_1 by hand (mt-caret's post; v_1 was a vector of its own: "the sides share no
    # symbol"); a_2 is wrong; (Av)_1 = Σ_j A_{1j} v_j, and A_{j1} in its place is wrong
    notes = "% derivtex: a, v: n; A: n x n\n"
    first = "$$ \\frac{\\partial (a^T v)}{\\partial v_1} = a_1 $$\n"
    assert statuses(tmp_path, notes + first) == ["ok"]
    assert statuses(tmp_path, notes + first.replace("= a_1", "= a_2")) == ["does not follow"]
    row = "$$ (Av)_1 = \\sum_j A_{1j} v_j $$\n"
    assert statuses(tmp_path, notes + row) == ["ok"]
    assert statuses(tmp_path, notes + row.replace("A_{1j}", "A_{j1}")) == ["does not follow"]
    layer = "% derivtex: W: n x n; W_1: n x n\n$$ W_1 W_1 = W_1^2 $$\n"  # W_1 declared: a symbol
    assert statuses(tmp_path, notes + layer) == ["ok"]


def test_entries_numbered_from_0_where_the_chain_writes_an_entry_0(tmp_path):
    # θ ∈ R^{n+1}, x_0 = 1 (Ng's notes): θᵀx = θ_0 x_0 + θ_1 x_1 + ⋯ + θ_n x_n, n + 1 terms; zlotus's
    # θᵀx = θ_0 + Σ_{j=0}^n θ_j x_j counts θ_0 twice (does not follow, by hand at x_0 = 1 too)
    notes = "% derivtex: \\theta, x: n+1\n"
    elided = "$$ \\theta^T x = \\theta_0 x_0 + \\theta_1 x_1 + \\dots + \\theta_n x_n $$\n"
    assert statuses(tmp_path, notes + elided) == ["ok"]
    assert statuses(tmp_path, notes + elided.replace("\\theta_1 x_1", "\\theta_1 x_0")) == ["not understood"]
    twice = "$$ \\theta^T x = \\theta_0 + \\sum_{j=0}^n \\theta_j x_j $$\n"
    assert statuses(tmp_path, notes + twice) == ["does not follow"]
    by_first = "$$ \\frac{\\partial (\\theta^T x)}{\\partial \\theta_0} = x_0 $$\n"
    assert statuses(tmp_path, notes + by_first) == ["ok"]
    assert statuses(tmp_path, notes + by_first.replace("= x_0", "= x_1")) == ["does not follow"]
    last = "% derivtex: a: N\n$$ \\mathbf{1}^T a = a_0 + a_1 + \\dots + a_{N-1} $$\n"  # N terms
    assert statuses(tmp_path, last) == ["ok"]


def test_an_equation_after_a_derivative_set_to_zero_is_a_condition(tmp_path):
    # ∂J/∂θ = 2XᵀXθ - 2Xᵀy = 0, then XᵀXθ = Xᵀy: the normal equation, a condition on θ (it was a false
    # "does not follow": X\theta was not seen to mention θ)
    notes = "% derivtex: X: m x n; y: m; \\theta: n; J(\\theta) := (X\\theta - y)^T(X\\theta - y)\n"
    body = "$$ \\frac{\\partial J}{\\partial \\theta} = 2X^TX\\theta - 2X^Ty = 0 \\\\ X^TX\\theta = X^Ty $$\n"
    outcomes = checked_in_paper(tmp_path, notes + body)
    assert [o.status for o in outcomes] == ["ok", "skipped", "skipped"]
    assert "condition" in outcomes[2].message


def test_a_minus_sign_inside_a_derivative_s_numerator(tmp_path):
    # \frac{-\partial f}{\partial x} is -∂f/∂x (abangfarhan's softmax post): ∂(xᵀx)/∂x = 2x by hand
    notes = "% derivtex: x: n\n"
    right = "$$ \\frac{-\\partial (x^T x)}{\\partial x} = -2x $$\n"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("-2x", "2x")) == ["does not follow"]


def test_a_numbered_entry_of_a_defined_vector(tmp_path):
    # p := softmax(x), declared an n-vector: ∂ log p_1/∂p_1 = 1/p_1 by hand, 1/p_2 is wrong; and the
    # derivative of its first entry by x_2 is -p_1 p_2 (the softmax Jacobian's off-diagonal entry)
    notes = "% derivtex: x, p: n; p := \\mathrm{softmax}(x)\n"
    right = "$$ \\frac{\\partial \\log p_1}{\\partial p_1} = \\frac{1}{p_1} $$\n"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("{1}{p_1} $", "{1}{p_2} $")) == ["does not follow"]
    jacobian = "$$ \\frac{\\partial p_1}{\\partial x_2} = -p_1 p_2 $$\n"
    assert statuses(tmp_path, notes + jacobian) == ["ok"]
    assert statuses(tmp_path, notes + jacobian.replace("-p_1", "p_1")) == ["does not follow"]


def test_a_defined_symbol_is_reported_by_no_convention(tmp_path):
    # μ := 2x is a vector by its definition, the variable of ∂L/∂μ inside an expression too: the report
    # said "mu: a number (Greek lowercase)", a convention the check never applied (3 ∂L/∂μ = 6μ by hand)
    body = (
        "% derivtex: x: n; \\mu := 2x; L := \\mu^T \\mu\n$$ 3\\frac{\\partial L}{\\partial \\mu} = 6\\mu $$\n"
    )
    [outcome] = checked_in_paper(tmp_path, body)
    assert outcome.status == "ok" and not any("mu" in c for c in outcome.conventions)


def test_a_derivative_by_an_expression_it_is_written_in(tmp_path):
    # the chain rule through an expression (CarlFredriksson's eligibility vectors): ∂ ln(1 - P)/∂(1 - P)
    # = 1/(1 - P), ∂e^{θᵀx}/∂(θᵀx) = e^{θᵀx}, by hand; where 1 - P < 0 the derivative is undefined,
    # never a complex step's log of a negative number. A numerator that writes P outside 1 - P is refused.
    notes = "% derivtex: P: scalar; \\theta, x: n\n"
    log = "$$ \\frac{\\partial \\ln (1-P)}{\\partial P} = \\frac{\\partial \\ln(1-P)}{\\partial (1-P)}"
    log += " \\frac{\\partial (1-P)}{\\partial P} = \\frac{-1}{1-P} $$\n"
    assert statuses(tmp_path, notes + log) == ["ok", "ok"]
    assert statuses(tmp_path, notes + log.replace("{-1}{1-P}", "{1}{1-P}")) == ["ok", "does not follow"]
    exp = "$$ \\frac{\\partial e^{\\theta^T x}}{\\partial \\theta} = "
    exp += "\\frac{\\partial e^{\\theta^T x}}{\\partial \\theta^T x} x = e^{\\theta^T x} x $$\n"
    assert statuses(tmp_path, notes + exp) == ["ok", "ok"]
    assert statuses(tmp_path, notes + exp.replace("} x $$", "} \\theta $$")) == ["ok", "does not follow"]
    mixed = "$$ \\frac{\\partial (P + P^2)}{\\partial (1-P)} = -1 - 2P $$\n"  # which dependence on P?
    assert statuses(tmp_path, notes + mixed) == ["not understood"]


def test_a_derivative_of_or_by_a_letter_nothing_defines(tmp_path):
    # h(x) with h never defined, read as h times x, is linear: ∂h(x)/∂x = h(x)/x would pass for it alone
    # (false for a general h); the chain rule through it (doraemonzzz's CS229 PS0) cannot be checked
    notes = "% derivtex: x: scalar; g: function\n"
    linear = "$$ \\frac{\\partial h(x)}{\\partial x} = \\frac{h(x)}{x} $$\n"
    outcomes = checked_in_paper(tmp_path, notes + linear)
    assert [o.status for o in outcomes] == ["cannot check"] and "h: function" in outcomes[0].message
    chain = "$$ \\frac{\\partial g(h(x))}{\\partial x} = \\frac{\\partial g(h(x))}{\\partial h(x)} "
    chain += "\\frac{\\partial h(x)}{\\partial x} $$\n"
    assert statuses(tmp_path, notes + chain) == ["cannot check"]
    defined = "% derivtex: h(x) := \\sin(x)\n" + chain  # h defined: the chain rule, checked
    assert statuses(tmp_path, notes + defined) == ["ok"]


def test_the_gradient_of_a_function_declared_any_at_a_vector(tmp_path):
    # f: function is a function of a number, entry by entry: ∇f(μ) at a vector would be its diagonal
    # Jacobian, never the gradient of an f of the vector to a number that a text writing ∇f(μ) means
    # (timvieira's delta method: read so, E[f(μ) + ∇f(μ)(x - μ)] = f(μ) held, the transpose missing)
    notes = "% derivtex: x: n, random; \\mu := E[x]; f: function; layout denominator\n"
    body = "$$ E[f(\\mu) + \\nabla f(\\mu) (x - \\mu)] = f(\\mu) $$\n"
    outcomes = checked_in_paper(tmp_path, notes + body)
    assert [o.status for o in outcomes] == ["cannot check"] and "f(x) :=" in outcomes[0].message
    scalar = "% derivtex: t: scalar; f: function\n$$ \\nabla f(t) = f'(t) $$\n"  # of a number: f'
    assert statuses(tmp_path, scalar) == ["ok"]
    defined = notes.replace("f: function", "f(y) := \\mathbf{1}^T \\exp(y)") + body
    assert statuses(tmp_path, defined) == ["shape error"]  # ∇f(μ)(x - μ): a column times a column
    right = defined.replace("\\nabla f(\\mu) (x", "\\nabla f(\\mu)^T (x")
    assert statuses(tmp_path, right) == ["ok"]


def test_a_display_defines_a_function_by_a_sum_or_with_a_subscript(tmp_path):
    # Ng's hypothesis h_θ(x) = θ_0 x_0 + ⋯ + θ_n x_n (mt-caret's post), then h_θ(x) = θᵀx: a definition,
    # then a true restatement (it was h_θ times x, a false shape error); k(x) = Σ_j θ_j x_j too
    notes = "% derivtex: \\theta, x: n+1\n"
    hypothesis = "$$ h_\\theta(x) = \\theta_0x_0 + \\theta_1x_1 + \\dots + \\theta_nx_n $$\n"
    assert statuses(tmp_path, notes + hypothesis + "$$ h_\\theta(x) = \\theta^T x $$\n") == ["skipped", "ok"]
    assert statuses(tmp_path, notes + hypothesis + "$$ h_\\theta(x) = 2\\theta^T x $$\n") == [
        "skipped",
        "does not follow",
    ]
    summed = "$$ k(x) = \\sum_{j=0}^{n} \\theta_j x_j $$\n$$ k(x) = x^T \\theta + 1 $$\n"
    assert statuses(tmp_path, notes + summed) == ["skipped", "does not follow"]


def test_a_whole_power_of_a_function_before_its_argument(tmp_path):
    # d tanh(x)/dx = 1 - tanh(x)², written \tanh^2(x) (and \tanh^{2} x); 1 + tanh² is a sign slip
    notes = "% derivtex: x: scalar\n"
    body = notes + "\\[ \\frac{d}{dx} \\tanh(x) = 1 - \\tanh^2(x) = 1 - \\tanh^{2} x \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    body = notes + "\\[ \\frac{d}{dx} \\tanh(x) = 1 + \\tanh^2(x) \\]\n"
    assert statuses(tmp_path, body) == ["does not follow"]
    body = notes + "\\[ \\frac{d}{dx} \\sin^{-1} x = \\frac{1}{\\sqrt{1 - x^2}} \\]\n"  # arcsin or 1/sin?
    outcomes = checked_in_paper(tmp_path, body)
    assert [o.status for o in outcomes] == ["not understood"]
    assert "must be a whole number" in outcomes[0].message


def test_an_intertext_without_a_row_break_ends_the_row(tmp_path):
    # C := A + B, then "so" C = B + A (A + B = B + A); C = A - B after it is a slip
    notes = "% derivtex: A, B: n x n; C := A + B\n"
    body = notes + "\\begin{align*} C &= B + A \\intertext{so} C &= A + B \\end{align*}\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    body = notes + "\\begin{align*} C &= B + A \\intertext{so} C &= A - B \\end{align*}\n"
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_an_annotation_holds_in_its_subsections_not_after_its_section(tmp_path):
    # σ(z) := 1/(1 + e^{-z}), a := σ(z): da/dz = a(1 - a) in the subsection of the annotation's section;
    # in the next section a is a symbol nothing defines (its derivative by z cannot be checked)
    notes = "% derivtex: z, a: scalar; a := \\frac{1}{1 + e^{-z}}\n"
    link = "\\[ \\frac{da}{dz} = a(1 - a) \\]\n"
    section = f"\\section{{A}}\n{notes}\\subsection{{A.1}}\n{link}\\subsection{{A.2}}\n{link}"
    body = f"{section}\\section{{B}}\n{link}"
    assert statuses(tmp_path, body) == ["ok", "ok", "cannot check"]
    slip = "\\[ \\frac{da}{dz} = a(1 + a) \\]\n"
    body = f"\\section{{A}}\n{notes}\\subsection{{A.1}}\n{slip}"
    assert statuses(tmp_path, body) == ["does not follow"]
    # one made in a subsection holds to its end: not in the next subsection
    body = f"\\section{{A}}\n\\subsection{{A.1}}\n{notes}{link}\\subsection{{A.2}}\n{link}"
    assert statuses(tmp_path, body) == ["ok", "cannot check"]


def test_a_hessian_inside_an_expression(tmp_path):
    # ∇²(½xᵀAx + bᵀx) = ½(A + Aᵀ) = A for a symmetric A (CS229's problem set 0); ∇²(yᵀBy) = B + Bᵀ;
    # ∇² log(1 + e^{bᵀy}) = s(1 - s) bbᵀ with s = σ(bᵀy), written e^{bᵀy}/(1 + e^{bᵀy})² bbᵀ
    notes = "% derivtex: x, b: n; A: n x n symmetric\n"
    chain = "\\nabla^2_x(\\frac{1}{2}x^TAx) + \\nabla^2_x(b^Tx) &= \\frac{1}{2}2A + 0 \\\\ &= A"
    body = notes + f"\\begin{{align*}} {chain} \\end{{align*}}\n"
    body += "\\[ \\nabla_x^2 \\log(1 + e^{b^T x}) = \\frac{e^{b^T x}}{(1 + e^{b^T x})^2} b b^T \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok", "ok"]
    body = notes + "\\[ \\nabla^2_x(\\frac{1}{2}x^TAx) = \\frac{1}{2}A \\]\n"  # the ½ kept: a factor 2 off
    body += "\\[ \\nabla_x^2 \\log(1 + e^{b^T x}) = \\frac{e^{b^T x}}{1 + e^{b^T x}} b b^T \\]\n"
    assert statuses(tmp_path, body) == ["does not follow", "does not follow"]
    # of a general B the Hessian of yᵀBy is B + Bᵀ, not 2B; the Hessian of F at y applies to what follows
    notes = "% derivtex: y: n; B: n x n; F(y) := y^T B y\n"
    body = notes + "\\[ \\nabla_y^2 F(y) y = (B + B^T) y \\]\n\\[ \\nabla_y^2 F(y) = 2B \\]\n"
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_a_bracketed_row_with_elided_columns_is_a_matrix(tmp_path):
    # X = [x_1, …, x_n]ᵀ (rows x_iᵀ): Σ(wᵀx_i - y_i)² = ‖Xw - y‖², Σ x_i x_iᵀ = XᵀX (not XXᵀ, n×n);
    # [a_1 ⋯ a_n] c = Σ c_j a_j, the columns weighted
    notes = "% derivtex: x_i, w: d; y: n\n"
    prose = "Let $X = [x_1, \\dots, x_n]^T \\in \\mathbb{R}^{n \\times d}$.\n"
    body = notes + prose + "\\[ \\sum_{i=1}^n (w^T x_i - y_i)^2 = \\|Xw - y\\|^2 \\]\n"
    body += "\\[ \\sum_{i=1}^n x_i x_i^T = X^T X \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    body = notes + prose + "\\[ \\sum_{i=1}^n (w^T x_i + y_i)^2 = \\|Xw - y\\|^2 \\]\n"
    body += "\\[ \\sum_{i=1}^n x_i x_i^T = X X^T \\]\n"
    assert statuses(tmp_path, body) == ["does not follow", "shape error"]
    notes = "% derivtex: a_j: m; c: n\n"
    body = notes + "\\[ [a_1 \\cdots a_n] c = \\sum_{j=1}^n c_j a_j \\]\n"
    body += "\\[ \\left[a_1, a_2, \\ldots, a_n\\right] c = \\sum_{j=1}^n c_j a_j \\]\n"
    assert statuses(tmp_path, body) == ["ok", "ok"]
    body = notes + "\\[ [a_1 \\cdots a_n] c = \\sum_{j=1}^n c_j a_j + c_1 a_1 \\]\n"  # one column twice
    assert statuses(tmp_path, body) == ["does not follow"]


def test_an_empty_script_typesets_nothing(tmp_path):
    # x_i^{ } and x_i^{\phantom{1}} (typed to align columns) are x_i: Σ(x_i - m)² = Σx_i² - 2mΣx_i + nm²
    # with Σ written without its index, over the n entries of x; a sign slip in the middle term fails
    notes = "% derivtex: x: n; m: scalar\n"
    left = "\\sum{(x_i^{ } - m)^2}"
    right = "\\sum{x_i^{2}} - 2m\\sum{x_i^{\\phantom{1}}} + n m^2"
    body = notes + f"\\[ {left} = {right} \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    body = notes + f"\\[ {left} = {right.replace('- 2m', '+ 2m')} \\]\n"
    assert statuses(tmp_path, body) == ["does not follow"]


def test_a_name_of_several_letters_annotated_is_typed_as_letters(tmp_path):
    # cost := (1/m) Σ(a_i - y_i)²: ∂cost/∂a_i = (2/m)(a_i - y_i), cost typed in math mode as letters;
    # without the annotation cost is c·o·s·t, and the message says so
    link = "\\[ \\frac{\\partial cost}{\\partial a_{i}} = \\frac{2}{m}(a_i - y_i) \\]\n"
    notes = "% derivtex: a, y: m; cost := \\frac{1}{m} \\sum_{i = 1}^{m}(a_i - y_i)^2\n"
    assert statuses(tmp_path, notes + link) == ["ok"]
    assert statuses(tmp_path, notes + link.replace("{2}{m}", "{1}{m}")) == ["does not follow"]
    outcomes = checked_in_paper(tmp_path, "% derivtex: a, y: m\n" + link)
    assert [o.status for o in outcomes] == ["cannot check"]
    assert "cost typed as letters is the product c·o·s·t" in outcomes[0].message
    # a name the prose sizes (z = Ax ∈ R^r) stays a product where typed: A times x
    notes = "% derivtex: A: r x k; x: k; z := Ax\nLet $z = Ax \\in \\mathbb{R}^r$.\n"
    assert statuses(tmp_path, notes + "\\[ z = A x \\]\n\\[ 2z = Ax + Ax \\]\n") == ["ok", "ok"]


def test_an_underbrace_note_in_a_word_command_is_dropped(tmp_path):
    # ‖V - WH‖²_F = tr(VᵀV) - 2tr(VᵀWH) + tr(HᵀWᵀWH), the first term labelled \underbrace{…}_\text{const}
    notes = "% derivtex: V: n x p; W: n x k; H: k x p\n"
    right = "\\underbrace{Tr (V^T V)}_\\text{const} - 2 Tr (V^T WH) + \\underbrace{Tr(H^T W^T W H)}_{const}"
    body = notes + f"\\[ Tr((V - WH)^T (V - WH)) = {right} \\]\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("- 2 Tr", "- Tr")) == ["does not follow"]
