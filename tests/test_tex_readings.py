"""Readings of real notation in ``derivtex check`` (issue 18): a conditional bar among a function's
arguments (a policy π(a | s, θ)), plain TeX's ``{a \\over b}``, a class label as a signed subscript
(μ_{-1}), a display's definition declared anew by a later annotation, and the sides of a link that
share no symbol. Every expected status is worked by hand; the wrong variants differ by a sign, a
factor or a transpose the hand can see."""

from __future__ import annotations

from pathlib import Path

from helpers import checked_in_paper


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
