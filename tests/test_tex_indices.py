"""``derivtex check`` on index notation (gen/expr/texindex.py, gen/texcheck/indices.py): entries,
sums and products over an index, Kronecker deltas, derivatives by an entry, the summation
convention. Each expected status is the identity's truth worked out by hand (noted beside it)."""

from __future__ import annotations

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
