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
    body += "\\[ \\frac{\\partial (Ax)}{\\partial x} = A \\]\n\\[ \\frac{\\partial (Ax)}{\\partial x} = A^T \\]\n"
    found = statuses(tmp_path, body)
    assert [s for s, _ in found] == ["ok", "does not follow"]


def test_denominator_layout_stated_in_the_prose(tmp_path):
    body = SQUARE + "We use the denominator layout.\n"
    body += "\\[ \\frac{\\partial (Ax)}{\\partial x} = A^T \\]\n\\[ \\frac{\\partial (Ax)}{\\partial x} = A \\]\n"
    found = statuses(tmp_path, body)
    assert [s for s, _ in found] == ["ok", "does not follow"]


def test_no_layout_stated_and_the_layouts_disagree_cannot_check(tmp_path):
    body = SQUARE + "\\[ \\frac{\\partial (Ax)}{\\partial x} = A \\]\n\\[ \\frac{\\partial (Ax)}{\\partial x} = A^T \\]\n"
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
