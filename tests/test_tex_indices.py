"""``derivtex check`` on index notation (gen/expr/texindex.py, gen/texcheck/indices.py): entries,
sums and products over an index, Kronecker deltas, derivatives by an entry, the summation
convention. Each expected status is the identity's truth worked out by hand (noted beside it)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import checked_in_paper

from gen.errors import Span
from gen.expr.parser import BinOp, Name
from gen.expr.tex import parse_tex
from gen.expr.texindex import Entry, IndexSum
from gen.spec.reader import Text

SQUARE = "% derivtex: A, B, X: n x n; x, y: n\n"


def statuses(tmp_path, body: str, preamble: str = SQUARE) -> list[str]:
    return [
        o.status
        for o in checked_in_paper(tmp_path, f"{preamble}\\begin{{equation}}\n{body}\n\\end{{equation}}\n")
    ]


def messages(tmp_path, body: str, preamble: str = SQUARE) -> list[str]:
    return [
        o.message
        for o in checked_in_paper(tmp_path, f"{preamble}\\begin{{equation}}\n{body}\n\\end{{equation}}\n")
    ]


def parse(latex: str):
    return parse_tex(Text(latex, Span("")))


# --- reading --------------------------------------------------------------------------------


def test_an_entry_of_an_expression_and_a_sum_are_read():
    assert parse("(AB)_{ij}") == Entry(BinOp("*", Name("A", 1), Name("B", 2), 2), ("i", "j"), 4, True)
    tree = parse(r"\sum_{j=1}^{n} A_{ij} B_{jk} + 1")
    assert isinstance(tree, BinOp) and tree.op == "+"
    assert tree.left == IndexSum("sum", ("j",), BinOp("*", Name("A_ij", 15), Name("B_jk", 22), 22), 0, "n")


def test_the_two_scripts_of_one_base_take_the_transpose_first():
    """``(BA)_{pq}^T`` is set as ``(BA)^T_{pq}``: the (p, q) entry of the transpose, not a number's."""
    for tree in (parse("(BA)_{pq}^T"), parse("(BA)^T_{pq}")):
        assert isinstance(tree, Entry) and tree.indices == ("p", "q")
        assert tree.operand.op == "T" and tree.operand.operand == BinOp("*", Name("B", 1), Name("A", 2), 2)


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        (r"\sum_{i=2}^{n} x_i", "a sum from 2 is not over a full range"),
        (r"\sum_{i=1}^{3} x_i", "a sum up to a number is not over a full range"),
        ("(AB)_{+}", "the subscript '+' is not an index"),
    ],
)
def test_what_is_not_index_notation_is_refused(latex, message):
    from gen.errors import SpecError

    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace("+", r"\+")):
        parse(latex)


# --- checking: each status worked out by hand ----------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (r"\sum_i x_i y_i = x^T y", ["ok"]),  # the inner product, entry by entry
        (r"\sum_{j} A_{ij} B_{jk} = (AB)_{ik}", ["ok"]),  # the definition of the product
        (r"(AB)_{ij} = \sum_k A_{kj}B_{ik}", ["does not follow"]),  # Σ_k B_ik A_kj = (BA)_ij
        (r"\sum_{j} \delta_{ij} x_j = x_i", ["ok"]),  # δ picks j = i
        (r"\sum_{i,j} \delta_{ij} A_{ij} = \operatorname{tr}(A)", ["ok"]),  # the diagonal's sum
        (r"\sum_{i} A_{ii} = \operatorname{tr}(A^T)", ["ok"]),  # A_ii: the diagonal
        (r"\prod_i e^{x_i} = e^{\sum_i x_i}", ["ok"]),  # exp of a sum
        (r"\sum_{i} (x_i + 1) = 1^T x + n", ["cannot check"]),  # n, a size as a number: not read
        (r"x_i = x_j", ["does not follow"]),  # two free indices: equal only where i = j
        (r"(BA)_{pq} = BA", ["ok"]),  # the (p, q) entry of BA, indices in alphabetical order
        (r"(BA)_{qp} = BA", ["does not follow"]),  # that is the (p, q) entry of (BA)^T
        (r"(X^T)_{ij} = X_{ji}", ["ok"]),
        (r"\delta_{ij} = I", ["ok"]),  # the identity's entries
        (r"\sum_j \delta_{ij} \delta_{jk} = I", ["ok"]),
        (r"\delta_{ij} = 2I", ["does not follow"]),
        (r"\frac{\partial (x^T A x)}{\partial x_i} = ((A + A^T) x)_i", ["ok"]),  # d(xᵀAx) = xᵀ(A + Aᵀ)dx
        (r"\frac{\partial (x^T A x)}{\partial x_i} = 2 (A x)_i", ["does not follow"]),  # A not symmetric
        (r"\frac{\partial \operatorname{tr}(AX)}{\partial X_{pq}} = A_{qp}", ["ok"]),  # tr(AX) = Σ A_qp X_pq
        (r"\frac{\partial \operatorname{tr}(AX)}{\partial X_{pq}} = A_{pq}", ["does not follow"]),
        (
            r"\frac{\partial}{\partial X} \operatorname{tr}(AX)"
            r" = \frac{\partial \operatorname{tr}(AX)}{\partial X_{pq}}",
            ["ok"],
        ),
    ],
)
def test_links_in_index_notation(tmp_path, body, expected):
    found = statuses(tmp_path, body)
    if expected == ["cannot check"]:  # n is a size, not a symbol: whatever it is, never ok
        assert "ok" not in found
        return
    assert found == expected


def test_a_derivative_by_an_entry_orders_the_entries_of_a_matrix_side(tmp_path):
    """∂tr(AX)/∂X_{ji} = A_{ij}: the gradient's (j, i) entry is A_ij, so the gradient is Aᵀ."""
    chain = r"\frac{\partial \operatorname{tr}(AX)}{\partial X_{ji}} = A_{ij} = "
    assert statuses(tmp_path, chain + "A^T") == ["ok", "ok"]
    assert statuses(tmp_path, chain + "A") == ["ok", "does not follow"]


def test_a_derivative_by_an_entry_of_a_symmetric_matrix_cannot_be_checked(tmp_path):
    preamble = "% derivtex: S: n x n symmetric; A: n x n\n"
    found = statuses(tmp_path, r"\frac{\partial \operatorname{tr}(AS)}{\partial S_{pq}} = A_{qp}", preamble)
    assert found == ["cannot check"]


def test_a_sum_without_its_index_sums_what_only_its_body_uses(tmp_path):
    """``\\sum e^{x_j}`` beside e^{x_i}: over j; ``\\sum x_i`` beside x_i is ambiguous."""
    assert statuses(tmp_path, r"\frac{e^{x_i}}{\sum e^{x_j}} = \frac{e^{x_i}}{\sum_k e^{x_k}}") == ["ok"]
    assert statuses(tmp_path, r"\sum x_i = \sum_j x_j") == ["ok"]
    assert messages(tmp_path, r"\frac{x_i}{\sum x_i} = x_i") == ["write the index of the sum: \\sum_{i}"]


def test_the_report_says_how_a_matrix_side_was_lined_up(tmp_path):
    assert messages(tmp_path, r"(BA)_{pq} = BA") == ["the matrix side's entries taken at (p, q)"]


def test_an_index_over_two_different_dimensions_is_a_shape_error(tmp_path):
    """A is m×n, x has n entries: i cannot index both A's rows and x."""
    preamble = "% derivtex: A: m x n; x: n\n"
    assert statuses(tmp_path, r"\sum_i A_{ij} x_i = (A^T x)_j", preamble) == ["shape error"]


def test_free_indices_that_cannot_be_compared_are_not_understood(tmp_path):
    assert statuses(tmp_path, r"x_i = A") == ["not understood"]


def test_a_link_needing_too_many_entries_cannot_be_checked(tmp_path):
    factors = r"A_{ab}A_{cd}A_{ef}A_{gh}A_{kl}A_{pq}A_{rs}"  # 14 indices: 3^14 entries at n = 3
    body = rf"\sum_{{a,b,c,d,e,f,g,h,k,l,p,q,r,s}} {factors} = (\sum_{{i,j}} A_{{ij}})^7"
    found = checked_in_paper(tmp_path, f"{SQUARE}\\begin{{equation}}\n{body}\n\\end{{equation}}\n")
    assert [o.status for o in found] == ["cannot check"]
    assert "too many entries" in found[0].message


# --- the summation convention ------------------------------------------------------------


def test_the_summation_convention_sums_repeated_indices_where_declared(tmp_path):
    preamble = "% derivtex: A, B: n x n; summation convention\n"
    assert statuses(tmp_path, r"A_{ij} B_{jk} = (AB)_{ik}", preamble) == ["ok"]
    assert statuses(tmp_path, r"A_{ij} B_{jk} = (BA)_{ik}", preamble) == ["does not follow"]
    assert statuses(tmp_path, r"A_{ii} = \operatorname{tr}(A)", preamble) == ["ok"]
    assert statuses(tmp_path, r"\delta_{ik} \delta_{jl} A_{ji} = A_{lk}", preamble) == ["ok"]


def test_a_chain_relying_on_the_convention_unstated_is_refused_with_the_hint(tmp_path):
    found = messages(tmp_path, r"A_{ij} B_{jk} = (AB)_{ik}", "% derivtex: A, B: n x n\n")
    assert len(found) == 1 and "% derivtex: summation convention" in found[0]


def test_a_chain_whose_sides_agree_as_written_is_read_literally(tmp_path):
    """s_i (1 - s_i) repeats i, but the other side leaves i free as well: no convention."""
    body = r"\frac{e^{x_i}}{\sum_k e^{x_k}} \left(1 - \frac{e^{x_i}}{\sum_k e^{x_k}}\right)"
    body += r" = \frac{e^{x_i} \sum_k e^{x_k} - e^{x_i} e^{x_i}}{(\sum_k e^{x_k})^2}"
    assert statuses(tmp_path, body) == ["ok"]


def test_an_index_repeated_and_also_free_is_read_literally(tmp_path):
    """``e^{x_i} e^{x_i}`` beside ``\\sum_j e^{x_j} e^{x_i}``: i is free, the product a square."""
    body = r"\sum_j e^{x_j} e^{x_i} - e^{x_i} e^{x_i} = e^{x_i} \left(\sum_j e^{x_j} - e^{x_i}\right)"
    assert statuses(tmp_path, body) == ["ok"]


# --- a derivative by an entry inside an expression --------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # ∂X_ij/∂X_kl = δ_ik δ_jl, so Σ_ij (∂X_ij/∂X_kl) A_ji = A_lk
        (r"\sum_{i,j} \frac{\partial X_{ij}}{\partial X_{kl}} A_{ji} = A_{lk}", ["ok"]),
        (r"\sum_{i,j} \frac{\partial X_{ij}}{\partial X_{kl}} A_{ji} = A_{kl}", ["does not follow"]),
        (r"\frac{\partial X_{ij}}{\partial X_{kl}} = \delta_{ik} \delta_{jl}", ["ok"]),
        # 2δ_ik δ_jl differs where i = k and j = l and both are 0 elsewhere: both sides are written
        # for i = k (a δ), so their agreement apart says nothing; the factor 2 does not follow
        (r"\frac{\partial X_{ij}}{\partial X_{kl}} = 2\delta_{ik} \delta_{jl}", ["does not follow"]),
        # ∂(X_ij X_ji)/∂X_pq summed over i, j (tr X²): X_qp + X_qp
        (
            r"\sum_{i,j} \left(\frac{\partial X_{ij}}{\partial X_{pq}} X_{ji}"
            r" + X_{ij}\frac{\partial X_{ji}}{\partial X_{pq}}\right) = 2 X_{qp}",
            ["ok"],
        ),
        (
            r"\sum_{i,j} \left(\frac{\partial X_{ij}}{\partial X_{pq}} X_{ji}"
            r" + X_{ij}\frac{\partial X_{ji}}{\partial X_{pq}}\right) = 2 X_{pq}",
            ["does not follow"],
        ),
        # ∂(xᵀAx)/∂x_i inside a product: 3 ((A + Aᵀ)x)_i
        (r"3 \frac{\partial (x^T A x)}{\partial x_i} = 3 ((A + A^T) x)_i", ["ok"]),
    ],
)
def test_a_derivative_by_an_entry_inside_an_expression(tmp_path, body, expected):
    assert statuses(tmp_path, body) == expected


def test_a_derivative_by_an_entry_under_the_convention(tmp_path):
    """The corpus's ∂tr(XA)/∂X: ∂X_ij/∂X_kl A_ji = δ_ik δ_jl A_ji = A_lk (summed over i, j)."""
    preamble = "% derivtex: A, X: n x n; summation convention\n"
    chain = r"\frac{\partial X_{ij}}{\partial X_{kl}} A_{ji} = \delta_{ik} \delta_{jl} A_{ji} = "
    assert statuses(tmp_path, chain + "A_{lk}", preamble) == ["ok", "ok"]
    assert statuses(tmp_path, chain + "A_{kl}", preamble) == ["ok", "does not follow"]


def test_a_derivative_by_an_entry_with_the_base_in_braces(tmp_path):
    """``\\partial{A}_{lm}`` is ``\\partial A_{lm}``: ∂tr(AB)/∂A_lm = B_ml."""
    preamble = "% derivtex: A: n x m; B: m x n\n"
    body = r"\frac{\partial}{\partial{A}_{lm}} \operatorname{tr}(AB) = "
    assert statuses(tmp_path, body + "B_{ml}", preamble) == ["ok"]
    assert statuses(tmp_path, body + "B_{lm}", preamble) == ["shape error"]  # B_lm: l runs over n and m
    inside = r"2\frac{\partial \operatorname{tr}(AB)}{\partial{A}_{lm}} = "
    assert statuses(tmp_path, inside + "2B_{ml}", preamble) == ["ok"]


def test_an_index_with_one_value_is_a_misreading(tmp_path):
    """σ(θ) with σ undeclared reads as σ times θ; e^{…} then makes θ a number and θ_k meaningless."""
    found = messages(
        tmp_path, r"\frac{\partial}{\partial \theta_k} e^{\log \sigma(\theta)} = e^{\log \sigma(\theta)}", ""
    )
    assert found and "one value" in found[0]


def test_the_convention_is_evident_from_two_sides_of_a_longer_chain(tmp_path):
    """A_ij x_j = (Ax)_i holds summed over j (false as written); a third side with another free
    index does not make the chain literal: all of it is refused with the hint."""
    found = messages(tmp_path, r"A_{ij} x_j = (Ax)_i = (Ax)_k")
    assert len(found) == 2 and all("% derivtex: summation convention" in m for m in found)


def test_a_matrix_beside_different_free_indices_is_not_understood(tmp_path):
    """A + X_ik A has free i, k and a matrix value: no entry of 2A is meant."""
    found = messages(tmp_path, r"A + X_{ik} A = 2A")
    assert found == [
        "the sides have the free indices {i, k} and {} and matrix values: they cannot be compared"
    ]


def test_a_derivative_among_many_indices_is_evaluated_by_its_own_indices(tmp_path):
    """∂(X_ij X_jk B_ki)/∂X_pq summed over i, j, k (∂tr(X²B)/∂X_pq) = (XB)_qp + (BX)_qp: the
    derivatives' f has two indices, so the work is n² evaluations of n² numbers, not n⁹."""
    preamble = "% derivtex: X, B: n x n; summation convention\n"
    body = (
        r"\frac{\partial X_{ij}}{\partial X_{pq}} X_{jk}B_{ki}"
        r" + X_{ij}\frac{\partial X_{jk}}{\partial X_{pq}}B_{ki} = "
    )
    assert statuses(tmp_path, body + "(XB)_{qp}+(BX)_{qp}", preamble) == ["ok"]
    assert statuses(tmp_path, body + "(XB)_{pq}+(BX)_{pq}", preamble) == ["does not follow"]


def test_a_derivative_of_a_matrix_by_an_entry_cannot_be_checked(tmp_path):
    """∂X/∂X_{kl} is the matrix with a 1 at (k, l) (not a shape error): only entries are checked."""
    found = checked_in_paper(
        tmp_path,
        f"{SQUARE}\\begin{{equation}}\n\\frac{{\\partial X}}{{\\partial X_{{kl}}}} = A\n\\end{{equation}}\n",
    )
    assert [o.status for o in found] == ["cannot check"] and "write its entries" in found[0].message


# --- a loss never written out, in index notation ------------------------------------------------

# Batch normalisation's scale and shift (Ioffe and Szegedy 2015, §3; saikrishnaponnam's notes in
# tests/tex_heldout_incoming): y_i = γ x̂_i + β, so for any loss L, ∂L/∂γ = Σ_i ∂L/∂y_i x̂_i and
# ∂L/∂β = Σ_i ∂L/∂y_i, ∂L/∂x̂_i = γ ∂L/∂y_i, by the chain rule (by hand).
SHIFT = "% derivtex: x, y: m; \\gamma, \\beta: scalar\n% derivtex: y_i := \\gamma x_i + \\beta\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (r"\frac{\partial L}{\partial \gamma} = \sum_{i=1}^m \frac{\partial L}{\partial y_i} x_i", ["ok"]),
        (
            r"\frac{\partial L}{\partial \gamma} = \sum_{i=1}^m \frac{\partial L}{\partial y_i}"
            r"\frac{\partial y_i}{\partial \gamma}",
            ["ok"],
        ),
        (r"\frac{\partial L}{\partial \beta} = \sum_{i=1}^m \frac{\partial L}{\partial y_i}", ["ok"]),
        (r"\frac{\partial L}{\partial x_i} = \gamma \frac{\partial L}{\partial y_i}", ["ok"]),
        (
            r"\frac{\partial L}{\partial \beta} = \sum_{i=1}^m \frac{\partial L}{\partial y_i} x_i",
            ["does not follow"],
        ),
        (r"\frac{\partial L}{\partial x_i} = \frac{\partial L}{\partial y_i}", ["does not follow"]),
    ],
)
def test_a_loss_never_written_out_is_differentiated_through_entry_definitions(tmp_path, body, expected):
    assert statuses(tmp_path, body, SHIFT) == expected


def test_a_derivative_of_a_symbol_the_text_relates_only_in_words(tmp_path):
    # z_k and h_j both declared, z never defined: ∂z_k/∂h_j = W_kj is true of z = Wh + b, which the
    # text says in prose only; as written z does not depend on h, and the link is not a slip
    preamble = "% derivtex: z: K; h: n; W: K x n\n"
    body = r"\frac{\partial z_k}{\partial h_j} = W_{kj}"
    assert statuses(tmp_path, body, preamble) == ["cannot check"]
    assert "z as written does not contain h" in messages(tmp_path, body, preamble)[0]
    defined = preamble + "% derivtex: b: K; z := W h + b\n"
    assert statuses(tmp_path, body, defined) == ["ok"]


def test_a_name_for_the_upstream_gradient_of_a_loss_never_written_out(tmp_path):
    # δ_i := ∂L/∂y_i, the batch-norm notes' name for the upstream gradient: ∂L/∂γ = Σ_i δ_i x_i and
    # ∂L/∂β = Σ_i δ_i (the chain rule, by hand); the definition of y_i is not read inside δ's
    preamble = SHIFT + "% derivtex: \\delta: m; \\delta_i := \\frac{\\partial L}{\\partial y_i}\n"
    body = r"\frac{\partial L}{\partial \gamma} = \sum_{i=1}^m \delta_i x_i"
    assert statuses(tmp_path, body, preamble) == ["ok"]
    assert statuses(tmp_path, body.replace("x_i", "y_i"), preamble) == ["does not follow"]


def test_the_indices_of_a_derivatives_variable_are_fixed_in_what_it_differentiates(tmp_path):
    # ∂(W_{ji} h_i)/∂W_{ji} = h_i (jordancoblin's backprop post): i and j name the entry
    # differentiated by, so the repeated i is no sum (by hand: one term of W h depends on W_{ji})
    preamble = "% derivtex: W: K x n; h: n\n"
    assert statuses(tmp_path, r"\frac{\partial}{\partial W_{j,i}} W_{j,i} h_i = h_i", preamble) == ["ok"]
    square = "% derivtex: W: n x n; h: n\n"  # h_j of the row index: another entry
    assert statuses(tmp_path, r"\frac{\partial}{\partial W_{j,i}} W_{j,i} h_i = h_j", square) == [
        "does not follow"
    ]


def test_an_entry_defined_as_its_bold_spelling_is_the_same_name(tmp_path):
    # x_i := \mathbf{x}_i names one thing twice (derivtex reads \mathbf{x} as x): nothing to expand;
    # Σ_i β_i x_i = βx (β a row); twice that is not
    notes = "% derivtex: \\boldsymbol{\\beta}: 1 x n; \\mathbf{x}: n\n% derivtex: x_i := \\mathbf{x}_i\n"
    assert statuses(tmp_path, r"\sum_{i=1}^{n} \beta_i x_i = \boldsymbol{\beta}\mathbf{x}", notes) == ["ok"]
    body = r"\sum_{i=1}^{n} \beta_i x_i = 2\boldsymbol{\beta}\mathbf{x}"
    assert statuses(tmp_path, body, notes) == ["does not follow"]


def test_a_bracket_sized_m_by_n_is_the_matrix_of_its_entries(tmp_path):
    # ∇_X tr(XA) = [A_ji]_{m×n} = Aᵀ (d tr(XA) = tr(A dX)); [A_ij]_{n×m} is A, not the gradient
    notes = "% derivtex: X: m x n; A: n x m\n"
    assert statuses(tmp_path, r"\nabla_{X} \operatorname{tr}(XA) = [A_{ji}]_{m \times n}", notes) == ["ok"]
    square = "% derivtex: X, A: n x n\n"
    wrong = r"\nabla_{X} \operatorname{tr}(XA) = [A_{ij}]_{n \times n}"
    assert statuses(tmp_path, wrong, square) == ["does not follow"]
    # the entries by ∂/∂X_ij of the sum over \ell and k, the index \ell written as such
    entries = r"\frac{\partial}{\partial X_{ij}} \sum_{\ell=1}^{m} \sum_{k=1}^{n} X_{\ell k} A_{k \ell}"
    body = rf"\Big[{entries}\Big]_{{m \times n}} = A^T"
    assert statuses(tmp_path, body, notes) == ["ok"]


def test_a_family_member_the_text_also_defines_is_its_definition(tmp_path):
    # c_k: scalar and c_k := vᵀ(x_k − μ): Σ c_k² = Σ (vᵀ(x_k − μ))² (c_k is not one number drawn per k)
    notes = "% derivtex: x_k, \\mu, v: p; n: scalar; c_k: scalar\n% derivtex: c_k := v^T(x_k-\\mu)\n"
    body = r"\sum_{k=1}^n c_k^2 = \sum_{k=1}^n \left(v^T(x_k-\mu)\right)^2"
    assert statuses(tmp_path, body, notes) == ["ok"]
    assert statuses(tmp_path, body.replace("= \\sum", "= 2\\sum"), notes) == ["does not follow"]


def test_a_name_summed_over_its_subscript_is_an_entry_never_one_number(tmp_path):
    # \sum_h x_{ih} w_h ∂x_{ih}/∂x_{ij} = x_{ij} w_j (the delta keeps h = j); read as one number for every
    # h, w_h made the slip x_{ij} w_h (h free, an RMSNorm README's typo) pass
    summed = "\\sum_{h=1}^{H} x_{ih} w_h \\frac{\\partial x_{ih}}{\\partial x_{ij}}"
    assert statuses(tmp_path, f"{summed} = x_{{ij}} w_j", "") == ["ok"]
    assert statuses(tmp_path, f"{summed} = x_{{ij}} w_h", "") == ["does not follow"]
    assert statuses(tmp_path, f"{summed} = 2 x_{{ij}} w_j", "") == ["does not follow"]


def test_lowercase_entries_of_a_declared_matrix(tmp_path):
    # tr(AᵀB) = Σ_ij a_ij b_ij; Σ_ij a_ij b_ji is tr(AB), another number for A, B not symmetric
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 4, 4))
    assert np.isclose(np.trace(a.T @ b), np.sum(a * b)) and not np.isclose(np.trace(a.T @ b), np.sum(a * b.T))
    sums = "\\sum_{i=1}^{n}\\sum_{j=1}^{n}"
    assert statuses(tmp_path, f"\\operatorname{{tr}}(A^T B) = {sums} a_{{ij}} b_{{ij}}") == ["ok"]
    assert statuses(tmp_path, f"\\operatorname{{tr}}(A^T B) = {sums} a_{{ij}} b_{{ji}}") == [
        "does not follow"
    ]


def test_a_vector_of_a_family_beside_its_matrix_asks_which(tmp_path):
    # y_i beside Y: m × n is a row (or a column) of Y, as texts say in words: never Y's entries
    found = messages(
        tmp_path,
        "\\sum_{i=1}^m y_i \\log s_i^\\top = \\operatorname{tr}(Y \\log S^\\top)",
        "% derivtex: Y, S: m x n\n",
    )
    assert len(found) == 1 and "rows or columns" in found[0] and "Y := \\begin{bmatrix}" in found[0]


def test_a_term_after_a_sum_that_uses_its_index_is_not_read_as_outside_it(tmp_path):
    # Σ_ij A_ij (x_i + y_j) = Σ_ij (A_ij x_i + A_ij y_j); written without the brackets, the second term's
    # i and j are free in no other side: the text means the sum to go on, which only brackets say
    left = "\\sum_{i,j} A_{ij} (x_i + y_j)"
    assert statuses(tmp_path, f"{left} = \\sum_{{i,j}} (A_{{ij}} x_i + A_{{ij}} y_j)") == ["ok"]
    assert statuses(tmp_path, f"{left} = \\sum_{{i,j}} (A_{{ij}} x_i - A_{{ij}} y_j)") == ["does not follow"]
    found = messages(tmp_path, f"{left} = \\sum_{{i,j}} A_{{ij}} x_i + A_{{ij}} y_j")
    assert len(found) == 1 and "free in a term after a sum" in found[0]


def test_a_family_of_row_vectors_declared_so_is_stacked_as_rows(tmp_path):
    # y_i, s_i: 1 x n, the rows of Y and S (a batch of softmax outputs): Σ_i y_i log s_iᵀ = tr(Y log Sᵀ)
    rng = np.random.default_rng(5)
    y, s = rng.random((2, 3, 4))
    assert np.isclose(sum(y[i] @ np.log(s[i]) for i in range(3)), np.trace(y @ np.log(s).T))
    rows = (
        "% derivtex: m, n: scalar; y_i, s_i: 1 x n\n"
        "% derivtex: Y := \\begin{bmatrix} y_1 \\\\ \\vdots \\\\ y_m \\end{bmatrix}; "
        "S := \\begin{bmatrix} s_1 \\\\ \\vdots \\\\ s_m \\end{bmatrix}\n"
    )
    link = "\\sum_{i=1}^m y_i \\log s_i^\\top = {k}\\operatorname{tr}(Y \\log S^\\top)"
    assert statuses(tmp_path, link.replace("{k}", ""), rows) == ["ok"]
    assert statuses(tmp_path, link.replace("{k}", "2"), rows) == ["does not follow"]
