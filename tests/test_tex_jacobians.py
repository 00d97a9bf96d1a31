"""Derivatives of vectors by vectors, by a transpose, and negated (gen/texcheck/jacobians.py).

The expected verdicts are checked by hand: d(Ax) = A dx, so ∂(Ax)/∂x is A in numerator layout
(dy = J dx) and Aᵀ in denominator layout (dy = Jᵀ dx); d tr(BX) = tr(B dX), so ∂tr(BX)/∂X = Bᵀ
(denominator) and ∂tr(BX)/∂Xᵀ = B = (∂tr(BX)/∂X)ᵀ; ∂(xᵀx)/∂x = 2x.
"""

from pathlib import Path

import numpy as np

from gen.texcheck.check import check_file
from gen.texcheck.jacobians import layout_stated

SQUARE = "Let $A \\in \\mathbb{R}^{n \\times n}$ and $x \\in \\mathbb{R}^n$.\n"
RECTANGULAR = "Let $A \\in \\mathbb{R}^{m \\times n}$ and $x \\in \\mathbb{R}^n$.\n"


def statuses(tmp_path: Path, body: str) -> list[tuple[str, str]]:
    path = tmp_path / "paper.tex"
    path.write_text(body)
    with np.errstate(all="ignore"):
        return [(o.status, o.message) for o in check_file(path).outcomes]


def test_numerator_layout_stated_by_annotation(tmp_path):
    body = SQUARE + "% derivtex: layout numerator\n"
    body += "\\[ \\frac{\\partial (Ax)}{\\partial x} = A \\]\n"
    body += "\\[ \\frac{\\partial (Ax)}{\\partial x} = A^T \\]\n"
    found = statuses(tmp_path, body)
    assert [s for s, _ in found] == ["ok", "does not follow"]


def test_denominator_layout_stated_in_the_prose(tmp_path):
    body = SQUARE + "We use the denominator layout.\n"
    body += "\\[ \\frac{\\partial (Ax)}{\\partial x} = A^T \\]\n"
    body += "\\[ \\frac{\\partial (Ax)}{\\partial x} = A \\]\n"
    found = statuses(tmp_path, body)
    assert [s for s, _ in found] == ["ok", "does not follow"]


def test_no_layout_stated_and_the_layouts_disagree_cannot_check(tmp_path):
    body = SQUARE + "\\[ \\frac{\\partial (Ax)}{\\partial x} = A \\]\n"
    body += "\\[ \\frac{\\partial (Ax)}{\\partial x} = A^T \\]\n"
    (first, said_first), (second, said_second) = statuses(tmp_path, body)
    assert (first, second) == ("cannot check", "cannot check")
    assert "% derivtex: layout numerator" in said_first
    assert "% derivtex: layout denominator" in said_second


def test_a_wrong_jacobian_is_wrong_in_both_layouts(tmp_path):
    body = SQUARE + "\\[ \\frac{\\partial (Ax)}{\\partial x} = 2A \\]\n"
    assert statuses(tmp_path, body)[0][0] == "does not follow"


def test_the_shape_decides_for_a_rectangular_jacobian(tmp_path):
    # A is m×n: only Aᵀ (n×m) fits denominator layout's dy = Jᵀ dx; A (m×n) only numerator's dy = J dx
    body = RECTANGULAR + "\\[ \\frac{\\partial (Ax)}{\\partial x} = A^T \\]\n"
    assert statuses(tmp_path, body)[0][0] == "ok"
    body = RECTANGULAR + "\\[ \\frac{\\partial (Ax)}{\\partial x} = A \\]\n"
    status, message = statuses(tmp_path, body)[0]
    assert status == "cannot check" and "layout numerator" in message


def test_a_column_gradient_of_a_number_needs_no_layout(tmp_path):
    body = SQUARE + "\\[ \\frac{\\partial (x^T A x)}{\\partial x} = (A + A^T) x \\]\n"
    body += "\\[ \\frac{\\partial (x^T A x)}{\\partial x} = 2 A x \\]\n"
    found = [s for s, _ in statuses(tmp_path, body)]
    assert found[0] == "ok" and found[1] != "ok"  # 2Ax needs A symmetric


def test_a_derivative_by_a_transpose_is_the_transposed_gradient(tmp_path):
    body = "Let $X \\in \\mathbb{R}^{m \\times n}$ and $B \\in \\mathbb{R}^{n \\times m}$.\n"
    body += "\\[ \\frac{\\partial \\operatorname{tr}(BX)}{\\partial X^T} = B \\]\n"
    body += "\\[ \\frac{\\partial \\operatorname{tr}(BX)}{\\partial X} = B^T \\]\n"
    body += "\\[ \\frac{\\partial \\operatorname{tr}(BX)}{\\partial X^T} = B^T \\]\n"
    assert [s for s, _ in statuses(tmp_path, body)] == ["ok", "ok", "shape error"]


def test_a_negated_derivative_is_the_derivative_of_minus_f(tmp_path):
    body = SQUARE + "\\[ -\\frac{\\partial (x^T x)}{\\partial x} = -2x \\]\n\\[ -\\nabla_x (x^T x) = 2x \\]\n"
    found = statuses(tmp_path, body)
    assert found[0][0] == "ok"
    assert found[1] == ("does not follow", "the sign differs")


def test_a_layout_is_stated_only_without_a_hedge():
    assert layout_stated("Throughout, we use numerator layout.") == "numerator"
    assert layout_stated("One could use the numerator layout instead.") is None
    assert layout_stated("Gradients are in denominator-layout: they have the shape of X.") == "denominator"


# ∇_X f inside an expression: its value (gen/texcheck/gradients.py). By hand: ∇_x tr(xᵀAμ) = Aμ,
# ∇_x tr(μᵀAx) = Aᵀμ, ∇_μ μᵀAμ = (A + Aᵀ)μ; ∇_w (1/n)‖Aw − x‖² = (2/n)Aᵀ(Aw − x); ∇_X tr(XA) = Aᵀ
# = ∇_Y tr(AY), while ∇_Y tr(AᵀY) = A.
VECTORS = "% derivtex: A: n x n; \\mu, x, w: n; \\eta: scalar\n"


def test_a_sum_of_gradients_by_a_dummy_variable(tmp_path):
    body = VECTORS + "\\[ \\nabla_\\mu \\operatorname{tr}(\\mu^TA\\mu) "
    body += "= \\nabla_x \\operatorname{tr}(x^TA\\mu)"
    body += " + \\nabla_x \\operatorname{tr}(\\mu^TAx) = A\\mu + A^T\\mu \\]\n"
    body += "\\[ \\nabla_\\mu \\operatorname{tr}(\\mu^TA\\mu) "
    body += "= 2 \\nabla_x \\operatorname{tr}(x^TA\\mu) \\]\n"
    found = [s for s, _ in statuses(tmp_path, body)]
    assert found == ["ok", "ok", "does not follow"]  # 2Aμ needs A symmetric


def test_a_gradient_step(tmp_path):
    step = "w - \\eta \\nabla_w \\frac{1}{n} \\lVert A w - x \\rVert_2^2"
    body = VECTORS + f"\\[ {step} = w - \\eta \\frac{{2}}{{n}} A^T (A w - x) \\]\n"
    body += f"\\[ {step} = w - \\eta \\frac{{2}}{{n}} A (A w - x) \\]\n"
    assert [s for s, _ in statuses(tmp_path, body)] == ["ok", "does not follow"]


def test_gradients_by_two_different_variables_compare_their_values(tmp_path):
    body = "% derivtex: A, X, Y: n x n\n"
    body += "\\[ \\nabla_X \\operatorname{tr}(X A) = \\nabla_Y \\operatorname{tr}(A Y) \\]\n"
    body += "\\[ \\nabla_X \\operatorname{tr}(X A) = \\nabla_Y \\operatorname{tr}(A^T Y) \\]\n"
    body += "\\[ \\nabla_X \\operatorname{tr}(X A) "
    body += "= \\left(\\nabla_X \\operatorname{tr}(X^T A)\\right)^T \\]\n"
    found = [s for s, _ in statuses(tmp_path, body)]
    assert found == ["ok", "does not follow", "ok"]


def test_a_gradient_value_by_a_symmetric_matrix_is_not_guessed(tmp_path):
    body = "% derivtex: A: n x n; S: n x n symmetric\n"
    body += "\\[ A + \\nabla_S \\operatorname{tr}(S A) = A + A^T \\]\n"
    status, message = statuses(tmp_path, body)[0]
    assert status == "cannot check" and "symmetric" in message


def test_a_jacobian_value_needs_a_stated_layout(tmp_path):
    body = VECTORS + "\\[ x^T \\nabla_w (A w) = x^T A^T \\]\n"
    status, message = statuses(tmp_path, body)[0]
    assert status == "cannot check" and "% derivtex: layout denominator" in message
    body = VECTORS + "% derivtex: layout denominator\n\\[ x^T \\nabla_w (A w) = x^T A^T \\]\n"
    body += "\\[ x^T \\nabla_w (A w) = x^T A \\]\n"
    assert [s for s, _ in statuses(tmp_path, body)] == ["ok", "does not follow"]


def test_partial_derivatives_inside_an_expression(tmp_path):
    # ∂tr(XA)/∂X = Aᵀ and ∂tr(XA)/∂Xᵀ = A (by hand, from d tr(XA) = tr(A dX))
    body = "% derivtex: A, X: n x n\n"
    body += "\\[ \\frac{\\partial \\operatorname{tr}(X A)}{\\partial X} = "
    body += "\\left(\\frac{\\partial \\operatorname{tr}(XA)}{\\partial X^T}\\right)^T \\]\n"
    body += "\\[ \\frac{\\partial \\operatorname{tr}(X A)}{\\partial X} "
    body += "= \\frac{\\partial \\operatorname{tr}(XA)}{\\partial X^T} \\]\n"
    body += "\\[ A + \\frac{\\partial \\operatorname{tr}(X A)}{\\partial X} "
    body += "= 2 \\frac{\\partial}{\\partial X} \\operatorname{tr}(XA) \\]\n"
    found = [s for s, _ in statuses(tmp_path, body)]
    assert found == ["ok", "does not follow", "does not follow"]  # the last holds only for A symmetric


def test_a_derivative_by_an_entry_stays_index_notation(tmp_path):
    body = "% derivtex: A, X: n x n\n"
    body += "\\[ \\frac{\\partial}{\\partial X} \\operatorname{tr}(X) "
    body += "= \\frac{\\partial X_{ii}}{\\partial X_{kl}} \\]\n"
    body += "\\[ A + \\frac{\\partial X_{ij}}{\\partial X_{kl}} A = A + A \\]\n"
    assert [s for s, _ in statuses(tmp_path, body)] == ["not understood", "not understood"]


def test_a_gradient_by_a_name_its_function_does_not_contain_cannot_be_checked(tmp_path):
    # δ = ∇_a f with f(W) defined: the dependence on a is said in words, never read as ∇_a f = 0
    body = r"""Let $W \in \mathbb{R}^{m\times n}$ and $x \in \mathbb{R}^{n}$, write
$f(W) = \lVert Wx\rVert^{2}$ and $\delta = \nabla_{a} f$.
\[ \nabla_{W} f = \delta x^{\top} \]
"""
    status, message = statuses(tmp_path, body)[0]
    assert status == "cannot check" and "does not contain a" in message


def test_a_layout_named_for_a_case_is_not_the_texts():
    # derivtex's own appendix: the convention, then the case a spec may ask for
    text = (
        r"Gradients are in denominator layout: $\nabla_X f$ has the shape of $X$; in numerator layout, "
        r"where a spec asks for it, $\partial f/\partial X = (\nabla_X f)^{\top}$."
    )
    assert layout_stated(text) == "denominator"
