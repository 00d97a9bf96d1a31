"""``derivtex check`` on the entry of a function's value in index notation: ``s(\\mathbf x)_i`` with
``s`` defined (gen/texcheck/indexfunctions.py), a derivative by an entry of the same index (the
diagonal), and one for j ≠ i that texts write without saying so. Each expected status is the
identity's truth worked out by hand (noted beside it): s = softmax(x), s_i = e^{x_i} / Σ_j e^{x_j},
∂s_i/∂x_j = s_i (δ_ij − s_j)."""

from __future__ import annotations

import pytest
from helpers import checked_in_paper

SOFTMAX = "% derivtex: x: n; A: n x n; c: scalar; s(v) := \\operatorname{softmax}(v)\n"


def outcomes(tmp_path, body: str, preamble: str = SOFTMAX):
    return checked_in_paper(tmp_path, f"{preamble}\\begin{{equation}}\n{body}\n\\end{{equation}}\n")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (r"s(\mathbf x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}", ["ok"]),  # the definition of softmax
        (r"s(x)_i = \frac{e^{x_i}}{\sum_j e^{2 x_j}}", ["does not follow"]),  # squares in the sum
        (r"s(x)_i = \frac{e^{-x_i}}{\sum_j e^{-x_j}}", ["does not follow"]),  # softmax(-x)
        (r"\frac{\partial s(x)_i}{\partial x_i} = s(x)_i (1 - s(x)_i)", ["ok"]),  # δ_ii = 1
        (r"\frac{\partial s(x)_i}{\partial x_i} = s(x)_i", ["does not follow"]),  # the s_i² is missing
        (r"\frac{\partial s(x)_i}{\partial x_j} = s(x)_i (\delta_{ij} - s(x)_j)", ["ok"]),  # the Jacobian
        (r"\frac{\partial s(x)_i}{\partial x_j} = s(x)_i s(x)_j", ["does not follow"]),  # sign, off i = j too
        (r"\sum_i s(x)_i = 1", ["ok"]),  # a distribution
        (r"s(\mathbf x + c)_i = s(\mathbf x)_i", ["ok"]),  # e^c cancels: c added to each entry
        (r"s(c x)_i = s(x)_i", ["does not follow"]),  # a scale does not cancel
        (r"s(x + c)_i = \frac{e^{x_i + c}}{\sum_j e^{x_j}}", ["does not follow"]),  # e^c, once
        (r"\sigma(x)_i = \frac{1}{1 + e^{-x_i}}", ["ok"]),  # the logistic function, entrywise
        (r"\exp(x)_i = e^{x_i}", ["ok"]),
        (r"(A x)_i = \sum_j A_{ij} x_j", ["ok"]),  # a bracket after no name: not a function's value
    ],
)
def test_the_entry_of_a_defined_function(tmp_path, body, expected):
    assert [o.status for o in outcomes(tmp_path, body)] == expected


def test_a_derivative_for_j_not_i_is_not_decided(tmp_path):
    """∂s_i/∂x_j = −s_i s_j holds only for j ≠ i (for j = i it is s_i − s_i²): texts write it after
    the case j = i. Neither ok (false at i = j) nor does not follow (the text means j ≠ i)."""
    (found,) = outcomes(tmp_path, r"\frac{\partial s(x)_i}{\partial x_j} = - s(x)_i s(x)_j")
    assert found.status == "cannot check"
    assert "agree only where i ≠ j" in found.message


def test_a_difference_only_on_the_diagonal_without_a_derivative_is_decided(tmp_path):
    """δ_ij = 2I differs from I on the diagonal only: no derivative by an entry, no assumption j ≠ i."""
    (found,) = outcomes(tmp_path, r"\delta_{ij} = 2I")
    assert found.status == "does not follow"


def test_an_undefined_function_is_not_guessed(tmp_path):
    (found,) = outcomes(tmp_path, r"\phi(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}")
    assert found.status == "cannot check"
    assert "% derivtex: phi(x) := <LaTeX>" in found.message


def test_the_softmax_of_a_matrix_names_no_axis(tmp_path):
    """softmax(A)_{ij}: of A's rows or of its columns? The entry alone does not say."""
    (found,) = outcomes(tmp_path, r"s(A)_{ij} = \frac{e^{A_{ij}}}{\sum_k e^{A_{ik}}}")
    assert found.status == "cannot check"
    assert "softmax of a matrix" in found.message


def test_a_number_added_to_a_matrix_is_not_guessed(tmp_path):
    """A + c: c added to each entry, or c I? Texts write both."""
    (found,) = outcomes(tmp_path, r"(A + c)_{ij} = A_{ij} + c")
    assert found.status == "cannot check"
    assert "a number added to a matrix" in found.message


# --- a family of vectors in a sum: x_1, …, x_N declared x_i: d -----------------------------

FAMILY = "% derivtex: u: d; x_i: d; N: scalar\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # (uᵀx_i)² = (uᵀx_i)(x_iᵀu), summed: uᵀ(Σ x_i x_iᵀ)u
        (r"\frac{1}{N} \sum_{i=1}^N (u^T x_i)^2 = u^T (\frac{1}{N} \sum_{i=1}^N x_i x_i^T) u", ["ok"]),
        # Cauchy–Schwarz bounds it, equal only where each x_i is along u
        (r"\sum_{i=1}^N (u^T x_i)^2 = u^T u \sum_{i=1}^N x_i^T x_i", ["does not follow"]),
        (r"\sum_{i=1}^{N} 1 = N", ["ok"]),  # N terms: the bound is the count
        (r"\sum_{i=1}^{N} 1 = 2N", ["does not follow"]),
        (r"\sum_{i=1}^{N} u^T x_i = u^T \sum_{i=1}^{N} x_i", ["ok"]),  # linearity
    ],
)
def test_a_family_of_vectors_in_a_sum(tmp_path, body, expected):
    assert [o.status for o in outcomes(tmp_path, body, FAMILY)] == expected


def test_a_family_is_one_whatever_letter_its_sum_runs_over(tmp_path):
    # x_i, x_j: d declared alike are one family x (the SVM dual, iq-ai-lab's notes): the square of
    # a sum is the double sum over i and j (by hand: expand (Σ_j a_j x_j)ᵀ(Σ_i a_i x_i)), not Σ a_j² |x_j|²
    notes = "% derivtex: x_i, x_j: d; a: n\n"
    right = r"\|\sum_{j} a_j x_j\|^2 = \sum_{i, j} a_i a_j x_i^\top x_j"
    assert [o.status for o in outcomes(tmp_path, right, notes)] == ["ok"]
    wrong = r"\|\sum_{j} a_j x_j\|^2 = \sum_{j} a_j^2 \|x_j\|^2"
    assert [o.status for o in outcomes(tmp_path, wrong, notes)] == ["does not follow"]


def test_a_number_declared_for_each_entry_of_a_vector_is_its_entry(tmp_path):
    # α_i: scalar beside α: n (as annotators write): α_i is α's i-th entry, so Σ_i α_i y_i = αᵀy
    notes = "% derivtex: \\alpha_i, y_i: scalar; \\alpha, y: n\n"
    assert [o.status for o in outcomes(tmp_path, r"\sum_i \alpha_i y_i = \alpha^T y", notes)] == ["ok"]
    assert [o.status for o in outcomes(tmp_path, r"\sum_i \alpha_i y_i = \alpha^T \alpha", notes)] == [
        "does not follow"
    ]


def test_a_function_with_a_sum_in_its_body_is_applied_to_its_argument(tmp_path):
    # f(w) := Σ_i (wᵀx_i)²; f(v) is Σ_i (vᵀx_i)², never the body as written with w (a false ok before)
    notes = "% derivtex: w, v, x_i: d\n% derivtex: f(w) := \\sum_{i=1}^n (w^\\top x_i)^2\n"
    assert [o.status for o in outcomes(tmp_path, r"f(v) = \sum_{i=1}^n (v^\top x_i)^2", notes)] == ["ok"]
    assert [o.status for o in outcomes(tmp_path, r"f(v) = \sum_{i=1}^n (w^\top x_i)^2", notes)] == [
        "does not follow"
    ]


def test_a_sum_over_a_family_without_its_bound_is_not_guessed(tmp_path):
    (found,) = outcomes(tmp_path, r"\sum_i (u^T x_i)^2 = u^T (\sum_i x_i x_i^T) u", FAMILY)
    assert found.status == "not understood"
    assert "the range of the index i is not known" in found.message and "\\sum_{i=1}^{n}" in found.message


def test_a_member_written_alone_and_in_a_sum_is_not_understood(tmp_path):
    """x_i outside the sum is one vector, inside it the family: two readings of one name."""
    (found,) = outcomes(tmp_path, r"u^T x_i + \sum_{i=1}^N u^T x_i = u^T x_i + u^T \sum_{i=1}^N x_i", FAMILY)
    assert found.status == "not understood"


def test_a_definition_in_index_notation_is_skipped(tmp_path):
    """S = (1/N) Σ x_i x_iᵀ: S alone on the left, nowhere else: a definition, not an identity."""
    (found,) = outcomes(tmp_path, r"S = \frac{1}{N} \sum_{i=1}^N x_i x_i^T", FAMILY)
    assert found.status == "skipped"


def test_a_family_declared_in_the_prose_with_an_undeclared_count(tmp_path):
    """x_i ∈ ℝ^d said in words; N only the sums' bound (and 1/N): a number, the count."""
    prose = "Let $x_i \\in \\mathbb{R}^d$ for $i = 1, \\dots, N$ and $u \\in \\mathbb{R}^d$.\n"
    found = outcomes(
        tmp_path, r"\frac{1}{N} \sum_{i=1}^N (u^T x_i)^2 = \frac{1}{N} \sum_{i=1}^N u^T x_i x_i^T u", prose
    )
    assert [o.status for o in found] == ["ok"]
    found = outcomes(tmp_path, r"\sum_{i=1}^N (u^T x_i)^2 = N u^T u", prose)  # not N|u|² at random x_i
    assert [o.status for o in found] == ["does not follow"]


def test_a_derivative_by_an_entry_of_a_number_is_decided_on_the_diagonal(tmp_path):
    """∂tr(X)/∂X_kl = δ_kl: −δ_kl differs only where k = l, and no function's index pairs with
    k or l (nothing a text would leave to j ≠ i): does not follow."""
    preamble = "% derivtex: X: n x n\n"
    body = r"\frac{\partial \operatorname{tr}(X)}{\partial X_{kl}} = -\delta_{kl}"
    assert [o.status for o in outcomes(tmp_path, body, preamble)] == ["does not follow"]


def test_a_function_defined_in_a_display_then_its_entry(tmp_path):
    """g defined by a display (a name applied to names, alone on the left), then g(x)_i read
    through it; e^{\\mathbf x} of a vector is each entry's exponential."""
    text = (
        "% derivtex: x: n\n\\[\ng(\\mathbf x) = \\operatorname{softmax}(\\mathbf x)\n\\]\n"
        "\\[\ng(\\mathbf x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}\n\\]\n"
        "\\[\n(e^{\\mathbf x})_i = e^{x_i}\n\\]\n"
        "\\[\n(e^{2 \\mathbf x})_i = e^{x_i}\n\\]\n"
    )
    found = checked_in_paper(tmp_path, text)
    assert [o.status for o in found] == ["skipped", "ok", "ok", "does not follow"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # by hand: d/dy_k log y_k = 1/y_k, d/dy_k y_k^{3/2} = (3/2) y_k^{1/2}; the complex step must not
        # take the principal branch at a negative draw (log(−2 + ih) has imaginary part π)
        (r"\frac{\partial}{\partial y_k} \log y_k = \frac{1}{y_k}", ["ok"]),
        (r"\frac{\partial}{\partial y_k} \log y_k = -\frac{1}{y_k}", ["does not follow"]),
        (r"\frac{\partial}{\partial y_k} \sum_u \log y_u = \frac{1}{y_k}", ["ok"]),
        (r"\frac{\partial}{\partial y_k} \sqrt{y_k} = \frac{1}{2 \sqrt{y_k}}", ["ok"]),
        (r"\frac{\partial}{\partial y_k} y_k^{3/2} = \frac32 y_k^{1/2}", ["ok"]),
        (r"\frac{\partial}{\partial y_k} y_k^{3/2} = \frac32 y_k^{3/2}", ["does not follow"]),
    ],
)
def test_a_derivative_of_a_function_defined_for_positive_entries(tmp_path, body, expected):
    assert [o.status for o in outcomes(tmp_path, body, "% derivtex: y: n\n")] == expected
